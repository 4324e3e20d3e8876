import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanModel

/// Turns a JWT (or what looks like one) into the facts the risk model judges: decodes it, reads
/// its claims, checks its signature against the configured keys and the weak-secret list.
struct JWTInspection {
    let settings: AnalysisSettings
    let scratch: MatchScratch

    /// What inspection concluded: facts to assess, or why the match is not a usable JWT.
    enum Outcome {
        case facts(TokenFacts)
        /// Too large or too deep to decode: still a leaked JWT, judged without its claims.
        case undecoded(TokenFacts)
        case dismissed(Dismissal)
    }

    /// `truncated`: the match was longer than the rule's `maxLength` and `secret` is its beginning.
    /// `exposedKey`: a signing key found beside the token (`SigningKeyCorrelation`).
    func inspect(_ secret: [UInt8], rule: Rule, truncated: Bool, exposedKey: ExposedKey?) -> Outcome {
        let jwt: JWT
        switch truncated ? JWT.decodeTruncated(secret, limit: rule.maxLength) : JWT.decode(secret) {
        case .success(let decoded): jwt = decoded
        case .failure(.limitExceeded(let limit, let header)):
            // A leaked JWT too large or too deep to decode is still a leaked JWT: reported,
            // judged without its claims, never dropped as "not a JWT".
            var facts = TokenFacts(kind: rule.role == .carrier || rule.role == .namedValue ? "jwt" : rule.kind, baseSeverity: rule.baseSeverity)
            facts.undecodedReason = JWTInspection.reason(for: limit, header: header, rule: rule)
            if header?["alg"]?.string?.lowercased() == "none" { facts.signature = .unsigned }
            return .undecoded(facts)
        case .failure: return .dismissed(.notAJWT)
        }
        // A signature shorter than its algorithm makes (unless the rule cut the match) is a
        // token cut short, not a usable credential.
        if !truncated && jwt.signatureLooksTruncated { return .dismissed(.truncated) }
        var facts = TokenFacts.from(
            jwt: jwt, kind: rule.role == .carrier || rule.role == .namedValue ? (jwt.form == .jwe ? "jwe" : "jwt") : rule.kind,
            baseSeverity: rule.baseSeverity, taxonomy: settings.taxonomy, scratch: scratch, providers: settings.providers)
        if facts.signature == .unverified, !settings.keys.isEmpty, let verified = settings.keys.verify(jwt) {
            if verified { facts.signature = .verified } else { facts.signatureMismatch = true }
        }
        if let exposedKey {
            facts.signature = .weakSecret
            facts.weakSecret = String(decoding: exposedKey.key, as: UTF8.self)
            facts.weakSecretSource = exposedKey.place
        } else if facts.signature == .unverified, let key = settings.weakSecrets.findKey(for: jwt) {
            facts.signature = .weakSecret
            facts.weakSecret = String(decoding: key, as: UTF8.self)
        }
        return .facts(facts)
    }

    /// Whether a secret that no JWT rule found should still be decoded as one (a carrier's value).
    static func looksLikeJWT(_ secret: [UInt8]) -> Bool {
        secret.count > 10 && secret[0] == UInt8(ascii: "e") && secret[1] == UInt8(ascii: "y") && secret[2] == UInt8(ascii: "J")
            && secret.contains(UInt8(ascii: "."))
    }

    /// The reason a JWT was judged without its claims, naming the limit it hit.
    static func reason(for limit: JWT.DecodeLimit, header: [String: JSONValue]?, rule: Rule) -> Reason {
        let alg = header?["alg"]?.string.map { " Its header says alg \"\($0)\"." } ?? ""
        let live = " Treat it as live."
        switch limit {
        case .length(let maxLength):
            return Reason(
                "token-too-long",
                "This JWT is longer than the \(rule.id) rule's maxLength (\(maxLength) bytes): it is reported from its first \(maxLength) bytes and its claims were not decoded.\(alg)\(live)")
        case .depth(let segment, let depth):
            let part = segment == 0 ? "header" : "claims"
            return Reason(
                "\(part)-too-deep",
                "Its \(part) nest deeper than \(depth) levels, tokenscan's decoding limit: \(segment == 0 ? "the token was" : "they were") not decoded.\(alg)\(live)")
        case .size(let segment, let bytes, let maximum):
            let part = segment == 0 ? "header" : "claims"
            return Reason(
                "\(part)-too-large",
                "Its \(part) take about \(bytes) bytes, more than tokenscan's decoding limit of \(maximum) bytes: \(segment == 0 ? "the token was" : "they were") not decoded.\(alg)\(live)")
        }
    }
}
