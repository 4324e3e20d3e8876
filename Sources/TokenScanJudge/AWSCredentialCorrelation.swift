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
/// then re-judge the input's tokens once it is done.
struct AWSCredentialCorrelation {
    private struct Noted {
        var fingerprint: String
        var secret: [UInt8]
        var rule: Rule
        var name: NamedValue
        var line: Int
        /// It stands in the query of a SigV4 pre-signed URL (`X-Amz-Signature`, `X-Amz-Algorithm`).
        var inSignedQuery = false
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

    /// The finding may be re-judged or folded when the input ends (a session token or a key).
    func holds(_ finding: Finding) -> Bool {
        tokens.contains { $0.fingerprint == finding.fingerprint } || keys.contains { $0.fingerprint == finding.fingerprint }
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

    /// What only a SigV4 pre-signed URL's query holds.
    private static let signedQueryMarkers = [Array("x-amz-signature=".utf8), Array("x-amz-algorithm=".utf8)]

    /// Each session token with the secret access key nearest to it (by line) becomes the set's
    /// one finding, re-judged by `rejudge` knowing where its key is; the keys so paired are no
    /// findings of their own. A token without a key in a pre-signed URL's query is dropped: the
    /// URL's finding reports it, or the URL grants nothing. Returns the bound hit, if one was:
    /// what was not noted is judged alone.
    func apply(
        to findings: inout [Finding],
        rejudge: (_ secret: [UInt8], _ rule: Rule, _ named: NamedValue, _ keyPlace: String) -> Finding?
    ) -> LimitHit? {
        let limit = overflow.hit(
            limit: "aws-credential-sets",
            consequence: "such a session token is judged alone (low, or as its own finding beside its pre-signed URL's) though its secret access key may be in this input, and such a key is reported apart from its token")
        guard !tokens.isEmpty else { return limit }
        var paired: [String: Finding] = [:]
        var pairedKeys = Set<String>()
        for token in tokens where paired[token.fingerprint] == nil {
            guard let key = keys.min(by: { abs($0.line - token.line) < abs($1.line - token.line) }),
                let rejudged = rejudge(token.secret, token.rule, token.name, "`\(key.name.name)` at line \(key.line)")
            else { continue }
            paired[token.fingerprint] = rejudged
            pairedKeys.insert(key.fingerprint)
        }
        let partOfURL = Set(tokens.filter { paired[$0.fingerprint] == nil && $0.inSignedQuery }.map(\.fingerprint))
        findings.removeAll { pairedKeys.contains($0.fingerprint) || partOfURL.contains($0.fingerprint) }
        for index in findings.indices {
            guard let rejudged = paired[findings[index].fingerprint] else { continue }
            findings[index].severity = rejudged.severity
            findings[index].score = rejudged.score
            findings[index].reasons = rejudged.reasons
        }
        return limit
    }
}
