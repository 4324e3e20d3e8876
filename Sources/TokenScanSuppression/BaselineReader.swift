import FoundationEssentials
import TokenFormats
import TokenScanJudge
import TokenScanModel

/// Reads `--baseline` in the forms users already have, so that adopting tokenscan (or upgrading
/// it) does not start with every old finding failing the build: a tokenscan baseline, a previous
/// tokenscan JSON, JSON Lines or SARIF report (`ReportReader`, which `tokenscan ignore --from` shares),
/// or a gitleaks JSON report. All become the same content-based
/// entries (fingerprint and path) a baseline holds, so they match as a baseline does.
///
/// gitleaks' own `Fingerprint` is positional (`file:rule:line`, or with the commit first), which is
/// what churns on every edit; its report also carries the `Secret`, so the entry is the secret's
/// fingerprint under this run's key, accepted at any path (gitleaks names files relative to
/// wherever it ran). A report written with `gitleaks --redact` has no secret left: its entries
/// cannot match anything and are named in the notes, not silently dropped.
public struct BaselineReader: Sendable {
    public let fingerprinter: Fingerprinter

    public init(fingerprinter: Fingerprinter) {
        self.fingerprinter = fingerprinter
    }

    /// What a file read as a baseline turned out to be, for messages.
    public enum Format: Equatable, Sendable {
        case baseline
        case report(ReportReader.Form)
        case gitleaksReport

        public var name: String {
            switch self {
            case .baseline: "tokenscan baseline"
            case .report(let form): form.rawValue
            case .gitleaksReport: "gitleaks JSON report"
            }
        }
    }

    public struct Loaded: Sendable {
        public var baseline: Baseline
        public var format: Format
        /// Entries that were read but cannot match (one line each, no secret in them).
        public var notes: [String]
    }

    /// The one sentence every refusal ends with.
    public static let acceptedFormats =
        "a tokenscan baseline (--write-baseline), a tokenscan JSON, JSON Lines or SARIF report, or a gitleaks JSON report"

    public func load(path: String) throws(Baseline.LoadError) -> Loaded {
        guard let data = FileManager.default.contents(atPath: path) else { throw Baseline.LoadError(path: path, message: "cannot read the file") }
        return try read(Array(data), path: path)
    }

    public func read(_ bytes: [UInt8], path: String) throws(Baseline.LoadError) -> Loaded {
        func refuse(_ what: String) -> Baseline.LoadError {
            Baseline.LoadError(path: path, message: "\(what); --baseline reads \(BaselineReader.acceptedFormats)")
        }
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { throw refuse("an empty file") }
        switch ReportReader.read(bytes) {
        case .success(let report)?:
            let entries = report.entries.map {
                Baseline.Entry(fingerprint: $0.fingerprint, path: $0.path ?? "*", ruleId: $0.ruleId ?? "", kind: $0.kind ?? "")
            }
            return Loaded(baseline: Baseline(entries: entries), format: .report(report.form), notes: [])
        case .failure(let refusal)?:
            throw refuse(refusal.description)
        case nil:
            break
        }
        guard let document = JSONValue.parse(bytes) else { throw refuse("not JSON") }
        if let array = document.array {
            guard let loaded = gitleaks(array) else { throw refuse("a JSON array that is not a gitleaks report (its items lack RuleID and Secret)") }
            return loaded
        }
        guard let object = document.object else { throw refuse("neither a JSON object nor an array") }
        if let entries = object["entries"]?.array {
            guard let baseline = try? JSONDecoder().decode(Baseline.self, from: Data(bytes)) else {
                throw refuse("a baseline whose \(entries.count) entries lack fingerprint, path, ruleId or kind")
            }
            return Loaded(baseline: baseline, format: .baseline, notes: [])
        }
        throw refuse("a JSON object with none of entries, findings (tool tokenscan) or runs")
    }

    /// A gitleaks report: an array of findings with `RuleID` and `Secret` (empty: no findings).
    private func gitleaks(_ items: [JSONValue]) -> Loaded? {
        var entries: [Baseline.Entry] = []
        var notes: [String] = []
        for item in items {
            guard let finding = item.object, let rule = finding["RuleID"]?.string, let secret = finding["Secret"]?.string else { return nil }
            let position = finding["Fingerprint"]?.string ?? "\(finding["File"]?.string ?? "?"):\(rule)"
            if secret.isEmpty || secret.contains("REDACTED") || secret.hasSuffix("...") {
                notes.append("gitleaks entry \(position) has no secret (a report written with gitleaks --redact): it cannot match anything")
                continue
            }
            entries.append(Baseline.Entry(fingerprint: fingerprinter.fingerprint(Array(secret.utf8)), path: "*", ruleId: rule, kind: "gitleaks"))
        }
        return Loaded(baseline: Baseline(entries: entries), format: .gitleaksReport, notes: notes)
    }
}
