import FoundationEssentials
import Glibc
import TokenFormats
import TokenScanJudge
import TokenScanModel
import TokenScanSources
import TokenScanSuppression

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

    /// The findings of a report file (`ReportReader`: JSON, JSON Lines or SARIF). Repeated
    /// fingerprints are listed once.
    public static func entries(fromReport path: String) throws(Failure) -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "\(path): cannot read the report")
        }
        let findings: [ReportReader.Entry]
        switch ReportReader.read(Array(data)) {
        case .success(let report)?: findings = report.entries
        case .failure(let refusal)?: throw Failure(description: "\(path): \(refusal)")
        case nil: throw Failure(description: "\(path): not a tokenscan report (--format json, jsonl or sarif)")
        }
        var seen = Set<String>()
        var entries: [Entry] = []
        for finding in findings where seen.insert(finding.fingerprint).inserted {
            let place = finding.path.map { path in finding.line.map { "\(path):\($0)" } ?? path }
            entries.append(Entry(fingerprint: try parseFingerprint(finding.fingerprint), ruleId: finding.ruleId, place: place))
        }
        return entries
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
