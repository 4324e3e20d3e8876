import FoundationEssentials
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch

/// Every way of accepting a finding, applied in one stage that every command shares.
///
/// Why one type: when acceptance was spread over the matcher, the analyzer, the walker and the
/// scan state, each command assembled a different subset, and a fingerprint accepted for `scan .`
/// still blocked `git --staged`. Here a judged finding is checked once, in a fixed order, against
/// every source; the first that accepts it names the dismissal it is counted under. Sources:
///
/// | source | scope | counted as |
/// |---|---|---|
/// | inline `tokenscan:allow` / `gitleaks:allow` | the secret's own line | `inline-allow` |
/// | `.tokenscanignore` fingerprints | the directory of the ignore file and below | `ignored-fingerprint` |
/// | `.gitleaksignore` entries | as gitleaks reads them (path, rule, line) | `ignored-fingerprint` |
/// | a baseline (`--baseline`) | fingerprint and path | `baseline` |
/// | claim-aware allow rules (configuration, gitleaks allowlists) | what the rule states | `allow-rule` |
///
/// It is shared by all worker threads: the ignore files arrive from the walker while the scan
/// runs (always before any file they cover is handed out), so they are kept under a lock.
public final class SuppressionSet: @unchecked Sendable {
    /// Inline allow comments are honoured (`--ignore-inline-allow` turns them off).
    public var honorsInlineAllow = true
    /// Every scanned line is added by the change under review (a range scan): an inline allow
    /// accepts its finding "in this change", listed for review.
    public var inlineAllowIsInChange = false
    public var allowRules: [AllowRule] = []
    public var baseline: BaselineFilter?
    public var gitleaksIgnore: GitleaksIgnore? {
        didSet { if gitleaksIgnore?.isEmpty == true { gitleaksIgnore = nil } }
    }

    /// Derives the v1 fingerprint of a secret when a baseline or an ignore file still lists v1
    /// entries (they match for one release, design §8); the scan's own fingerprinter, same key.
    public var fingerprinter = Fingerprinter()

    private let lock = Lock()
    /// `.tokenscanignore` fingerprints by the scope they cover: a path prefix in the form findings
    /// carry their paths (`""` covers everything).
    private var ignoredFingerprints: [(scope: String, fingerprints: Set<String>, inChange: Bool)] = []
    /// Scopes of ignore files that list v1 fingerprints, in the order they arrived.
    private var legacyScopes: [String] = []

    public init() {}

    /// Adds the fingerprints of one `.tokenscanignore`; they cover `scope`, the ignore file's
    /// directory as findings name paths (`""` or `"."`: the whole scan), and everything below it,
    /// as a `.gitignore` covers its own directory.
    /// `inChange`: the change under review adds them (a range's commits): they accept, but each
    /// finding they accept is listed for review.
    public func addIgnoredFingerprints(_ fingerprints: [String], scope: String, inChange: Bool = false) {
        guard !fingerprints.isEmpty else { return }
        let scope = scope == "." || scope == "./" ? "" : (scope.hasSuffix("/") ? String(scope.dropLast()) : scope)
        lock.lock()
        defer { lock.unlock() }
        ignoredFingerprints.append((scope, Set(fingerprints.map { $0.lowercased() }), inChange))
        if fingerprints.contains(where: Fingerprinter.isLegacy) && !legacyScopes.contains(scope) { legacyScopes.append(scope) }
    }

    /// The directories (as findings name paths; `""` for the root) of ignore files that list v1
    /// fingerprints: they still match, and the run says so on stderr.
    public var ignoreFilesWithLegacyFingerprints: [String] {
        lock.lock()
        defer { lock.unlock() }
        return legacyScopes
    }

    /// The directories whose `.tokenscanignore` fingerprints were added, in the order read
    /// (`--verbose` names them; `""` is the scan root).
    public var ignoreFileScopes: [String] {
        lock.lock()
        defer { lock.unlock() }
        return ignoredFingerprints.map(\.scope)
    }

    /// What a judged finding needs besides itself: the text around it, and the commit that added it.
    public struct Subject {
        public var secret: [UInt8]
        public var match: [UInt8]
        /// The secret's line as the searcher cut it.
        public var line: [UInt8]
        public var commit: String?
        public init(secret: [UInt8], match: [UInt8], line: [UInt8], commit: String?) {
            self.secret = secret
            self.match = match
            self.line = line
            self.commit = commit
        }
    }

    /// The source that accepts `finding`, or nil when it stands. `finding` carries its final path
    /// and line (after a git blob moved it to the original line).
    public func acceptance(of finding: Finding, subject: Subject, now: Date, scratch: MatchScratch) -> Dismissal? {
        acceptanceDetail(of: finding, subject: subject, now: now, scratch: scratch)?.dismissal
    }

    /// The source that accepts `finding`, and whether that source is part of the change under
    /// review (then the acceptance is listed, design §8).
    public func acceptanceDetail(
        of finding: Finding, subject: Subject, now: Date, scratch: MatchScratch
    ) -> (dismissal: Dismissal, inChange: Bool)? {
        let inline = honorsInlineAllow && InlineAllow.covers(subject.line)
        if inline && !inlineAllowIsInChange { return (.inlineAllow, false) }
        let fingerprintInChange = ignoringFingerprint(finding, secret: subject.secret)
        if fingerprintInChange == false { return (.ignoredFingerprint, false) }
        // A source outside the change wins: the finding then needs no review.
        if let trusted = acceptanceOutsideTheChange(of: finding, subject: subject, now: now, scratch: scratch) { return (trusted, false) }
        if inline { return (.inlineAllow, true) }
        if fingerprintInChange == true { return (.ignoredFingerprint, true) }
        return nil
    }

    /// The sources a change cannot add to: those the command line or the base names.
    private func acceptanceOutsideTheChange(of finding: Finding, subject: Subject, now: Date, scratch: MatchScratch) -> Dismissal? {
        if gitleaksIgnore?.ignores(finding) == true { return .ignoredFingerprint }
        if let baseline, baseline.accepts(
            fingerprint: finding.fingerprint, path: finding.path, legacy: { fingerprinter.legacyFingerprint(subject.secret) },
            ruleId: finding.ruleId, kind: finding.kind) {
            return .baseline
        }
        if !allowRules.isEmpty {
            let allowSubject = AllowRule.Subject(secret: subject.secret, match: subject.match, line: subject.line, commit: subject.commit)
            if allowRules.contains(where: { $0.accepts(finding, subject: allowSubject, now: now, scratch: scratch) }) {
                return .allowRule
            }
        }
        return nil
    }

    /// How a match that judgement dismissed (a placeholder, a look-alike) is counted: on a line
    /// that carries an inline allow marker it is counted under the marker, as the user's word on
    /// that line, whatever else would also have dismissed it.
    public func counted(_ dismissal: Dismissal, line: [UInt8]) -> Dismissal {
        honorsInlineAllow && InlineAllow.covers(line) ? .inlineAllow : dismissal
    }

    /// Whether a `.tokenscanignore` accepts the finding: nil when none does; else whether only
    /// ignore files the change adds do.
    /// `secret`: to derive the v1 fingerprint, only when an ignore file lists v1 fingerprints.
    private func ignoringFingerprint(_ finding: Finding, secret: [UInt8]) -> Bool? {
        lock.lock()
        defer { lock.unlock() }
        guard !ignoredFingerprints.isEmpty else { return nil }
        let legacy = legacyScopes.isEmpty ? nil : fingerprinter.legacyFingerprint(secret)
        let covering = ignoredFingerprints.filter { entry in
            (entry.fingerprints.contains(finding.fingerprint) || legacy.map(entry.fingerprints.contains) == true)
                && SuppressionSet.path(finding.path, isWithin: entry.scope)
        }
        return covering.isEmpty ? nil : covering.allSatisfy(\.inChange)
    }

    /// Whether `path` is `scope` or lies below it (`""` holds every path).
    static func path(_ path: String, isWithin scope: String) -> Bool {
        let path = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        return scope.isEmpty || path == scope || path.hasPrefix(scope + "/")
    }
}
