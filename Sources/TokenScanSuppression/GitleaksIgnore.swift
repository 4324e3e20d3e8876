import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch

/// A `.gitleaksignore`: findings a gitleaks user accepted, one gitleaks fingerprint per line —
/// `file:rule-id:line` for files, `commit:file:rule-id:line` for history — and `#` comments.
///
/// Why it is honoured: a team moving from gitleaks keeps what it already triaged. The fingerprints
/// name a place and a rule, not a secret, so they match findings of rules imported from the
/// gitleaks config and of built-in rules whose id gitleaks shares (`jwt` …). A matched finding is
/// dismissed as `ignored-fingerprint`, as one listed in a `.tokenscanignore`.
public struct GitleaksIgnore: Sendable, Equatable {
    /// The file the entries came from; paths in entries may be relative to its directory.
    public let path: String
    /// Entries normalised (`./` dropped from file paths).
    package let entries: Set<String>
    private let directory: String

    public init(text: String, path: String) {
        self.path = path
        let parent = PathName.parent(of: path)
        directory = URL(fileURLWithPath: parent.isEmpty ? "." : parent).standardizedFileURL.path
        var entries: Set<String> = []
        for line in text.split(whereSeparator: \.isNewline) {
            let entry = line.trimming(.whitespaces)
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            entries.insert(GitleaksIgnore.normalised(entry))
        }
        self.entries = entries
    }

    public static func load(path: String) throws(RuleError) -> GitleaksIgnore {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RuleError(file: path, message: "cannot read the file")
        }
        return GitleaksIgnore(text: String(decoding: data, as: UTF8.self), path: path)
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// Whether `finding` is listed: by its path as reported or relative to this file's directory,
    /// its rule id and line, with its commit for findings from history.
    public func ignores(_ finding: Finding) -> Bool {
        guard !entries.isEmpty else { return false }
        var paths = [GitleaksIgnore.normalised(finding.path)]
        guard !finding.path.isEmpty else { return false }
        let absolute = URL(fileURLWithPath: finding.path).standardizedFileURL.path
        if absolute.hasPrefix(directory + "/") { paths.append(String(absolute.dropFirst(directory.count + 1))) }
        // An imported rule whose id a built-in rule has is renamed `gitleaks:<id>`; entries use the
        // id gitleaks knows.
        var rules = [finding.ruleId]
        if finding.ruleId.hasPrefix("gitleaks:") { rules.append(String(finding.ruleId.dropFirst("gitleaks:".count))) }
        for path in paths {
            for rule in rules {
                let place = "\(path):\(rule):\(finding.line)"
                if entries.contains(place) { return true }
                if let commit = finding.commit?.sha, entries.contains("\(commit):\(place)") { return true }
            }
        }
        return false
    }

    /// `./a/b:rule:3` and `sha:./a/b:rule:3` name the same place as `a/b:rule:3`.
    private static func normalised(_ entry: String) -> String {
        if entry.hasPrefix("./") { return String(entry.dropFirst(2)) }
        if let colon = entry.firstIndex(of: ":"), entry[entry.index(after: colon)...].hasPrefix("./") {
            return String(entry[...colon]) + entry[entry.index(colon, offsetBy: 3)...]
        }
        return entry
    }
}
