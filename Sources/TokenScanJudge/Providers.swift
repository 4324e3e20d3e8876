import TOMLKit
import TokenFormats
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// An identity provider recognised from a JWT's claims (`Rules/providers.toml`).
public struct Provider: Sendable, Equatable {
    public var id: String
    public var name: String
    public var issuer: String?
    public var subject: String?
    public var claims: [String]
    public var examples: [String]
}

/// Recognises who issued a token, so a report can say "a Kubernetes service-account token"
/// instead of "a JWT". Data-driven like the rules: every organisation has its own issuers.
public struct ProviderCatalog: Sendable {
    public let providers: [Provider]
    package let issuerPatterns: [Pattern?]
    package let subjectPatterns: [Pattern?]

    package init(providers: [Provider], issuerPatterns: [Pattern?], subjectPatterns: [Pattern?]) {
        self.providers = providers
        self.issuerPatterns = issuerPatterns
        self.subjectPatterns = subjectPatterns
    }

    public init(toml: String, origin: String) throws(RuleError) {
        let table = try TOMLDocument.parse(toml, origin: origin)
        var providers: [Provider] = []
        var issuers: [Pattern?] = []
        var subjects: [Pattern?] = []
        for (index, entry) in (table["providers"]?.array ?? TOMLArray()).enumerated() {
            guard let providerTable = entry.table else { throw RuleError(file: origin, message: "providers[\(index)] is not a table") }
            let reader = TableReader(table: providerTable, origin: origin, context: "providers[\(index)]")
            try reader.rejectUnknownKeys(["id", "name", "issuer", "subject", "claims", "examples"])
            let provider = Provider(
                id: try reader.requiredString("id"), name: try reader.requiredString("name"),
                issuer: try reader.string("issuer"), subject: try reader.string("subject"),
                claims: try reader.stringArray("claims"), examples: try reader.stringArray("examples"))
            func compile(_ source: String?) throws(RuleError) -> Pattern? {
                guard let source else { return nil }
                do {
                    return try Pattern(source, options: .caseInsensitive)
                } catch {
                    throw reader.error("pattern '\(source)' does not compile: \(error)")
                }
            }
            issuers.append(try compile(provider.issuer))
            subjects.append(try compile(provider.subject))
            providers.append(provider)
        }
        self.providers = providers
        issuerPatterns = issuers
        subjectPatterns = subjects
    }

    public static let builtin: ProviderCatalog = BuiltinResource.parsed("providers.toml") { try ProviderCatalog(toml: $0, origin: $1) }

    /// The first provider whose issuer (or subject, or a marker claim) matches.
    public func recognise(_ claims: [String: JSONValue], scratch: MatchScratch) -> Provider? {
        let issuer = claims["iss"]?.string
        let subject = claims["sub"]?.string
        for (index, provider) in providers.enumerated() {
            if let issuer, let pattern = issuerPatterns[index], ProviderCatalog.matches(pattern, issuer, scratch) { return provider }
            if let subject, let pattern = subjectPatterns[index], ProviderCatalog.matches(pattern, subject, scratch) { return provider }
            if provider.claims.contains(where: { claims[$0] != nil }) { return provider }
        }
        return nil
    }

    /// The provider an issuer value alone identifies (for the examples check).
    public func recognise(issuer: String, scratch: MatchScratch = MatchScratch()) -> Provider? {
        recognise(["iss": .string(issuer)], scratch: scratch)
    }

    package static func matches(_ pattern: Pattern, _ value: String, _ scratch: MatchScratch) -> Bool {
        Array(value.utf8).withUnsafeBytes { (try? scratch.firstMatch(pattern, in: $0, from: 0)) != nil }
    }
}

/// Header parameters that make a token dangerous whoever issued it: they let the token choose the
/// key it is verified with, which lenient libraries honour (key confusion, SSRF, path traversal).
public enum HeaderRedFlags {
    public static func reasons(_ header: [String: JSONValue]) -> [Reason] {
        var reasons: [Reason] = []
        if let jku = header["jku"]?.string {
            reasons.append(Reason("header-jku", "The header names its own key set URL (jku \(jku)): a verifier that follows it accepts keys an attacker hosts."))
        }
        if let x5u = header["x5u"]?.string {
            reasons.append(Reason("header-x5u", "The header names its own certificate URL (x5u \(x5u)): a verifier that follows it accepts keys an attacker hosts."))
        }
        if header["jwk"] != nil {
            reasons.append(Reason("header-jwk", "The header embeds its own public key (jwk): a verifier that trusts it accepts self-signed tokens."))
        }
        if let kid = header["kid"]?.string, kid.contains("/") || kid.contains("\\") || kid.contains("..") || kid.contains("'") || kid.contains("|") || kid.contains(";") {
            reasons.append(Reason("kid-injection", "The key id contains path or query characters (kid \(kid.prefix(60))): a sign of key-lookup injection attempts."))
        }
        return reasons
    }
}
