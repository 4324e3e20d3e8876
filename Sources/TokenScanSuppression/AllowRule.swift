import FoundationEssentials
import TOMLKit
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch

/// An allow rule from the configuration: accept tokens by what they are, not where they are — a
/// test issuer's tokens, Supabase anon keys, tokens long expired — or by the text around them. All
/// conditions given in one rule must hold.
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
/// [[allow]]
/// line = 'EXAMPLE_TOKEN\s*='             # also secret, match (PCRE2), stopwords, commits
/// ```
///
/// The text conditions (`secret`, `match`, `line`, `stopwords`, `commits`) are also what a
/// gitleaks allowlist becomes when a `.gitleaks.toml` is imported (`GitleaksConfig`).
public struct AllowRule: Sendable {
    public var description: String
    public var issuer: Pattern?
    public var claim: String?
    public var equals: String?
    public var expiredMoreThanDays: Double?
    /// The rules it applies to; empty: every rule.
    public var ruleIds: [String] = []
    public var path: Pattern?
    /// PCRE2 patterns searched in the secret, in the rule's whole match, and in the secret's line.
    public var secret: Pattern?
    public var match: Pattern?
    public var line: Pattern?
    /// Words (ASCII case-insensitive) of which the secret contains one.
    public var stopwords: StopWords?
    /// Full commit SHAs (lower case) the finding must have been added by (`tokenscan git`).
    public var commits: Set<String> = []

    package static let keys = ["description", "issuer", "claim", "equals", "expiredMoreThanDays", "ruleId", "path",
                       "secret", "match", "line", "stopwords", "commits"]

    /// The text around one match that the text conditions test.
    public struct Subject {
        public var secret: [UInt8]
        public var match: [UInt8]
        public var line: [UInt8]
        public var commit: String?

        public init(secret: [UInt8], match: [UInt8], line: [UInt8], commit: String? = nil) {
            self.secret = secret
            self.match = match
            self.line = line
            self.commit = commit
        }
    }

    /// Whether `finding` (located, with its decoded claims) is accepted at `now`.
    public func accepts(_ finding: Finding, subject: Subject, now: Date, scratch: MatchScratch) -> Bool {
        if !ruleIds.isEmpty && !ruleIds.contains(finding.ruleId) { return false }
        if let path, !AllowRule.matches(path, Array(finding.path.utf8), scratch) { return false }
        if !commits.isEmpty {
            guard let commit = subject.commit, commits.contains(commit.lowercased()) else { return false }
        }
        if let secret, !AllowRule.matches(secret, subject.secret, scratch) { return false }
        if let match, !AllowRule.matches(match, subject.match, scratch) { return false }
        if let line, !AllowRule.matches(line, subject.line, scratch) { return false }
        if let stopwords, !stopwords.occur(in: subject.secret) { return false }
        let claims = finding.jwt?.claims ?? finding.decoded?.claims ?? [:]
        if let issuer {
            guard let iss = claims["iss"]?.string, AllowRule.matches(issuer, Array(iss.utf8), scratch) else { return false }
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

    /// Whether the rule has no condition at all (it would accept everything).
    package var isUnconditional: Bool {
        issuer == nil && claim == nil && expiredMoreThanDays == nil && ruleIds.isEmpty && path == nil && secret == nil
            && match == nil && line == nil && stopwords == nil && commits.isEmpty
    }

    package static func matches(_ pattern: Pattern, _ value: [UInt8], _ scratch: MatchScratch) -> Bool {
        value.withUnsafeBytes { (try? scratch.firstMatch(pattern, in: $0, from: 0)) != nil }
    }

    package static func parse(_ table: TOMLTable, index: Int, fail: (String) -> ConfigError) throws(ConfigError) -> AllowRule {
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
        func strings(_ key: String) throws(ConfigError) -> [String] {
            guard let value = table[key] else { return [] }
            if let single = value.string { return [single] }
            guard let array = value.array, array.allSatisfy({ $0.string != nil }) else {
                throw fail("allow[\(index)].\(key) must be a string or an array of strings")
            }
            return array.compactMap(\.string)
        }
        var rule = AllowRule(description: table["description"]?.string ?? "allow rule \(index + 1)")
        rule.issuer = try pattern("issuer")
        rule.path = try pattern("path")
        rule.secret = try pattern("secret")
        rule.match = try pattern("match")
        rule.line = try pattern("line")
        rule.claim = table["claim"]?.string
        rule.equals = table["equals"]?.string
        rule.ruleIds = try strings("ruleId")
        let words = try strings("stopwords")
        if !words.isEmpty { rule.stopwords = StopWords(words) }
        rule.commits = Set(try strings("commits").map { $0.lowercased() })
        if let days = table["expiredMoreThanDays"] {
            guard let value = days.double ?? days.int.map(Double.init) else { throw fail("allow[\(index)].expiredMoreThanDays must be a number") }
            rule.expiredMoreThanDays = value
        }
        if rule.equals != nil && rule.claim == nil { throw fail("allow[\(index)]: 'equals' needs 'claim'") }
        if rule.isUnconditional {
            throw fail("allow[\(index)] has no condition: it would accept everything")
        }
        return rule
    }

    public init(description: String) {
        self.description = description
    }
}

/// Words a secret must not contain to be reported (gitleaks' `stopwords`): matched ASCII
/// case-insensitively, all in one pass (gitleaks' default list has over a thousand).
public struct StopWords: Sendable {
    public let words: [String]
    private let automaton: KeywordAutomaton?
    private let lowered: [[UInt8]]

    public init(_ words: [String]) {
        self.words = words
        lowered = words.map { Array($0.utf8).map(KeywordAutomaton.lower) }.filter { !$0.isEmpty }
        automaton = KeywordAutomaton(keywords: lowered)
    }

    public func occur(in text: [UInt8]) -> Bool {
        if let automaton {
            var found = false
            text.withUnsafeBytes { bytes in automaton.scan(bytes, from: 0) { _, _ in found = true } }
            return found
        }
        // Too many states for the automaton: compare one by one.
        let lower = text.map(KeywordAutomaton.lower)
        return lowered.contains { Matcher.contains(lower, $0) }
    }
}
