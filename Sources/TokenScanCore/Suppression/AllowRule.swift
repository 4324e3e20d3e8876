import Foundation
import TOMLKit

/// A claim-aware allow rule from the configuration: accept tokens by what they are, not where they
/// are — a test issuer's tokens, Supabase anon keys, tokens long expired. All conditions given in
/// one rule must hold.
///
/// ```toml
/// [[allow]]
/// description = "tokens of our test identity provider"
/// issuer = '^https://auth\.test\.acme\.example/'
/// [[allow]]
/// claim = "role"
/// equals = "anon"
/// [[allow]]
/// expiredMoreThanDays = 30
/// ```
public struct AllowRule: Sendable {
    public var description: String
    public var issuer: Pattern?
    public var claim: String?
    public var equals: String?
    public var expiredMoreThanDays: Double?
    public var ruleId: String?
    public var path: Pattern?

    static let keys = ["description", "issuer", "claim", "equals", "expiredMoreThanDays", "ruleId", "path"]

    /// Whether `finding` (with its decoded claims) is accepted at `now`.
    public func accepts(_ finding: Finding, now: Date, scratch: MatchScratch) -> Bool {
        if let ruleId, finding.ruleId != ruleId { return false }
        if let path, !AllowRule.matches(path, finding.path, scratch) { return false }
        let claims = finding.jwt?.claims ?? [:]
        if let issuer {
            guard let iss = claims["iss"]?.string, AllowRule.matches(issuer, iss, scratch) else { return false }
        }
        if let claim {
            guard let value = claims[claim] else { return false }
            if let equals, !(value.strings.contains(equals) || (value.number.map { String($0) } == equals) || (value.bool.map { String($0) } == equals)) {
                return false
            }
        }
        if let days = expiredMoreThanDays {
            guard let exp = claims["exp"]?.number, now.timeIntervalSince1970 - exp > days * 86_400 else { return false }
        }
        return true
    }

    static func matches(_ pattern: Pattern, _ value: String, _ scratch: MatchScratch) -> Bool {
        Array(value.utf8).withUnsafeBytes { (try? scratch.firstMatch(pattern, in: $0, from: 0)) != nil }
    }

    static func parse(_ table: TOMLTable, index: Int, fail: (String) -> ConfigError) throws(ConfigError) -> AllowRule {
        for key in table.keys where !keys.contains(key) {
            throw fail("allow[\(index)]: unknown key '\(key)' (known: \(keys.joined(separator: ", ")))")
        }
        func pattern(_ key: String) throws(ConfigError) -> Pattern? {
            guard let value = table[key] else { return nil }
            guard let source = value.string else { throw fail("allow[\(index)].\(key) must be a string (a PCRE2 pattern)") }
            do {
                return try Pattern(source)
            } catch {
                throw fail("allow[\(index)].\(key) does not compile: \(error)")
            }
        }
        var rule = AllowRule(description: table["description"]?.string ?? "allow rule \(index + 1)")
        rule.issuer = try pattern("issuer")
        rule.path = try pattern("path")
        rule.claim = table["claim"]?.string
        rule.equals = table["equals"]?.string
        rule.ruleId = table["ruleId"]?.string
        if let days = table["expiredMoreThanDays"] {
            guard let value = days.double ?? days.int.map(Double.init) else { throw fail("allow[\(index)].expiredMoreThanDays must be a number") }
            rule.expiredMoreThanDays = value
        }
        if rule.equals != nil && rule.claim == nil { throw fail("allow[\(index)]: 'equals' needs 'claim'") }
        if rule.issuer == nil && rule.claim == nil && rule.expiredMoreThanDays == nil && rule.ruleId == nil && rule.path == nil {
            throw fail("allow[\(index)] has no condition: it would accept everything")
        }
        return rule
    }

    init(description: String) {
        self.description = description
    }
}
