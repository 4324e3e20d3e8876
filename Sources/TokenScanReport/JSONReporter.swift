import Foundation
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSources
import TokenScanSuppression

/// `--format json`: one document with the summary, every finding and one entry per unique token.
public final class JSONReporter: Reporter {
    package struct Document: Encodable {
        package struct Tool: Encodable {
            package var name: String
            package var version: String
        }
        package var version = 1
        package var tool: Tool
        package var now: String
        package var summary: ScanSummary
        package var findings: [Finding]
        package var tokens: [TokenSummary]
    }

    package let context: ReportContext
    package let output: ReportOutput
    private var findings: [Finding] = []

    public init(context: ReportContext, output: ReportOutput) {
        self.context = context
        self.output = output
    }

    public func add(_ findings: [Finding]) throws(OutputError) { self.findings += findings.map(context.disclosure.apply) }

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
    package let output: ReportOutput
    package let disclosure: ClaimDisclosure

    public init(output: ReportOutput, disclosure: ClaimDisclosure) {
        self.output = output
        self.disclosure = disclosure
    }

    public func add(_ findings: [Finding]) throws(OutputError) {
        for finding in findings { try output.write(Reporters.encode(disclosure.apply(finding), pretty: false) + "\n") }
    }

    public func finish(_ summary: ScanSummary) throws(OutputError) {}
}
