import FoundationEssentials
import TokenFormats

/// Accepted findings, by content: a fingerprint and the path it was accepted in. Re-running a scan
/// on an unchanged tree writes the same file byte for byte (sorted, no line numbers, no times),
/// so a baseline in git never churns.
public struct Baseline: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable, Hashable, Comparable {
        public var fingerprint: String
        /// `*` accepts the secret wherever it appears.
        public var path: String
        public var ruleId: String
        public var kind: String

        public init(fingerprint: String, path: String, ruleId: String, kind: String) {
            self.fingerprint = fingerprint
            self.path = path
            self.ruleId = ruleId
            self.kind = kind
        }

        public static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.path, lhs.fingerprint, lhs.ruleId) < (rhs.path, rhs.fingerprint, rhs.ruleId)
        }
    }

    public var version = 1
    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = Array(Set(entries)).sorted()
    }

    public init(findings: [Finding]) {
        self.init(entries: findings.map { Entry(fingerprint: $0.fingerprint, path: $0.path, ruleId: $0.ruleId, kind: $0.kind) })
    }

    /// A file `--baseline` names that cannot be used (`BaselineReader` reads it).
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }

        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }
    }

    /// Reads a tokenscan baseline alone (`BaselineReader` also reads reports as baselines).
    public static func load(path: String) throws(LoadError) -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else { throw LoadError(path: path, message: "cannot read the file") }
        do {
            return try JSONDecoder().decode(Baseline.self, from: data)
        } catch {
            throw LoadError(path: path, message: "not a tokenscan baseline: \(error)")
        }
    }

    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(Baseline(entries: entries))) ?? Data(), as: UTF8.self) + "\n"
    }
}
