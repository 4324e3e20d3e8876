import TOMLKit
import TokenFormats
import TokenScanModel

/// `Rules/scopes.toml` (or a configuration's `[scopes]`) as read: where scopes live in claims and
/// the words of each scope class, patterns still as text. `ScopeTaxonomy` compiles them.
///
/// In `TokenScanRules`, with its reader: the build tool that turns `Rules/` into tables reads
/// `scopes.toml` with it, so the binary carries the built-in taxonomy as statements.
public struct ScopeDefinition: Sendable, Equatable {
    /// The values of one scope class; compared lowercased.
    public struct Vocabulary: Sendable, Equatable {
        public var scopeClass: ScopeClass
        /// In the file's order, lowercased by the reader (`ScopeTaxonomy` lowercases them too).
        public var exact: [String]
        /// Substrings, lowercased like `exact`.
        public var contains: [String]
        /// PCRE2, case-insensitive.
        public var patterns: [String]

        public init(scopeClass: ScopeClass, exact: [String], contains: [String], patterns: [String]) {
            self.scopeClass = scopeClass
            self.exact = exact
            self.contains = contains
            self.patterns = patterns
        }
    }

    /// A scope and the class it must get (checked by the test suite).
    public struct Example: Sendable, Equatable {
        public var scope: String
        public var expected: ScopeClass

        public init(scope: String, expected: ScopeClass) {
            self.scope = scope
            self.expected = expected
        }
    }

    /// Paths of object keys to scope claims; `*` matches any key.
    public var claimPaths: [[String]] = []
    public var adminClaims: [String] = []
    /// In the order classes are tried: broad, write, offline, read (those the document has).
    public var vocabularies: [Vocabulary] = []
    public var examples: [Example] = []

    public init() {}

    public init(toml: String, origin: String) throws(RuleError) {
        let table = try TOMLDocument.parse(toml, origin: origin)
        let reader = TableReader(table: table, origin: origin, context: "scopes")
        try reader.rejectUnknownKeys(["claims", "adminClaims", "broad", "write", "offline", "read", "examples"])
        if let paths = table["claims"]?.array {
            for path in paths {
                guard let components = path.array?.compactMap(\.string), !components.isEmpty else {
                    throw reader.error("'claims' must be an array of key paths (arrays of strings)")
                }
                claimPaths.append(components)
            }
        }
        adminClaims = try reader.stringArray("adminClaims")
        for scopeClass in [ScopeClass.broad, .write, .offline, .read] {
            guard let vocabularyTable = table[scopeClass.rawValue]?.table else { continue }
            let vocabularyReader = TableReader(table: vocabularyTable, origin: origin, context: scopeClass.rawValue)
            try vocabularyReader.rejectUnknownKeys(["exact", "contains", "patterns"])
            vocabularies.append(Vocabulary(
                scopeClass: scopeClass,
                exact: try vocabularyReader.stringArray("exact").map { $0.lowercased() },
                contains: try vocabularyReader.stringArray("contains").map { $0.lowercased() },
                patterns: try vocabularyReader.stringArray("patterns")))
        }
        for example in table["examples"]?.array ?? TOMLArray() {
            guard let exampleTable = example.table, let scope = exampleTable["scope"]?.string,
                let name = exampleTable["class"]?.string, let expected = ScopeClass(rawValue: name)
            else { throw reader.error("each [[examples]] needs 'scope' and a 'class' of broad, write, offline, read or other") }
            examples.append(Example(scope: scope, expected: expected))
        }
    }
}
