import FoundationEssentials
import Glibc
import Synchronization
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanReport
import TokenScanSearch
import TokenScanSources
import TokenScanSuppression

/// Everything one scan needs, assembled by the command line (or a test).
public struct ScanRequest: Sendable {
    public var inputs: [ScanInput]
    /// Sources that produce their inputs while the scan runs (git history), scanned after
    /// `inputs`. A failure makes the run fail (exit 2) after what was produced before is reported.
    public var sources: [any InputSource] = []
    public var format: ReportFormat = .text
    public var outputPath: String?
    /// `--report FORMAT=FILE`: more reports of the same scan, each to its file.
    public var additionalReports: [AdditionalReport] = []
    public var failOn: FailThreshold = .severity(.medium)
    public var settings: AnalysisSettings
    public var options = ScanOptions()
    /// Extra rule files or directories (`--rules`, the config's `rules`).
    public var ruleSources: [String] = []
    /// Rule ids not to run (the config's `disabledRules`).
    public var disabledRules: [String] = []
    /// Rules built elsewhere (translated from a gitleaks configuration), run with the others.
    public var importedRules: [Rule] = []
    public var colors = false
    public var allOccurrences = false
    /// `--write-baseline`: where to write the accepted set (every current finding).
    public var writeBaselinePath: String?
    /// `--report-unused`: name baseline entries that no longer match anything, and inline allow
    /// comments that accept nothing.
    public var reportUnused = false
    /// Draw a progress line on stderr (the CLI sets it when stderr is a terminal, or `--progress`).
    public var progress = false
    /// `--quiet` / `--verbose`.
    public var verbosity = Verbosity.normal
    public var toolVersion = TokenScanVersion.current
    /// Reports that record when the scan ended (GitLab's `end_time`) read the wall clock; false
    /// (a fixed `--now`, the golden files): they record `now`, and the report is reproducible.
    public var recordsFinishTime = false
    /// What shaped the result (files read, disabled rules, changes in a range): every report
    /// carries it in its summary.
    public var configuration = ConfigurationReport()
    /// `--shard K/N`: recorded in the report's summary (a tree's is applied by `options.shard`).
    public var shard: Shard?
    /// History shards: each read commit's position in the whole range, oldest first.
    public var commitOrder: [String: Int] = [:]

    public init(inputs: [ScanInput], settings: AnalysisSettings) {
        self.inputs = inputs
        self.settings = settings
    }

    /// Applies a configuration file. Command-line choices win: `failOn` is taken from the file
    /// only when `failOnFromCommandLine` is false.
    public mutating func apply(_ configuration: Configuration, failOnFromCommandLine: Bool) {
        if !failOnFromCommandLine, let failOn = configuration.failOn { self.failOn = failOn }
        ruleSources = configuration.ruleSources + ruleSources
        disabledRules += configuration.disabledRules
        if let scopes = configuration.scopes { settings.taxonomy = settings.taxonomy.merging(scopes) }
        if let providers = configuration.providers { settings.providers = settings.providers.merging(providers) }
        if let names = configuration.names { settings.names = settings.names.merging(names) }
        options.suppressions.allowRules += configuration.allowRules
    }

    /// Accepts the fingerprints of `.tokenscanignore` files that are not walked (a git scan's),
    /// each for its own directory (`path` is relative to where findings' paths start).
    public func acceptIgnoreFiles(_ files: [(path: String, contents: String)]) {
        for file in files {
            options.suppressions.addIgnoredFingerprints(Self.fingerprints(file.contents), scope: PathName.parent(of: file.path))
        }
    }

    /// Accepts the fingerprints the change under review adds to its `.tokenscanignore` files
    /// (`changed`: the files as the change leaves them; `trusted`: as its base has them). They
    /// accept, but each finding they accept is listed for review (design §8).
    public func acceptIgnoreFiles(addedBy changed: [(path: String, contents: String)], to trusted: [(path: String, contents: String)]) {
        let known = Dictionary(trusted.map { ($0.path, Set(Self.fingerprints($0.contents))) }, uniquingKeysWith: { first, _ in first })
        for file in changed {
            let added = Self.fingerprints(file.contents).filter { !(known[file.path]?.contains($0) ?? false) }
            options.suppressions.addIgnoredFingerprints(added, scope: PathName.parent(of: file.path), inChange: true)
        }
    }

    private static func fingerprints(_ contents: String) -> [String] {
        IgnoreFile(contents: contents, base: "", collectsFingerprints: true).fingerprints
    }

    /// Adds what a gitleaks configuration translated to: its rules, and its allowlists as allow rules.
    public mutating func apply(_ gitleaks: GitleaksImport) {
        importedRules += gitleaks.rules
        options.suppressions.allowRules += gitleaks.allowRules
    }
}

/// Runs a `ScanRequest` end to end: rules → scanner → reporter → exit status. Diagnostics go to
/// the `diagnostics` closure (stderr in the CLI); only the report goes to the output.
public enum ScanSession {
    public static func loadRules(_ sources: [String], disabled: [String] = [], imported: [Rule] = []) throws(RuleError) -> [Rule] {
        var rules = try RuleCatalog.builtin()
        for source in sources { rules += try RuleCatalog.load(path: source) }
        rules += imported
        for id in disabled where !rules.contains(where: { $0.id == id }) {
            throw RuleError(file: "configuration", ruleID: id, message: "disabledRules names a rule that does not exist")
        }
        return rules.filter { !disabled.contains($0.id) }
    }

    public static func run(_ request: ScanRequest, diagnostics report: @escaping (String) -> Void) -> (ExitStatus, ScanSummary?) {
        // --quiet keeps errors only: the report still names everything skipped or accepted.
        let diagnostics: (String) -> Void = request.verbosity == .quiet ? { if $0.hasPrefix("error:") { report($0) } } : report
        if request.verbosity == .verbose {
            // What the reports' configuration summary records (path, role, where from).
            for file in request.configuration.files { diagnostics("read \(file.role) file \(file.path) (\(file.source))") }
            if request.configuration.files.isEmpty { diagnostics("read no configuration file, baseline or .gitleaksignore") }
        }
        // A path the user named that does not exist is a usage error (a typo in a CI step must not
        // pass as "no findings"); unreadable entries inside a tree are reported and skipped instead.
        for case .path(let root) in request.inputs where !FileManager.default.fileExists(atPath: root) {
            var isLink = stat()
            if lstat(root, &isLink) != 0 {
                diagnostics("error: \(root): no such file or directory")
                return (.error, nil)
            }
        }
        let matcher: Matcher
        do {
            // Inline allow markers join the keyword pass only when unused ones are to be named.
            matcher = try Matcher(rules: loadRules(request.ruleSources, disabled: request.disabledRules, imported: request.importedRules),
                                  markers: request.reportUnused ? InlineAllow.markers : [])
        } catch {
            diagnostics("error: \(error)")
            return (.error, nil)
        }
        let output: ReportOutput
        do {
            output = try request.outputPath.map { path throws(OutputError) in
                try ReportOutput(path: path, private: request.settings.showSecrets)
            } ?? ReportOutput()
        } catch {
            diagnostics("error: \(error)")
            return (.error, nil)
        }
        output.lineBuffered = request.outputPath == nil && (request.format == .jsonl || request.format == .text)
        var outputs = [output]
        for report in request.additionalReports {
            do {
                outputs.append(try ReportOutput(path: report.path, private: request.settings.showSecrets))
            } catch {
                outputs.forEach { $0.abandon() }
                diagnostics("error: \(error)")
                return (.error, nil)
            }
        }
        var context = ReportContext(toolVersion: request.toolVersion, now: request.settings.now, rules: matcher.rules.map(\.rule))
        context.colors = request.colors
        context.reportsUnused = request.reportUnused
        context.allOccurrences = request.allOccurrences
        context.disclosure = ClaimDisclosure(taxonomy: request.settings.taxonomy, showSecrets: request.settings.showSecrets)
        if request.recordsFinishTime { context.finishedAt = { Date() } }
        var reporter = Reporters.make(request.format, context: context, output: output)
        if !request.additionalReports.isEmpty {
            var plain = context
            plain.colors = false
            reporter = ReportFanOut([reporter] + zip(request.additionalReports, outputs.dropFirst()).map { report, output in
                Reporters.make(report.format, context: plain, output: output)
            })
        }
        let observer = ReportingObserver(reporter: reporter, diagnostics: diagnostics)
        var options = request.options
        // TOKENSCAN_HELD_BACK_LIMIT: a test seam (reaching the real bound takes thousands of
        // correlatable findings in one input).
        if let limit = ProcessEnvironment.current["TOKENSCAN_HELD_BACK_LIMIT"].flatMap(Int.init), limit > 0 {
            options.heldBackLimit = limit
        }
        var progressLine: ProgressLine?
        if request.progress {
            let counter = ProgressCounter()
            options.search.progress = counter
            observer.progress = counter
            let stream = request.inputs == [.standardInput] && request.sources.isEmpty
            progressLine = ProgressLine(counter: counter, stream: stream) { StandardStreams.writeError($0) }
            // TOKENSCAN_PROGRESS_INTERVAL_MS: a test seam (a pseudo-terminal test cannot wait for
            // the half second a person would).
            if let milliseconds = ProcessEnvironment.current["TOKENSCAN_PROGRESS_INTERVAL_MS"].flatMap(Int.init), milliseconds > 0 {
                progressLine?.start(delay: .milliseconds(milliseconds), interval: .milliseconds(milliseconds))
            } else {
                progressLine?.start()
            }
            observer.aroundOutput = { [progressLine] output in
                if let progressLine { progressLine.clearing(output) } else { output() }
            }
        }
        // v1 fingerprints are derived only for the suppression sources that still list them.
        options.suppressions.fingerprinter = request.settings.fingerprinter
        if let baseline = options.suppressions.baseline, baseline.legacyEntryCount > 0 {
            diagnostics(FingerprintMigration.baselineWarning(count: baseline.legacyEntryCount, path: baseline.path))
        }
        let scanner = Scanner(matcher: matcher, settings: request.settings, options: options)
        observer.collectForBaseline = request.writeBaselinePath != nil
        observer.collectsCommits = request.shard?.by == .commit
        var summary: ScanSummary
        do {
            summary = try scanner.scan(request.inputs + request.sources, observer: observer)
        } catch {
            progressLine?.stop()
            outputs.forEach { $0.abandon() }
            diagnostics("error: \(error)")
            return (.error, nil)
        }
        progressLine?.stop()
        for scope in options.suppressions.ignoreFilesWithLegacyFingerprints {
            diagnostics(FingerprintMigration.ignoreFileWarning(scope: scope))
        }
        summary.configuration = request.configuration
        if var shard = request.shard {
            if shard.by == .commit {
                shard.commits = Dictionary(observer.commitsSeen.compactMap { sha in request.commitOrder[sha].map { (sha, $0) } },
                                           uniquingKeysWith: { first, _ in first })
            }
            summary.shard = shard
            let part = shard.by == .commit ? "\(request.commitOrder.count) commit\(request.commitOrder.count == 1 ? "" : "s")"
                : "\(summary.files) file\(summary.files == 1 ? "" : "s")"
            diagnostics("shard \(shard.label) (by \(shard.by.rawValue)): scanned \(part); `tokenscan merge` combines the \(shard.count) shards' reports")
        }
        if let baseline = request.options.suppressions.baseline {
            let unused = baseline.unusedEntries
            if request.reportUnused {
                summary.unusedBaseline = unused
                // The text report lists them itself; other formats name them on stderr too.
                for entry in unused where request.format != .text {
                    diagnostics("baseline entry matches nothing any more: \(entry.path) \(entry.fingerprint) (\(entry.ruleId)); remove it")
                }
            }
        }
        if let expired = summary.expiredSignedURLs, request.format != .text {
            // The text report's summary line says it; other formats' readers see stderr.
            diagnostics(SignedURLCount.phrase(expired))
        }
        for allow in summary.unusedInlineAllow ?? [] where request.format != .text {
            let commit = allow.commit.map { " (commit \($0.prefix(12)))" } ?? ""
            diagnostics("\(allow.marker) accepts nothing: \(allow.path):\(allow.line)\(commit); remove it")
        }
        if let path = request.writeBaselinePath {
            // Still-present accepted entries stay; every reported finding joins them.
            // v1 entries that matched are kept with the v2 fingerprint of what they matched.
            let kept = request.options.suppressions.baseline?.usedEntriesUpgraded ?? []
            let written = Baseline(entries: kept + Array(observer.collected))
            do {
                let output = try ReportOutput(path: path, private: false)
                try output.write(written.encoded())
                try output.commit()
                diagnostics("wrote \(written.entries.count) baseline entries to \(path)")
            } catch {
                diagnostics("error: \(error)")
                return (.error, summary)
            }
        }
        do {
            if let error = observer.outputError { throw error }
            if request.verbosity == .verbose {
                // Read while the scan walked (or from git): named afterwards, but before the
                // report's summary line, which stays the last thing on a terminal.
                for scope in request.options.suppressions.ignoreFileScopes {
                    diagnostics("read fingerprints from \(scope.isEmpty ? "" : scope + "/").tokenscanignore")
                }
                if let accepted = summary.accepted, !accepted.isEmpty {
                    diagnostics("accepted: " + accepted.sorted { $0.key < $1.key }.map { "\($0.value) by \($0.key)" }.joined(separator: ", "))
                }
            }
            try reporter.finish(summary)
            for output in outputs { try output.commit() }
        } catch {
            outputs.forEach { $0.abandon() }
            if !((error as? OutputError)?.isBrokenPipe ?? false) { diagnostics("error: \(error)") }
            return (.error, summary)
        }
        let status: ExitStatus = request.failOn.fails(summary) ? .findings : .clean
        if status == .findings, let path = request.outputPath {
            let reports = [AdditionalReport(format: request.format, path: path)] + request.additionalReports
            diagnostics(gateLine(summary, failOn: request.failOn, reports: reports))
        }
        return (status, summary)
    }

    /// The one stderr line of a run that fails the gate while its report goes to a file, so a red
    /// CI job says why without opening the artifact: the counts by severity and where each report is.
    package static func gateLine(_ summary: ScanSummary, failOn: FailThreshold, reports: [AdditionalReport]) -> String {
        let counts = Severity.allCases.reversed().compactMap { severity -> String? in
            guard let count = summary.bySeverity[severity.rawValue], count > 0 else { return nil }
            return "\(count) \(severity.rawValue)"
        }
        var blocking = 0
        var threshold = "never"
        if case .severity(let minimum) = failOn {
            threshold = minimum.rawValue
            blocking = Severity.allCases.filter { $0 >= minimum }.reduce(0) { $0 + (summary.bySeverity[$1.rawValue] ?? 0) }
        }
        return "\(summary.findings) finding\(summary.findings == 1 ? "" : "s") (\(counts.joined(separator: ", "))), "
            + "\(blocking) at or above --fail-on \(threshold); "
            + reports.map { "\($0.format.rawValue) report written to \($0.path)" }.joined(separator: ", ")
    }
}

/// Bridges scan events to a reporter and stderr; remembers the first output error (a closed pipe
/// stops reporting, the scan finishes quietly).
package final class ReportingObserver: ScanObserver {
    package let reporter: Reporter
    package let diagnostics: (String) -> Void
    package var outputError: OutputError?

    package init(reporter: Reporter, diagnostics: @escaping (String) -> Void) {
        self.reporter = reporter
        self.diagnostics = diagnostics
    }

    /// Entries kept for `--write-baseline` (small: fingerprint, path, rule, kind; never whole
    /// findings, which a report streams out).
    package var collectForBaseline = false
    package var collected: Set<Baseline.Entry> = []
    /// History shards: the commits of the findings reported (their order is recorded for `merge`).
    package var collectsCommits = false
    package var commitsSeen: Set<String> = []

    package var progress: ProgressCounter?
    /// Wraps the writing of a diagnostic or streamed findings: clears the progress line (it is
    /// drawn again below them) and keeps it from being redrawn until the write is done, since
    /// mixing the two on one terminal line garbles both.
    package var aroundOutput: (() -> Void) -> Void = { $0() }

    package func scanned(path: String, findings: [Finding]) {
        progress?.findings.add(findings.count, ordering: .relaxed)
        if collectForBaseline { collected.formUnion(Baseline(findings: findings).entries) }
        if collectsCommits { commitsSeen.formUnion(findings.compactMap { $0.commit?.sha }) }
        guard outputError == nil, !findings.isEmpty else { return }
        aroundOutput {
            do throws(OutputError) {
                try reporter.add(findings)
            } catch {
                outputError = error
            }
        }
    }

    package func finished(path: String) {
        progress?.inputs.add(1, ordering: .relaxed)
    }

    package func diagnostic(_ message: String) {
        aroundOutput { diagnostics(message) }
    }
}
