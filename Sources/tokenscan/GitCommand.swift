import ArgumentParser
import FoundationEssentials
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
            repository (hooks, filters, diff drivers, fsmonitor, pagers) is ever run. For the \
            pre-commit framework use `tokenscan hook`, which also handles `pre-commit run --all-files`.

            Examples:
              tokenscan git --staged        # what `git commit` would record
              tokenscan git origin/main..HEAD --format sarif -o results.sarif
              tokenscan git --since v1.4.0 --repo ../service
              tokenscan git --shard 1/8 --format sarif -o part1.sarif   # history on 8 machines

            \(ExitStatusHelp.scanning)
            """)

    @Flag(help: "Scan what is staged for the next commit (git diff --cached).")
    var staged = false

    @Option(help: ArgumentHelp("Scan the commits after REV (REV..HEAD).", valueName: "REV"))
    var since: String?

    @Option(help: ArgumentHelp("The repository to scan (a directory inside its work tree, or a bare repository).", valueName: "DIR"))
    var repo: String = "."

    @Argument(help: ArgumentHelp("A revision range, e.g. origin/main..HEAD (default: all history reachable from HEAD).", valueName: "RANGE"))
    var range: String?

    @Option(help: ShardOption.help)
    var shard: String?

    @OptionGroup var report: ReportOptions

    func validate() throws {
        if let shard {
            _ = try ShardOption.parse(shard)
            if staged { throw ValidationError("--shard splits history by commit; --staged has no commits to split") }
        }
        if staged && (range != nil || since != nil) {
            throw ValidationError("--staged scans the index; it cannot be combined with a range or --since")
        }
        if range != nil && since != nil { throw ValidationError("give either a range or --since, not both") }
        for revision in [range, since].compactMap({ $0 }) where revision.isEmpty || revision.hasPrefix("-") {
            throw ValidationError("'\(revision)' is not a revision range")
        }
    }

    func run() throws {
        let scan: GitScan
        do {
            scan = try GitScan(repository: repo, selection: staged ? .staged : .history(range: since.map { "\($0)..HEAD" } ?? range),
                               environment: ProcessEnvironment.current, readsRepositoryConfiguration: !report.noRepoConfig)
        } catch {
            try fail("\(error)")
        }
        defer { scan.remove() }
        var request = try report.request(gitScan: scan, repository: repo)
        do {
            try scan.prepare(&request, paths: nil, shard: shard.map(ShardOption.parse), warn: printError)
        } catch {
            try fail("\(error)")
        }
        let (status, _) = ScanSession.run(request, diagnostics: printError)
        try finish(status)
    }
}

extension ReportOptions {
    /// The request of a git scan: a range discovers configuration in its base revision's exported
    /// files, never in the commits it scans; otherwise from `repository` up to its root.
    func request(gitScan scan: GitScan, repository: String) throws -> ScanRequest {
        if let base = scan.base {
            return try request(inputs: [], configNear: [base.directory], confinedTo: base.directory, discoveredSource: base.sourceDescription)
        }
        return try request(inputs: [], configNear: [repository])
    }
}
