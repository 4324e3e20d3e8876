import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel

/// `--format gitlab-secret-detection`: the report GitLab's own secret-detection analyzer writes
/// (`artifacts: reports: secret_detection:`), valid against the published schema named in
/// `schemaVersion` (its copy is in Tests/TokenScanCoreTests/Schemas/gitlab, and a test validates
/// every report against it).
///
/// No secret is written unless `--show-secrets`, which adds `raw_source_code_extract` as GitLab's
/// analyzer has it. A finding outside git gets the placeholder commit GitLab's analyzer writes
/// (`sha` "0000000", Go's zero date), since the schema requires a commit. The commit message is
/// left out: it is not scanned, and may itself hold a secret. Findings accepted in the change
/// under review are listed, flagged, for the reviewer (design §8); other accepted findings are
/// left out, as in JSON. `vulnerabilities` comes last in the sorted document but `scan.messages`
/// is known only at the end, so vulnerabilities wait in a `SpillFile`, as SARIF results do.
public final class GitLabSecretDetectionReporter: Reporter {
    /// The schema release the report declares and is tested against.
    package static let schemaVersion = "15.2.1"
    /// GitLab's analyzer writes this when a finding has no commit (a scan of files, not history).
    package static let placeholderCommit = Commit(sha: "0000000", author: nil, date: "0001-01-01T00:00:00Z")

    package let context: ReportContext
    package let output: ReportOutput
    private var spill: Result<SpillFile, OutputError>?
    private var vulnerabilities = PrettyJSON.ArrayWriter(depth: 2)
    private var occurrences = GitLabReporting.Occurrences()
    private lazy var rulesByID = Dictionary(context.rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

    public init(context: ReportContext, output: ReportOutput) {
        self.context = context
        self.output = output
    }

    public func add(_ findings: [Finding]) throws(OutputError) {
        for finding in findings {
            try append(vulnerability(finding, occurrence: occurrences.next(path: finding.path, fingerprint: finding.fingerprint)))
        }
    }

    public func finish(_ summary: ScanSummary) throws(OutputError) {
        for accepted in summary.acceptedInChange ?? [] { try append(underReview(accepted)) }
        let empty = Reporters.encode(document(summary), pretty: true)
        let marker = "\n  \"vulnerabilities\" : [\n\n  ]"
        guard let cut = empty.firstRange(of: marker) else {
            throw OutputError(path: "gitlab-secret-detection", reason: "internal error: no vulnerabilities member in the document")
        }
        try output.write(String(empty[..<cut.lowerBound]) + "\n  \"vulnerabilities\" : ")
        if let spill { try spill.get().copy(to: output) }
        try output.write(vulnerabilities.close() + String(empty[cut.upperBound...]) + "\n")
    }

    private func append(_ vulnerability: Vulnerability) throws(OutputError) {
        if spill == nil { spill = Result { () throws(OutputError) in try SpillFile() } }
        try spill!.get().write(vulnerabilities.separator() + PrettyJSON.element(vulnerability, depth: 2))
    }

    /// The document with `vulnerabilities` left empty (`finish` writes them in their place).
    package func document(_ summary: ScanSummary) -> Report {
        let tool = Component(id: context.toolName, name: context.toolName, url: "https://github.com/tokenscan/tokenscan",
                             vendor: .init(name: context.toolName), version: context.toolVersion)
        let identifiers = context.rules.map(identifier).uniqued()
        return Report(
            schema: "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v\(Self.schemaVersion)/dist/secret-detection-report-format.json",
            scan: Scan(analyzer: tool, scanner: tool, type: "secret_detection",
                       startTime: GitLabReporting.timestamp(context.now),
                       endTime: GitLabReporting.timestamp(max(context.now, context.finishedAt?() ?? context.now)),
                       status: "success", messages: Self.messages(summary), primaryIdentifiers: identifiers),
            version: Self.schemaVersion, vulnerabilities: [])
    }

    /// What GitLab shows beside the scan: every input skipped, rule stopped or limit hit, and what
    /// the change itself adds to the configuration or accepts (never silent).
    package static func messages(_ summary: ScanSummary) -> [Message]? {
        var messages = summary.skipped.map { Message(level: "info", value: "Skipped \($0.path): \($0.reason)") }
        messages += summary.ruleErrors.map { Message(level: "warn", value: "Rule \($0.ruleId) stopped on \($0.path) at byte \($0.offset): \($0.reason)") }
        messages += (summary.limits ?? []).map { Message(level: "warn", value: "Limit \($0.limit) hit in \($0.path) at byte \($0.offset): \($0.detail)") }
        messages += (summary.configuration?.changedInRange ?? []).map {
            Message(level: "warn", value: "The scanned commits change \($0.path) (\($0.change)): not applied by this scan, which used the base revision's; it takes effect once merged.")
        }
        messages += (summary.acceptedInChange ?? []).map {
            Message(level: "warn", value: "Accepted in this change (under review): \($0.path):\($0.line) \($0.ruleId) (\($0.severity.rawValue)) by \($0.acceptedBy), fingerprint \($0.fingerprint).")
        }
        return messages.isEmpty ? nil : messages
    }

    package func vulnerability(_ finding: Finding, occurrence: Int) -> Vulnerability {
        let rule = rulesByID[finding.ruleId]
        let commit = finding.commit.map { Commit(sha: $0.sha, author: $0.author, date: $0.date) } ?? Self.placeholderCommit
        return Vulnerability(
            id: GitLabReporting.stableID("tokenscan-gitlab-secret", finding.fingerprint, finding.path, String(occurrence)),
            name: name(finding.ruleId, kind: finding.kind),
            description: GitLabReporting.description(finding),
            severity: Self.severity(finding.severity),
            solution: Self.solution(rotate: rule?.rotate),
            identifiers: [identifier(ruleId: finding.ruleId)],
            location: Location(file: finding.path, startLine: finding.line, endLine: finding.endLine, commit: commit),
            details: details(fingerprint: finding.fingerprint, score: finding.score),
            rawSourceCodeExtract: context.disclosure.showSecrets ? finding.secret : nil)
    }

    /// A finding accepted inside the change under review: listed, flagged, for the reviewer.
    package func underReview(_ accepted: AcceptedInChange) -> Vulnerability {
        let description = GitLabReporting.acceptance(accepted)
        let commit = accepted.commit.map { Commit(sha: $0, author: nil, date: nil) } ?? Self.placeholderCommit
        return Vulnerability(
            id: GitLabReporting.stableID("tokenscan-gitlab-secret-accepted", accepted.fingerprint, accepted.path),
            name: name(accepted.ruleId, kind: accepted.kind ?? ""),
            description: description,
            severity: Self.severity(accepted.severity),
            solution: Self.solution(rotate: rulesByID[accepted.ruleId]?.rotate),
            identifiers: [identifier(ruleId: accepted.ruleId)],
            location: Location(file: accepted.path, startLine: accepted.line, endLine: accepted.endLine ?? accepted.line, commit: commit),
            details: details(fingerprint: accepted.fingerprint, score: accepted.score),
            flags: [Flag(type: "flagged-as-likely-false-positive", origin: context.toolName, description: description)])
    }

    /// The rule's name, never anything of the finding itself (the schema's rule for `name`).
    private func name(_ ruleId: String, kind: String) -> String {
        let description = rulesByID[ruleId]?.description ?? ""
        return String((description.isEmpty ? "\(kind) token (\(ruleId))" : description).prefix(255))
    }

    private func identifier(ruleId: String) -> Identifier {
        Identifier(type: "tokenscan_rule_id", name: "tokenscan rule ID \(ruleId)", value: ruleId)
    }

    private func identifier(_ rule: Rule) -> Identifier { identifier(ruleId: rule.id) }

    /// The full fingerprint (what `tokenscan ignore` takes) and the score, as GitLab shows details.
    private func details(fingerprint: String, score: Int?) -> [String: Detail] {
        var details = ["fingerprint": Detail(name: "Fingerprint", type: "text", value: .text(fingerprint))]
        if let score { details["score"] = Detail(name: "Score (0-100)", type: "value", value: .number(score)) }
        return details
    }

    package static func severity(_ severity: Severity) -> String {
        severity.rawValue.capitalized
    }

    package static func solution(rotate: String?) -> String {
        let issuerPage = rotate.map { " (\($0))" } ?? ""
        return "Treat the token as compromised: revoke or rotate it at its issuer\(issuerPage), then remove it from the file "
            + "and from history. If it is a test fixture or an accepted risk, accept it with `tokenscan ignore FINGERPRINT --reason TEXT` "
            + "or a `tokenscan:allow` comment on its line."
    }

    // The subset of the schema tokenscan writes (sorted keys, as every report).
    package struct Report: Encodable {
        package var schema: String
        package var scan: Scan
        package var version: String
        package var vulnerabilities: [Vulnerability]
    }
    package struct Component: Encodable {
        package var id: String
        package var name: String
        package var url: String
        package var vendor: Vendor
        package var version: String
    }
    package struct Vendor: Encodable { var name: String }
    package struct Scan: Encodable {
        package var analyzer: Component
        package var scanner: Component
        package var type: String
        package var startTime: String
        package var endTime: String
        package var status: String
        package var messages: [Message]?
        package var primaryIdentifiers: [Identifier]
        package enum CodingKeys: String, CodingKey {
            case analyzer, scanner, type, status, messages
            case startTime = "start_time"
            case endTime = "end_time"
            case primaryIdentifiers = "primary_identifiers"
        }
    }
    package struct Message: Encodable {
        package var level: String
        package var value: String
    }
    package struct Identifier: Encodable, Hashable {
        package var type: String
        package var name: String
        package var value: String
    }
    package struct Commit: Encodable {
        package var sha: String
        package var author: String?
        package var date: String?
    }
    package struct Location: Encodable {
        package var file: String
        package var startLine: Int
        package var endLine: Int
        package var commit: Commit
        package enum CodingKeys: String, CodingKey {
            case file, commit
            case startLine = "start_line"
            case endLine = "end_line"
        }
    }
    package struct Flag: Encodable {
        package var type: String
        package var origin: String
        package var description: String
    }
    package enum DetailValue: Encodable {
        case text(String)
        case number(Int)
        package func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .number(let number): try container.encode(number)
            }
        }
    }
    package struct Detail: Encodable {
        package var name: String
        package var type: String
        package var value: DetailValue
    }
    package struct Vulnerability: Encodable {
        package var category = "secret_detection"
        package var id: String
        package var name: String
        package var description: String
        package var severity: String
        package var solution: String
        package var identifiers: [Identifier]
        package var location: Location
        package var details: [String: Detail]
        package var flags: [Flag]? = nil
        package var rawSourceCodeExtract: String? = nil
        package enum CodingKeys: String, CodingKey {
            case category, id, name, description, severity, solution, identifiers, location, details, flags
            case rawSourceCodeExtract = "raw_source_code_extract"
        }
    }
}
