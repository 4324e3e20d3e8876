import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanModel

/// Judges one secret for one rule, wherever it stands: inspects a JWT or validates an opaque
/// token, asks the risk model, and writes the finding (without its location). A pure function of
/// the secret, the rule and the settings (the clock included), so its verdicts can be cached.
struct SecretJudge {
    let settings: AnalysisSettings
    let inspection: JWTInspection
    let validation: OpaqueValidation
    let assembly: FindingAssembly
    let scratch: MatchScratch

    init(settings: AnalysisSettings, prefixes: ProviderPrefixes, scratch: MatchScratch) {
        self.settings = settings
        self.scratch = scratch
        inspection = JWTInspection(settings: settings, scratch: scratch)
        validation = OpaqueValidation(prefixes: prefixes)
        assembly = FindingAssembly(settings: settings, redactor: Redactor(showSecrets: settings.showSecrets))
    }

    /// `truncated`: the match was longer than the rule's `maxLength` and `secret` is its beginning.
    /// `named`: the name and class of a named value (`Rule.role` `named-value`). `match`: the
    /// rule's whole match, for rules whose match states the secret's claims (signed URLs).
    /// `awsSecretKeyPlace`: where an AWS session token's secret access key stands in its input.
    /// `awsSessionTokenPlace`: where the session token of a secret access key stands, when the
    /// token was reported before the key came (a live stream). `signaturePairPlace`: where a
    /// signed URL's signature pair stands, when the pair was reported before the URL came.
    func judge(
        _ secret: [UInt8], rule: Rule, truncated: Bool = false, exposedKey: ExposedKey? = nil, named: NamedValue? = nil,
        match: [UInt8]? = nil, awsSecretKeyPlace: String? = nil, awsSessionTokenPlace: String? = nil,
        signaturePairPlace: String? = nil
    ) -> Result<Finding, Dismissal> {
        var facts: TokenFacts
        // A named value shaped like a JWT without a JOSE header (a Flask session) is its name's.
        let namedPayload = named != nil && OpaqueValidation.isSignedPayload(secret)
        if rule.validate.contains("jwt") || JWTInspection.looksLikeJWT(secret) && !namedPayload {
            switch inspection.inspect(secret, rule: rule, truncated: truncated, exposedKey: exposedKey) {
            case .facts(let inspected): facts = inspected
            case .undecoded(let undecoded):
                return .success(assembly.finding(secret, rule: rule, facts: undecoded, assessment: settings.riskModel.assess(undecoded, now: settings.now)))
            case .dismissed(let dismissal): return .failure(dismissal)
            }
        } else if let outcome = claims(of: secret, rule: rule) {
            switch outcome {
            case .success(let decoded):
                let kind = rule.role == .carrier || rule.role == .namedValue ? decoded.format : rule.kind
                var decodedFacts = TokenFacts.from(
                    decoded: decoded, kind: kind, baseSeverity: rule.baseSeverity, taxonomy: settings.taxonomy, scratch: scratch)
                decodedFacts.docSample = PublishedTokens.builtin.match(secret)
                facts = decodedFacts
            case .failure(let error):
                // Cut at the rule's maxLength by the matcher, not in the text: the token is whole
                // there but too long to read (a SAML response with hundreds of groups). Judged
                // without its claims, as a JWT past the same limit is, not dismissed as cut short.
                guard truncated, error.dismissal == .truncated else { return .failure(error.dismissal) }
                var undecoded = TokenFacts(kind: rule.kind, baseSeverity: rule.baseSeverity)
                undecoded.undecodedReason = Reason(
                    "token-too-long",
                    "This token is longer than the \(rule.id) rule's maxLength (\(rule.maxLength) bytes): it is reported from its first \(secret.count) bytes and its claims were not read. Treat it as live.")
                return .success(assembly.finding(secret, rule: rule, facts: undecoded, assessment: settings.riskModel.assess(undecoded, now: settings.now)))
            }
        } else {
            switch validation.validate(secret, rule: rule, named: named, match: match) {
            case .success(let validated): facts = validated
            case .failure(let dismissal): return .failure(dismissal)
            }
        }
        facts.awsSecretKeyPlace = awsSecretKeyPlace
        facts.awsSessionTokenPlace = awsSessionTokenPlace
        facts.signaturePairPlace = signaturePairPlace
        // The provider enforces a signed URL's expiry: once passed, the URL opens nothing.
        if facts.signedURL != nil, facts.expiryStatus(at: settings.now) == .expired { return .failure(.expiredSignedURL) }

        var assessment = settings.riskModel.assess(facts, now: settings.now)
        if let weak = facts.weakSecret, settings.showSecrets,
            let index = assessment.reasons.firstIndex(where: { $0.code == "weak-hmac-secret" }) {
            assessment.reasons[index].message += " The key is \"\(weak)\"."
        }
        if truncated {
            assessment.reasons.append(Reason(
                "token-too-long",
                "The match is longer than the \(rule.id) rule's maxLength (\(rule.maxLength) bytes): it is reported from its first \(secret.count) bytes."))
        }
        return .success(assembly.finding(secret, rule: rule, facts: facts, assessment: assessment))
    }

    /// The contents of a token of the rule's format, or of the format a carried value has; nil
    /// when a carried value only began like one (`ClaimsDecodeError.shapeOnly`: a macaroon's three
    /// bytes): it is then judged as the opaque value it is, not dismissed as that format cut short.
    private func claims(of secret: [UInt8], rule: Rule) -> Result<DecodedToken, ClaimsDecodeError>? {
        if let decoder = ClaimsDecoders.decoder(for: rule) { return decoder.decode(secret) }
        guard let decoder = carriedFormat(secret, rule: rule) else { return nil }
        let outcome = decoder.decode(secret)
        if case .failure(let error) = outcome, error.shapeOnly { return nil }
        return outcome
    }

    /// The format of a value a carrier (`Bearer …`) or a named value holds, when it has a format's
    /// prefix: judged as that format, like a JWT there, so a malformed one is not an opaque token.
    private func carriedFormat(_ secret: [UInt8], rule: Rule) -> (any ClaimsDecoder)? {
        guard rule.role == .carrier || rule.role == .namedValue else { return nil }
        return ClaimsDecoders.all.first { $0.recognises(secret) }
    }
}
