import FoundationEssentials
import TokenFormats

/// An inline allow comment that accepted nothing: no secret that would have been reported stands
/// on its line (`--report-unused`). Safe to remove.
public struct UnusedInlineAllow: Sendable, Codable, Equatable {
    public var path: String
    public var line: Int
    public var column: Int
    /// `tokenscan:allow` or `gitleaks:allow`.
    public var marker: String
    /// The commit that added the line (`tokenscan git`).
    public var commit: String?

    public init(path: String, line: Int, column: Int, marker: String, commit: String? = nil) {
        self.path = path
        self.line = line
        self.column = column
        self.marker = marker
        self.commit = commit
    }
}

/// An input the walker skipped, and why. Every skip is reported; nothing disappears silently.
public struct SkippedInput: Sendable, Codable, Equatable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// A rule that failed on one input.
public struct RuleErrorReport: Sendable, Codable, Equatable {
    public var ruleId: String
    public var path: String
    public var offset: Int
    public var reason: String

    package init(ruleId: String, path: String, offset: Int, reason: String) {
        self.ruleId = ruleId
        self.path = path
        self.offset = offset
        self.reason = reason
    }
}

/// A limit that cut the search of one input short (decode depth, decoded size): what was not
/// searched is named, never silently skipped.
public struct LimitReport: Sendable, Codable, Equatable {
    public var limit: String
    public var path: String
    public var offset: Int
    public var detail: String

    public init(limit: String, path: String, offset: Int, detail: String) {
        self.limit = limit
        self.path = path
        self.offset = offset
        self.detail = detail
    }
}

/// Totals of a scan (design §4's `summary`).
public struct ScanSummary: Sendable, Codable, Equatable {
    public var files = 0
    public var bytes = 0
    public var findings = 0
    public var bySeverity: [String: Int] = [:]
    public var skipped: [SkippedInput] = []
    /// Matches that were not findings, by reason (placeholders, look-alikes, inline allows).
    /// It still counts accepted findings too (under `inline-allow`, `ignored-fingerprint`,
    /// `baseline`, `allow-rule`), as it always has, so that dashboards reading it keep working.
    public var dismissed: [String: Int] = [:]
    /// Findings that were real credentials and were accepted, by the source that accepted them
    /// (design §8: accepted is not dismissed); absent when nothing was accepted.
    public var accepted: [String: Int]?
    public var ruleErrors: [RuleErrorReport] = []
    /// Limits hit (absent when none was).
    public var limits: [LimitReport]?
    /// With `--report-unused`: baseline entries that matched nothing.
    public var unusedBaseline: [Baseline.Entry]?
    /// With `--report-unused`: inline allow comments that accepted nothing, in input order.
    public var unusedInlineAllow: [UnusedInlineAllow]?
    /// What shaped the result: configuration files read, disabled rules, changes a range makes
    /// to them (set by the commands; absent in reports assembled without configuration).
    public var configuration: ConfigurationReport?
    /// Range scans: findings accepted by what the scanned change adds, for review (design §8).
    public var acceptedInChange: [AcceptedInChange]?
    /// Paths (files, or directories counted once and not entered) that the path patterns of a
    /// `.tokenscanignore` left out of a walk, by that file's path; absent when none did. The
    /// scanned tree writes these files, so what they hide is counted, never silent.
    public var excludedByIgnoreFiles: [String: Int]?
    /// `--shard K/N`: which part of a split scan this is (`merge` checks it has every part once).
    public var shard: Shard?
    /// Signed URLs seen whose own expiry had passed (no findings; design §5); absent when none was.
    public var expiredSignedURLs: Int?
    public init() {}

    package mutating func add(_ findings: [Finding]) {
        self.findings += findings.count
        for finding in findings { bySeverity[finding.severity.rawValue, default: 0] += 1 }
    }
}

/// Why a match did not become a finding (counted in the summary, never silent).
public enum Dismissal: String, Error, Sendable, Codable, CaseIterable {
    case placeholder
    case lowEntropy = "low-entropy"
    case notAJWT = "not-a-jwt"
    case inlineAllow = "inline-allow"
    /// The secret's fingerprint is listed in a `.tokenscanignore`, or its place in a `.gitleaksignore`.
    case ignoredFingerprint = "ignored-fingerprint"
    /// The finding is accepted in the baseline (`--baseline`).
    case baseline
    /// A claim-aware allow rule of the configuration accepts it.
    case allowRule = "allow-rule"
    /// Already reported at the same path with the same line content (`ScanOptions.reportRepeatsOnce`).
    case repeated
    /// A provider token whose checksum is wrong: a typo, a truncated or edited copy, or a made-up
    /// example, not a token the provider issued (design §5).
    case badChecksum = "bad-checksum"
    /// A generic match that belongs to a provider token: it starts with a provider's prefix
    /// (`ghp_`, `xoxb-` …) that the provider's rule did not report as this span (cut short, masked,
    /// edited, or reported without the generic match's trailing characters), or it is the tail of
    /// one (the JWT inside `ghs_<app id>_eyJ…`).
    case providerLookalike = "provider-look-alike"
    /// A JWT whose signature is shorter or longer than its algorithm makes it, or a PyPI token whose
    /// macaroon ends early: cut short, so not a usable credential (or a join that glued the next
    /// line onto a complete token).
    case truncated
    /// A match with a bearer format's prefix (`v4.public.`) whose contents are not that format's:
    /// a payload that is not base64url, a signed message that is not JSON claims.
    case malformed
    /// A public key or a key's id (a PASERK `k4.public.…` or `k4.pid.…`), even after `Bearer `:
    /// published on purpose, it grants nothing.
    case publicKey = "public-key"
    /// A SAML message that carries no assertion (an AuthnRequest, a logout message, metadata, a
    /// response whose login failed): it grants nothing to whoever holds it.
    case noAssertion = "no-assertion"
    /// A value assigned to a credential's name that has the shape of something else: a UUID, a
    /// digest, a version, a path, a URL, an identifier (`Rules/named-values.toml`).
    case lookAlike = "look-alike"
    /// A value assigned to a name that holds no credential (`CSRF_TOKEN`, `next_page_token`).
    case notACredentialName = "not-a-credential-name"
    /// A named value that is base64 of text: it is judged in its decoded form.
    case encoded
    /// A named value whose name is not in the vocabulary: no match at all, so never counted.
    case unnamed
    /// A signed URL (Azure SAS, AWS pre-signed, GCS signed) whose own expiry has passed: the
    /// provider refuses it and no key can be recovered from it, so it is no finding; counted apart
    /// too (`ScanSummary.expiredSignedURLs`), because an auditor asks how many were seen.
    case expiredSignedURL = "expired-signed-url"

    /// Whether this is an acceptance of a real finding (an inline allow, an ignore file, a
    /// baseline, an allow rule) rather than a verdict that the match is no credential.
    public var isAcceptance: Bool {
        switch self {
        case .inlineAllow, .ignoredFingerprint, .baseline, .allowRule: true
        default: false
        }
    }
}
