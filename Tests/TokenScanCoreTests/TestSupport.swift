import Foundation
import XCTest
import FixtureKit
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanEngine
@testable import TokenScanSearch
@testable import TokenScanJudge
@testable import TokenScanSuppression
@testable import TokenScanSources
@testable import TokenScanReport
@testable import TokenScanApp

enum TestSupport {
    static let now = Date(timeIntervalSince1970: 1_767_225_600) // 2026-01-01T00:00:00Z

    static func builtinRules() -> [Rule] {
        do { return try RuleCatalog.builtin() } catch { fatalError("built-in rules: \(error)") }
    }

    /// The built-in rules with a small `maxLength`, so that short inputs cross many chunk boundaries.
    static func smallWindowRules() -> [Rule] {
        builtinRules().map { rule in
            var rule = rule
            rule.maxLength = 512
            return rule
        }
    }

    static func matcher(_ rules: [Rule]? = nil, limits: MatchLimits = MatchLimits(), timeBudget: Duration = .milliseconds(500)) -> Matcher {
        do {
            return try Matcher(rules: rules ?? builtinRules(), limits: limits, timeBudget: timeBudget)
        } catch {
            fatalError("matcher: \(error)")
        }
    }

    static func settings(showSecrets: Bool = true) -> AnalysisSettings {
        AnalysisSettings(now: now, showSecrets: showSecrets)
    }

    /// Searches `bytes` and returns the hits (before analysis).
    static func hits(
        _ bytes: [UInt8], matcher: Matcher, chunkSize: Int = 1 << 20, maxRead: Int = .max
    ) throws -> ([SearchHit], SearchOutcome) {
        var options = SearchOptions()
        options.chunkSize = chunkSize
        options.skipBinary = false
        let searcher = Searcher(matcher: matcher, options: options)
        var source = MemorySource(bytes, maxRead: maxRead)
        var hits: [SearchHit] = []
        let outcome = searcher.search(&source) { hits.append($0) }
        return (hits, outcome)
    }

    /// Scans in-memory files through the whole pipeline and returns findings and summary.
    static func scan(
        _ files: [(String, [UInt8])], rules: [Rule]? = nil, settings: AnalysisSettings = settings(), jobs: Int = 2,
        allowRules: [AllowRule] = []
    ) -> ([Finding], ScanSummary) {
        var options = ScanOptions()
        options.jobs = jobs
        options.suppressions.allowRules = allowRules
        let scanner = Scanner(matcher: matcher(rules), settings: settings, options: options)
        let collector = Collector()
        let summary = scanner.scan(files.map { .memory(name: $0.0, bytes: $0.1) }, observer: collector)
        return (collector.findings, summary)
    }

    /// Writes a labelled corpus to a temporary directory and scans it as its tests do (two jobs,
    /// the corpus's clock): the findings with paths relative to the corpus, and the summary.
    static func scanLabelled(_ corpus: LabelledCorpus.Corpus) throws -> (findings: [Finding], summary: ScanSummary) {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FixtureCorpus.write(corpus.files, to: directory)
        var options = ScanOptions()
        options.jobs = 2
        var (findings, summary, _) = scan(paths: [directory.path], options: options, settings: AnalysisSettings(now: LabelledCorpus.now))
        let prefix = directory.path + "/"
        for index in findings.indices { findings[index].path = String(findings[index].path.dropFirst(prefix.count)) }
        return (findings, summary)
    }

    static func scan(paths: [String], options: ScanOptions = ScanOptions(), settings: AnalysisSettings = settings()) -> ([Finding], ScanSummary, Collector) {
        let scanner = Scanner(matcher: matcher(), settings: settings, options: options)
        let collector = Collector()
        let summary = scanner.scan(paths.map { .path($0) }, observer: collector)
        return (collector.findings, summary, collector)
    }

    static func temporaryDirectory() throws -> URL {
        try Scratch.directory("test")
    }

    /// The repository root (for Fixtures/ and Tests/ golden files).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

final class Collector: ScanObserver {
    var findings: [Finding] = []
    var diagnostics: [String] = []
    var paths: [String] = []
    func scanned(path: String, findings: [Finding]) {
        paths.append(path)
        self.findings += findings
    }
    func diagnostic(_ message: String) { diagnostics.append(message) }
}
