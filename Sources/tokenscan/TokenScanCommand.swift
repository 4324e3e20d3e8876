import ArgumentParser
import Dispatch
import FoundationEssentials
import Glibc
import TokenFormats
import TokenScanModel
import TokenScanEngine
import TokenScanSearch
import TokenScanJudge
import TokenScanSuppression
import TokenScanSources
import TokenScanReport
import TokenScanApp

@main
struct TokenScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenscan",
        abstract: "Find leaked bearer tokens and JWTs, and tell which ones matter.",
        version: VersionText.text,
        subcommands: [ScanCommand.self, GitCommand.self, HookCommand.self, DemoCommand.self, DecodeCommand.self, RedactCommand.self,
                      IgnoreCommand.self, MergeCommand.self, RulesCommand.self],
        defaultSubcommand: ScanCommand.self
    )

    /// Exit codes follow design §3: usage errors are 2 (ArgumentParser's default would be 64).
    /// Every error, ArgumentParser's included, is written in one style: `tokenscan: error: …`.
    static func main() {
        // The Swift runtime on Linux reads the command line from /proc/self/cmdline. Without /proc
        // (a bare chroot, a container started without it) it reads nothing, not even argv[0], and
        // an empty command line would run the default command: a scan of the current directory,
        // whatever the user typed. Refuse instead.
        if CommandLine.arguments.isEmpty {
            printError("error: cannot read the command line: /proc is not mounted (the Swift runtime reads "
                       + "the arguments from /proc/self/cmdline); mount it, as container runtimes do")
            Glibc.exit(ExitStatus.error.rawValue)
        }
        signal(SIGPIPE, SIG_IGN)
        Interrupts.install()
        Prewarm.start()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let unknown = CommandSuggestion.unknownCommand(arguments: arguments, commands: commandNames) {
            printError("error: \(unknown)")
            Glibc.exit(ExitStatus.error.rawValue)
        }
        do {
            var command = try DirectParse.parse(arguments) ?? parseAsRoot(arguments)
            try command.run()
        } catch let exit as ExitCode {
            Glibc.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(TerminalText.escapeLines(fullMessage(for: error)))
                Glibc.exit(0)
            }
            StandardStreams.writeError(ErrorStyle.restyle(TerminalText.escapeLines(fullMessage(for: error))) + "\n")
            Glibc.exit(ExitStatus.error.rawValue)
        }
    }

    /// The subcommands' names (a first argument that is none of them is a path to scan).
    static var commandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
    }
}

/// Options every scanning command shares (design §3).
struct ReportOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Report format: \(ReportFormat.names)."))
    var format: String = "text"

    @Flag(name: .shortAndLong, help: "No diagnostics on stderr but errors (the report is still written).")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also name the configuration files and suppression sources read, on stderr.")
    var verbose = false

    @Option(name: .shortAndLong, help: "Write the report to this file (atomically) instead of stdout.")
    var output: String?

    @Option(name: .customLong("report"), help: ArgumentHelp(
        "Also write a report in FORMAT to FILE, from the same scan (repeatable): --report sarif=results.sarif --report gitlab-codequality=gl-code-quality.json.",
        valueName: "FORMAT=FILE"))
    var additionalReports: [String] = []

    @Option(help: "The time to judge expiry against (ISO 8601 or Unix seconds). Default: the current time.")
    var now: String?

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding is at or above: critical, high, medium, low, info or never (default: the config's failOn, else medium).")
    var failOn: String?

    @Option(help: "Configuration file (default: .tokenscan.toml in the scanned directory or the repository root).")
    var config: String?

    @Option(name: .customLong("gitleaks-config"), help: ArgumentHelp(
        "Import the rules and allowlists of a gitleaks configuration (default: the config's 'gitleaks', else a .gitleaks.toml found like .tokenscan.toml).",
        valueName: "FILE"))
    var gitleaksConfig: String?

    @Flag(name: .customLong("show-secrets"), help: "Show secrets, and every JWT claim and header value, in reports (redacted and masked by default).")
    var showSecrets = false

    @Option(name: .customLong("rules"), help: "Add rules from a TOML file or a directory of them (repeatable).")
    var ruleSources: [String] = []

    @Option(help: "Worker threads (default: the number of cores).")
    var jobs: Int?

    @Option(name: .customLong("max-decode-depth"), help: "Layers of encoding undone to find hidden tokens: base64, percent, JSON and HTML escapes, split lines (default 3; 0 turns decoding off).")
    var maxDecodeDepth = 3

    @Option(help: "Colour the text report: auto, always or never.")
    var color: String = "auto"

    @Option(help: "Suppress findings listed in this baseline file (by fingerprint and path).")
    var baseline: String?

    @Option(name: .customLong("write-baseline"), help: "Write every current finding to this baseline file (sorted, stable).")
    var writeBaseline: String?

    @Flag(inversion: .prefixedNo, help: "Progress line on stderr (default: when stderr is a terminal).")
    var progress: Bool?

    @Flag(name: .customLong("report-unused"), help: "Name baseline entries that no longer match anything, and inline allow comments that accept nothing.")
    var reportUnused = false

    @Flag(name: .customLong("all-occurrences"), help: "Text report: list every occurrence of a repeated token (default: the first, then a count).")
    var allOccurrences = false

    @Option(help: "Verify JWT signatures offline with these keys: a JWKS, a JWK or PEM public keys.")
    var jwks: String?

    @Option(name: .customLong("fingerprint-key"), help: "Key for fingerprints (default: tokenscan's; or TOKENSCAN_FINGERPRINT_KEY).")
    var fingerprintKey: String?

    @Flag(name: .customLong("no-repo-config"), help: ArgumentHelp(
        "Read no configuration, ignore file or baseline from the scanned tree (.tokenscan.toml, .gitleaks.toml, .gitleaksignore, .tokenscanignore): only what the command line names."))
    var noRepoConfig = false

    @Flag(name: .customLong("ignore-inline-allow"), help: "Report findings on lines marked tokenscan:allow or gitleaks:allow.")
    var ignoreInlineAllow = false

    func validate() throws {
        guard ReportFormat(rawValue: format.lowercased()) != nil else {
            throw ValidationError("--format must be one of \(ReportFormat.names)")
        }
        if quiet && verbose { throw ValidationError("--quiet and --verbose contradict each other") }
        var reportPaths = Set(output.map { [$0] } ?? [])
        for argument in additionalReports {
            guard let report = AdditionalReport(argument: argument) else {
                throw ValidationError("--report takes FORMAT=FILE, FORMAT one of \(ReportFormat.names), not '\(argument)'")
            }
            guard reportPaths.insert(report.path).inserted else {
                throw ValidationError("--report: \(report.path) is named twice; every report needs a file of its own")
            }
        }
        if let failOn, FailThreshold(failOn.lowercased()) == nil {
            throw ValidationError("--fail-on must be one of critical, high, medium, low, info, never")
        }
        if let now, Clock.parse(now) == nil {
            throw ValidationError("--now must be ISO 8601 (2026-11-24T10:00:00Z) or Unix seconds, not '\(now)'")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if maxDecodeDepth < 0 || maxDecodeDepth > 32 { throw ValidationError("--max-decode-depth must be between 0 and 32") }
        guard ColorChoice(rawValue: color.lowercased()) != nil else { throw ValidationError("--color must be auto, always or never") }
    }

    /// Assembles the request; a key file that cannot be used is a usage error (exit 2).
    /// `confinedTo`: discover configuration in this directory only (a range's base revision,
    /// exported), described in the report as `discoveredSource`.
    func request(
        inputs: [ScanInput], discoverConfig: Bool = true, configNear: [String]? = nil, confinedTo: String? = nil,
        discoveredSource: String = "work tree"
    ) throws -> ScanRequest {
        let environment = ProcessEnvironment.current
        let key = fingerprintKey ?? environment["TOKENSCAN_FINGERPRINT_KEY"] ?? Fingerprinter.defaultKey
        var settings = AnalysisSettings(
            now: now.flatMap(Clock.parse) ?? Date(), showSecrets: showSecrets, fingerprinter: Fingerprinter(key: key))
        var baselineFilter: BaselineFilter?
        if let baseline {
            do {
                let loaded = try BaselineReader(fingerprinter: settings.fingerprinter).load(path: baseline)
                if !quiet { loaded.notes.forEach { printError("warning: --baseline \(baseline): \($0)") } }
                baselineFilter = BaselineFilter(loaded.baseline, path: baseline)
            } catch {
                try fail("--baseline \(error)")
            }
        }
        if let jwks {
            do {
                settings.keys = try KeySet.load(path: jwks)
            } catch {
                try fail("--jwks \(error)")
            }
        }
        var request = ScanRequest(inputs: inputs, settings: settings)
        request.options.suppressions.baseline = baselineFilter
        if let baseline, let bytes = FileManager.default.contents(atPath: baseline) {
            request.configuration.files.append(ConfigurationFile(
                path: baseline, role: "baseline", source: "command line", sha256: Digest.sha256Hex(bytes)))
        }
        request.options.suppressions.honorsInlineAllow = !ignoreInlineAllow
        if noRepoConfig { request.configuration.repositoryConfigurationIgnored = true }
        request.format = ReportFormat(rawValue: format.lowercased())!
        // A fixed clock (--now) makes the whole report reproducible, its recorded times too.
        request.recordsFinishTime = now == nil
        request.outputPath = output
        request.additionalReports = additionalReports.compactMap(AdditionalReport.init(argument:))
        if let failOn { request.failOn = FailThreshold(failOn.lowercased())! }
        request.ruleSources = ruleSources
        let roots = inputs.compactMap { input -> String? in
            if case .path(let path) = input { return path }
            return nil
        }
        var discovery = ConfigurationDiscovery(
            explicitConfig: config, explicitGitleaksConfig: gitleaksConfig,
            discoverNear: discoverConfig && !noRepoConfig ? configNear ?? roots : nil,
            gitleaksEnvironment: environment["GITLEAKS_CONFIG"], failOnFromCommandLine: failOn != nil)
        discovery.confinedTo = confinedTo
        discovery.discoveredSource = discoveredSource
        do {
            // --quiet: a gitleaks configuration's dropped parts are warnings, not errors.
            try discovery.apply(to: &request) { if !quiet { printError($0) } }
        } catch {
            try fail("\(error)")
        }
        if let jobs { request.options.jobs = jobs }
        request.options.search.decode.maxDepth = maxDecodeDepth
        request.allOccurrences = allOccurrences
        request.writeBaselinePath = writeBaseline
        request.reportUnused = reportUnused
        request.progress = progress ?? (isatty(STDERR_FILENO) != 0 && environment["CI"] == nil)
        request.colors = ColorChoice(rawValue: color.lowercased())!.enabled(
            toTerminal: output == nil && isatty(STDOUT_FILENO) != 0, environment: environment)
        request.verbosity = quiet ? .quiet : verbose ? .verbose : .normal
        return request
    }
}

/// Every signal that would end the process removes its temporary report files first (no half
/// report, no stray `.NAME.tokenscan-…` file). Ctrl-C and SIGTERM then exit with 130 / 143 (the
/// contract of design §3); the others die by the same signal, re-raised with its default action, so
/// whoever waits sees how the process ended. A signal ignored at start (`nohup`) stays ignored.
/// SIGPIPE is ignored throughout: a closed reader is an `EPIPE` write error, handled quietly.
enum Interrupts {
    nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []

    static let exitStatusSignals: Set<Int32> = [SIGINT, SIGTERM]
    static let terminating: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGXCPU, SIGXFSZ]

    static func install() {
        for signalNumber in terminating {
            let previous = signal(signalNumber, SIG_IGN)
            if let previous, unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self),
               !exitStatusSignals.contains(signalNumber) {
                continue
            }
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                PendingFiles.removeAll()
                if exitStatusSignals.contains(signalNumber) {
                    StandardStreams.writeError("tokenscan: interrupted\n")
                    _exit(128 + signalNumber)
                }
                signal(signalNumber, SIG_DFL)
                var set = sigset_t()
                sigemptyset(&set)
                sigaddset(&set, signalNumber)
                pthread_sigmask(SIG_UNBLOCK, &set, nil)
                raise(signalNumber)
                _exit(128 + signalNumber) // not reached: the default action ends the process
            }
            source.resume()
            sources.append(source)
        }
    }
}

enum Clock {
    /// ISO 8601 (with or without fractional seconds, `Z` or an offset, or a bare date) or Unix seconds.
    static func parse(_ text: String) -> Date? {
        if let seconds = Double(text) { return Date(timeIntervalSince1970: seconds) }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle().year().month().day()) { return date }
        return nil
    }
}

/// Every diagnostic goes through here: one line, on stderr, with whatever the scanned tree put
/// into it (a file name, an error message quoting a value) escaped for the terminal.
func printError(_ message: String) {
    StandardStreams.writeError("tokenscan: " + TerminalText.escape(message) + "\n")
}

/// A fatal error in the one style (`tokenscan: error: …`), then exit 2.
func fail(_ message: String) throws -> Never {
    printError("error: " + message)
    throw ExitCode(ExitStatus.error.rawValue)
}

func finish(_ status: ExitStatus) throws {
    if status != .clean { throw ExitCode(status.rawValue) }
}

/// The exit-status paragraph of every subcommand's `--help`.
enum ExitStatusHelp {
    static let scanning = """
        Exit status:
          0    nothing at or above --fail-on
          1    findings at or above --fail-on (default: medium)
          2    usage or fatal error (unknown option, missing path, bad rule)
          130  interrupted (SIGINT; 143 for SIGTERM)
        """
}

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan files and directories (\"-\" reads stdin). No path: the current directory.",
        discussion: """
            Examples:
              tokenscan scan                               # the current directory
              tokenscan scan src/ config/app.env
              kubectl logs deploy/api | tokenscan scan -   # a stream
              tokenscan scan --format sarif -o results.sarif --fail-on high
              tokenscan scan --shard 2/4 --format json -o part2.json   # one of 4 machines

            \(ExitStatusHelp.scanning)
            """)

    @Argument(help: "Files or directories to scan; \"-\" for standard input.")
    var paths: [String] = []

    @OptionGroup var report: ReportOptions

    @Flag(name: .customLong("no-ignore"), help: "Do not respect .gitignore, .git/info/exclude and .tokenscanignore.")
    var noIgnore = false

    @Flag(name: .customLong("follow-symlinks"), help: "Follow symbolic links, also out of the scan root.")
    var followSymlinks = false

    @Flag(name: .customLong("scan-binary"), help: "Scan files that look binary instead of skipping them.")
    var scanBinary = false

    @Flag(name: .customLong("no-archives"), help: "Do not enter tar, tar.gz and zip archives.")
    var noArchives = false

    @Option(name: .customLong("max-archive-depth"), help: "How deep archives inside archives are entered (default 3).")
    var maxArchiveDepth = 3

    @Option(name: .customLong("max-file-size"), help: ArgumentHelp(
        "Skip (and name) files larger than SIZE: bytes, or with a K, M, G or T suffix (powers of 1024). Never applies to stdin.",
        valueName: "SIZE"))
    var maxFileSize: String?

    @Option(help: ShardOption.help)
    var shard: String?

    func validate() throws {
        if let maxFileSize, ByteSize.parse(maxFileSize) == nil {
            throw ValidationError("--max-file-size must be a size such as 500K, 10M or 1G, not '\(maxFileSize)'")
        }
        if let shard {
            _ = try ShardOption.parse(shard)
            if paths.contains("-") { throw ValidationError("--shard splits files by path; standard input (\"-\") cannot be split") }
        }
    }

    func run() throws {
        let inputs: [ScanInput] = (paths.isEmpty ? ["."] : paths).map { $0 == "-" ? .standardInput : .path($0) }
        var request = try report.request(inputs: inputs)
        request.options.walk.respectIgnoreFiles = !noIgnore
        // git tells which files .gitignore lists but git tracks: those are scanned, as git ignores
        // .gitignore for them (asked only inside a work tree, and only when something is ignored).
        request.options.walk.gitEnvironment = ProcessEnvironment.current
        request.options.walk.readsTokenscanIgnore = !report.noRepoConfig
        request.options.walk.followSymlinks = followSymlinks
        request.options.walk.maxFileSize = maxFileSize.flatMap(ByteSize.parse)
        request.options.scanBinary = scanBinary
        request.options.archives = !noArchives
        request.options.maxArchiveDepth = max(1, maxArchiveDepth)
        request.shard = try shard.map(ShardOption.parse)
        request.options.shard = request.shard
        let (status, _) = ScanSession.run(request, diagnostics: printError)
        try finish(status)
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Scan a built-in demo project that shows findings of every severity.",
        discussion: """
            Examples:
              tokenscan demo
              tokenscan demo --format json | jq '.summary.bySeverity'

            Exit status:
              0    always, unless --fail-on is given (then as for scan)
              1    with --fail-on: findings at or above it
              2    usage or fatal error
            """)

    @OptionGroup var report: ReportOptions

    func run() throws {
        var request = try report.request(inputs: [], discoverConfig: false)
        request.inputs = DemoCorpus.files(now: request.settings.now).map { .memory(name: $0.name, bytes: $0.bytes) }
        // The demo shows what a scan reports; it only fails when asked to.
        if report.failOn == nil { request.failOn = .never }
        let (status, _) = ScanSession.run(request, diagnostics: printError)
        try finish(status)
    }
}
