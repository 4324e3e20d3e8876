import FoundationEssentials
import TOMLKit
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanReport
import TokenScanSearch
import TokenScanSources
import TokenScanSuppression

/// Something in a gitleaks configuration that tokenscan cannot use as written: named with the
/// file and the rule, and what was dropped, so that a team moving from gitleaks knows exactly
/// what does not carry over.
public struct GitleaksWarning: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var ruleID: String?
    public var message: String
    public var description: String { "\(file)\(ruleID.map { ": rule '\($0)'" } ?? ""): \(message)" }
}

/// What a gitleaks configuration became: tokenscan rules, allow rules, and what did not translate.
public struct GitleaksImport: Sendable {
    public var path: String
    public var rules: [Rule] = []
    /// Global and per-rule allowlists, as allow rules (`ruleIds` set for per-rule ones).
    public var allowRules: [AllowRule] = []
    public var warnings: [GitleaksWarning] = []
    /// Nothing could be used.
    public var isEmpty: Bool { rules.isEmpty && allowRules.isEmpty }
}

/// Reads a gitleaks configuration (`.gitleaks.toml`, gitleaks 8) as tokenscan rules and allow rules.
///
/// Why: a team that switches keeps years of tuning in that file — custom rules for in-house
/// tokens, allowlists for test fixtures and known false positives. Translating it lets them switch
/// without rewriting it, and keep it working for gitleaks in the meantime.
///
/// | gitleaks | tokenscan |
/// |---|---|
/// | `[[rules]]` `id`, `description`, `tags` | a rule (kind `generic`, tag `gitleaks`); an id a built-in rule already has becomes `gitleaks:<id>` |
/// | `regex` (Go RE2) | the PCRE2 regex (`GoRegex`); one PCRE2 rejects drops that rule only |
/// | `secretGroup` | the capture group that is the secret (unset: the first group that matched, as gitleaks does) |
/// | `entropy` | the minimum Shannon entropy of the secret (gitleaks drops secrets *at or below* it) |
/// | `keywords` | the rule's prefilter keywords |
/// | `path` | the rule runs only on inputs whose path matches |
/// | `[rules.allowlist]`, `[[rules.allowlists]]` | allow rules for that rule |
/// | `[allowlist]`, `[[allowlists]]` (`targetRules`) | allow rules for every rule — tokenscan's built-in ones too — or the target rules |
/// | allowlist `paths`, `regexes` + `regexTarget`, `stopwords`, `commits`, `condition` | allow rule `path`, `secret`/`match`/`line`, `stopwords`, `commits`; `OR` becomes one allow rule per kind of check, `AND` one with all |
/// | `[extend] path` | that file is read too (relative to this one, else to the current directory), merged as gitleaks does |
///
/// Not translated, each with a warning: `[extend] useDefault` and `url` (tokenscan's own built-in
/// rules run instead of gitleaks' defaults), path-only rules (no secret to report), `skipReport`
/// rules, `[[rules.required]]` (the rule then reports on its own), unknown keys, and regexes PCRE2
/// rejects. Imported rules report what their regex finds: tokenscan's placeholder heuristics do
/// not apply to them (their allowlists, entropy and stopwords already say what to skip), but a
/// JWT they match is decoded and judged like any other.
public enum GitleaksConfig {
    public static let fileName = ".gitleaks.toml"
    /// Imported rules lose a tie on the same span to every built-in rule (whose checks are richer).
    package static let priority = 10
    /// gitleaks follows `[extend] path` two levels deep.
    package static let maxExtendDepth = 2

    /// Reads and translates `path`. Invalid TOML is an error. `required`: the user named the file,
    /// so a file of which nothing translates is an error too; a discovered one is then ignored with
    /// a warning. `reservedRuleIDs`: ids already taken (default: the built-in rules').
    public static func load(path: String, required: Bool = true, reservedRuleIDs: Set<String>? = nil) throws(ConfigError) -> GitleaksImport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, message: "cannot read the file")
        }
        let reserved = reservedRuleIDs ?? Set(((try? RuleCatalog.builtin()) ?? []).map(\.id))
        var result = try translate(String(decoding: data, as: UTF8.self), path: path, reservedRuleIDs: reserved) { file in
            FileManager.default.contents(atPath: file).map { String(decoding: $0, as: UTF8.self) }
        }
        if result.isEmpty {
            if required {
                throw ConfigError(file: path, message: "no rule or allowlist could be translated (\(result.warnings.map(\.message).joined(separator: "; ")))")
            }
            result.warnings.append(GitleaksWarning(file: path, message: "no rule or allowlist could be translated; the file is ignored"))
        }
        return result
    }

    /// Translates one configuration's text. `readFile` reads `[extend] path` files (nil: unreadable).
    public static func translate(
        _ text: String, path: String, reservedRuleIDs: Set<String> = [], readFile: (String) -> String? = { _ in nil }
    ) throws(ConfigError) -> GitleaksImport {
        var warnings: [GitleaksWarning] = []
        let document = try parseDocument(text, path: path, depth: 0, warnings: &warnings, readFile: readFile)
        var translator = Translator(path: path, reserved: reservedRuleIDs)
        translator.warnings = warnings
        return translator.run(document)
    }

    /// Which gitleaks configuration applies: `--gitleaks-config`, else the tokenscan configuration's
    /// `gitleaks` key (`false` turns discovery off), else `environment` (the `GITLEAKS_CONFIG`
    /// variable gitleaks reads, passed in by the caller), else a `.gitleaks.toml` found like
    /// `.tokenscan.toml` (in the scanned directory or above it, up to the repository root) when
    /// `discoverNear` is given. `explicit`: the user named the file.
    public static func locate(
        commandLine: String?, configuration: Configuration?, environment: String? = nil, discoverNear roots: [String]?,
        confinedTo: String? = nil
    ) -> (path: String, explicit: Bool)? {
        if let commandLine { return (commandLine, true) }
        switch configuration?.gitleaks {
        case .path(let path)?: return (path, true)
        case .disabled?: return nil
        case nil: break
        }
        if let environment, !environment.isEmpty { return (environment, true) }
        guard let roots else { return nil }
        return Configuration.discover(near: roots, fileName: fileName, confinedTo: confinedTo).map { ($0, false) }
    }

    // MARK: - Reading

    /// A `[[rules]]` entry as written (before translation), so that `[extend]` can merge entries.
    package struct RuleSpec {
        package var id: String
        package var description: String?
        package var regex: String?
        package var secretGroup: Int?
        package var entropy: Double?
        package var keywords: [String] = []
        package var path: String?
        package var tags: [String] = []
        package var allowlists: [AllowlistSpec] = []
        package var hasRequired = false
        package var skipReport = false
        package var origin: String
    }

    package struct AllowlistSpec {
        package var description: String?
        package var condition: String?
        package var commits: [String] = []
        package var paths: [String] = []
        package var regexTarget: String?
        package var regexes: [String] = []
        package var stopwords: [String] = []
        package var targetRules: [String] = []
        /// How to name it in warnings (`[[allowlists]] 2`, `[rules.allowlist]`).
        package var name: String
        package var origin: String
    }

    package struct Document {
        package var rules: [RuleSpec] = []
        package var allowlists: [AllowlistSpec] = []
    }

    /// A TOML table read with gitleaks' (viper's) case-insensitive keys.
    package struct Fields {
        package let table: TOMLTable
        package let keys: [String: String]
        package let file: String
        package let ruleID: String?

        package init(_ table: TOMLTable, file: String, ruleID: String? = nil) {
            self.table = table
            keys = Dictionary(table.keys.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
            self.file = file
            self.ruleID = ruleID
        }

        package func value(_ key: String) -> TOMLValueConvertible? { keys[key.lowercased()].flatMap { table[$0] } }

        package func warnUnknown(_ known: [String], in context: String, _ warnings: inout [GitleaksWarning]) {
            let lower = Set(known.map { $0.lowercased() })
            for key in table.keys.sorted() where !lower.contains(key.lowercased()) {
                warnings.append(GitleaksWarning(file: file, ruleID: ruleID, message: "\(context): unknown key '\(key)' ignored"))
            }
        }

        package func string(_ key: String, _ warnings: inout [GitleaksWarning]) -> String? {
            guard let value = value(key) else { return nil }
            guard let string = value.string else {
                warnings.append(GitleaksWarning(file: file, ruleID: ruleID, message: "'\(key)' must be a string; ignored"))
                return nil
            }
            return string
        }

        package func strings(_ key: String, _ warnings: inout [GitleaksWarning]) -> [String] {
            guard let value = value(key) else { return [] }
            if let single = value.string { return [single] }
            guard let array = value.array, array.allSatisfy({ $0.string != nil }) else {
                warnings.append(GitleaksWarning(file: file, ruleID: ruleID, message: "'\(key)' must be an array of strings; ignored"))
                return []
            }
            return array.compactMap(\.string)
        }

        package func number(_ key: String, _ warnings: inout [GitleaksWarning]) -> Double? {
            guard let value = value(key) else { return nil }
            if let double = value.double { return double }
            if let int = value.int { return Double(int) }
            warnings.append(GitleaksWarning(file: file, ruleID: ruleID, message: "'\(key)' must be a number; ignored"))
            return nil
        }

        package func bool(_ key: String, _ warnings: inout [GitleaksWarning]) -> Bool? {
            guard let value = value(key) else { return nil }
            guard let bool = value.bool else {
                warnings.append(GitleaksWarning(file: file, ruleID: ruleID, message: "'\(key)' must be true or false; ignored"))
                return nil
            }
            return bool
        }

        /// A table, or an array of tables, under `key`.
        package func tables(_ key: String) -> [TOMLTable] {
            guard let value = value(key) else { return [] }
            if let table = value.table { return [table] }
            return value.array?.compactMap(\.table) ?? []
        }
    }

    package static let documentKeys = ["title", "description", "minVersion", "extend", "rules", "allowlist", "allowlists"]
    package static let ruleKeys = ["id", "description", "regex", "secretGroup", "entropy", "keywords", "path", "tags",
                           "allowlist", "allowlists", "required", "skipReport"]
    package static let allowlistKeys = ["description", "condition", "commits", "paths", "regexTarget", "regexes", "stopwords"]
    package static let extendKeys = ["useDefault", "path", "url", "disabledRules"]

    package static func parseDocument(
        _ text: String, path: String, depth: Int, warnings: inout [GitleaksWarning], readFile: (String) -> String?
    ) throws(ConfigError) -> Document {
        let table: TOMLTable
        do {
            table = try TOMLDocument.parse(text)
        } catch {
            throw ConfigError(file: path, line: error.line, message: error.message)
        }
        let top = Fields(table, file: path)
        top.warnUnknown(documentKeys, in: "top level", &warnings)
        var document = Document()
        let ruleEntries: [TOMLValueConvertible] = top.value("rules")?.array.map { Array($0) } ?? []
        if top.value("rules") != nil && top.value("rules")?.array == nil {
            warnings.append(GitleaksWarning(file: path, message: "'rules' must be an array of tables ([[rules]]); ignored"))
        }
        for (index, entry) in ruleEntries.enumerated() {
            guard let ruleTable = entry.table else {
                warnings.append(GitleaksWarning(file: path, message: "rules[\(index)] is not a table; ignored"))
                continue
            }
            if let rule = parseRule(ruleTable, index: index, path: path, warnings: &warnings) { document.rules.append(rule) }
        }
        let old = top.tables("allowlist"), new = top.tables("allowlists")
        for (index, allowTable) in (old + new).enumerated() {
            let name = index < old.count ? "[allowlist]" : "[[allowlists]] \(index - old.count + 1)"
            document.allowlists.append(parseAllowlist(Fields(allowTable, file: path), name: name, global: true, warnings: &warnings))
        }
        if let extendTable = top.value("extend")?.table {
            let extend = Fields(extendTable, file: path)
            extend.warnUnknown(extendKeys, in: "[extend]", &warnings)
            let disabled = extend.strings("disabledRules", &warnings)
            if extend.bool("useDefault", &warnings) == true {
                warnings.append(GitleaksWarning(file: path, message:
                    "[extend] useDefault: gitleaks' default rules and allowlists are not imported; tokenscan's built-in rules run instead"
                    + (disabled.isEmpty ? "" : " (disabledRules, which name default rules, are ignored)")))
            }
            if let url = extend.string("url", &warnings) {
                warnings.append(GitleaksWarning(file: path, message: "[extend] url '\(url)' is not supported; not imported"))
            }
            if let extendPath = extend.string("path", &warnings) {
                if depth >= maxExtendDepth {
                    warnings.append(GitleaksWarning(file: path, message: "[extend] path '\(extendPath)': extended more than \(maxExtendDepth) levels deep; not imported"))
                } else {
                    let directory = PathName.parent(of: path)
                    let nearby = extendPath.hasPrefix("/") ? extendPath : PathName.appending(extendPath, to: directory)
                    var found: (String, String)?
                    for file in [nearby, extendPath] where found == nil {
                        if let text = readFile(file) { found = (file, text) }
                    }
                    if let (resolved, text) = found {
                        let base = try parseDocument(text, path: resolved, depth: depth + 1, warnings: &warnings, readFile: readFile)
                        document = merge(document, onto: base, disabled: Set(disabled))
                    } else {
                        warnings.append(GitleaksWarning(file: path, message: "[extend] path '\(extendPath)' cannot be read; not imported"))
                    }
                }
            }
        }
        return document
    }

    package static func parseRule(_ table: TOMLTable, index: Int, path: String, warnings: inout [GitleaksWarning]) -> RuleSpec? {
        let anonymous = Fields(table, file: path)
        guard let id = anonymous.string("id", &warnings), !id.trimming(.whitespaces).isEmpty else {
            warnings.append(GitleaksWarning(file: path, message: "rules[\(index)] has no id; not imported"))
            return nil
        }
        let fields = Fields(table, file: path, ruleID: id)
        fields.warnUnknown(ruleKeys, in: "[[rules]]", &warnings)
        var rule = RuleSpec(id: id, origin: path)
        rule.description = fields.string("description", &warnings)
        rule.regex = fields.string("regex", &warnings)
        rule.path = fields.string("path", &warnings)
        if let group = fields.number("secretGroup", &warnings) { rule.secretGroup = Int(group) }
        rule.entropy = fields.number("entropy", &warnings)
        rule.keywords = fields.strings("keywords", &warnings)
        rule.tags = fields.strings("tags", &warnings)
        rule.hasRequired = fields.value("required") != nil
        rule.skipReport = fields.bool("skipReport", &warnings) ?? false
        let old = fields.tables("allowlist"), new = fields.tables("allowlists")
        for (number, allowTable) in (old + new).enumerated() {
            let name = number < old.count ? "[rules.allowlist]" : "[[rules.allowlists]] \(number - old.count + 1)"
            rule.allowlists.append(parseAllowlist(Fields(allowTable, file: path, ruleID: id), name: name, global: false, warnings: &warnings))
        }
        return rule
    }

    package static func parseAllowlist(_ fields: Fields, name: String, global: Bool, warnings: inout [GitleaksWarning]) -> AllowlistSpec {
        fields.warnUnknown(allowlistKeys + (global ? ["targetRules"] : []), in: name, &warnings)
        var spec = AllowlistSpec(name: name, origin: fields.file)
        spec.description = fields.string("description", &warnings)
        spec.condition = fields.string("condition", &warnings)
        spec.commits = fields.strings("commits", &warnings)
        spec.paths = fields.strings("paths", &warnings)
        spec.regexTarget = fields.string("regexTarget", &warnings)
        spec.regexes = fields.strings("regexes", &warnings)
        spec.stopwords = fields.strings("stopwords", &warnings)
        if global { spec.targetRules = fields.strings("targetRules", &warnings) }
        return spec
    }

    /// gitleaks' `extend`: the extended file's rules are the base; a rule defined in both takes
    /// the extending file's regex, path, entropy, secretGroup and description where it sets them,
    /// and adds its keywords, tags and allowlists. Allowlists of both apply.
    package static func merge(_ document: Document, onto base: Document, disabled: Set<String>) -> Document {
        var merged = Document()
        var own = Dictionary(document.rules.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        for var rule in base.rules where !disabled.contains(rule.id) {
            if let current = own.removeValue(forKey: rule.id) {
                rule.description = current.description ?? rule.description
                rule.regex = current.regex ?? rule.regex
                rule.path = current.path ?? rule.path
                rule.entropy = current.entropy ?? rule.entropy
                rule.secretGroup = current.secretGroup ?? rule.secretGroup
                rule.keywords += current.keywords
                rule.tags += current.tags
                rule.allowlists += current.allowlists
                rule.hasRequired = rule.hasRequired || current.hasRequired
                rule.skipReport = current.skipReport
                rule.origin = current.origin
            }
            merged.rules.append(rule)
        }
        merged.rules += document.rules.filter { own[$0.id] != nil }
        merged.allowlists = document.allowlists + base.allowlists
        return merged
    }

    // MARK: - Translating

    package struct Translator {
        package let path: String
        package let reserved: Set<String>
        package var warnings: [GitleaksWarning] = []
        /// gitleaks id → tokenscan id, for ids a built-in rule already has.
        package var renamed: [String: String] = [:]

        package init(path: String, reserved: Set<String>) {
            self.path = path
            self.reserved = reserved
        }

        package mutating func run(_ document: Document) -> GitleaksImport {
            var result = GitleaksImport(path: path)
            // gitleaks keeps the last definition of an id.
            var seen: Set<String> = []
            var specs: [RuleSpec] = []
            for spec in document.rules.reversed() {
                if seen.insert(spec.id).inserted {
                    specs.insert(spec, at: 0)
                } else {
                    warnings.append(GitleaksWarning(file: spec.origin, ruleID: spec.id, message: "defined more than once; the last definition is used"))
                }
            }
            for spec in specs where reserved.contains(spec.id) { renamed[spec.id] = "gitleaks:\(spec.id)" }
            if !renamed.isEmpty {
                let list = renamed.keys.sorted().map { "'\($0)' as '\(renamed[$0]!)'" }.joined(separator: ", ")
                warnings.append(GitleaksWarning(file: path, message: "rules with the id of a built-in rule are imported under another id: \(list)"))
            }
            for spec in specs {
                guard let rule = translateRule(spec) else { continue }
                result.rules.append(rule)
                for allowlist in spec.allowlists {
                    result.allowRules += translateAllowlist(allowlist, ruleIDs: [rule.id], ruleID: spec.id)
                }
            }
            for allowlist in document.allowlists {
                result.allowRules += translateAllowlist(allowlist, ruleIDs: allowlist.targetRules.map { renamed[$0] ?? $0 }, ruleID: nil)
            }
            result.warnings = warnings
            return result
        }

        package mutating func warn(_ spec: RuleSpec, _ message: String) {
            warnings.append(GitleaksWarning(file: spec.origin, ruleID: spec.id, message: message))
        }

        package mutating func translateRule(_ spec: RuleSpec) -> Rule? {
            if spec.skipReport {
                warn(spec, "skipReport: it only reports as part of another rule's [[rules.required]], which tokenscan does not support; not imported")
                return nil
            }
            guard let regex = spec.regex, !regex.isEmpty else {
                warn(spec, spec.path == nil ? "has neither regex nor path; not imported"
                    : "a path-only rule (it reports a file by its name, with no secret) has no tokenscan equivalent; not imported")
                return nil
            }
            let translated = GoRegex.translate(regex)
            let pattern: Pattern
            do {
                pattern = try Pattern(translated.pattern, options: translated.needsUTF ? [.utf] : [])
            } catch {
                warn(spec, "regex does not compile as PCRE2 (\(error)); not imported")
                return nil
            }
            let id = renamed[spec.id] ?? spec.id
            var rule = Rule(id: id, description: spec.description ?? "gitleaks rule \(spec.id)", kind: "generic",
                            regex: translated.pattern, validate: ["allow-placeholders"],
                            tags: spec.tags + ["gitleaks"], priority: GitleaksConfig.priority, utf: translated.needsUTF,
                            origin: spec.origin, tokenClass: "secret (gitleaks rule '\(spec.id)')")
            if let group = spec.secretGroup, group > 0 {
                guard group <= pattern.captureCount else {
                    warn(spec, "secretGroup \(group) does not exist (the regex has \(pattern.captureCount) groups); not imported")
                    return nil
                }
                rule.secretGroup = .number(group)
            } else {
                rule.secretGroup = .firstNonEmpty
            }
            // gitleaks drops a secret whose entropy is at or below the threshold.
            if let entropy = spec.entropy, entropy > 0 { rule.minEntropy = entropy.nextUp }
            if let path = spec.path, !path.isEmpty {
                let translatedPath = GoRegex.translate(path)
                do {
                    _ = try Pattern(translatedPath.pattern, options: translatedPath.needsUTF ? [.utf] : [])
                } catch {
                    warn(spec, "path '\(path)' does not compile as PCRE2 (\(error)); not imported")
                    return nil
                }
                rule.path = translatedPath.needsUTF ? "(*UTF)" + translatedPath.pattern : translatedPath.pattern
            }
            let keywords = spec.keywords.map { $0.lowercased() }
            if keywords.contains(where: { $0.isEmpty || !$0.utf8.allSatisfy { $0 < 0x80 } }) {
                warn(spec, "keywords must be non-empty ASCII for tokenscan's prefilter; the rule runs on every line instead")
            } else {
                rule.keywords = Array(Set(keywords)).sorted()
            }
            if spec.hasRequired {
                warn(spec, "[[rules.required]] (a composite rule) is not supported; the rule reports its own matches without the required ones")
            }
            return rule
        }

        /// One gitleaks allowlist as allow rules: `AND` is one rule with every check; `OR` (the
        /// default) is one rule per kind of check, since any of them suffices.
        package mutating func translateAllowlist(_ spec: AllowlistSpec, ruleIDs: [String], ruleID: String?) -> [AllowRule] {
            func warn(_ message: String) {
                warnings.append(GitleaksWarning(file: spec.origin, ruleID: ruleID, message: "\(spec.name): \(message)"))
            }
            let isAnd: Bool
            switch (spec.condition ?? "").uppercased() {
            case "", "OR", "||": isAnd = false
            case "AND", "&&": isAnd = true
            default:
                warn("unknown condition '\(spec.condition ?? "")' (expected AND or OR); allowlist not imported")
                return []
            }
            enum Target { case secret, match, line }
            let target: Target
            switch spec.regexTarget ?? "" {
            case "", "secret": target = .secret
            case "match": target = .match
            case "line": target = .line
            default:
                warn("unknown regexTarget '\(spec.regexTarget ?? "")' (expected secret, match or line); allowlist not imported")
                return []
            }
            // Each regex alone first, to name the ones PCRE2 rejects.
            var failed = false
            func combine(_ sources: [String], _ what: String) -> Pattern? {
                var kept: [GoRegex.Translation] = []
                for source in sources {
                    let translation = GoRegex.translate(source)
                    do {
                        _ = try Pattern(translation.pattern, options: translation.needsUTF ? [.utf] : [])
                        kept.append(translation)
                    } catch {
                        failed = true
                        warn("\(what) '\(source)' does not compile as PCRE2 (\(error)); \(isAnd ? "allowlist not imported (its condition is AND)" : "that entry is dropped")")
                    }
                }
                guard !kept.isEmpty else { return nil }
                let utf = kept.contains(where: \.needsUTF)
                return try? Pattern(kept.map { "(?:\($0.pattern))" }.joined(separator: "|"), options: utf ? [.utf] : [])
            }
            let paths = combine(spec.paths, "path")
            let regexes = combine(spec.regexes, "regex")
            if isAnd && failed { return [] }
            let stopwords = spec.stopwords.isEmpty ? nil : StopWords(spec.stopwords)
            let commits = Set(spec.commits.map { $0.trimming(.whitespaces).lowercased() })
            let description = spec.description ?? "gitleaks \(spec.name)\(ruleID.map { " of rule '\($0)'" } ?? "")"
            func rule(_ configure: (inout AllowRule) -> Void) -> AllowRule {
                var allow = AllowRule(description: description)
                allow.ruleIds = ruleIDs
                configure(&allow)
                return allow
            }
            func setRegex(_ allow: inout AllowRule) {
                switch target {
                case .secret: allow.secret = regexes
                case .match: allow.match = regexes
                case .line: allow.line = regexes
                }
            }
            if paths == nil && regexes == nil && stopwords == nil && commits.isEmpty {
                if !failed { warn("has no paths, regexes, stopwords or commits; not imported") }
                return []
            }
            if isAnd {
                return [rule { allow in
                    allow.path = paths
                    setRegex(&allow)
                    allow.stopwords = stopwords
                    allow.commits = commits
                }]
            }
            var rules: [AllowRule] = []
            if let paths { rules.append(rule { $0.path = paths }) }
            if regexes != nil { rules.append(rule(setRegex)) }
            if let stopwords { rules.append(rule { $0.stopwords = stopwords }) }
            if !commits.isEmpty { rules.append(rule { $0.commits = commits }) }
            return rules
        }
    }
}
