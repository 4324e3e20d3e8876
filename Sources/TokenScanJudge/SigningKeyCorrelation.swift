import TokenFormats
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// Correlates one input's findings: a signing key (a rule with role `signing-key`, such as
/// `JWT_SECRET=…`) found in the same input as an HMAC-signed JWT it verifies makes that token
/// forgeable, whichever of the two comes first.
///
/// Why a stage of its own: judging a token looks at the token alone and is cached per distinct
/// secret; this looks across the input's findings after all of them are judged (design §8:
/// correlation is a stage after search).
struct SigningKeyCorrelation {
    /// Signing keys found in the current input, each once, with where it was first found (for the
    /// reason). Bounded (`CorrelationBounds.signingKeys`): each is tried on every token.
    private var keys: [(secret: [UInt8], place: String)] = []
    private var keySecrets = Set<[UInt8]>()
    /// HMAC-signed JWTs whose signature is not verified, by fingerprint. Bounded
    /// (`CorrelationBounds.hmacTokens`).
    private var tokens: [String: (secret: [UInt8], rule: Rule)] = [:]
    private let bounds: CorrelationBounds
    /// What the bounds kept out of this input.
    private var overflow = CorrelationOverflow()

    init(bounds: CorrelationBounds = CorrelationBounds()) {
        self.bounds = bounds
    }

    mutating func reset() {
        keys.removeAll()
        keySecrets.removeAll()
        tokens.removeAll()
        overflow.reset()
    }

    /// The finding may be re-judged when the input ends (an HMAC-signed token of this input).
    func holds(_ finding: Finding) -> Bool { tokens[finding.fingerprint] != nil }

    /// Notes what a finding contributes: a key, or a token a key may verify.
    mutating func note(_ finding: Finding, hit: SearchHit, rule: Rule) {
        if rule.role == .signingKey {
            // A log repeats one key on many lines: noted once, where it first stands.
            guard !keySecrets.contains(hit.secret) else { return }
            guard keys.count < bounds.signingKeys else {
                overflow.miss("signing key", bound: bounds.signingKeys, at: hit.byteRange.lowerBound)
                return
            }
            keySecrets.insert(hit.secret)
            keys.append((hit.secret, "\(rule.id) at line \(hit.start.line)"))
        } else if finding.jwt?.signature == .unverified, finding.jwt?.header["alg"]?.string?.uppercased().hasPrefix("HS") == true,
            tokens[finding.fingerprint] == nil {
            guard tokens.count < bounds.hmacTokens else {
                overflow.miss("HMAC-signed token", bound: bounds.hmacTokens, at: hit.byteRange.lowerBound)
                return
            }
            tokens[finding.fingerprint] = (hit.secret, rule)
        }
    }

    /// Re-judges the input's HMAC-signed tokens that one of its keys verifies: `rejudge` judges a
    /// token again knowing its key is exposed. Returns the bound hit, if one was: a token not
    /// noted, or one whose key was not, keeps the severity it had without the key.
    func apply(
        to findings: inout [Finding], rejudge: (_ secret: [UInt8], _ rule: Rule, _ key: ExposedKey) -> Finding?
    ) -> LimitHit? {
        let limit = overflow.hit(
            limit: "signing-key-tokens",
            consequence: "a token not noted, or signed by a key not noted, is not reported as forgeable though its key is in this input")
        guard !keys.isEmpty, !tokens.isEmpty else { return limit }
        let candidates = keys.map(\.secret)
        for index in findings.indices {
            guard let (secret, rule) = tokens[findings[index].fingerprint], case .success(let jwt) = JWT.decode(secret),
                let key = WeakSecrets(secrets: []).findKey(for: jwt, extra: candidates),
                let place = keys.first(where: { $0.secret == key })?.place,
                let rejudged = rejudge(secret, rule, ExposedKey(key: key, place: place))
            else { continue }
            findings[index].severity = rejudged.severity
            findings[index].score = rejudged.score
            findings[index].reasons = rejudged.reasons
            findings[index].jwt?.signature = .weakSecret
        }
        return limit
    }
}

/// A signing key found beside the token it signs.
struct ExposedKey {
    var key: [UInt8]
    /// Where it was found (`jwt-signing-secret at line 3`), for the reason.
    var place: String
}
