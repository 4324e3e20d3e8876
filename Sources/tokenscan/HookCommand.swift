import ArgumentParser
import FoundationEssentials
import TokenScanModel
import TokenScanSources
import TokenScanApp

struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "The pre-commit hook: scan what pre-commit or git asks for (staged changes, a range, or the files passed).",
        discussion: """
            Decides from the environment, as pre-commit runs hooks: with PRE_COMMIT_FROM_REF and \
            PRE_COMMIT_TO_REF set (pre-commit run --from-ref A --to-ref B, pre-push), the lines the \
            commits of A..B add; inside git commit (GIT_INDEX_FILE set) or with no FILE, the lines \
            the staged changes add, read from the index (a partially staged file is judged by what \
            is committed); otherwise (pre-commit run --all-files, --files) the FILEs, whole. Given \
            FILEs limit a diff to them.

            Examples:
              tokenscan hook                # in .git/hooks/pre-commit: the staged changes
              tokenscan hook src/app.env    # this file (its staged lines inside a commit)
              PRE_COMMIT_FROM_REF=origin/main PRE_COMMIT_TO_REF=HEAD tokenscan hook

            \(ExitStatusHelp.scanning)
            """)

    @Argument(help: ArgumentHelp("The files pre-commit passes (relative to the current directory).", valueName: "FILE"))
    var files: [String] = []

    @OptionGroup var report: ReportOptions

    func run() throws {
        let environment = ProcessEnvironment.current
        let selection = HookSelection.decide(environment: environment, files: files)
        if report.verbose { printError("hook: scanning \(selection.description)") }
        switch selection {
        case .files(let files):
            var request = try report.request(inputs: files.map { .path($0) }, configNear: ["."])
            request.options.walk.readsTokenscanIgnore = !report.noRepoConfig
            let (status, _) = ScanSession.run(request, diagnostics: printError)
            try finish(status)
        case .staged(let paths), .range(_, _, let paths):
            var gitSelection = GitSource.Selection.staged
            if case .range(let from, let to, _) = selection { gitSelection = .history(range: "\(from)..\(to)") }
            let scan: GitScan
            do {
                scan = try GitScan(repository: ".", selection: gitSelection, environment: environment,
                                   readsRepositoryConfiguration: !report.noRepoConfig)
            } catch {
                try fail("\(error)")
            }
            defer { scan.remove() }
            var request = try report.request(gitScan: scan, repository: ".")
            do {
                try scan.prepare(&request, paths: paths.isEmpty ? nil : paths, warn: printError)
            } catch {
                try fail("\(error)")
            }
            let (status, _) = ScanSession.run(request, diagnostics: printError)
            try finish(status)
        }
    }
}
