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
    /// Signing keys found in the current input, with where (for the reason).
    private var keys: [(secret: [UInt8], place: String)] = []
    /// HMAC-signed JWTs whose signature is not verified, by fingerprint. Bounded.
    private var tokens: [String: (secret: [UInt8], rule: Rule)] = [:]
    private let tokenLimit = 1024

    mutating func reset() {
        keys.removeAll()
        tokens.removeAll()
    }

    /// Notes what a finding contributes: a key, or a token a key may verify.
    /// The finding may be re-judged when the input ends (an HMAC-signed token of this input).
    func holds(_ finding: Finding) -> Bool { tokens[finding.fingerprint] != nil }

    mutating func note(_ finding: Finding, hit: SearchHit, rule: Rule) {
        if rule.role == .signingKey {
            keys.append((hit.secret, "\(rule.id) at line \(hit.start.line)"))
        } else if finding.jwt?.signature == .unverified, finding.jwt?.header["alg"]?.string?.uppercased().hasPrefix("HS") == true,
            tokens.count < tokenLimit {
            tokens[finding.fingerprint] = (hit.secret, rule)
        }
    }

    /// Re-judges the input's HMAC-signed tokens that one of its keys verifies: `rejudge` judges a
    /// token again knowing its key is exposed.
    func apply(
        to findings: inout [Finding], rejudge: (_ secret: [UInt8], _ rule: Rule, _ key: ExposedKey) -> Finding?
    ) {
        guard !keys.isEmpty, !tokens.isEmpty else { return }
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
    }
}

/// A signing key found beside the token it signs.
struct ExposedKey {
    var key: [UInt8]
    /// Where it was found (`jwt-signing-secret at line 3`), for the reason.
    var place: String
}
