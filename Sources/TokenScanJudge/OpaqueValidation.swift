import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanModel

/// Decides whether a token without readable claims (a provider token, an opaque bearer value) is
/// a credential, and states its facts: provider checksums, the JWT a provider token embeds, the
/// placeholder and entropy gates.
struct OpaqueValidation {
    let prefixes: ProviderPrefixes

    func validate(_ secret: [UInt8], rule: Rule, named: NamedValue? = nil, match: [UInt8]? = nil) -> Result<TokenFacts, Dismissal> {
        if let format = rule.signedURLFormat {
            // The signature is random by construction: its size and the URL's parameters decide,
            // not the placeholder and entropy heuristics for tokens.
            switch SignedURLClaims.read(match ?? secret, signature: secret, format: format) {
            case .failure(let dismissal): return .failure(dismissal)
            case .success(let claims):
                var facts = TokenFacts(kind: rule.kind, baseSeverity: rule.baseSeverity)
                facts.providerName = rule.provider
                facts.declaredClass = rule.tokenClass
                facts.signedURL = claims
                facts.expiresAt = claims.expiresAt
                return .success(facts)
            }
        }
        if rule.role == .carrier || rule.role == .namedValue, rule.provider == nil, prefixes.starts(secret) {
            return .failure(.providerLookalike)
        }
        // A PASERK public key or key id (`k4.public.…`, `k4.pid.…`) or a Biscuit public key
        // (`ed25519/…`, `secp256r1/…`) is published on purpose.
        if Paseto.isPublicPASERK(secret) || Biscuit.isPublicKey(secret) { return .failure(.publicKey) }
        if let named {
            // A provider's token anywhere in the value (`user:ghp_…` in a registry `auth`, an OpenAI
            // key cut short) is the provider's rule's to judge.
            if prefixes.occurs(in: secret) || OpaqueValidation.holdsJWT(secret) && !OpaqueValidation.isSignedPayload(secret) {
                return .failure(.providerLookalike)
            }
            // The class's own gate replaces the rule's placeholder and entropy checks.
            if case .dismissed(let dismissal, _) = NamedValueGate.judge(secret, as: named.nameClass) { return .failure(dismissal) }
            var facts = TokenFacts(kind: rule.kind, baseSeverity: named.nameClass.severity)
            facts.declaredClass = named.nameClass.tokenClass
            facts.assignedName = named.name
            facts.isAWSSessionToken = named.nameClass.id == NameClass.awsSessionToken
            // RFC examples and vendors' local-development keys are assigned to names too.
            facts.docSample = PublishedTokens.builtin.match(secret)
            facts.expiresAt = named.expiresAt
            return .success(facts)
        }
        // A correct provider checksum, or a provider token's embedded JWT that decodes,
        // outweighs the placeholder and entropy heuristics: random text spells "here" or
        // "none" now and then, but nobody writing an example computes a CRC or a JWT. Without
        // such proof a placeholder still counts as a placeholder, and only a token that passes
        // the heuristics is a checksum typo or a look-alike.
        let checksums = rule.checksums
        let verified = !checksums.isEmpty && checksums.allSatisfy { $0.verify(secret) }
        var embedded: JWT?
        if rule.validate.contains("embedded-jwt") {
            guard let start = OpaqueValidation.embeddedJWTStart(secret), case .success(let jwt) = JWT.decode(Array(secret[start...])),
                jwt.form == .jws
            else { return .failure(.notAJWT) }
            embedded = jwt
        }
        // A PyPI token cut short still matches its pattern but cannot authenticate.
        if rule.validate.contains("pypi-macaroon") && !Macaroon.isWholePyPIToken(secret) {
            return .failure(.truncated)
        }
        if !verified && embedded == nil {
            // A provider's random part always holds letters: `xoxa-08532509747` is an id or a
            // phone number after a prefix, not a token.
            if rule.provider != nil, OpaqueValidation.bodyIsDigitsOnly(secret, keywords: rule.keywords) {
                return .failure(.lowEntropy)
            }
            // RFC 8959's `secret-token:` names a scheme; the token is what follows it.
            let body = secret.starts(with: OpaqueValidation.secretTokenScheme) ? Array(secret.dropFirst(OpaqueValidation.secretTokenScheme.count)) : secret
            if !rule.validate.contains("allow-placeholders") && Placeholder.isPlaceholder(body) {
                return .failure(.placeholder)
            }
            if let minimum = rule.minEntropy, Entropy.bits(secret) < minimum { return .failure(.lowEntropy) }
            // A carrier takes letters-only values of a token's length: a long identifier is not one.
            if rule.role == .carrier, secret.allSatisfy({ $0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A }),
                NamedValueGate.isIdentifier(String(decoding: secret, as: UTF8.self)) {
                return .failure(.lookAlike)
            }
            if !checksums.isEmpty { return .failure(.badChecksum) }
        }
        var facts = TokenFacts(kind: rule.kind, baseSeverity: rule.baseSeverity)
        facts.providerName = rule.provider
        facts.declaredClass = rule.tokenClass
        facts.verifiedChecksum = verified ? checksums.first : nil
        facts.docSample = PublishedTokens.builtin.match(secret)
        // The provider's JWT is its own business, but its `exp` says how long the token lives.
        facts.expiresAt = embedded?.claims["exp"]?.number.map(Date.init(timeIntervalSince1970:))
        return .success(facts)
    }

    static let secretTokenScheme = Array("secret-token:".utf8)

    /// A JWT inside a longer value (`user:eyJ….eyJ….sig`, a Basic or registry credential whose
    /// password is a JWT): the JWT rule reports it, judged by its claims.
    static func holdsJWT(_ secret: [UInt8]) -> Bool {
        let marker = Array("eyJ".utf8)
        guard secret.count > marker.count,
            let start = (0...(secret.count - marker.count)).first(where: { secret[$0..<($0 + marker.count)].elementsEqual(marker) })
        else { return false }
        return secret[start...].contains(UInt8(ascii: "."))
    }

    /// `payload.timestamp.signature` with a JSON payload that is no JOSE header (no `alg`): a
    /// Flask session cookie (itsdangerous' URLSafeTimedSerializer). It starts `eyJ` and has dots,
    /// but the JWT rule dismisses it; under a session's name it is that session.
    static func isSignedPayload(_ secret: [UInt8]) -> Bool {
        guard secret.starts(with: Array("eyJ".utf8)), let dot = secret.firstIndex(of: UInt8(ascii: ".")),
            let decoded = Base64.decode(secret[..<dot]), case .object(let object)? = JSONValue.parse(decoded)
        else { return false }
        return object["alg"] == nil && object["enc"] == nil
    }

    /// Whether what follows the rule's keyword (its prefix, when the secret starts with one) has
    /// no letter at all.
    static func bodyIsDigitsOnly(_ secret: [UInt8], keywords: [String]) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
        var prefix = 0
        for keyword in keywords {
            let bytes = Array(keyword.utf8)
            guard bytes.count > prefix, bytes.count < secret.count else { continue }
            if zip(bytes, secret).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) { prefix = bytes.count }
        }
        return !secret[prefix...].contains(where: isLetter)
    }

    /// Where the JWT inside a provider token starts: after the last `_` that is followed by `eyJ`
    /// (`ghs_<app id>_eyJ…`).
    static func embeddedJWTStart(_ secret: [UInt8]) -> Int? {
        var index = secret.count - 4
        while index >= 0 {
            if secret[index] == UInt8(ascii: "_"), secret[index + 1] == UInt8(ascii: "e"), secret[index + 2] == UInt8(ascii: "y"),
                secret[index + 3] == UInt8(ascii: "J") {
                return index + 1
            }
            index -= 1
        }
        return nil
    }
}
