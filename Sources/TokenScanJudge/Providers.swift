import TokenFormats
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

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

    /// `providers` with their patterns compiled; a pattern that does not compile is an error
    /// naming the provider's place in `origin`.
    public init(providers: [Provider], origin: String) throws(RuleError) {
        var issuers: [Pattern?] = []
        var subjects: [Pattern?] = []
        for (index, provider) in providers.enumerated() {
            func compile(_ source: String?) throws(RuleError) -> Pattern? {
                guard let source else { return nil }
                do {
                    return try Pattern(source, options: .caseInsensitive)
                } catch {
                    throw RuleError(file: origin, message: "providers[\(index)]: pattern '\(source)' does not compile: \(error)")
                }
            }
            issuers.append(try compile(provider.issuer))
            subjects.append(try compile(provider.subject))
        }
        self.init(providers: providers, issuerPatterns: issuers, subjectPatterns: subjects)
    }

    public init(toml: String, origin: String) throws(RuleError) {
        try self.init(providers: Provider.list(toml: toml, origin: origin), origin: origin)
    }

    /// The providers built into the binary (`Rules/providers.toml`, parsed when tokenscan was
    /// built: `EmbeddedVocabularies`); only their patterns are compiled here.
    public static let builtin: ProviderCatalog = BuiltinResource.built("providers.toml") {
        try ProviderCatalog(providers: EmbeddedVocabularies.providers(), origin: $0)
    }

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
