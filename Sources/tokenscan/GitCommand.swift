import ArgumentParser
import Foundation
import TokenFormats
import TokenScanModel
import TokenScanEngine
import TokenScanSearch
import TokenScanJudge
import TokenScanSuppression
import TokenScanSources
import TokenScanReport
import TokenScanApp

struct GitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git",
        abstract: "Scan the lines that staged changes (pre-commit) or commits (CI, history) add.",
        discussion: """
            Only added lines are reported, at their line in the new file, with the commit that added \
            them. No RANGE: all history reachable from HEAD, oldest first. Nothing configured in the \
            repository (hooks, filters, diff drivers, fsmonitor, pagers) is ever run.
            """)

    @Flag(help: "Scan what is staged for the next commit (git diff --cached).")
    var staged = false

    @Option(help: ArgumentHelp("Scan the commits after REV (REV..HEAD).", valueName: "REV"))
    var since: String?

    @Option(help: ArgumentHelp("The repository to scan (a directory inside its work tree, or a bare repository).", valueName: "DIR"))
    var repo: String = "."

    @Argument(help: ArgumentHelp("A revision range, e.g. origin/main..HEAD (default: all history reachable from HEAD).", valueName: "RANGE"))
    var range: String?

    @OptionGroup var report: ReportOptions

    func validate() throws {
        if staged && (range != nil || since != nil) {
            throw ValidationError("--staged scans the index; it cannot be combined with a range or --since")
        }
        if range != nil && since != nil { throw ValidationError("give either a range or --since, not both") }
        for revision in [range, since].compactMap({ $0 }) where revision.isEmpty || revision.hasPrefix("-") {
            throw ValidationError("'\(revision)' is not a revision range")
        }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let source: GitSource
        do {
            let runner = try GitRunner(repository: repo, environment: environment, keepIndexFile: staged)
            try runner.verifyRepository()
            source = GitSource(runner: runner, selection: staged ? .staged : .history(range: since.map { "\($0)..HEAD" } ?? range))
        } catch {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.error.rawValue)
        }
        // The repository's .tokenscan.toml applies (found from --repo up to its root).
        var request = try report.request(inputs: [], configNear: [repo])
        request.sources = [source]
        do {
            request.acceptIgnoreFiles(try source.ignoreFiles())
        } catch {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.error.rawValue)
        }
        request.options.reportRepeatsOnce = true
        let (status, _) = ScanSession.run(request, diagnostics: printError)
        try finish(status)
    }
}
