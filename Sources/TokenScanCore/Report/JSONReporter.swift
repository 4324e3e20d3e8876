import Foundation

/// `--format json`: one document with the summary, every finding and one entry per unique token.
public final class JSONReporter: Reporter {
    struct Document: Encodable {
        struct Tool: Encodable {
            var name: String
            var version: String
        }
        var version = 1
        var tool: Tool
        var now: String
        var summary: ScanSummary
        var findings: [Finding]
        var tokens: [TokenSummary]
    }

    let context: ReportContext
    let output: ReportOutput
    private var findings: [Finding] = []

    public init(context: ReportContext, output: ReportOutput) {
        self.context = context
        self.output = output
    }

    public func add(_ findings: [Finding]) throws(OutputError) { self.findings += findings }

    public func finish(_ summary: ScanSummary) throws(OutputError) {
        let document = Document(
            tool: .init(name: context.toolName, version: context.toolVersion),
            now: RelativeTime.iso8601(context.now),
            summary: summary,
            findings: findings,
            tokens: TokenSummary.group(findings))
        try output.write(Reporters.encode(document, pretty: true) + "\n")
    }
}

/// `--format jsonl`: one finding per line, written as soon as its input is done.
public final class JSONLinesReporter: Reporter {
    let output: ReportOutput

    public init(output: ReportOutput) { self.output = output }

    public func add(_ findings: [Finding]) throws(OutputError) {
        for finding in findings { try output.write(Reporters.encode(finding, pretty: false) + "\n") }
    }

    public func finish(_ summary: ScanSummary) throws(OutputError) {}
}
