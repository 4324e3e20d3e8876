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

/// `.tokenscan.toml`: a team's settings, kept in the repository next to the code it protects.
///
/// ```toml
/// failOn = "high"                       # default gate; --fail-on overrides it
/// rules = ["tools/tokenscan-rules.toml"] # extra rule files or directories (relative to this file)
/// disabledRules = ["oauth-token-parameter"]
/// [scopes]                               # additions to Rules/scopes.toml, same format
/// broad = { exact = ["acme:superuser"] }
/// [[names]]                              # additions to Rules/named-values.toml's vocabulary
/// class = "api-key"
/// names = ["*acmecred"]
/// [[providers]]                          # additions to Rules/providers.toml, same format
/// id = "acme-sso"
/// name = "ACME SSO"
/// issuer = '^https://sso\.acme\.example/'
/// ```
///
/// `gitleaks = "ci/gitleaks.toml"` imports a gitleaks configuration (relative to this file);
/// `gitleaks = false` stops tokenscan from picking up a `.gitleaks.toml` by itself.
public struct Configuration: Sendable {
    public static let fileName = ".tokenscan.toml"

    /// The `gitleaks` key.
    public enum GitleaksSetting: Sendable, Equatable {
        /// Import this gitleaks configuration (resolved against the configuration's directory).
        case path(String)
        /// Do not look for a `.gitleaks.toml`.
        case disabled
    }

    public var path: String
    public var failOn: FailThreshold?
    public var ruleSources: [String] = []
    public var disabledRules: [String] = []
    public var scopes: ScopeTaxonomy?
    public var providers: ProviderCatalog?
    /// `[[names]]` and `[[nameClasses]]`: additions to the named-value vocabulary.
    public var names: NameVocabulary?
    public var allowRules: [AllowRule] = []
    public var gitleaks: GitleaksSetting?

    package static let knownKeys = ["failOn", "rules", "disabledRules", "scopes", "providers", "allow", "gitleaks", "names", "nameClasses"]

    public static func load(path: String) throws(ConfigError) -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, message: "cannot read the file")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    public static func parse(_ text: String, path: String) throws(ConfigError) -> Configuration {
        func fail(_ key: String?, _ message: String) -> ConfigError {
            ConfigError(file: path, line: key.flatMap { line(of: $0, in: text) }, key: key, message: message)
        }
        let table: TOMLTable
        do {
            table = try TOMLDocument.parse(text)
        } catch {
            throw ConfigError(file: path, line: error.line, message: error.message)
        }
        var configuration = Configuration(path: path)
        for key in table.keys where !knownKeys.contains(key) {
            throw fail(key, "unknown key (known: \(knownKeys.joined(separator: ", ")))")
        }
        if let value = table["failOn"] {
            guard let text = value.string, let threshold = FailThreshold(text) else {
                throw fail("failOn", "must be one of critical, high, medium, low, info, never")
            }
            configuration.failOn = threshold
        }
        let directory = PathName.parent(of: path)
        func strings(_ key: String) throws(ConfigError) -> [String] {
            guard let value = table[key] else { return [] }
            guard let array = value.array, array.allSatisfy({ $0.string != nil }) else {
                throw fail(key, "must be an array of strings")
            }
            return array.compactMap(\.string)
        }
        configuration.ruleSources = try strings("rules").map {
            $0.hasPrefix("/") ? $0 : PathName.appending($0, to: directory)
        }
        configuration.disabledRules = try strings("disabledRules")
        if let value = table["gitleaks"] {
            if let file = value.string, !file.isEmpty {
                configuration.gitleaks = .path(file.hasPrefix("/") ? file : PathName.appending(file, to: directory))
            } else if value.bool == false {
                configuration.gitleaks = .disabled
            } else {
                throw fail("gitleaks", "must be the path of a gitleaks configuration, or false")
            }
        }
        if let scopes = table["scopes"] {
            guard let scopesTable = scopes.table else { throw fail("scopes", "must be a table") }
            do {
                configuration.scopes = try ScopeTaxonomy(toml: scopesTable.convert(), origin: path)
            } catch {
                throw fail("scopes", error.message)
            }
        }
        if let providers = table["providers"] {
            guard providers.array != nil else { throw fail("providers", "must be an array of tables ([[providers]])") }
            let document = TOMLTable()
            document["providers"] = providers
            do {
                configuration.providers = try ProviderCatalog(toml: document.convert(), origin: path)
            } catch {
                throw fail("providers", error.message)
            }
        }
        if table["names"] != nil || table["nameClasses"] != nil {
            let document = TOMLTable()
            for key in ["names", "nameClasses"] {
                if let value = table[key] { document[key] = value }
            }
            do {
                configuration.names = try NameVocabulary(table: document, origin: path, known: NameVocabulary.builtin.classes)
            } catch {
                throw fail(table["names"] != nil ? "names" : "nameClasses", error.message)
            }
        }
        if let allow = table["allow"] {
            guard let array = allow.array else { throw fail("allow", "must be an array of tables ([[allow]])") }
            for (index, entry) in array.enumerated() {
                guard let entryTable = entry.table else { throw fail("allow", "allow[\(index)] must be a table") }
                configuration.allowRules.append(try AllowRule.parse(entryTable, index: index) { fail("allow", $0) })
            }
        }
        return configuration
    }

    /// The line where `key` is first assigned or opened as a table.
    package static func line(of key: String, in text: String) -> Int? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimming(.whitespaces)
            if trimmed.hasPrefix("\(key) ") || trimmed.hasPrefix("\(key)=") || trimmed == "[\(key)]" || trimmed == "[[\(key)]]"
                || trimmed.hasPrefix("[\(key).") {
                return index + 1
            }
        }
        return nil
    }

    /// `fileName` (`.tokenscan.toml`) in the first scanned directory (or the current one), or in a
    /// directory above it up to the root of the git repository around it.
    /// `confinedTo`: look in this directory only, not upwards (a base revision's files, exported
    /// to a private directory that has no repository above it).
    public static func discover(near roots: [String], fileName: String = Configuration.fileName, confinedTo: String? = nil) -> String? {
        if let confinedTo {
            // As given: callers show the found file relative to `confinedTo` by its prefix.
            let candidate = PathName.appending(fileName, to: confinedTo)
            return FileStatus.exists(atPath: candidate) ? candidate : nil
        }
        let currentDirectory = FileManager.default.currentDirectoryPath
        var start = currentDirectory
        if let first = roots.first {
            if let isDirectory = FileStatus.isDirectory(atPath: first) {
                start = isDirectory ? first : PathName.parent(of: first)
                if start.isEmpty { start = "." }
            }
        }
        var directory = PathName.absolute(start, in: currentDirectory)
        while true {
            let candidate = PathName.appending(fileName, to: directory)
            if FileStatus.exists(atPath: candidate) { return candidate }
            // Stop at the repository root: a config above it belongs to something else.
            if FileStatus.exists(atPath: PathName.appending(".git", to: directory)) { return nil }
            if directory == "/" { return nil }
            directory = PathName.parent(of: directory)
        }
    }
}

extension ScopeTaxonomy {
    /// This taxonomy with `additions` consulted first within each class.
    public func merging(_ additions: ScopeTaxonomy) -> ScopeTaxonomy {
        var merged = self
        merged.claimPaths = additions.claimPaths + claimPaths
        merged.adminClaims = additions.adminClaims + adminClaims
        merged.vocabularies = [ScopeClass.broad, .write, .offline, .read].compactMap { scopeClass in
            let own = vocabularies.first { $0.0 == scopeClass }?.1
            let added = additions.vocabularies.first { $0.0 == scopeClass }?.1
            guard own != nil || added != nil else { return nil }
            var vocabulary = own ?? Vocabulary()
            if let added {
                vocabulary.exact.formUnion(added.exact)
                vocabulary.contains = added.contains + vocabulary.contains
                vocabulary.patterns = added.patterns + vocabulary.patterns
            }
            return (scopeClass, vocabulary)
        }
        merged.examples = examples + additions.examples
        return merged
    }
}

extension ProviderCatalog {
    /// This catalog with `additions` tried first.
    public func merging(_ additions: ProviderCatalog) -> ProviderCatalog {
        ProviderCatalog(providers: additions.providers + providers,
                        issuerPatterns: additions.issuerPatterns + issuerPatterns,
                        subjectPatterns: additions.subjectPatterns + subjectPatterns)
    }
}
