import FoundationEssentials
import Glibc
import TokenFormats
import TokenScanJudge
import TokenScanModel
import TokenScanSources

/// `tokenscan ignore`: appends accepted fingerprints, each with its reason, to a `.tokenscanignore`
/// (design §8: the repository root's; no hidden state file, so "the last run" is a report the
/// user wrote, `--from REPORT`, or the fingerprints the text report printed).
///
/// Why fingerprints only: an ignore file is committed, so it must never hold a secret; the keyed
/// fingerprint accepts the token by content wherever it moves, and the rule id and path in the
/// comment tell a reviewer what was accepted.
public enum IgnoreFileEditor {
    /// One fingerprint to accept, with what the comment says about it.
    public struct Entry: Equatable, Sendable {
        public var fingerprint: String
        public var ruleId: String?
        public var place: String?

        public init(fingerprint: String, ruleId: String? = nil, place: String? = nil) {
            self.fingerprint = fingerprint
            self.ruleId = ruleId
            self.place = place
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// A fingerprint as the command line may give it (`fingerprint:` prefix allowed, any case),
    /// with its version (`v2:`) kept; one without a version is of v1 (still honoured).
    public static func parseFingerprint(_ text: String) throws(Failure) -> String {
        var value = text.lowercased()
        if value.hasPrefix("fingerprint:") { value.removeFirst("fingerprint:".count) }
        let version = value.hasPrefix(Fingerprinter.versionPrefix) ? Fingerprinter.versionPrefix : ""
        value.removeFirst(version.count)
        guard value.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw Failure(description: "'\(text)' is not a fingerprint (hexadecimal digits, as reports print them)")
        }
        guard (32...64).contains(value.count) else {
            throw Failure(description: "'\(text)' is \(value.count < 32 ? "a short fingerprint" : "too long"): give the whole one "
                + "(the text report's closing advice and --format json list it)")
        }
        return version + value
    }

    /// The findings of a report file: JSON (`findings`), JSON Lines (one finding a line) or SARIF
    /// (`partialFingerprints`). Repeated fingerprints are listed once.
    public static func entries(fromReport path: String) throws(Failure) -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "\(path): cannot read the report")
        }
        var objects: [[String: JSONValue]] = []
        if let document = JSONValue.parse(Array(data))?.object {
            if let findings = document["findings"]?.array {
                objects = findings.compactMap(\.object)
            } else if let runs = document["runs"]?.array {
                objects = runs.flatMap { $0.object?["results"]?.array ?? [] }.compactMap(\.object).compactMap(sarifFinding)
            } else if document["fingerprint"] != nil {
                objects = [document]
            }
        } else {
            for line in data.split(separator: 0x0A) where !line.isEmpty {
                guard let object = JSONValue.parse(Array(line))?.object else {
                    throw Failure(description: "\(path): not a tokenscan report (--format json, jsonl or sarif)")
                }
                objects.append(object)
            }
        }
        var seen = Set<String>()
        var entries: [Entry] = []
        for object in objects {
            guard let fingerprint = object["fingerprint"]?.string, seen.insert(fingerprint).inserted else { continue }
            let line = object["line"]?.number.flatMap { Int(exactly: $0) }
            let place = object["path"]?.string.map { path in line.map { "\(path):\($0)" } ?? path }
            entries.append(Entry(fingerprint: try parseFingerprint(fingerprint), ruleId: object["ruleId"]?.string, place: place))
        }
        return entries
    }

    private static func sarifFinding(_ result: [String: JSONValue]) -> [String: JSONValue]? {
        guard let fingerprints = result["partialFingerprints"]?.object,
              // A report written before fingerprints were versioned has `tokenscan/v1`.
              let fingerprint = (fingerprints["tokenscan/v2"] ?? fingerprints["tokenscan/v1"])?.string else { return nil }
        var object: [String: JSONValue] = ["fingerprint": .string(fingerprint)]
        object["ruleId"] = result["ruleId"]
        let location = result["locations"]?.array?.first?.object?["physicalLocation"]?.object
        object["path"] = location?["artifactLocation"]?.object?["uri"]
        object["line"] = location?["region"]?.object?["startLine"]
        return object
    }

    /// The `.tokenscanignore` `tokenscan ignore` writes: at the top of the git work tree that
    /// contains `directory`, else in `directory` itself.
    public static func ignoreFilePath(near directory: String, environment: [String: String]) -> String {
        if let runner = try? GitRunner(repository: directory, environment: environment),
           let output = try? runner.output(["rev-parse", "--show-toplevel"]) {
            let top = String(decoding: output, as: UTF8.self).trimming(.newlines)
            if !top.isEmpty { return Walker.join(top, ".tokenscanignore") }
        }
        return Walker.join(directory, ".tokenscanignore")
    }

    /// The lines to append for `entries` that `existing` (the file's text) does not list yet.
    public static func lines(for entries: [Entry], reason: String, existing: String) -> [String] {
        let listed = Set(IgnoreFile(contents: existing, base: "", collectsFingerprints: true).fingerprints)
        // One line per entry: a newline in the reason would start a pattern line.
        let reason = reason.split(whereSeparator: \.isNewline).joined(separator: " ")
        var seen = listed
        return entries.filter { seen.insert($0.fingerprint).inserted }.map { entry in
            var comment = reason
            if let ruleId = entry.ruleId { comment += " (\(ruleId)\(entry.place.map { " at \($0)" } ?? ""))" }
            return "fingerprint:\(entry.fingerprint)  # \(comment)"
        }
    }

    /// Appends `lines` to the file at `path` (created when missing), on a line of their own.
    public static func append(_ lines: [String], to path: String, existing: String) throws(Failure) {
        guard !lines.isEmpty else { return }
        var text = existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n"
        text += lines.joined(separator: "\n") + "\n"
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw Failure(description: "\(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw Failure(description: "\(path): \(String(cString: strerror(errno)))") }
    }
}
