import FoundationEssentials
import TokenScanJudge
import TokenScanModel
import TokenScanReport

/// `tokenscan merge` of JSON reports: one report, as one unsharded scan writes it.
///
/// Findings are put back in the unsharded order (the walk's for paths, the range's for commits)
/// and written through the JSON reporter, so the `tokens` section is rebuilt over all shards
/// (one entry per secret, counts added up, first and last place across shards); a history
/// split's repeated lines (a revert re-adding a line another shard reported) are dropped again
/// and counted as dismissed `repeated`. Fingerprints are copied, never derived again.
public struct JSONReportMerge {
    /// What a JSON report holds (design §4), decoded.
    struct Document: Decodable {
        struct Tool: Decodable, Equatable {
            var name: String
            var version: String
        }
        var findings: [Finding]
        var now: String
        var summary: ScanSummary
        var tool: Tool
        var version: Int
    }

    public let findings: [Finding]
    public let summary: ScanSummary
    public let now: Date
    public let toolVersion: String

    /// - Parameter reports: each report's file name and bytes.
    public init(_ reports: [(path: String, bytes: [UInt8])]) throws(MergeFailure) {
        var documents: [(path: String, shard: Shard?, report: Document)] = []
        for report in reports {
            do {
                let document = try JSONDecoder().decode(Document.self, from: Data(report.bytes))
                guard document.version == 1 else {
                    throw MergeFailure(description: "\(report.path): JSON report version \(document.version) is not one this tokenscan reads (1)")
                }
                documents.append((report.path, document.summary.shard, document))
            } catch let failure as MergeFailure {
                throw failure
            } catch {
                throw MergeFailure(description: "\(report.path) is not a tokenscan JSON report: \(error)")
            }
        }
        let set = try ShardSet(documents)
        let first = set.reports[0]
        for other in set.reports.dropFirst() {
            guard other.report.tool == first.report.tool else {
                throw MergeFailure(description: "\(other.path) was written by \(other.report.tool.name) \(other.report.tool.version), "
                                             + "\(first.path) by \(first.report.tool.version): every shard must run the same version")
            }
            guard other.report.summary.configuration == first.report.summary.configuration else {
                throw MergeFailure(description: "\(other.path) and \(first.path) were scanned with different configuration "
                                             + "(files, digests or disabled rules differ): the shards are not parts of one scan")
            }
        }
        guard let now = try? Date(first.report.now, strategy: .iso8601) else {
            throw MergeFailure(description: "\(first.path): 'now' is not an ISO 8601 time: \(first.report.now)")
        }
        self.now = now
        toolVersion = first.report.tool.version
        let split = set.split
        var merged = set.reports.flatMap(\.report.findings)
        var summary = ScanSummary()
        switch split.by {
        case .path:
            // A name that is not UTF-8 is walked in the order of its exact bytes.
            merged = ShardOrder.stableSorted(merged, key: { $0.pathBytes.map { ShardOrder.walkKey(bytes: Array($0)) } ?? ShardOrder.walkKey($0.path) },
                                             by: ShardOrder.precedes)
        case .commit:
            let order = set.reports.reduce(into: [String: Int]()) { $0.merge($1.shard.commits ?? [:]) { first, _ in first } }
            merged = ShardOrder.stableSorted(merged, key: { $0.commit.flatMap { order[$0.sha] } ?? Int.max }, by: <)
            // One unsharded history scan reports a line once per path (`reportRepeatsOnce`).
            var reported: Set<[String?]> = []
            let kept = merged.filter { reported.insert([$0.path, $0.fingerprint, $0.snippet]).inserted }
            if kept.count != merged.count { summary.dismissed[Dismissal.repeated.rawValue] = merged.count - kept.count }
            merged = kept
        }
        summary.add(merged)
        let parts = set.reports.map(\.report.summary)
        summary.files = parts.reduce(0) { $0 + $1.files }
        summary.bytes = parts.reduce(0) { $0 + $1.bytes }
        for part in parts {
            summary.dismissed.merge(part.dismissed, uniquingKeysWith: +)
            if let accepted = part.accepted { summary.accepted = (summary.accepted ?? [:]).merging(accepted, uniquingKeysWith: +) }
        }
        let byWalk: (String) -> [[UInt8]] = split.by == .path ? ShardOrder.walkKey : { _ in [] }
        summary.skipped = ShardOrder.stableSorted(parts.flatMap(\.skipped), key: { byWalk($0.path) }, by: ShardOrder.precedes)
        summary.ruleErrors = ShardOrder.stableSorted(parts.flatMap(\.ruleErrors), key: { byWalk($0.path) }, by: ShardOrder.precedes)
        summary.limits = JSONReportMerge.joined(parts.map(\.limits)).map {
            ShardOrder.stableSorted($0, key: { byWalk($0.path) }, by: ShardOrder.precedes)
        }
        summary.unusedInlineAllow = JSONReportMerge.joined(parts.map(\.unusedInlineAllow)).map {
            ShardOrder.stableSorted($0, key: { byWalk($0.path) }, by: ShardOrder.precedes)
        }
        summary.acceptedInChange = JSONReportMerge.joined(parts.map(\.acceptedInChange))
        // A baseline entry is unused only if no shard used it.
        if parts.allSatisfy({ $0.unusedBaseline != nil }) {
            let everywhere = parts.dropFirst().reduce(Set(parts[0].unusedBaseline!)) { $0.intersection($1.unusedBaseline!) }
            summary.unusedBaseline = parts[0].unusedBaseline!.filter(everywhere.contains)
        }
        // Every shard walks the whole tree: what ignore files leave out is the same in each.
        summary.excludedByIgnoreFiles = parts[0].excludedByIgnoreFiles
        summary.configuration = parts[0].configuration
        findings = merged
        self.summary = summary
    }

    /// The parts' lists one after another; nil when no part has one (the key stays absent).
    static func joined<Element>(_ lists: [[Element]?]) -> [Element]? {
        lists.contains { $0 != nil } ? lists.flatMap { $0 ?? [] } : nil
    }

    /// Writes the merged report (claims as the shards wrote them: masked, or shown with
    /// `--show-secrets`; nothing is masked or unmasked again).
    public func write(to output: ReportOutput) throws(OutputError) {
        var context = ReportContext(toolVersion: toolVersion, now: now, rules: [])
        context.disclosure = ClaimDisclosure(showSecrets: true)
        let reporter = JSONReporter(context: context, output: output)
        try reporter.add(findings)
        try reporter.finish(summary)
    }
}
