import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSources
import TokenScanSuppression

/// `--format json`: one document with the summary, every finding and one entry per unique token.
///
/// Streamed: the document's keys are sorted, and `findings` comes first, so each finding is
/// written as it arrives (`PrettyJSON`), and only a compact record per unique secret
/// (`TokenTable`) waits for the end, where `now`, `summary`, `tokens`, `tool` and `version`
/// follow. The bytes are those of the whole document encoded at once.
public final class JSONReporter: Reporter {
    package struct Tool: Encodable {
        package var name: String
        package var version: String
    }

    package let context: ReportContext
    package let output: ReportOutput
    private var findings = PrettyJSON.ArrayWriter(depth: 2)
    private var tokens = TokenTable()

    public init(context: ReportContext, output: ReportOutput) {
        self.context = context
        self.output = output
    }

    public func add(_ findings: [Finding]) throws(OutputError) {
        for finding in findings {
            let shown = context.disclosure.apply(finding)
            if self.findings.count == 0 { try output.write("{\n" + PrettyJSON.key("findings", depth: 1)) }
            try output.write(self.findings.separator() + PrettyJSON.element(shown, depth: 2))
            tokens.add(shown)
        }
    }

    public func finish(_ summary: ScanSummary) throws(OutputError) {
        if findings.count == 0 { try output.write("{\n" + PrettyJSON.key("findings", depth: 1)) }
        try output.write(findings.close() + ",\n")
        try output.write(PrettyJSON.key("now", depth: 1) + PrettyJSON.value(RelativeTime.iso8601(context.now), depth: 1) + ",\n")
        try output.write(PrettyJSON.key("summary", depth: 1) + PrettyJSON.value(summary, depth: 1) + ",\n")
        try output.write(PrettyJSON.key("tokens", depth: 1))
        var entries = PrettyJSON.ArrayWriter(depth: 2)
        for token in tokens.summaries() { try output.write(entries.separator() + PrettyJSON.element(token, depth: 2)) }
        try output.write(entries.close() + ",\n")
        try output.write(PrettyJSON.key("tool", depth: 1)
            + PrettyJSON.value(Tool(name: context.toolName, version: context.toolVersion), depth: 1) + ",\n")
        try output.write(PrettyJSON.key("version", depth: 1) + "1\n}\n")
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
