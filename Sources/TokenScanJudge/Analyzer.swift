import Foundation
import TokenFormats
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// Settings every analysis shares: the clock, what to reveal, and the vocabularies.
public struct AnalysisSettings: Sendable {
    /// The injected clock: expiry is judged against this, never against the system time.
    public var now: Date
    public var showSecrets: Bool
    public var fingerprinter: Fingerprinter
    public var taxonomy: ScopeTaxonomy
    public var weakSecrets: WeakSecrets
    public var riskModel: RiskModel
    /// Keys to verify signatures with (`--jwks`); empty: signatures stay unverified.
    public var keys = KeySet()
    /// Issuers recognised by their claims (`Rules/providers.toml` and the config's additions).
    public var providers = ProviderCatalog.builtin

    public init(
        now: Date, showSecrets: Bool = false, fingerprinter: Fingerprinter = Fingerprinter(),
        taxonomy: ScopeTaxonomy = .builtin, weakSecrets: WeakSecrets = .builtin, riskModel: RiskModel = RiskModel()
    ) {
        self.now = now
        self.showSecrets = showSecrets
        self.fingerprinter = fingerprinter
        self.taxonomy = taxonomy
        self.weakSecrets = weakSecrets
        self.riskModel = riskModel
    }
}

/// Turns a located match into a finding: decodes JWTs, drops placeholders and look-alikes, asks the
/// risk model, and redacts. One per worker thread (it owns a PCRE2 scratch for scope patterns).
public final class Analyzer {
    public let settings: AnalysisSettings
    private let redactor: Redactor
    private let scratch = MatchScratch()

    /// Prefixes that belong to a provider: the keywords of the rules that name one.
    private let providerPrefixes: [[UInt8]]

    /// `rules`: the rule set the matches come from. A value that starts with the keyword of a rule
    /// naming a `provider` is that provider's to judge, so generic bearer rules leave it alone
    /// (otherwise `access_token=ghp_…` cut short, or a GitHub token with a wrong checksum followed
    /// by a dot, would come back as an "opaque bearer token").
    public init(settings: AnalysisSettings, rules: [Rule] = []) {
        self.settings = settings
        redactor = Redactor(showSecrets: settings.showSecrets)
        providerPrefixes = Array(Set(rules.filter { $0.provider != nil }.flatMap(\.keywords))).sorted().map { Array($0.utf8) }
    }

    /// What analysis concluded about one secret for one rule, independent of where it stands.
    private typealias Verdict = Result<Finding, Dismissal>
    private struct CacheKey: Hashable {
        var rule: String
        var secret: [UInt8]
        var truncated: Bool
    }
    /// Logs repeat one token thousands of times; decoding, the weak-key check (hundreds of HMACs)
    /// and scoring run once per distinct secret. Bounded: cleared when full.
    private var cache: [CacheKey: Verdict] = [:]
    private let cacheLimit = 4096

    /// Signing keys found in the current input (rules of kind `hmac-secret`) and the HMAC-signed
    /// JWTs whose key is not yet known, so that a `JWT_SECRET=…` next to a token makes it forgeable
    /// whichever of the two comes first.
    private var inputSigningKeys: [(secret: [UInt8], place: String)] = []
    private var inputHMACTokens: [String: (secret: [UInt8], rule: Rule)] = [:]

    public func beginInput() {
        inputSigningKeys.removeAll()
        inputHMACTokens.removeAll()
    }

    /// Re-judges the input's HMAC-signed tokens against the signing keys found in the same input.
    public func finishInput(_ findings: inout [Finding]) {
        defer { beginInput() }
        guard !inputSigningKeys.isEmpty, !inputHMACTokens.isEmpty else { return }
        for index in findings.indices {
            guard let (secret, rule) = inputHMACTokens[findings[index].fingerprint],
                case .success(let jwt) = JWT.decode(secret)
            else { continue }
            let keys = WeakSecrets(secrets: [])
            guard let key = keys.findKey(for: jwt, extra: inputSigningKeys.map(\.secret)),
                let place = inputSigningKeys.first(where: { $0.secret == key })?.place,
                case .success(let rejudged) = judge(secret, rule: rule, exposedKey: (key, place))
            else { continue }
            var finding = findings[index]
            finding.severity = rejudged.severity
            finding.score = rejudged.score
            finding.reasons = rejudged.reasons
            finding.jwt?.signature = .weakSecret
            findings[index] = finding
        }
    }

    /// Judges one hit: a finding, or why it is not one. Whether a finding is accepted (an inline
    /// allow, an ignore file, a baseline, an allow rule) is not decided here but by the
    /// suppression stage after it, the same for every command; `redact` masks what this returns.
    public func analyze(_ hit: SearchHit, rule: Rule, path: String) -> Result<Finding, Dismissal> {
        if rule.provider == nil && continuesProviderToken(hit) { return .failure(.providerLookalike) }
        let result = locate(hit, rule: rule, path: path)
        if case .success(let finding) = result {
            if rule.kind == "hmac-secret" {
                inputSigningKeys.append((hit.secret, "\(rule.id) at line \(hit.start.line)"))
            } else if finding.jwt?.signature == .unverified, finding.jwt?.header["alg"]?.string?.uppercased().hasPrefix("HS") == true,
                inputHMACTokens.count < 1024 {
                inputHMACTokens[finding.fingerprint] = (hit.secret, rule)
            }
        }
        return result
    }

    private func verdict(_ secret: [UInt8], rule: Rule, truncated: Bool = false) -> Verdict {
        let key = CacheKey(rule: rule.id, secret: secret, truncated: truncated)
        if let cached = cache[key] { return cached }
        let verdict = judge(secret, rule: rule, truncated: truncated)
        if cache.count >= cacheLimit { cache.removeAll(keepingCapacity: true) }
        cache[key] = verdict
        return verdict
    }

    private func locate(_ hit: SearchHit, rule: Rule, path: String) -> Result<Finding, Dismissal> {
        let verdict = verdict(hit.secret, rule: rule, truncated: hit.truncated)
        guard case .success(var finding) = verdict else { return verdict }
        finding.path = path
        finding.encodings = hit.encodings
        finding.line = hit.start.line
        finding.column = hit.start.column
        finding.endLine = hit.end.line
        finding.endColumn = hit.end.column
        finding.snippet = snippet(hit, replacement: finding.secret)
        finding.request = RequestContext.parse(line: hit.context, secret: hit.secretInContext, scratch: scratch)
        return .success(finding)
    }

    /// Decodes, filters and scores a secret; the location fields of the result are filled in by the caller.
    ///
    /// `truncated`: the match was longer than the rule's `maxLength` and `secret` is its beginning.
    private func judge(_ secret: [UInt8], rule: Rule, truncated: Bool = false, exposedKey: (key: [UInt8], place: String)? = nil) -> Verdict {
        var facts: TokenFacts
        if rule.validate.contains("jwt") || Analyzer.looksLikeJWT(secret) {
            let jwt: JWT
            switch truncated ? JWT.decodeTruncated(secret, limit: rule.maxLength) : JWT.decode(secret) {
            case .success(let decoded): jwt = decoded
            case .failure(.limitExceeded(let limit, let header)):
                // A leaked JWT too large or too deep to decode is still a leaked JWT: reported,
                // judged without its claims, never dropped as "not a JWT".
                facts = TokenFacts(kind: rule.kind == "bearer" ? "jwt" : rule.kind, baseSeverity: rule.baseSeverity)
                facts.undecodedReason = Analyzer.reason(for: limit, header: header, rule: rule)
                if header?["alg"]?.string?.lowercased() == "none" { facts.signature = .unsigned }
                return .success(finding(secret, rule: rule, facts: facts, assessment: settings.riskModel.assess(facts, now: settings.now)))
            case .failure: return .failure(.notAJWT)
            }
            // A signature shorter than its algorithm makes (unless the rule cut the match) is a
            // token cut short, not a usable credential.
            if !truncated && jwt.signatureLooksTruncated { return .failure(.truncated) }
            facts = TokenFacts.from(jwt: jwt, kind: rule.kind == "bearer" ? (jwt.form == .jwe ? "jwe" : "jwt") : rule.kind,
                                    baseSeverity: rule.baseSeverity, taxonomy: settings.taxonomy, scratch: scratch,
                                    providers: settings.providers)
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
        } else {
            if rule.kind == "bearer", rule.provider == nil, providerPrefixes.contains(where: { secret.starts(with: $0) }) {
                return .failure(.providerLookalike)
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
                guard let start = Analyzer.embeddedJWTStart(secret), case .success(let jwt) = JWT.decode(Array(secret[start...])),
                    jwt.form == .jws
                else { return .failure(.notAJWT) }
                embedded = jwt
            }
            if !verified && embedded == nil {
                if !rule.validate.contains("allow-placeholders") && Placeholder.isPlaceholder(secret) {
                    return .failure(.placeholder)
                }
                if let minimum = rule.minEntropy, Entropy.bits(secret) < minimum { return .failure(.lowEntropy) }
                if !checksums.isEmpty { return .failure(.badChecksum) }
            }
            facts = TokenFacts(kind: rule.kind, baseSeverity: rule.baseSeverity)
            facts.providerName = rule.provider
            facts.declaredClass = rule.tokenClass
            facts.verifiedChecksum = verified ? checksums.first : nil
            // The provider's JWT is its own business, but its `exp` says how long the token lives.
            facts.expiresAt = embedded?.claims["exp"]?.number.map(Date.init(timeIntervalSince1970:))
        }

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
        return .success(finding(secret, rule: rule, facts: facts, assessment: assessment))
    }

    private func finding(_ secret: [UInt8], rule: Rule, facts: TokenFacts, assessment: Assessment) -> Finding {
        Finding(
            ruleId: rule.id,
            kind: facts.jwt.map { $0.form == .jwe ? "jwe" : "jwt" } ?? facts.kind,
            severity: assessment.severity,
            score: assessment.score,
            path: "", line: 0, column: 0, endLine: 0, endColumn: 0,
            secret: redactor.redact(String(decoding: secret, as: UTF8.self)),
            fingerprint: settings.fingerprinter.fingerprint(secret),
            jwt: facts.jwt.map { jwtReport($0, facts: facts) },
            reasons: assessment.reasons,
            tokenClass: facts.jwt == nil ? facts.declaredClass : nil,
            checksum: facts.verifiedChecksum?.rawValue)
    }

    /// The reason a JWT was judged without its claims, naming the limit it hit.
    package static func reason(for limit: JWT.DecodeLimit, header: [String: JSONValue]?, rule: Rule) -> Reason {
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

    private func jwtReport(_ jwt: JWT, facts: TokenFacts) -> JWTReport {
        let now = settings.now
        return JWTReport(
            form: jwt.form,
            header: jwt.header,
            claims: jwt.claims,
            expiry: ExpiryReport(
                status: facts.expiryStatus(at: now),
                expiresAt: facts.expiresAt.map(RelativeTime.iso8601),
                secondsLeft: facts.expiresAt.map { Int($0.timeIntervalSince(now).rounded(.down)) }),
            scopes: zip(facts.scopes, facts.scopeClasses).map { ScopeReport(value: $0.0, class: $0.1) },
            signature: facts.signature,
            tokenClass: facts.tokenClass,
            provider: facts.provider?.name,
            nestedHeader: jwt.nestedHeader)
    }

    /// The secret's line, cut to 80 characters each side of the secret, with this secret and
    /// every other match on the line redacted (unless secrets are shown).
    private func snippet(_ hit: SearchHit, replacement: String) -> String {
        // Spans may overlap (a token found raw and inside a decoded span): merge them first; the
        // merged span that holds this secret becomes the replacement, every other one is redacted.
        var merged: [Range<Int>] = []
        for span in (hit.matchesInContext + [hit.secretInContext]).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, span.lowerBound < last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, span.upperBound)
            } else {
                merged.append(span)
            }
        }
        let secret = merged.first { $0.overlaps(hit.secretInContext) } ?? hit.secretInContext
        var before: [UInt8] = []
        var after: [UInt8] = []
        var cursor = 0
        for span in merged {
            if span == secret {
                before += hit.context[cursor..<span.lowerBound]
            } else {
                let redacted = Array(redactor.redact(String(decoding: hit.context[span], as: UTF8.self)).utf8)
                if span.lowerBound < secret.lowerBound {
                    before += hit.context[cursor..<span.lowerBound] + redacted
                } else {
                    after += hit.context[cursor..<span.lowerBound] + redacted
                }
            }
            cursor = span.upperBound
        }
        after += hit.context[cursor...]
        // A token joined across lines has a context of several lines; a snippet is one line.
        before = before.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
        after = after.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
        let head = String(decoding: before, as: UTF8.self).unicodeScalars
        let tail = String(decoding: after, as: UTF8.self).unicodeScalars
        var text = head.count > 80 ? "…" + String(String.UnicodeScalarView(head.suffix(80))) : String(head)
        text += replacement
        text += tail.count > 80 ? String(String.UnicodeScalarView(tail.prefix(80))) + "…" : String(tail)
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// Where the JWT inside a provider token starts: after the last `_` that is followed by `eyJ`
    /// (`ghs_<app id>_eyJ…`).
    package static func embeddedJWTStart(_ secret: [UInt8]) -> Int? {
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

    /// Whether the run of token characters (`A-Z a-z 0-9 _ -`) right before the secret starts with a
    /// provider's prefix: the secret is then the tail of that provider's token (the JWT inside
    /// `ghs_<app id>_eyJ…`), which the provider's rule reports whole.
    package func continuesProviderToken(_ hit: SearchHit) -> Bool {
        guard !providerPrefixes.isEmpty else { return false }
        var start = hit.secretInContext.lowerBound
        while start > 0 {
            let byte = hit.context[start - 1]
            let isTokenCharacter = (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            guard isTokenCharacter else { break }
            start -= 1
        }
        guard start < hit.secretInContext.lowerBound else { return false }
        let run = hit.context[start..<hit.secretInContext.lowerBound]
        return providerPrefixes.contains { run.starts(with: $0) }
    }

    package static func looksLikeJWT(_ secret: [UInt8]) -> Bool {
        secret.count > 10 && secret[0] == UInt8(ascii: "e") && secret[1] == UInt8(ascii: "y") && secret[2] == UInt8(ascii: "J")
            && secret.contains(UInt8(ascii: "."))
    }
}
