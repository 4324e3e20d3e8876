import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanModel

/// `--format gitlab-codequality`: GitLab's Code Quality report (a Code Climate issue array),
/// which every GitLab tier shows in the merge request widget and diff.
///
/// Why a second GitLab format: the secret-detection report is shown in merge requests only on
/// GitLab Ultimate; this one is shown on every tier. GitLab compares the report of a merge
/// request with its target branch's by `fingerprint`, so the fingerprint follows the secret (its
/// keyed fingerprint, path and occurrence), not its line: moving a leaked token is not a fix.
/// Findings accepted in the change under review are listed as `info` issues that say so
/// (design §8: honoured, never silently); other accepted findings are left out, as in JSON.
/// Streamed: the document is one array, so each issue is written as it arrives.
public final class GitLabCodeQualityReporter: Reporter {
    package struct Issue: Encodable {
        package var type = "issue"
        package var engineName = "tokenscan"
        package var checkName: String
        package var categories = ["Security"]
        package var description: String
        package var fingerprint: String
        package var severity: String
        package var location: Location
        package enum CodingKeys: String, CodingKey {
            case type, categories, description, fingerprint, severity, location
            case engineName = "engine_name"
            case checkName = "check_name"
        }
    }
    package struct Location: Encodable {
        package var path: String
        package var lines: Lines
    }
    package struct Lines: Encodable {
        package var begin: Int
        package var end: Int
    }

    package let output: ReportOutput
    private var issues = PrettyJSON.ArrayWriter(depth: 1)
    private var occurrences = GitLabReporting.Occurrences()

    public init(output: ReportOutput) {
        self.output = output
    }

    public func add(_ findings: [Finding]) throws(OutputError) {
        for finding in findings {
            let occurrence = occurrences.next(path: finding.path, fingerprint: finding.fingerprint)
            let issue = Issue(
                checkName: finding.ruleId, description: GitLabReporting.description(finding),
                fingerprint: Digest.sha256Hex(Array("tokenscan-codequality\u{0}\(finding.fingerprint)\u{0}\(finding.path)\u{0}\(occurrence)".utf8)),
                severity: Self.severity(finding.severity),
                location: Location(path: finding.path, lines: Lines(begin: finding.line, end: finding.endLine)))
            try output.write(issues.separator() + PrettyJSON.element(issue, depth: 1))
        }
    }

    public func finish(_ summary: ScanSummary) throws(OutputError) {
        for accepted in summary.acceptedInChange ?? [] {
            let issue = Issue(
                checkName: accepted.ruleId, description: GitLabReporting.acceptance(accepted),
                fingerprint: Digest.sha256Hex(Array("tokenscan-codequality-accepted\u{0}\(accepted.fingerprint)\u{0}\(accepted.path)".utf8)),
                severity: "info",
                location: Location(path: accepted.path, lines: Lines(begin: accepted.line, end: accepted.endLine ?? accepted.line)))
            try output.write(issues.separator() + PrettyJSON.element(issue, depth: 1))
        }
        try output.write(issues.close() + "\n")
    }

    /// Code Climate's five levels: a critical (live, powerful) credential blocks a merge.
    package static func severity(_ severity: Severity) -> String {
        switch severity {
        case .critical: "blocker"
        case .high: "critical"
        case .medium: "major"
        case .low: "minor"
        case .info: "info"
        }
    }
}
