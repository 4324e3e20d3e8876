import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// Turns a located match into a finding, with one job of its own: putting the pieces together.
/// `SecretJudge` judges the secret (cached per distinct secret), the finding gets its place,
/// snippet and request context here, and `SigningKeyCorrelation` re-judges an input's tokens once
/// the input is done, as `AWSCredentialCorrelation` does its session tokens. One per worker thread (it owns a PCRE2 scratch for scope patterns).
///
/// Whether a finding is accepted (an inline allow, an ignore file, a baseline, an allow rule) is
/// not decided here but by the suppression stage after it, the same for every command.
public final class Analyzer {
    public let settings: AnalysisSettings
    private let redactor: Redactor
    private let scratch = MatchScratch()
    private let prefixes: ProviderPrefixes
    private let judge: SecretJudge
    private var correlation: SigningKeyCorrelation
    private var awsCredentials: AWSCredentialCorrelation
    private var signedURLPairs: SignedURLPairs

    /// `rules`: the rule set the matches come from (for the provider prefixes it holds).
    public init(settings: AnalysisSettings, rules: [Rule] = []) {
        self.settings = settings
        redactor = Redactor(showSecrets: settings.showSecrets)
        prefixes = ProviderPrefixes(rules: rules)
        judge = SecretJudge(settings: settings, prefixes: prefixes, scratch: scratch)
        correlation = SigningKeyCorrelation(bounds: settings.correlationBounds)
        awsCredentials = AWSCredentialCorrelation(bounds: settings.correlationBounds)
        signedURLPairs = SignedURLPairs(bounds: settings.correlationBounds)
    }

    private struct CacheKey: Hashable {
        var rule: String
        var secret: [UInt8]
        var truncated: Bool
        /// A named value's name: the same value under another name may be another class.
        var name: String?
        /// A cookie's lifetime from its `Set-Cookie` line: the same value may be set again, expired.
        var expires: Date?
    }
    /// Logs repeat one token thousands of times; decoding, the weak-key check (hundreds of HMACs)
    /// and scoring run once per distinct secret. Bounded: cleared when full.
    private var cache: [CacheKey: Result<Finding, Dismissal>] = [:]
    private let cacheLimit = 4096

    public func beginInput() {
        correlation.reset()
        awsCredentials.reset()
        signedURLPairs.reset()
    }

    /// Whether `finding` may still change when the input ends (`finishInput`): an HMAC-signed
    /// token a signing key of the input may verify, an AWS session token or key that may pair,
    /// a signature pair that may fold into its URL. A caller that hands findings over before the
    /// input ends (a long input's batches) keeps these back, so that correlation sees them.
    public func awaitsInputEnd(_ finding: Finding) -> Bool {
        correlation.holds(finding) || awsCredentials.holds(finding) || signedURLPairs.holds(finding)
    }

    /// Findings that awaited the input's end and are handed over before it without correlation
    /// (the caller's bound on what it keeps back was reached): they no longer await it, and a
    /// partner found later is judged knowing them (`correlateSoFar`).
    public func handedOver(_ findings: [Finding]) {
        guard !findings.isEmpty else { return }
        let fingerprints = Set(findings.map(\.fingerprint))
        correlation.handedOver(fingerprints)
        awsCredentials.handedOver(fingerprints)
        signedURLPairs.handedOver(findings)
    }

    /// Correlates `findings` — the ones kept back while the input goes on (a live stream, which
    /// may never end) — with everything the input showed so far, and counts everything judged so
    /// far as handed over. The input's state stays: a signing key or secret access key that comes
    /// later is judged knowing the tokens handed over before it (its finding names them; the AWS
    /// key's is then the set's), and a token that comes later knows the keys. Nothing handed over
    /// changes afterwards, so no token is reported twice. The bounds hit so far are reported
    /// once, when the input ends (`finishInput`).
    public func correlateSoFar(_ findings: inout [Finding]) {
        _ = correlate(&findings)
    }

    /// Ends an input: folds its signature pairs into their URLs, re-judges its HMAC-signed tokens
    /// against the signing keys found in it, and its AWS session tokens with their secret access
    /// keys (as `correlateSoFar`), then forgets it. Returns the correlation bounds this input hit
    /// (`CorrelationBounds`): what they kept out was judged alone, and the caller reports that as
    /// a limit, never silently.
    public func finishInput(_ findings: inout [Finding]) -> [LimitHit] {
        defer {
            correlation.reset()
            awsCredentials.reset()
            signedURLPairs.reset()
        }
        return correlate(&findings)
    }

    /// One round of correlation; the bounds hit in this input so far.
    private func correlate(_ findings: inout [Finding]) -> [LimitHit] {
        let pairsLimit = signedURLPairs.apply(to: &findings)
        let keysLimit = correlation.apply(to: &findings) { secret, rule, key in
            try? judge.judge(secret, rule: rule, exposedKey: key).get()
        }
        let awsLimit = awsCredentials.apply(to: &findings) { secret, rule, named, place in
            try? judge.judge(secret, rule: rule, named: named, awsSecretKeyPlace: place).get()
        } rejudgeKey: { secret, rule, named, place in
            try? judge.judge(secret, rule: rule, named: named, awsSessionTokenPlace: place).get()
        }
        return [pairsLimit, keysLimit, awsLimit].compactMap { $0 }
    }

    /// Judges one hit: a finding, or why it is not one.
    public func analyze(_ hit: SearchHit, rule: Rule, path: String) -> Result<Finding, Dismissal> {
        var named: NamedValue?
        if rule.role == .namedValue {
            let name = NamedValue.name(in: hit.match)
            guard let nameClass = settings.names.classify(name, value: hit.secret) else { return .failure(.unnamed) }
            if nameClass.ignore { return .failure(.notACredentialName) }
            named = NamedValue(
                name: name, nameClass: nameClass,
                expiresAt: CookieLifetime.expiry(context: hit.context, value: hit.secretInContext, before: hit.before, after: hit.after, now: settings.now))
        }
        if rule.provider == nil && prefixes.continuesProviderToken(hit) { return .failure(.providerLookalike) }
        let key = CacheKey(rule: rule.id, secret: hit.secret, truncated: hit.truncated, name: named?.name, expires: named?.expiresAt)
        let verdict: Result<Finding, Dismissal>
        if let cached = cache[key] {
            verdict = cached
        } else {
            verdict = judge.judge(
                hit.secret, rule: rule, truncated: hit.truncated, named: named,
                match: rule.signedURLFormat == nil || hit.match.isEmpty ? nil : hit.match)
            if cache.count >= cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[key] = verdict
        }
        // A signed URL's signature, valid or expired: its pairs in the same input fold into it.
        if rule.signedURLFormat != nil {
            switch verdict {
            case .success, .failure(.expiredSignedURL): signedURLPairs.noteURL(signature: hit.secret, at: hit.byteRange.lowerBound)
            default: break
            }
        }
        guard case .success(var finding) = verdict else { return verdict }
        // A live stream reported this URL's signature as a pair before the URL came: judged
        // knowing it (not cached: the same URL in another input has no such pair).
        if rule.signedURLFormat != nil, let place = signedURLPairs.reportedPair(for: hit.secret),
           case .success(let knowing) = judge.judge(hit.secret, rule: rule, truncated: hit.truncated, named: named, match: hit.match.isEmpty ? nil : hit.match, signaturePairPlace: place) {
            finding = knowing
        }
        finding.path = path
        finding.encodings = hit.encodings
        finding.line = hit.start.line
        finding.column = hit.start.column
        finding.endLine = hit.end.line
        finding.endColumn = hit.end.column
        finding.snippet = Snippet.make(hit, replacement: finding.secret, redactor: redactor)
        finding.request = RequestContext.parse(line: hit.context, secret: hit.secretInContext, scratch: scratch)
        if let named {
            // The name the rule read (past `--`, curl's `-b`, a `-D` define; a HAR pair's name; a
            // YAML `name:` above its `value:`) is the one the judgement and its reason use: the
            // report says the same, not what the text right before the value looks like.
            var request = finding.request ?? RequestContext()
            request.field = named.name
            finding.request = request
        }
        correlation.note(finding, hit: hit, rule: rule)
        awsCredentials.note(finding, hit: hit, rule: rule, named: named)
        if named?.nameClass.id == SignedURLPairs.nameClass { signedURLPairs.notePair(finding, value: hit.secret, at: hit.byteRange.lowerBound) }
        return .success(finding)
    }
}
