import TokenFormats
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// Correlates one input's AWS temporary credentials (design §5, "Credentials that requests
/// carry"): an STS session token is unusable without the secret access key issued with it, so on
/// its own it is low; with a secret access key in the same input the two are one credential set,
/// reported once, high, at the token (the key's own finding folds into it); and a token in the
/// query of a pre-signed URL is that URL's: part of its finding while it is valid, and nothing once
/// the URL grants nothing (expired, its signature cut, a placeholder or stripped).
///
/// Why a stage of its own, after search: the token and its key stand on different lines, in any
/// order (`aws sts assume-role` prints the key first, an `.env` may hold the token first), and
/// judging looks at one secret at a time. It follows `SigningKeyCorrelation`: note each finding,
/// then re-judge the input's tokens once it is done — or, on a live stream that may never end,
/// each time the scanner releases what it kept back; what went out then is remembered, so that a
/// key that comes later is the set's finding instead of a second, unrelated one.
struct AWSCredentialCorrelation {
    private struct Noted {
        var fingerprint: String
        var secret: [UInt8]
        var rule: Rule
        var name: NamedValue
        var line: Int
        /// It stands in the query of a SigV4 pre-signed URL (`X-Amz-Signature`, `X-Amz-Algorithm`).
        var inSignedQuery = false
        /// Its finding was handed over before the input ended (a live stream, or past the
        /// scanner's hold-back bound): it can no longer change, but a partner that comes later
        /// is judged knowing it.
        var reported = false
        /// It is part of a credential set's finding already: a key that comes later does not
        /// claim it again.
        var inSet = false
    }
    /// Session tokens and secret access keys found in the current input. Bounded
    /// (`CorrelationBounds.awsSessionTokens`, `.awsSecretAccessKeys`).
    private var tokens: [Noted] = []
    private var keys: [Noted] = []
    private let bounds: CorrelationBounds
    /// What the bounds kept out of this input.
    private var overflow = CorrelationOverflow()

    init(bounds: CorrelationBounds = CorrelationBounds()) {
        self.bounds = bounds
    }

    mutating func reset() {
        tokens.removeAll()
        keys.removeAll()
        overflow.reset()
    }

    /// The finding may be re-judged or folded when the input ends (a session token or a key not
    /// handed over yet).
    func holds(_ finding: Finding) -> Bool {
        tokens.contains { !$0.reported && $0.fingerprint == finding.fingerprint }
            || keys.contains { !$0.reported && $0.fingerprint == finding.fingerprint }
    }

    /// Notes what a finding contributes: a session token or a secret access key.
    mutating func note(_ finding: Finding, hit: SearchHit, rule: Rule, named: NamedValue?) {
        guard let named else { return }
        var noted = Noted(fingerprint: finding.fingerprint, secret: hit.secret, rule: rule, name: named, line: hit.start.line)
        switch named.nameClass.id {
        case NameClass.awsSessionToken:
            guard tokens.count < bounds.awsSessionTokens else {
                overflow.miss("AWS session token", bound: bounds.awsSessionTokens, at: hit.byteRange.lowerBound)
                return
            }
            let line = hit.context.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            noted.inSignedQuery = Self.signedQueryMarkers.contains { Matcher.contains(line, $0) }
            tokens.append(noted)
        case NameClass.awsSecretAccessKey:
            guard keys.count < bounds.awsSecretAccessKeys else {
                overflow.miss("AWS secret access key", bound: bounds.awsSecretAccessKeys, at: hit.byteRange.lowerBound)
                return
            }
            keys.append(noted)
        default: break
        }
    }

    /// Findings handed over before the input ends without being correlated (past the scanner's
    /// hold-back bound): a key that comes later may still be their set's finding.
    mutating func handedOver(_ fingerprints: Set<String>) {
        for index in tokens.indices where fingerprints.contains(tokens[index].fingerprint) { tokens[index].reported = true }
        for index in keys.indices where fingerprints.contains(keys[index].fingerprint) { keys[index].reported = true }
    }

    /// What only a SigV4 pre-signed URL's query holds.
    private static let signedQueryMarkers = [Array("x-amz-signature=".utf8), Array("x-amz-algorithm=".utf8)]

    /// Each session token not handed over yet with the secret access key nearest to it (by line)
    /// becomes the set's one finding, re-judged by `rejudgeToken` knowing where its key is; the
    /// keys so paired are no findings of their own. A token without a key in a pre-signed URL's
    /// query is dropped: the URL's finding reports it, or the URL grants nothing. A key whose
    /// token was handed over alone before it came (a live stream) is the set's finding instead,
    /// re-judged by `rejudgeKey` knowing where that token is. Everything noted so far then counts
    /// as handed over: `findings` are the last of it that could change. Returns the bound hit, if
    /// one was: what was not noted is judged alone.
    mutating func apply(
        to findings: inout [Finding],
        rejudgeToken: (_ secret: [UInt8], _ rule: Rule, _ named: NamedValue, _ keyPlace: String) -> Finding?,
        rejudgeKey: (_ secret: [UInt8], _ rule: Rule, _ named: NamedValue, _ tokenPlace: String) -> Finding?
    ) -> LimitHit? {
        defer {
            for index in tokens.indices { tokens[index].reported = true }
            for index in keys.indices { keys[index].reported = true }
        }
        let limit = overflow.hit(
            limit: "aws-credential-sets",
            consequence: "such a session token is judged alone (low, or as its own finding beside its pre-signed URL's) though its secret access key may be in this input, and such a key is reported apart from its token")
        guard !tokens.isEmpty else { return limit }
        var paired: [String: Finding] = [:]
        var pairedKeys = Set<String>()
        for token in tokens where !token.reported && paired[token.fingerprint] == nil {
            guard let key = keys.min(by: { abs($0.line - token.line) < abs($1.line - token.line) }),
                let rejudged = rejudgeToken(token.secret, token.rule, token.name, "`\(key.name.name)` at line \(key.line)")
            else { continue }
            paired[token.fingerprint] = rejudged
            pairedKeys.insert(key.fingerprint)
        }
        var keySets: [String: Finding] = [:]
        var claimed = Set(paired.keys)
        for key in keys where !key.reported && !pairedKeys.contains(key.fingerprint) && keySets[key.fingerprint] == nil {
            let alone = tokens.filter { $0.reported && !$0.inSet && !claimed.contains($0.fingerprint) }
            guard let token = alone.min(by: { abs($0.line - key.line) < abs($1.line - key.line) }),
                let rejudged = rejudgeKey(key.secret, key.rule, key.name, "`\(token.name.name)` at line \(token.line)")
            else { continue }
            keySets[key.fingerprint] = rejudged
            claimed.insert(token.fingerprint)
        }
        for index in tokens.indices where claimed.contains(tokens[index].fingerprint) { tokens[index].inSet = true }
        let partOfURL = Set(tokens.filter { !$0.reported && paired[$0.fingerprint] == nil && $0.inSignedQuery }.map(\.fingerprint))
        findings.removeAll { pairedKeys.contains($0.fingerprint) || partOfURL.contains($0.fingerprint) }
        for index in findings.indices {
            guard let rejudged = paired[findings[index].fingerprint] ?? keySets[findings[index].fingerprint] else { continue }
            findings[index].severity = rejudged.severity
            findings[index].score = rejudged.score
            findings[index].reasons = rejudged.reasons
        }
        return limit
    }
}
