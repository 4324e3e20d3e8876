import ArgumentParser
import FoundationEssentials
import Glibc
import TokenScanApp
import TokenScanModel
import TokenScanReport

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the JSON or SARIF reports of a sharded scan (--shard K/N) into one.",
        discussion: """
            Every report must be a shard of the same split, each of 1…N exactly once (a missing or \
            repeated shard is an error). The result is the report one unsharded scan writes: \
            findings in its order, per-token counts and the summary added up, fingerprints as the \
            shards wrote them, a token repeated across shards grouped once.

            Examples:
              tokenscan merge part1.json part2.json part3.json -o results.json
              tokenscan merge shards/*.sarif --format sarif -o results.sarif --fail-on high

            Exit status:
              0    nothing at or above --fail-on
              1    findings at or above --fail-on (default: medium)
              2    usage or fatal error (unreadable report, missing or repeated shard)
            """)

    @Argument(help: ArgumentHelp("The shards' reports, all JSON or all SARIF.", valueName: "REPORT"))
    var reports: [String]

    @Option(help: "Report format: json or sarif, the format of the shards' reports (default: theirs).")
    var format: String?

    @Option(name: .shortAndLong, help: "Write the merged report to this file (atomically) instead of stdout.")
    var output: String?

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding is at or above: critical, high, medium, low, info or never (default medium).")
    var failOn: String?

    @Flag(name: .shortAndLong, help: "No diagnostics on stderr but errors.")
    var quiet = false

    func validate() throws {
        if reports.isEmpty { throw ValidationError("name the shards' reports to merge") }
        if let format, !["json", "sarif"].contains(format.lowercased()) {
            throw ValidationError("merge writes json or sarif (the shards' format), not '\(format)'")
        }
        if let failOn, FailThreshold(failOn.lowercased()) == nil {
            throw ValidationError("--fail-on must be one of critical, high, medium, low, info, never")
        }
        if let output, reports.contains(output) { throw ValidationError("--output \(output) is one of the reports to merge") }
    }

    func run() throws {
        var inputs: [(path: String, bytes: [UInt8])] = []
        var isPrivate = false
        for path in reports {
            guard let data = FileManager.default.contents(atPath: path) else {
                try fail("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            inputs.append((path, Array(data)))
            // A shard written with --show-secrets is private (0600): so is what it merges into.
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & 0o044 == 0 { isPrivate = true }
        }
        let kinds = inputs.map { Self.kind(of: $0.bytes) }
        guard let kind = kinds[0], kinds.allSatisfy({ $0 == kind }) else {
            let described = zip(reports, kinds).map { "\($0) (\($1?.rawValue ?? "neither JSON nor SARIF from tokenscan"))" }
            try fail("merge needs reports of one format, all JSON or all SARIF: \(described.joined(separator: ", "))")
        }
        if let format, format.lowercased() != kind.rawValue {
            try fail("the reports are \(kind.rawValue); merge writes the format it reads (--format \(kind.rawValue))")
        }
        let threshold = failOn.map { FailThreshold($0.lowercased())! } ?? .severity(.medium)
        let out: ReportOutput
        do {
            out = try output.map { path throws(OutputError) in try ReportOutput(path: path, private: isPrivate) } ?? ReportOutput()
        } catch {
            try fail("\(error)")
        }
        let summary: ScanSummary
        do {
            switch kind {
            case .json:
                let merged = try JSONReportMerge(inputs)
                try merged.write(to: out)
                summary = merged.summary
            case .sarif:
                let merged = try SARIFReportMerge(inputs)
                try out.write(merged.encoded())
                summary = merged.summary
            default:
                throw MergeFailure(description: "merge reads JSON or SARIF reports, not \(kind.rawValue)")
            }
            try out.commit()
        } catch {
            out.abandon()
            if (error as? OutputError)?.isBrokenPipe ?? false { throw ExitCode(ExitStatus.error.rawValue) }
            try fail("\(error)")
        }
        if threshold.fails(summary) {
            if let output, !quiet {
                printError(ScanSession.gateLine(summary, failOn: threshold, reports: [AdditionalReport(format: kind, path: output)]))
            }
            throw ExitCode(ExitStatus.findings.rawValue)
        }
    }

    /// JSON (`findings` and `summary`) or SARIF (`runs`), from the document's top-level keys.
    static func kind(of bytes: [UInt8]) -> ReportFormat? {
        guard let object = try? JSONDecoder().decode([String: JSONIgnored].self, from: Data(bytes)) else { return nil }
        if object["runs"] != nil && object["version"] != nil { return .sarif }
        if object["findings"] != nil && object["summary"] != nil { return .json }
        return nil
    }

    /// Any JSON value, skipped (only the keys of the top level are read).
    struct JSONIgnored: Decodable {
        init(from decoder: Decoder) throws {}
    }
}
