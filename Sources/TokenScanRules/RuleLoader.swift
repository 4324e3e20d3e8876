import FoundationEssentials
import TOMLKit
import TokenFormats
import TokenScanModel

/// Reads rule files (`[[rules]]` tables in TOML) into `Rule` values.
///
/// Errors name the file, the rule and the key, because a user who writes a custom rule needs to
/// know exactly which line of their file to fix.
public enum RuleLoader {
    /// Parses one TOML document. `origin` names it in messages and in `Rule.origin`.
    public static func load(toml text: String, origin: String) throws(RuleError) -> [Rule] {
        let table = try TOMLDocument.parse(text, origin: origin)
        guard let entries = table["rules"] else { return [] }
        guard let array = entries.array else {
            throw RuleError(file: origin, message: "'rules' must be an array of tables ([[rules]])")
        }
        var rules: [Rule] = []
        for (index, entry) in array.enumerated() {
            guard let ruleTable = entry.table else {
                throw RuleError(file: origin, message: "rules[\(index)] is not a table")
            }
            rules.append(try parseRule(ruleTable, index: index, origin: origin))
        }
        return rules
    }

    /// Whether a file of a rules directory holds rules: every TOML file but the scope vocabulary
    /// (a file without `[[rules]]` simply adds none). `Rules/` and `--rules DIR` are read alike.
    package static func isRuleFile(_ name: String) -> Bool {
        name.hasSuffix(".toml") && name != "scopes.toml"
    }

    /// The built-in rules from the text of `Rules/`'s files, in the order given, each named
    /// `builtin:FILE`. The build runs this (the binary carries its result as tables); the tests run
    /// it again on `Rules/` to prove the tables equal what parsing the files gives.
    package static func loadBuiltin(files: [(name: String, contents: String)]) throws(RuleError) -> [Rule] {
        var rules: [Rule] = []
        for file in files where isRuleFile(file.name) {
            rules += try load(toml: file.contents, origin: "builtin:\(file.name)")
        }
        return rules
    }

    package static func parseRule(_ table: TOMLTable, index: Int, origin: String) throws(RuleError) -> Rule {
        let reader = TableReader(table: table, origin: origin, context: "rules[\(index)]")
        let id = try reader.requiredString("id")
        let reader2 = TableReader(table: table, origin: origin, context: "rules[\(index)]", ruleID: id)
        try reader2.rejectUnknownKeys([
            "id", "description", "kind", "regex", "keywords", "maxLength", "entropy", "validate", "tags",
            "severity", "priority", "utf", "examples", "counterexamples", "tokenClass", "provider", "role",
            "rotate", "start",
        ])
        // `^[a-z0-9][a-z0-9._-]*$`, without compiling a regular expression per rule at start-up.
        func isIDCharacter(_ byte: UInt8, first: Bool) -> Bool {
            (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || (!first && (byte == 0x2E || byte == 0x5F || byte == 0x2D))
        }
        guard let firstByte = id.utf8.first, isIDCharacter(firstByte, first: true),
            id.utf8.dropFirst().allSatisfy({ isIDCharacter($0, first: false) })
        else {
            throw reader2.error("id must be lowercase letters, digits, '.', '_' or '-'")
        }
        var rule = Rule(
            id: id,
            description: try reader2.string("description") ?? "",
            kind: try reader2.string("kind") ?? "generic",
            regex: try reader2.requiredString("regex"),
            origin: origin
        )
        if let role = try reader2.string("role") {
            guard let parsed = SecretRole(rawValue: role) else {
                throw reader2.error("role must be one of \(SecretRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            rule.role = parsed
        }
        rule.keywords = try reader2.stringArray("keywords")
        if rule.keywords.contains(where: { $0.isEmpty || !$0.utf8.allSatisfy { $0 < 0x80 } }) {
            throw reader2.error("keywords must be non-empty ASCII strings")
        }
        if let start = try reader2.string("start") {
            guard let parsed = MatchStart(rawValue: start) else {
                throw reader2.error("start must be one of \(MatchStart.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !rule.keywords.isEmpty else { throw reader2.error("'start' needs keywords (it says where matches start relative to them)") }
            rule.start = parsed
        }
        if let maxLength = try reader2.int("maxLength") {
            guard (1...(1 << 20)).contains(maxLength) else { throw reader2.error("maxLength must be 1...1048576") }
            rule.maxLength = maxLength
        }
        rule.minEntropy = try reader2.double("entropy")
        rule.validate = try reader2.stringArray("validate")
        for name in rule.validate where !Rule.validations.contains(name) {
            throw reader2.error("unknown validation '\(name)' in 'validate' (known: \(Rule.validations.joined(separator: ", ")))")
        }
        rule.tokenClass = try reader2.string("tokenClass")
        rule.provider = try reader2.string("provider")
        rule.rotate = try reader2.string("rotate")
        if let rotate = rule.rotate, !rotate.hasPrefix("https://") {
            throw reader2.error("'rotate' must be an https:// URL (where the token is revoked or rotated)")
        }
        if rule.tokenClass?.isEmpty == true || rule.provider?.isEmpty == true {
            throw reader2.error("'tokenClass' and 'provider' must not be empty")
        }
        rule.tags = try reader2.stringArray("tags")
        if let severity = try reader2.string("severity") {
            guard let parsed = Severity(rawValue: severity) else {
                throw reader2.error("severity must be one of \(Severity.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            rule.baseSeverity = parsed
        }
        rule.priority = try reader2.int("priority") ?? rule.priority
        rule.utf = try reader2.bool("utf") ?? false
        rule.counterexamples = try reader2.stringArray("counterexamples")
        if let examples = table["examples"] {
            guard let array = examples.array else { throw reader2.error("'examples' must be an array") }
            for (n, example) in array.enumerated() {
                if let text = example.string {
                    rule.examples.append(RuleExample(text: text))
                } else if let exampleTable = example.table {
                    let exampleReader = TableReader(
                        table: exampleTable, origin: origin, context: "rules[\(index)].examples[\(n)]", ruleID: id)
                    try exampleReader.rejectUnknownKeys(["text", "secret", "mint"])
                    rule.examples.append(try parseExample(exampleReader, number: n))
                } else {
                    throw reader2.error("examples[\(n)] must be a string or a table with 'text' and 'secret' (or 'mint')")
                }
            }
        }
        return rule
    }

    /// An example table: `text` and `secret`, or `text` with a `{{token}}` marker and `mint`.
    package static func parseExample(_ reader: TableReader, number n: Int) throws(RuleError) -> RuleExample {
        let text = try reader.requiredString("text")
        let secret = try reader.string("secret")
        guard let name = try reader.string("mint") else { return RuleExample(text: text, secret: secret) }
        guard let format = ProviderTokenFormat(rawValue: name) else {
            throw reader.error("examples[\(n)]: unknown mint format '\(name)' (known: \(ProviderTokenFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard secret == nil else {
            throw reader.error("examples[\(n)]: an example with 'mint' reports the minted token; leave out 'secret'")
        }
        guard text.contains(RuleExample.tokenMarker) else {
            throw reader.error("examples[\(n)]: an example with 'mint' needs \(RuleExample.tokenMarker) in 'text' where the token goes")
        }
        return RuleExample(text: text, mint: format)
    }
}

/// Typed access to a TOML table with errors that say where a value was wrong.
package struct TableReader {
    package let table: TOMLTable
    package let origin: String
    package let context: String
    package var ruleID: String? = nil

    package func error(_ message: String) -> RuleError {
        RuleError(file: origin, ruleID: ruleID, message: ruleID == nil ? "\(context): \(message)" : message)
    }

    package func rejectUnknownKeys(_ known: Set<String>) throws(RuleError) {
        for key in table.keys where !known.contains(key) {
            throw error("unknown key '\(key)' (known: \(known.sorted().joined(separator: ", ")))")
        }
    }

    package func string(_ key: String) throws(RuleError) -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string else { throw error("'\(key)' must be a string") }
        return string
    }

    package func requiredString(_ key: String) throws(RuleError) -> String {
        guard let value = try string(key), !value.isEmpty else { throw error("missing '\(key)'") }
        return value
    }

    package func int(_ key: String) throws(RuleError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let int = value.int else { throw error("'\(key)' must be an integer") }
        return int
    }

    package func double(_ key: String) throws(RuleError) -> Double? {
        guard let value = table[key] else { return nil }
        if let double = value.double { return double }
        if let int = value.int { return Double(int) }
        throw error("'\(key)' must be a number")
    }

    package func bool(_ key: String) throws(RuleError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let bool = value.bool else { throw error("'\(key)' must be true or false") }
        return bool
    }

    package func stringArray(_ key: String) throws(RuleError) -> [String] {
        guard let value = table[key] else { return [] }
        if let single = value.string { return [single] }
        guard let array = value.array else { throw error("'\(key)' must be an array of strings") }
        var strings: [String] = []
        for element in array {
            guard let string = element.string else { throw error("'\(key)' must contain only strings") }
            strings.append(string)
        }
        return strings
    }

    package init(table: TOMLTable, origin: String, context: String, ruleID: String? = nil) {
        self.table = table
        self.origin = origin
        self.context = context
        self.ruleID = ruleID
    }
}
