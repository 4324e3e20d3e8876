import TokenScanModel

/// Several reports from one scan (`--output` plus every `--report FORMAT=FILE`): a CI job that
/// uploads SARIF and a GitLab report, or keeps a JSON record beside the terminal's text, scans
/// once. Findings reach every reporter in the same order; the first output error stops the run
/// as it would with one report, and every file is then abandoned, none left half written.
public final class ReportFanOut: Reporter {
    private let reporters: [Reporter]

    public init(_ reporters: [Reporter]) {
        self.reporters = reporters
    }

    public func add(_ findings: [Finding]) throws(OutputError) {
        for reporter in reporters { try reporter.add(findings) }
    }

    public func finish(_ summary: ScanSummary) throws(OutputError) {
        for reporter in reporters { try reporter.finish(summary) }
    }
}

/// `--report FORMAT=FILE`: one more report of the scan, written to a file.
public struct AdditionalReport: Sendable, Equatable {
    public var format: ReportFormat
    public var path: String

    public init(format: ReportFormat, path: String) {
        self.format = format
        self.path = path
    }

    /// Parses `FORMAT=FILE`; nil when the format is unknown or a side is empty.
    public init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="),
              let format = ReportFormat(rawValue: argument[..<equals].lowercased()) else { return nil }
        let path = String(argument[argument.index(after: equals)...])
        guard !path.isEmpty else { return nil }
        self.init(format: format, path: path)
    }
}
