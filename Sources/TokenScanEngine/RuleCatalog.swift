import FoundationEssentials
import TokenFormats
import TokenScanModel

/// Where rules come from: the set built into the binary (from `Rules/`) and user files.
public enum RuleCatalog {
    /// The default rules, compiled into the binary from `Rules/*.toml`.
    ///
    /// The build parses the files (`EmbedResources`) and the binary carries the result as literal
    /// tables: parsing ~100 rules of TOML took ~3 ms of every start-up, most of a one-file scan's
    /// own work. A built-in file that does not parse fails the build instead of a scan.
    public static func builtin() throws(RuleError) -> [Rule] {
        tables
    }

    /// Built once per process (possibly ahead of need by `Prewarm`).
    private static let tables = EmbeddedRules.rules()

    /// Rules from a TOML file, or from every `*.toml` file (sorted) in a directory.
    public static func load(path: String) throws(RuleError) -> [Rule] {
        guard let isDirectory = FileStatus.isDirectory(atPath: path) else {
            throw RuleError(file: path, message: "no such file or directory")
        }
        let files: [String]
        if isDirectory {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            files = names.filter(RuleLoader.isRuleFile).sorted().map { PathName.appending($0, to: path) }
        } else {
            files = [path]
        }
        var rules: [Rule] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw RuleError(file: file, message: "cannot read the file")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw RuleError(file: file, message: "not UTF-8 text")
            }
            rules += try RuleLoader.load(toml: text, origin: file)
        }
        return rules
    }
}
