import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// Everything the analyzers learned about one secret; the risk model's only input.
public struct TokenFacts: Sendable {
    public var kind: String
    /// Severity for tokens that cannot be judged by content (the rule's `severity`).
    public var baseSeverity: Severity
    public var jwt: JWT?
    /// Another bearer format's contents (`ClaimsDecoder`): its claims are judged like a JWT's.
    var decoded: DecodedToken?
    public var tokenClass: TokenClass?
    public var scopes: [String] = []
    public var scopeClasses: [ScopeClass] = []
    public var adminFlags: [String] = []
    public var signature: SignatureStatus?
    /// The weak HMAC key that verified the signature (never reported unless secrets are shown).
    public var weakSecret: String?
    /// Where that key was found when it was not a published one: a finding in the same input.
    public var weakSecretSource: String?
    /// A published documentation sample (jwt.io, RFC 7515/7519 examples).
    public var docSample: String?
    /// Who issued it, when recognised (`Rules/providers.toml`).
    public var provider: Provider?
    /// Reasons about the header itself (jku, x5u, jwk, kid), whatever the severity.
    public var headerFlags: [Reason] = []
    /// Why the token is usable only with a key its holder keeps (`cnf`, a DPoP proof).
    public var senderConstraint: Reason?
    /// Set when a key the user supplied (`--jwks`) was tried and did not verify the signature.
    public var signatureMismatch = false
    /// Who issues a token without claims, as people write it (the rule's `provider`: `GitHub`).
    public var providerName: String?
    /// What a token without claims is for, as its rule states it (`personal access token`).
    public var declaredClass: String?
    /// The name a named value was assigned to (`PAYMENTS_API_KEY`), for reasons.
    public var assignedName: String?
    /// An AWS STS session token: low on its own, high with its secret access key.
    public var isAWSSessionToken = false
    /// Where that key stands in the same input (`AWSCredentialCorrelation`), for the reason.
    public var awsSecretKeyPlace: String?
    /// A secret access key that came after its session token was reported (a live stream): where
    /// that token stands. The key's finding is then the set's (`AWSCredentialCorrelation`).
    public var awsSessionTokenPlace: String?
    /// The provider checksum the token passed; `nil` when its format has none.
    public var verifiedChecksum: TokenChecksum?
    /// Why a JWT was judged without its claims: it hit a decoding limit (too long for its rule,
    /// claims too large or too deep). Such a token is treated as live, like a JWE.
    public var undecodedReason: Reason?
    /// What a signed URL's own parameters state (its expiry is `expiresAt` too).
    public var signedURL: SignedURLClaims?
    /// A signed URL whose signature a live stream reported before the URL came, as a signature
    /// pair of its own (a HAR `queryString` entry): where that pair stands (`SignedURLPairs`).
    public var signaturePairPlace: String?
    public var issuedAt: Date?
    public var notBefore: Date?
    public var expiresAt: Date?

    public init(kind: String, baseSeverity: Severity) {
        self.kind = kind
        self.baseSeverity = baseSeverity
    }

    /// Scopes that count as broad for the risk model: admin, wildcard and write scopes.
    public var broadScopes: [String] {
        zip(scopes, scopeClasses).filter { $0.1 == .broad || $0.1 == .write }.map(\.0)
    }

    /// Whether every broad scope is only a write scope (for the wording of reasons).
    public var broadIsOnlyWrite: Bool {
        adminFlags.isEmpty && !scopeClasses.contains(.broad) && scopeClasses.contains(.write)
    }

    public var isForgeable: Bool { signature == .unsigned || signature == .weakSecret }

    public func expiryStatus(at now: Date) -> ExpiryStatus {
        if let expiresAt, expiresAt <= now { return .expired }
        if let notBefore, notBefore > now { return .notYetValid }
        return expiresAt == nil ? .noExpiry : .active
    }

    /// Reads claims, scopes and token class out of a decoded JWT.
    public static func from(
        jwt: JWT, kind: String, baseSeverity: Severity, taxonomy: ScopeTaxonomy, scratch: MatchScratch,
        providers: ProviderCatalog = .builtin
    ) -> TokenFacts {
        var facts = TokenFacts(kind: kind, baseSeverity: baseSeverity)
        facts.jwt = jwt
        let claims = jwt.claims
        facts.read(claims, time: \.number, taxonomy: taxonomy, scratch: scratch)
        facts.tokenClass = jwt.form == .jwe ? nil : tokenClass(jwt)
        if jwt.form == .jws {
            facts.signature = jwt.isUnsigned ? .unsigned : .unverified
        }
        facts.docSample = DocumentationSamples.match(jwt)
        facts.provider = providers.recognise(claims, scratch: scratch)
        facts.headerFlags = HeaderRedFlags.reasons(jwt.header)
        facts.senderConstraint = jwt.form == .jws ? SenderConstraint.reason(jwt) : nil
        if SenderConstraint.isDPoPProof(jwt) {
            // A DPoP proof carries its public key in its header by design (RFC 9449 §4.2).
            facts.headerFlags.removeAll { $0.code == "header-jwk" }
        }
        return facts
    }

    /// Reads another format's decoded contents the way `from(jwt:…)` reads a JWT's claims: the
    /// same time, scope and admin claims, times also as RFC 3339 text (PASETO writes them so).
    static func from(
        decoded: DecodedToken, kind: String, baseSeverity: Severity, taxonomy: ScopeTaxonomy, scratch: MatchScratch
    ) -> TokenFacts {
        var facts = TokenFacts(kind: kind, baseSeverity: baseSeverity)
        facts.decoded = decoded
        facts.read(decoded.claims, time: ClaimTime.seconds, taxonomy: taxonomy, scratch: scratch)
        if let issuedAt = decoded.issuedAt { facts.issuedAt = issuedAt }
        let markers = ["typ", "token_use", "token_type"].compactMap { decoded.claims[$0]?.string?.lowercased() }
        facts.tokenClass = decoded.encrypted ? nil : (markers.contains { $0.contains("refresh") || $0 == "offline" } ? .refresh : .access)
        return facts
    }

    /// The claims every format shares: when it was issued, becomes valid and expires, its scopes
    /// (classified by the taxonomy) and admin flags.
    private mutating func read(
        _ claims: [String: JSONValue], time: (JSONValue) -> Double?, taxonomy: ScopeTaxonomy, scratch: MatchScratch
    ) {
        issuedAt = claims["iat"].flatMap(time).map(Date.init(timeIntervalSince1970:))
        notBefore = claims["nbf"].flatMap(time).map(Date.init(timeIntervalSince1970:))
        expiresAt = claims["exp"].flatMap(time).map(Date.init(timeIntervalSince1970:))
        scopes = taxonomy.scopes(in: claims)
        scopeClasses = scopes.map { taxonomy.classify($0, scratch: scratch) }
        adminFlags = taxonomy.adminFlags(in: claims)
    }

    package static func tokenClass(_ jwt: JWT) -> TokenClass {
        let markers = [jwt.header["typ"]?.string, jwt.claims["typ"]?.string, jwt.claims["token_use"]?.string,
                       jwt.claims["token_type"]?.string]
            .compactMap { $0?.lowercased() }
        if markers.contains(where: { $0.contains("refresh") || $0 == "offline" }) { return .refresh }
        // A DPoP proof's nonce is the server's (RFC 9449 §8), not an OpenID Connect one.
        let oidcNonce = jwt.claims["nonce"] != nil && !SenderConstraint.isDPoPProof(jwt)
        if markers.contains(where: { $0 == "id" || $0 == "id_token" }) || oidcNonce || jwt.claims["at_hash"] != nil {
            return .id
        }
        return .access
    }
}

/// Published sample tokens: jwt.io's default tokens and the RFC 7515/7519 examples. They are in
/// countless READMEs and tests; their keys are public on purpose, so they are not leaks.
public enum DocumentationSamples {
    public static func match(_ jwt: JWT) -> String? {
        let claims = jwt.claims
        if claims["sub"]?.string == "1234567890", claims["name"]?.string == "John Doe",
            claims["iat"]?.number == 1_516_239_022 {
            return "the jwt.io example token"
        }
        if claims["iss"]?.string == "joe", claims["exp"]?.number == 1_300_819_380 {
            return "the RFC 7515/7519 example token"
        }
        return nil
    }
}
