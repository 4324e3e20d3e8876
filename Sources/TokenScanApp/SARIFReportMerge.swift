import FoundationEssentials
import TokenFormats
import TokenScanModel
import TokenScanReport

/// `tokenscan merge` of SARIF reports: one run, as one unsharded scan writes it.
///
/// SARIF results carry less than JSON findings (no claims), so they are merged as they are, not
/// written again from findings: put back in the unsharded order, then what the SARIF reporter
/// decides across a whole run is decided again across the shards — at most
/// `SARIFReporter.resultsPerFingerprint` results per secret (the note counts all left out), each
/// result's occurrence number in `primaryLocationLineHash`, a history split's repeated lines,
/// the accepted counts. The shard marks (`properties.shard`, `automationDetails`) are dropped.
public struct SARIFReportMerge {
    public private(set) var log: JSONValue
    /// Severity counts of the merged results (not those under review), for `--fail-on`.
    public private(set) var summary = ScanSummary()

    private struct Head: Decodable {
        struct Run: Decodable {
            struct Properties: Decodable { var shard: Shard? }
            var properties: Properties?
        }
        var version: String
        var runs: [Run]
    }

    public init(_ reports: [(path: String, bytes: [UInt8])]) throws(MergeFailure) {
        var inputs: [(path: String, shard: Shard?, report: [String: JSONValue])] = []
        // `$schema` and `version`, the same in every report.
        var top: [String: JSONValue] = [:]
        for report in reports {
            let data = Data(report.bytes)
            guard let head = try? JSONDecoder().decode(Head.self, from: data), head.version == "2.1.0", head.runs.count == 1,
                  let log = try? JSONDecoder().decode(JSONValue.self, from: data), let run = log.object?["runs"]?.array?.first?.object else {
                throw MergeFailure(description: "\(report.path) is not a SARIF 2.1.0 report with one run, as tokenscan writes it")
            }
            inputs.append((report.path, head.runs[0].properties?.shard, run))
            if top.isEmpty { top = log.object ?? [:] }
        }
        let set = try ShardSet(inputs)
        let runs = set.reports.map(\.report)
        var run = runs[0]
        for (other, path) in zip(runs.dropFirst(), set.reports.dropFirst().map(\.path)) where other["tool"] != run["tool"] {
            throw MergeFailure(description: "\(path) and \(set.reports[0].path) were written by different tokenscan versions or rule sets "
                               + "(tool.driver differs): every shard must run the same version and rules")
        }
        // Results accepted in the change under review come after the findings, as a scan writes them.
        var results: [JSONValue] = []
        var underReview: [JSONValue] = []
        for result in runs.flatMap({ $0["results"]?.array ?? [] }) {
            if result.object?["suppressions"] != nil { underReview.append(result) } else { results.append(result) }
        }
        let split = set.split
        switch split.by {
        case .path:
            results = ShardOrder.stableSorted(results, key: { ShardOrder.walkKey(bytes: SARIFReportMerge.pathBytes($0)) }, by: ShardOrder.precedes)
        case .commit:
            let order = set.reports.reduce(into: [String: Int]()) { $0.merge($1.shard.commits ?? [:]) { first, _ in first } }
            results = ShardOrder.stableSorted(results, key: {
                $0.object?["properties"]?.object?["commit"]?.object?["sha"]?.string.flatMap { order[$0] } ?? Int.max
            }, by: <)
            var reported: Set<[String?]> = []
            results = results.filter {
                let location = $0.object?["locations"]?.array?.first?.object?["physicalLocation"]?.object
                let key = [location?["artifactLocation"]?.object?["uri"]?.string, SARIFReportMerge.fingerprint($0),
                           location?["region"]?.object?["snippet"]?.object?["text"]?.string]
                return reported.insert(key).inserted
            }
        }
        // Each shard capped its own repeats; the first results of a secret across all shards are
        // among each shard's first, so capping again gives what one run keeps.
        var capped = 0
        var perFingerprint: [String: Int] = [:]
        var occurrences: [String: Int] = [:]
        var kept: [JSONValue] = []
        for result in results {
            guard case .object(var object) = result else { continue }
            let fingerprint = SARIFReportMerge.fingerprint(result) ?? ""
            perFingerprint[fingerprint, default: 0] += 1
            if perFingerprint[fingerprint]! > SARIFReporter.resultsPerFingerprint {
                capped += 1
                continue
            }
            let uri = object["locations"]?.array?.first?.object?["physicalLocation"]?.object?["artifactLocation"]?.object?["uri"]?.string ?? ""
            occurrences[uri + "\u{0}" + fingerprint, default: 0] += 1
            if case .object(var partial)? = object["partialFingerprints"] {
                partial["primaryLocationLineHash"] = .string("\(fingerprint):\(occurrences[uri + "\u{0}" + fingerprint]!)")
                object["partialFingerprints"] = .object(partial)
            }
            if let severity = object["properties"]?.object?["severity"]?.string {
                summary.bySeverity[severity, default: 0] += 1
                summary.findings += 1
            }
            kept.append(.object(object))
        }
        run["results"] = .array(kept + underReview)
        run["invocations"] = try SARIFReportMerge.invocations(runs, byPath: split.by == .path, capped: capped, paths: set.reports.map(\.path))
        if case .object(var properties)? = run["properties"] {
            properties["shard"] = nil
            run["properties"] = .object(properties)
        }
        run["automationDetails"] = nil
        var log = top
        log["runs"] = .array([.object(run)])
        self.log = .object(log)
    }

    /// The run's invocation with every shard's notifications: skips in walk order, the note on
    /// capped results counted again, configuration notes (the same in every shard) once, with
    /// the accepted counts added up.
    private static func invocations(_ runs: [[String: JSONValue]], byPath: Bool, capped: Int, paths: [String]) throws(MergeFailure) -> JSONValue {
        let invocations = runs.map { $0["invocations"]?.array?.first?.object ?? [:] }
        var invocation = invocations[0]
        func text(_ note: JSONValue) -> String { note.object?["message"]?.object?["text"]?.string ?? "" }
        func rank(_ note: JSONValue) -> Int {
            let text = text(note)
            if text.hasPrefix("Skipped ") { return 0 }
            if text.hasPrefix("Rule ") { return 1 }
            if text.hasPrefix("Limit ") { return 2 }
            if text.hasPrefix("Accepted in this change") { return 3 }
            if text.hasPrefix("Left out by ") { return 4 }
            return 5
        }
        var notes: [JSONValue] = []
        for (index, shard) in invocations.enumerated() {
            for note in shard["toolExecutionNotifications"]?.array ?? [] where !text(note).contains(SARIFReporter.cappedNote) {
                // Every shard walks the whole tree: what ignore files leave out is named once.
                if rank(note) == 4 && index > 0 { continue }
                notes.append(note)
            }
        }
        notes = ShardOrder.stableSorted(notes, key: { note -> (Int, [[UInt8]]) in
            let text = text(note)
            guard byPath, rank(note) == 0, let colon = text.firstRange(of: ": ") else { return (rank(note), []) }
            return (rank(note), ShardOrder.walkKey(String(text[text.index(text.startIndex, offsetBy: 8)..<colon.lowerBound])))
        }, by: { $0.0 != $1.0 ? $0.0 < $1.0 : ShardOrder.precedes($0.1, $1.1) })
        if capped > 0 {
            notes.append(.object(["level": .string("note"), "message": .object(["text": .string(
                "\(capped) \(SARIFReporter.cappedNote) (at most \(SARIFReporter.resultsPerFingerprint) results per secret); the JSON report lists them all.")])]))
        }
        invocation["toolExecutionNotifications"] = .array(notes)
        // Configuration: the same files in every shard; the accepted counts are added up.
        var accepted: [String: Int] = [:]
        var configurations: [[JSONValue]] = []
        for shard in invocations {
            var notes = shard["toolConfigurationNotifications"]?.array ?? []
            if let index = notes.firstIndex(where: { text($0).hasPrefix(SARIFReporter.acceptedNote) }) {
                let counts = text(notes.remove(at: index)).dropFirst(SARIFReporter.acceptedNote.count).dropLast()
                for pair in counts.split(separator: ",") {
                    let parts = pair.split(separator: " ")
                    if parts.count == 2, let count = Int(parts[1]) { accepted[String(parts[0]), default: 0] += count }
                }
            }
            configurations.append(notes)
        }
        for (index, notes) in configurations.enumerated().dropFirst() where notes != configurations[0] {
            throw MergeFailure(description: "\(paths[index]) and \(paths[0]) were scanned with different configuration "
                               + "(toolConfigurationNotifications differ): the shards are not parts of one scan")
        }
        if invocations[0]["toolConfigurationNotifications"] != nil {
            var notes = configurations[0]
            if !accepted.isEmpty {
                let note = JSONValue.object(["level": .string("note"), "message": .object(["text": .string(
                    SARIFReporter.acceptedNote + accepted.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ".")])])
                let last = notes.last.map(text) ?? ""
                notes.insert(note, at: last.hasPrefix("In-tree configuration was not read") ? notes.count - 1 : notes.count)
            }
            invocation["toolConfigurationNotifications"] = .array(notes)
        }
        return .array([.object(invocation)])
    }

    /// The secret's fingerprint a result carries.
    static func fingerprint(_ result: JSONValue) -> String? {
        result.object?["partialFingerprints"]?.object?["tokenscan/v2"]?.string ?? result.object?["properties"]?.object?["fingerprint"]?.string
    }

    /// The result's path as the scan named it: its URI, percent-decoded (`file://` dropped).
    static func pathBytes(_ result: JSONValue) -> [UInt8] {
        var uri = Array((result.object?["locations"]?.array?.first?.object?["physicalLocation"]?.object?["artifactLocation"]?
            .object?["uri"]?.string ?? "").utf8)
        if uri.starts(with: Array("file://".utf8)) { uri.removeFirst(7) }
        var bytes: [UInt8] = []
        var index = 0
        while index < uri.count {
            if uri[index] == UInt8(ascii: "%"), index + 2 < uri.count,
               let byte = UInt8(String(decoding: uri[index + 1...index + 2], as: UTF8.self), radix: 16) {
                bytes.append(byte)
                index += 3
            } else {
                bytes.append(uri[index])
                index += 1
            }
        }
        return bytes
    }

    /// The merged log, encoded as the SARIF reporter encodes one (sorted keys, pretty).
    public func encoded() -> String {
        Reporters.encode(log, pretty: true) + "\n"
    }
}
