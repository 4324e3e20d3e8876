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
/// correlation is a stage after search). A live stream runs it each time the scanner releases
/// what it kept back, and a key that comes after its token went out names that token.
struct SigningKeyCorrelation {
    private struct Key {
        var secret: [UInt8]
        /// Where it stands (`jwt-signing-secret at line 3`), for the reason.
        var place: String
        var fingerprint: String
        /// Its finding was handed over before the input ended (see `Token.reported`).
        var reported = false
    }
    private struct Token {
        var secret: [UInt8]
        var rule: Rule
        var line: Int
        /// Its finding was handed over before the input ended (a live stream, or past the
        /// scanner's hold-back bound): a key that comes later names it instead.
        var reported = false
    }
    /// Signing keys found in the current input, each once, with where it was first found (for the
    /// reason). Bounded (`CorrelationBounds.signingKeys`): each is tried on every token.
    private var keys: [Key] = []
    private var keySecrets = Set<[UInt8]>()
    /// HMAC-signed JWTs whose signature is not verified, by fingerprint. Bounded
    /// (`CorrelationBounds.hmacTokens`).
    private var tokens: [String: Token] = [:]
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

    /// The finding may be re-judged when the input ends: an HMAC-signed token of this input, or
    /// a signing key that may verify one handed over before it came.
    func holds(_ finding: Finding) -> Bool {
        if let token = tokens[finding.fingerprint] { return !token.reported }
        return !tokens.isEmpty && keys.contains { !$0.reported && $0.fingerprint == finding.fingerprint }
    }

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
            keys.append(Key(secret: hit.secret, place: "\(rule.id) at line \(hit.start.line)", fingerprint: finding.fingerprint))
        } else if finding.jwt?.signature == .unverified, finding.jwt?.header["alg"]?.string?.uppercased().hasPrefix("HS") == true,
            tokens[finding.fingerprint] == nil {
            guard tokens.count < bounds.hmacTokens else {
                overflow.miss("HMAC-signed token", bound: bounds.hmacTokens, at: hit.byteRange.lowerBound)
                return
            }
            tokens[finding.fingerprint] = Token(secret: hit.secret, rule: rule, line: hit.start.line)
        }
    }

    /// Findings handed over before the input ends without being correlated (past the scanner's
    /// hold-back bound): a key that comes later names them.
    mutating func handedOver(_ fingerprints: Set<String>) {
        for fingerprint in fingerprints where tokens[fingerprint] != nil { tokens[fingerprint]!.reported = true }
        for index in keys.indices where fingerprints.contains(keys[index].fingerprint) { keys[index].reported = true }
    }

    /// Re-judges the HMAC-signed tokens among `findings` that a key of the input verifies:
    /// `rejudge` judges a token again knowing its key is exposed. A key among `findings` that
    /// verifies a token handed over before the key came (a live stream) is judged as what it makes
    /// forgeable: at least the token's re-judged severity, with a reason naming where it stands.
    /// Everything noted so far then counts as handed over. Returns the bound hit, if one was: a
    /// token not noted, or one whose key was not, keeps the severity it had without the key.
    mutating func apply(
        to findings: inout [Finding], rejudge: (_ secret: [UInt8], _ rule: Rule, _ key: ExposedKey) -> Finding?
    ) -> LimitHit? {
        defer {
            for fingerprint in tokens.keys { tokens[fingerprint]!.reported = true }
            for index in keys.indices { keys[index].reported = true }
        }
        let limit = overflow.hit(
            limit: "signing-key-tokens",
            consequence: "a token not noted, or signed by a key not noted, is not reported as forgeable though its key is in this input")
        guard !keys.isEmpty, !tokens.isEmpty else { return limit }
        let candidates = keys.map(\.secret)
        for index in findings.indices {
            guard let token = tokens[findings[index].fingerprint], !token.reported,
                case .success(let jwt) = JWT.decode(token.secret),
                let key = WeakSecrets(secrets: []).findKey(for: jwt, extra: candidates),
                let place = keys.first(where: { $0.secret == key })?.place,
                let rejudged = rejudge(token.secret, token.rule, ExposedKey(key: key, place: place))
            else { continue }
            findings[index].severity = rejudged.severity
            findings[index].score = rejudged.score
            findings[index].reasons = rejudged.reasons
            findings[index].jwt?.signature = .weakSecret
        }
        let earlier = tokens.values.filter(\.reported).sorted { $0.line < $1.line }
        guard !earlier.isEmpty else { return limit }
        for index in findings.indices {
            guard let key = keys.first(where: { !$0.reported && $0.fingerprint == findings[index].fingerprint }) else { continue }
            var verified: [(token: Token, rejudged: Finding)] = []
            for token in earlier {
                guard case .success(let jwt) = JWT.decode(token.secret),
                    WeakSecrets(secrets: []).findKey(for: jwt, extra: [key.secret]) != nil,
                    let rejudged = rejudge(token.secret, token.rule, ExposedKey(key: key.secret, place: key.place))
                else { continue }
                verified.append((token, rejudged))
            }
            guard let worst = verified.max(by: { $0.rejudged.score < $1.rejudged.score }) else { continue }
            let lines = verified.prefix(3).map { "line \($0.token.line)" }.joined(separator: ", ")
            let more = verified.count > 3 ? " and \(verified.count - 3) more" : ""
            let noun = verified.count == 1 ? "the HMAC-signed token" : "\(verified.count) HMAC-signed tokens"
            findings[index].reasons.append(Reason(
                "key-verifies-token",
                "This key verifies \(noun) reported before it came (\(lines)\(more)): anyone holding it can forge \(verified.count == 1 ? "that token" : "those tokens") with any claims."))
            if worst.rejudged.severity > findings[index].severity {
                findings[index].severity = worst.rejudged.severity
                findings[index].score = worst.rejudged.score
            }
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
