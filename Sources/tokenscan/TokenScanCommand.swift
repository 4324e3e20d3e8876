import ArgumentParser
import Foundation
import TokenScanCore

@main
struct TokenScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenscan",
        abstract: "Find leaked bearer tokens and JWTs, and tell which ones matter.",
        version: TokenScanVersion.current,
        subcommands: [ScanCommand.self, GitCommand.self, DemoCommand.self, DecodeCommand.self, RulesCommand.self],
        defaultSubcommand: ScanCommand.self
    )

    /// Exit codes follow design §3: usage errors are 2 (ArgumentParser's default would be 64).
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(ExitStatus.error.rawValue)
        }
    }
}

/// Options every scanning command shares (design §3).
struct ReportOptions: ParsableArguments {
    @Option(help: "Report format: text, json, jsonl or sarif.")
    var format: String = "text"

    @Option(name: .shortAndLong, help: "Write the report to this file (atomically) instead of stdout.")
    var output: String?

    @Option(help: "The time to judge expiry against (ISO 8601 or Unix seconds). Default: the current time.")
    var now: String?

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding is at or above: critical, high, medium, low, info or never.")
    var failOn: String = "medium"

    @Flag(name: .customLong("show-secrets"), help: "Show secrets in reports (redacted by default).")
    var showSecrets = false

    @Option(name: .customLong("rules"), help: "Add rules from a TOML file or a directory of them (repeatable).")
    var ruleSources: [String] = []

    @Option(help: "Worker threads (default: the number of cores).")
    var jobs: Int?

    @Option(help: "Colour the text report: auto, always or never.")
    var color: String = "auto"

    @Option(name: .customLong("fingerprint-key"), help: "Key for fingerprints (default: tokenscan's; or TOKENSCAN_FINGERPRINT_KEY).")
    var fingerprintKey: String?

    func validate() throws {
        guard ReportFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be one of text, json, jsonl, sarif")
        }
        guard FailThreshold(failOn) != nil else {
            throw ValidationError("--fail-on must be one of critical, high, medium, low, info, never")
        }
        if let now, Clock.parse(now) == nil {
            throw ValidationError("--now must be ISO 8601 (2026-11-24T10:00:00Z) or Unix seconds, not '\(now)'")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        guard ["auto", "always", "never"].contains(color) else { throw ValidationError("--color must be auto, always or never") }
    }

    func request(inputs: [ScanInput]) -> ScanRequest {
        let environment = ProcessInfo.processInfo.environment
        let key = fingerprintKey ?? environment["TOKENSCAN_FINGERPRINT_KEY"] ?? Fingerprinter.defaultKey
        let settings = AnalysisSettings(
            now: now.flatMap(Clock.parse) ?? Date(), showSecrets: showSecrets, fingerprinter: Fingerprinter(key: key))
        var request = ScanRequest(inputs: inputs, settings: settings)
        request.format = ReportFormat(rawValue: format)!
        request.outputPath = output
        request.failOn = FailThreshold(failOn)!
        request.ruleSources = ruleSources
        if let jobs { request.options.jobs = jobs }
        request.colors = color == "always" || (color == "auto" && output == nil && isatty(STDOUT_FILENO) != 0 && environment["NO_COLOR"] == nil)
        return request
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

func printError(_ message: String) {
    FileHandle.standardError.write(Data(("tokenscan: " + message + "\n").utf8))
}

func finish(_ status: ExitStatus) throws {
    if status != .clean { throw ExitCode(status.rawValue) }
}

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan files and directories (\"-\" reads stdin). No path: the current directory.")

    @Argument(help: "Files or directories to scan; \"-\" for standard input.")
    var paths: [String] = []

    @OptionGroup var report: ReportOptions

    @Flag(name: .customLong("no-ignore"), help: "Do not respect .gitignore, .git/info/exclude and .tokenscanignore.")
    var noIgnore = false

    @Flag(name: .customLong("follow-symlinks"), help: "Follow symbolic links, also out of the scan root.")
    var followSymlinks = false

    @Flag(name: .customLong("scan-binary"), help: "Scan files that look binary instead of skipping them.")
    var scanBinary = false

    func run() throws {
        let inputs: [ScanInput] = (paths.isEmpty ? ["."] : paths).map { $0 == "-" ? .standardInput : .path($0) }
        var request = report.request(inputs: inputs)
        request.options.walk.respectIgnoreFiles = !noIgnore
        request.options.walk.followSymlinks = followSymlinks
        request.options.scanBinary = scanBinary
        let (status, _) = ScanSession.run(request, diagnostics: printError)
        try finish(status)
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Scan a built-in demo project that shows findings of every severity.")

    @OptionGroup var report: ReportOptions

    func run() throws {
        var request = report.request(inputs: [])
        request.inputs = DemoCorpus.files(now: request.settings.now).map { .memory(name: $0.name, bytes: $0.bytes) }
        // The demo shows what a scan reports; it only fails when asked to.
        if !CommandLine.arguments.contains(where: { $0.hasPrefix("--fail-on") }) { request.failOn = .never }
        let (status, _) = ScanSession.run(request, diagnostics: printError)
        try finish(status)
    }
}
