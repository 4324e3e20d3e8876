import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSources
import TokenScanSuppression

/// `--format sarif`: SARIF 2.1.0 for code-scanning upload.
///
/// Messages state the reasons and never the secret; snippets carry the redacted line. Columns
/// count Unicode scalars (`columnKind: unicodeCodePoints`). `partialFingerprints` are derived
/// from the secret's keyed fingerprint and its occurrence in the file, so alerts follow a token
/// through edits and moves instead of a line number.
public final class SARIFReporter: Reporter {
    package let context: ReportContext
    package let output: ReportOutput
    /// GitHub keeps the first 5,000 results of a run; beyond that, repeats of one secret are capped.
    public var maxResultsPerFingerprint = SARIFReporter.resultsPerFingerprint
    public static let resultsPerFingerprint = 100
    /// The start of the note that counts results left out by `maxResultsPerFingerprint`.
    package static let cappedNote = "repeated occurrences of already reported secrets were left out"
    /// Results written so far (`PrettyJSON`, at their depth in the document), waiting for the
    /// end, where the notifications that precede them in the sorted document are known. Created
    /// with the first result; a failure to create it is reported at `finish`.
    private var spill: Result<SpillFile, OutputError>?
    private var results = PrettyJSON.ArrayWriter(depth: 4)
    private lazy var ruleIndex = Dictionary(context.rules.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
    /// Per secret, and per path and secret: small, one entry per unique token (and path).
    private var occurrences: [String: Int] = [:]
    private var perFingerprint: [String: Int] = [:]
    private var capped = 0

    public init(context: ReportContext, output: ReportOutput) {
        self.context = context
        self.output = output
    }

    public func add(_ findings: [Finding]) throws(OutputError) {
        for finding in findings {
            perFingerprint[finding.fingerprint, default: 0] += 1
            if perFingerprint[finding.fingerprint]! > maxResultsPerFingerprint {
                capped += 1
                continue
            }
            let key = "\(finding.path)\u{0}\(finding.fingerprint)"
            occurrences[key, default: 0] += 1
            let encoded = PrettyJSON.element(result(finding, ruleIndex: ruleIndex[finding.ruleId], occurrence: occurrences[key]!), depth: 4)
            if spill == nil { spill = Result { () throws(OutputError) in try SpillFile() } }
            try spill!.get().write(results.separator() + encoded)
        }
    }

    public func finish(_ summary: ScanSummary) throws(OutputError) {
        // The document without results, cut where they go: `"results" : [` + blank line + `]`
        // is the only such line at the run's depth (strings hold no raw newline).
        let empty = Reporters.encode(document(summary), pretty: true)
        let marker = "\n      \"results\" : [\n\n      ]"
        guard let cut = empty.firstRange(of: marker) else {
            throw OutputError(path: "sarif", reason: "internal error: no results member in the document")
        }
        // Findings accepted by what the change itself adds stay as results, suppressed and
        // under review, so code scanning shows them to the reviewer (design §8).
        for accepted in summary.acceptedInChange ?? [] {
            let encoded = PrettyJSON.element(underReview(accepted), depth: 4)
            if spill == nil { spill = Result { () throws(OutputError) in try SpillFile() } }
            try spill!.get().write(results.separator() + encoded)
        }
        try output.write(String(empty[..<cut.lowerBound]) + "\n      \"results\" : ")
        if let spill { try spill.get().copy(to: output) }
        try output.write(results.close() + String(empty[cut.upperBound...]) + "\n")
    }

    /// The document with its `results` left empty (`finish` writes them in their place).
    package func document(_ summary: ScanSummary) -> SARIF.Log {
        let rules = context.rules
        var notifications: [SARIF.Notification] = summary.skipped.map {
            SARIF.Notification(level: "note", message: .init(text: "Skipped \($0.path): \($0.reason)"))
        }
        notifications += summary.ruleErrors.map {
            SARIF.Notification(level: "error", message: .init(text: "Rule \($0.ruleId) stopped on \($0.path) at byte \($0.offset): \($0.reason)"))
        }
        notifications += (summary.limits ?? []).map {
            SARIF.Notification(level: "warning", message: .init(text: "Limit \($0.limit) hit in \($0.path) at byte \($0.offset): \($0.detail)"))
        }
        // Accepted by what the change itself adds: honoured, and named for the reviewer (design §8).
        notifications += (summary.acceptedInChange ?? []).map {
            SARIF.Notification(level: "warning", message: .init(
                text: "Accepted in this change (under review): \($0.path):\($0.line) \($0.ruleId) (\($0.severity.rawValue)) by \($0.acceptedBy), fingerprint \($0.fingerprint)."))
        }
        notifications += (summary.excludedByIgnoreFiles ?? [:]).sorted { $0.key < $1.key }.map {
            SARIF.Notification(level: "note", message: .init(text: "Left out by \($0.key): \($0.value) path\($0.value == 1 ? "" : "s") (files, or directories not entered)."))
        }
        if capped > 0 {
            notifications.append(SARIF.Notification(level: "note", message: .init(
                text: "\(capped) \(SARIFReporter.cappedNote) (at most \(maxResultsPerFingerprint) results per secret); the JSON report lists them all.")))
        }
        let run = SARIF.Run(
            tool: .init(driver: .init(
                name: context.toolName,
                semanticVersion: context.toolVersion,
                informationUri: "https://github.com/tokenscan/tokenscan",
                rules: rules.map(SARIFReporter.descriptor))),
            invocations: [.init(executionSuccessful: true, toolExecutionNotifications: notifications,
                                 toolConfigurationNotifications: SARIFReporter.configurationNotifications(summary.configuration, accepted: summary.accepted))],
            originalUriBaseIds: ["SRCROOT": .init(description: .init(text: "The directory tokenscan was run in."))],
            results: [],
            columnKind: "unicodeCodePoints",
            properties: .init(now: RelativeTime.iso8601(context.now), shard: summary.shard),
            // A shard uploaded on its own is a category of its own, so shards never close each
            // other's alerts; `tokenscan merge` drops it (one run, one category).
            automationDetails: summary.shard.map { .init(id: "tokenscan/shard-\($0.index)-of-\($0.count)/") })
        return SARIF.Log(runs: [run])
    }

    /// The configuration a run read and what a range changes in it, for a reviewer of the alert
    /// list (SARIF `toolConfigurationNotifications`); nil when the report has no configuration.
    static func configurationNotifications(_ configuration: ConfigurationReport?, accepted: [String: Int]? = nil) -> [SARIF.Notification]? {
        guard let configuration else { return nil }
        let acceptedNote = (accepted ?? [:]).filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        var notifications = (configuration.changedInRange ?? []).map {
            SARIF.Notification(level: "warning", message: .init(
                text: "The scanned commits change \($0.path) (\($0.change)): not applied by this scan, which used the base revision's; it takes effect once merged."))
        }
        notifications += configuration.files.map {
            SARIF.Notification(level: "note", message: .init(text: "Configuration read: \($0.path) (\($0.role), \($0.source), sha256 \($0.sha256))."))
        }
        if !configuration.disabledRules.isEmpty {
            notifications.append(SARIF.Notification(level: "note", message: .init(
                text: "Rules disabled by the configuration: \(configuration.disabledRules.joined(separator: ", ")).")))
        }
        if !acceptedNote.isEmpty {
            notifications.append(SARIF.Notification(level: "note", message: .init(
                text: "\(SARIFReporter.acceptedNote)\(acceptedNote.joined(separator: ", ")).")))
        }
        if configuration.repositoryConfigurationIgnored == true {
            notifications.append(SARIF.Notification(level: "note", message: .init(
                text: "In-tree configuration was not read (--no-repo-config, or --config replacing discovery).")))
        }
        return notifications
    }

    package func result(_ finding: Finding, ruleIndex: Int?, occurrence: Int) -> SARIF.Result {
        let headline = "\(finding.severity.rawValue.capitalized) \(finding.kind) token (score \(finding.score))"
        let message = ([headline] + finding.reasons.map(\.message)).joined(separator: " ")
        let isAbsolute = finding.path.hasPrefix("/")
        // A name that is not UTF-8 is encoded from its exact bytes (`%FF`), so the URI names the file.
        let encoded = finding.pathBytes.map { PercentEncoding.encodePath(bytes: $0) } ?? PercentEncoding.encodePath(finding.path)
        let uri = isAbsolute ? "file://" + encoded : encoded
        return SARIF.Result(
            ruleId: finding.ruleId,
            ruleIndex: ruleIndex,
            level: SARIFReporter.level(finding.severity),
            rank: Double(finding.score),
            message: .init(text: message),
            locations: [.init(physicalLocation: .init(
                artifactLocation: .init(uri: uri, uriBaseId: isAbsolute ? nil : "SRCROOT"),
                region: .init(
                    startLine: finding.line, startColumn: finding.column, endLine: finding.endLine,
                    endColumn: finding.endColumn, snippet: finding.snippet.map { .init(text: $0) })))],
            partialFingerprints: [
                "primaryLocationLineHash": "\(finding.fingerprint):\(occurrence)",
                "tokenscan/v2": finding.fingerprint,
            ],
            properties: .init(
                severity: finding.severity.rawValue, score: finding.score,
                securitySeverity: finding.severity.securitySeverity,
                reasons: finding.reasons, fingerprint: finding.fingerprint,
                expiry: (finding.jwt?.expiry ?? finding.decoded?.expiry)?.status.rawValue, commit: finding.commit,
                tokenClass: finding.tokenClass, checksum: finding.checksum))
    }

    /// A finding accepted inside the change under review, as a suppressed result.
    package func underReview(_ accepted: AcceptedInChange) -> SARIF.Result {
        let isAbsolute = accepted.path.hasPrefix("/")
        let encoded = PercentEncoding.encodePath(accepted.path)
        let inline = accepted.acceptedBy == Dismissal.inlineAllow.rawValue
        let how = inline ? "an inline allow comment on its line" : "a fingerprint the change adds to .tokenscanignore"
        return SARIF.Result(
            ruleId: accepted.ruleId,
            ruleIndex: ruleIndex[accepted.ruleId],
            level: SARIFReporter.level(accepted.severity),
            rank: Double(accepted.score ?? 0),
            message: .init(text: "\(accepted.severity.rawValue.capitalized) \(accepted.kind ?? "") token accepted in this change by \(how): review it before merging."),
            locations: [.init(physicalLocation: .init(
                artifactLocation: .init(uri: isAbsolute ? "file://" + encoded : encoded, uriBaseId: isAbsolute ? nil : "SRCROOT"),
                region: .init(
                    startLine: accepted.line, startColumn: accepted.column ?? 1, endLine: accepted.endLine ?? accepted.line,
                    endColumn: accepted.endColumn ?? 1, snippet: nil)))],
            partialFingerprints: [
                "primaryLocationLineHash": "\(accepted.fingerprint):1",
                "tokenscan/v2": accepted.fingerprint,
            ],
            properties: .init(
                severity: accepted.severity.rawValue, score: accepted.score ?? 0,
                securitySeverity: accepted.severity.securitySeverity,
                reasons: [], fingerprint: accepted.fingerprint,
                expiry: nil, commit: nil, tokenClass: nil, checksum: nil),
            suppressions: [.init(kind: inline ? "inSource" : "external", status: "underReview",
                                 justification: "Accepted in this change by \(how); honoured, and listed for review (design §8).")])
    }

    /// The start of the configuration note that counts accepted findings by source.
    package static let acceptedNote = "Findings accepted, by source: "

    package static func level(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low, .info: "note"
        }
    }

    package static func descriptor(_ rule: Rule) -> SARIF.ReportingDescriptor {
        let summary = rule.description.isEmpty ? "Detects \(rule.kind) tokens." : rule.description
        let markdown = """
        **\(summary)**

        tokenscan decodes what it finds and rates it: severity and score come from the token's claims \
        (expiry, scopes, signature) where it has them, otherwise from the kind of token.

        **What to do**: treat the token as compromised. Revoke or rotate it at its issuer, then remove it \
        from the file and from history (a rewritten commit does not un-leak a pushed secret). If the finding \
        is a test fixture or an accepted risk, add `tokenscan:allow` on its line or record it in a baseline.
        """
        return SARIF.ReportingDescriptor(
            id: rule.id,
            name: rule.id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
            shortDescription: .init(text: summary),
            fullDescription: .init(text: "\(summary). Kind: \(rule.kind). Defined in \(rule.origin)."),
            help: .init(text: "Revoke or rotate the token at its issuer, then remove it from the file and its history.", markdown: markdown),
            defaultConfiguration: .init(level: level(rule.baseSeverity)),
            properties: .init(
                tags: Array((["security", "secret"] + rule.tags).uniqued().prefix(10)),
                securitySeverity: rule.baseSeverity.securitySeverity == "0.0" ? "0.1" : rule.baseSeverity.securitySeverity,
                // Decoded JWTs and checksum-verified provider tokens are not guesses.
                precision: rule.validate.contains("jwt") || !rule.checksums.isEmpty ? "very-high" : "high"))
    }
}

extension Array where Element: Hashable {
    package func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}

/// The subset of SARIF 2.1.0 tokenscan writes.
package enum SARIF {
    package struct Log: Encodable {
        package var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        package var version = "2.1.0"
        package var runs: [Run]
        package enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }
    }
    package struct Text: Encodable { var text: String }
    package struct Run: Encodable {
        package var tool: Tool
        package var invocations: [Invocation]
        package var originalUriBaseIds: [String: BaseURI]
        package var results: [Result]
        package var columnKind: String
        package var properties: RunProperties
        package var automationDetails: AutomationDetails?
    }
    package struct RunProperties: Encodable {
        var now: String
        /// `--shard K/N`: which part of a split scan this run is (`tokenscan merge` checks them).
        var shard: Shard?
    }
    package struct AutomationDetails: Encodable { var id: String }
    package struct BaseURI: Encodable { var description: Text }
    package struct Tool: Encodable { var driver: Driver }
    package struct Driver: Encodable {
        package var name: String
        package var semanticVersion: String
        package var informationUri: String
        package var rules: [ReportingDescriptor]
    }
    package struct ReportingDescriptor: Encodable {
        package var id: String
        package var name: String
        package var shortDescription: Text
        package var fullDescription: Text
        package var help: Help
        package var defaultConfiguration: Configuration
        package var properties: RuleProperties
    }
    package struct Help: Encodable {
        package var text: String
        package var markdown: String
    }
    package struct Configuration: Encodable { var level: String }
    package struct RuleProperties: Encodable {
        package var tags: [String]
        package var securitySeverity: String
        package var precision: String
        package enum CodingKeys: String, CodingKey {
            case tags, precision
            case securitySeverity = "security-severity"
        }
    }
    package struct Invocation: Encodable {
        package var executionSuccessful: Bool
        package var toolExecutionNotifications: [Notification]
        /// What shaped the run: configuration read, rules disabled, configuration a range changes.
        package var toolConfigurationNotifications: [Notification]?
    }
    package struct Notification: Encodable {
        package var level: String
        package var message: Text
    }
    package struct Result: Encodable {
        package var ruleId: String
        package var ruleIndex: Int?
        package var level: String
        package var rank: Double
        package var message: Text
        package var locations: [Location]
        package var partialFingerprints: [String: String]
        package var properties: ResultProperties
        /// Set for a finding accepted inside the change under review (`underReview`).
        package var suppressions: [Suppression]? = nil
    }
    package struct Suppression: Encodable {
        package var kind: String
        package var status: String
        package var justification: String
    }
    package struct ResultProperties: Encodable {
        package var severity: String
        package var score: Int
        package var securitySeverity: String
        package var reasons: [Reason]
        package var fingerprint: String
        package var expiry: String?
        /// The commit that added the secret (git sources): a history finding's path may no longer
        /// exist at the analysed revision.
        package var commit: CommitInfo?
        package var tokenClass: String?
        package var checksum: String?
        package enum CodingKeys: String, CodingKey {
            case severity, score, reasons, fingerprint, expiry, commit, tokenClass, checksum
            case securitySeverity = "security-severity"
        }
    }
    package struct Location: Encodable { var physicalLocation: PhysicalLocation }
    package struct PhysicalLocation: Encodable {
        package var artifactLocation: ArtifactLocation
        package var region: Region
    }
    package struct ArtifactLocation: Encodable {
        package var uri: String
        package var uriBaseId: String?
    }
    package struct Region: Encodable {
        package var startLine: Int
        package var startColumn: Int
        package var endLine: Int
        package var endColumn: Int
        package var snippet: Text?
    }
}
