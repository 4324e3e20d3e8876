import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSources
import TokenScanSuppression

/// The output formats of design §4.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, jsonl, sarif
    case gitlabSecretDetection = "gitlab-secret-detection"
    case gitlabCodeQuality = "gitlab-codequality"

    /// The names `--format` takes, in help and error messages.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// What every reporter knows about the run besides the findings.
public struct ReportContext: Sendable {
    public var toolName = "tokenscan"
    public var toolVersion: String
    public var now: Date
    public var rules: [Rule]
    public var colors = false
    /// Text: list every occurrence of a token instead of the first one and a count.
    public var allOccurrences = false
    /// `--report-unused`: the text report lists unused baseline entries and inline allow comments.
    public var reportsUnused = false
    /// Which JWT header and claim values reports show (all of them with `--show-secrets`).
    public var disclosure = ClaimDisclosure(showSecrets: false)
    /// When the scan finished, for formats that record it (GitLab's `scan.end_time`); nil: at
    /// `now`, so a report made with a fixed clock (`--now`, the golden files) is reproducible.
    public var finishedAt: (@Sendable () -> Date)?
    public init(toolVersion: String, now: Date, rules: [Rule]) {
        self.toolVersion = toolVersion
        self.now = now
        self.rules = rules
    }
}

/// One type per format. Findings arrive in report order, input by input; streaming formats write
/// them at once, the others at `finish`.
public protocol Reporter: AnyObject {
    func add(_ findings: [Finding]) throws(OutputError)
    func finish(_ summary: ScanSummary) throws(OutputError)
}

public enum Reporters {
    public static func make(_ format: ReportFormat, context: ReportContext, output: ReportOutput) -> Reporter {
        switch format {
        case .text: TextReporter(context: context, output: output)
        case .json: JSONReporter(context: context, output: output)
        case .jsonl: JSONLinesReporter(output: output, disclosure: context.disclosure)
        case .sarif: SARIFReporter(context: context, output: output)
        case .gitlabSecretDetection: GitLabSecretDetectionReporter(context: context, output: output)
        case .gitlabCodeQuality: GitLabCodeQualityReporter(output: output)
        }
    }

    /// A deterministic encoder: sorted keys, no escaped slashes.
    package static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    package static func encode<T: Encodable>(_ value: T, pretty: Bool) -> String {
        // Encoding our own value types cannot fail (no non-finite numbers are produced).
        let data = (try? encoder(pretty: pretty).encode(value)) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
