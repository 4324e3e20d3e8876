import FoundationEssentials
import TokenFormats
import TokenScanModel

/// Reads the findings out of a report tokenscan wrote earlier, as fingerprints and places, for the
/// two commands that accept what a report lists: `--baseline REPORT` and `tokenscan ignore --from
/// REPORT`. One reader, so that both take the same forms (JSON, JSON Lines, SARIF) and the same
/// fingerprint versions (`tokenscan/v2`, and `tokenscan/v1` or `properties.fingerprint` of reports
/// written before fingerprints were versioned), and name a SARIF result's file as the scan did.
public enum ReportReader {
    /// Which report it was, for messages.
    public enum Form: String, Sendable {
        case json = "tokenscan JSON report"
        case jsonLines = "tokenscan JSON Lines report"
        case sarif = "tokenscan SARIF report"
    }

    /// One finding of the report: no secret, only what identifies and places it.
    public struct Entry: Equatable, Sendable {
        public var fingerprint: String
        public var ruleId: String?
        public var kind: String?
        /// The path as the scan reported it (a SARIF URI percent-decoded, `file://` removed).
        public var path: String?
        public var line: Int?

        public init(fingerprint: String, ruleId: String? = nil, kind: String? = nil, path: String? = nil, line: Int? = nil) {
            self.fingerprint = fingerprint
            self.ruleId = ruleId
            self.kind = kind
            self.path = path
            self.line = line
        }
    }

    /// Why a document that looks like a report cannot be read as one.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The report in `bytes`; nil when it is no tokenscan report at all (a caller may then try the
    /// other forms it takes), a refusal when it is one that cannot be used.
    public static func read(_ bytes: [UInt8]) -> Result<(form: Form, entries: [Entry]), Refusal>? {
        guard let document = JSONValue.parse(bytes) else { return jsonLines(bytes) }
        guard let object = document.object else { return nil }
        if let findings = object["findings"]?.array {
            guard object["tool"]?.object?["name"]?.string == "tokenscan" else { return nil }
            return entries(findings.map { $0.object.flatMap(finding) }, form: .json, what: "finding")
        }
        if let runs = object["runs"]?.array {
            let results = runs.flatMap { $0.object?["results"]?.array ?? [] }
            guard results.isEmpty || results.contains(where: { $0.object.flatMap(sarifResult) != nil }) else {
                let driver = runs.first?.object?["tool"]?.object?["driver"]?.object?["name"]?.string ?? "another tool"
                return .failure(Refusal(description: "a SARIF report by \(driver) whose results carry no tokenscan fingerprint"))
            }
            return entries(results.map { $0.object.flatMap(sarifResult) }, form: .sarif, what: "result")
        }
        // A JSON Lines report of one finding is a JSON object.
        if object["fingerprint"] != nil { return jsonLines(bytes) }
        return nil
    }

    /// Every item must be a finding: a report with some unreadable ones is refused, not half used.
    private static func entries(_ items: [Entry?], form: Form, what: String) -> Result<(form: Form, entries: [Entry]), Refusal> {
        let unreadable = items.filter { $0 == nil }.count
        guard unreadable == 0 else {
            return .failure(Refusal(description: "a \(form.rawValue) with \(unreadable) of \(items.count) \(what)s without a fingerprint"))
        }
        return .success((form, items.compactMap { $0 }))
    }

    /// One finding a line (`--format jsonl`); an empty file is a report without findings.
    private static func jsonLines(_ bytes: [UInt8]) -> Result<(form: Form, entries: [Entry]), Refusal>? {
        var items: [Entry?] = []
        for (number, line) in bytes.split(separator: 0x0A).enumerated() where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
            guard let object = JSONValue.parse(Array(line))?.object else {
                // Not one JSON object a line from its start: some other file.
                if number == 0 { return nil }
                return .failure(Refusal(description: "a tokenscan JSON Lines report whose line \(number + 1) is not a JSON object"))
            }
            items.append(finding(object))
        }
        return entries(items, form: .jsonLines, what: "line")
    }

    /// A finding of a JSON or JSON Lines report.
    private static func finding(_ object: [String: JSONValue]) -> Entry? {
        guard let fingerprint = object["fingerprint"]?.string else { return nil }
        return Entry(
            fingerprint: fingerprint, ruleId: object["ruleId"]?.string, kind: object["kind"]?.string,
            path: object["path"]?.string, line: object["line"]?.number.flatMap { Int(exactly: $0) })
    }

    /// A result of a SARIF report: `partialFingerprints["tokenscan/v2"]`, or of an older report
    /// `tokenscan/v1` or `properties.fingerprint`; the file is its artifact URI, decoded.
    private static func sarifResult(_ result: [String: JSONValue]) -> Entry? {
        let fingerprints = result["partialFingerprints"]?.object
        guard let fingerprint = (fingerprints?["tokenscan/v2"] ?? fingerprints?["tokenscan/v1"]
            ?? result["properties"]?.object?["fingerprint"])?.string else { return nil }
        let location = result["locations"]?.array?.first?.object?["physicalLocation"]?.object
        let path = location?["artifactLocation"]?.object?["uri"]?.string.map { uri in
            String(decoding: PercentEncoding.decode(uri.hasPrefix("file://") ? String(uri.dropFirst("file://".count)) : uri), as: UTF8.self)
        }
        return Entry(
            fingerprint: fingerprint, ruleId: result["ruleId"]?.string, kind: result["properties"]?.object?["kind"]?.string,
            path: path, line: location?["region"]?.object?["startLine"]?.number.flatMap { Int(exactly: $0) })
    }
}
