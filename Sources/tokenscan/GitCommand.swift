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
        // A range trusts its base revision's configuration, never the commits it scans (design
        // §8); --staged and all history read the repository's (found from --repo up to its root).
        var base: BaseRevisionConfiguration?
        if let ends = source.rangeEnds, !report.noRepoConfig {
            do {
                base = try BaseRevisionConfiguration(source: source, base: ends.base)
            } catch {
                printError("error: \(error)")
                throw ExitCode(ExitStatus.error.rawValue)
            }
        }
        defer { base?.remove() }
        var request = try base.map {
            try report.request(inputs: [], configNear: [$0.directory], confinedTo: $0.directory, discoveredSource: $0.sourceDescription)
        } ?? report.request(inputs: [], configNear: [repo])
        request.sources = [source]
        do {
            if let base, let ends = source.rangeEnds {
                let changes = try source.changes(from: ends.base, to: ends.tip, touching: base.watchedPaths)
                request.configuration.changedInRange = changes
                for change in changes {
                    printError("warning: the scanned commits change \(change.path) (\(change.change)); this scan used the base revision's (\(base.sourceDescription)): the change takes effect once it is merged")
                }
            }
            // What a range adds to its .tokenscanignore files accepts too, but every finding it
            // accepts is listed for review; so is every inline allow, since each line a range
            // scan sees is added by it (design §8).
            if source.rangeEnds != nil { request.options.suppressions.inlineAllowIsInChange = true }
            if !report.noRepoConfig {
                let trusted = try source.ignoreFiles()
                request.acceptIgnoreFiles(trusted)
                if let ends = source.rangeEnds {
                    request.acceptIgnoreFiles(addedBy: try source.ignoreFiles(at: ends.tip), to: trusted)
                }
            }
        } catch {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.error.rawValue)
        }
        request.options.reportRepeatsOnce = true
        let (status, _) = ScanSession.run(request, diagnostics: printError)
        try finish(status)
    }
}
