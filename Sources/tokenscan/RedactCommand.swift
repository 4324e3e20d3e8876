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

struct RedactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact",
        abstract: "Copy stdin to stdout with every detected token masked (line by line, for log pipelines).",
        discussion: "Masks look like [REDACTED:jwt:3f9a1c2e]: the kind and the start of the token's fingerprint, the same for the same token everywhere.")

    @Option(name: .customLong("in-place"), parsing: .upToNextOption, help: "Redact these files in place instead (atomic replace, mode kept).")
    var files: [String] = []

    @Option(name: .customLong("rules"), help: "Add rules from a TOML file or a directory of them (repeatable).")
    var ruleSources: [String] = []

    @Option(help: "Read this configuration file instead of a .tokenscan.toml found from the current directory (or the files) upwards.")
    var config: String?

    @Option(name: .customLong("fingerprint-key"), help: "Key for fingerprints (default: tokenscan's; or TOKENSCAN_FINGERPRINT_KEY).")
    var fingerprintKey: String?

    func run() throws {
        let key = fingerprintKey ?? ProcessInfo.processInfo.environment["TOKENSCAN_FINGERPRINT_KEY"] ?? Fingerprinter.defaultKey
        // The same configuration a scan here would use: its user rules and disabled rules decide
        // what is a token, so `redact` masks exactly what `scan` reports.
        var request = ScanRequest(inputs: [], settings: AnalysisSettings(now: Date(), fingerprinter: Fingerprinter(key: key)))
        request.ruleSources = ruleSources
        let discovery = ConfigurationDiscovery(
            explicitConfig: config, discoverNear: files.isEmpty ? ["."] : files,
            gitleaksEnvironment: ProcessInfo.processInfo.environment["GITLEAKS_CONFIG"])
        do {
            try discovery.apply(to: &request) { printError($0) }
        } catch {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.error.rawValue)
        }
        let settings = request.settings
        let matcher: Matcher
        do {
            matcher = try Matcher(rules: ScanSession.loadRules(request.ruleSources, disabled: request.disabledRules, imported: request.importedRules))
        } catch {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.error.rawValue)
        }
        let redactor = StreamRedactor(matcher: matcher, settings: settings)
        if files.isEmpty {
            var input = FileDescriptorSource.standardInput()
            let output = ReportOutput()
            do {
                let statistics = try redactor.run(&input, write: { try output.write(bytes: $0) }, flush: { try output.flush() })
                if isatty(STDERR_FILENO) != 0 { printError("redacted \(statistics.redacted) tokens in \(statistics.bytes) bytes") }
            } catch let error as OutputError where error.isBrokenPipe {
                return
            } catch {
                printError("error: \(error)")
                throw ExitCode(ExitStatus.error.rawValue)
            }
            return
        }
        var failed = false
        for path in files {
            do {
                var info = stat()
                guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                    throw InputError(path: path, reason: "not a regular file")
                }
                var input = try FileDescriptorSource.open(path, displayPath: path)
                defer { input.close() }
                let magic = try PrefixedSource<FileDescriptorSource>.sniff(&input, count: 2)
                guard !GzipSource<FileDescriptorSource>.isGzip(magic) else {
                    throw InputError(path: path, reason: "compressed files are not redacted in place")
                }
                var source = PrefixedSource(prefix: magic, base: input)
                let output = try ReportOutput(path: path, mode: info.st_mode & 0o7777)
                do {
                    let statistics = try redactor.run(&source, write: { try output.write(bytes: $0) })
                    try output.commit()
                    printError("\(path): \(statistics.redacted) token\(statistics.redacted == 1 ? "" : "s") redacted")
                } catch {
                    output.abandon()
                    throw error
                }
            } catch {
                printError("error: \(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(ExitStatus.error.rawValue) }
    }
}
