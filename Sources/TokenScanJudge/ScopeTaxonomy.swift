import TokenFormats
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// Where scopes live in claims and how their values are classified, loaded from `Rules/scopes.toml`.
///
/// Kept as data because every identity provider invents its own vocabulary and users need to add
/// theirs without waiting for a release.
public struct ScopeTaxonomy: Sendable {
    public struct Vocabulary: Sendable {
        public var exact: Set<String> = []
        public var contains: [String] = []
        public var patterns: [Pattern] = []

        package func matches(_ value: String, scratch: MatchScratch) -> Bool {
            if exact.contains(value) { return true }
            if contains.contains(where: { value.contains($0) }) { return true }
            let bytes = Array(value.utf8)
            return bytes.withUnsafeBytes { buffer in
                patterns.contains { (try? scratch.firstMatch($0, in: buffer, from: 0)) != nil }
            }
        }

        package init(exact: Set<String> = [], contains: [String] = [], patterns: [Pattern] = []) {
            self.exact = exact
            self.contains = contains
            self.patterns = patterns
        }
    }

    /// Paths of object keys to scope claims; `*` matches any key.
    public var claimPaths: [[String]]
    public var adminClaims: [String]
    public var vocabularies: [(ScopeClass, Vocabulary)]
    public var examples: [(scope: String, expected: ScopeClass)]

    package init(claimPaths: [[String]] = [], adminClaims: [String] = [], vocabularies: [(ScopeClass, Vocabulary)] = [], examples: [(scope: String, expected: ScopeClass)] = []) {
        self.claimPaths = claimPaths
        self.adminClaims = adminClaims
        self.vocabularies = vocabularies
        self.examples = examples
    }

    /// `definition` with its patterns compiled; a pattern that does not compile is an error
    /// naming its scope class in `origin`.
    public init(_ definition: ScopeDefinition, origin: String) throws(RuleError) {
        var vocabularies: [(ScopeClass, Vocabulary)] = []
        for words in definition.vocabularies {
            // Lowercased here too: a definition made in code need not be (the reader's are).
            var vocabulary = Vocabulary(exact: Set(words.exact.map { $0.lowercased() }), contains: words.contains.map { $0.lowercased() })
            for source in words.patterns {
                do {
                    vocabulary.patterns.append(try Pattern(source, options: .caseInsensitive))
                } catch {
                    throw RuleError(file: origin, message: "\(words.scopeClass.rawValue): pattern '\(source)' does not compile: \(error)")
                }
            }
            vocabularies.append((words.scopeClass, vocabulary))
        }
        self.init(claimPaths: definition.claimPaths, adminClaims: definition.adminClaims, vocabularies: vocabularies,
                  examples: definition.examples.map { ($0.scope, $0.expected) })
    }

    public init(toml: String, origin: String) throws(RuleError) {
        try self.init(ScopeDefinition(toml: toml, origin: origin), origin: origin)
    }

    /// The taxonomy built into the binary (`Rules/scopes.toml`, parsed when tokenscan was built:
    /// `EmbeddedVocabularies`); only its patterns are compiled here.
    public static let builtin: ScopeTaxonomy = BuiltinResource.built("scopes.toml") {
        try ScopeTaxonomy(EmbeddedVocabularies.scopes(), origin: $0)
    }

    public func classify(_ scope: String, scratch: MatchScratch = MatchScratch()) -> ScopeClass {
        let value = scope.lowercased()
        for (scopeClass, vocabulary) in vocabularies where vocabulary.matches(value, scratch: scratch) {
            return scopeClass
        }
        return .other
    }

    /// Every scope value in `claims`, in claim order, space-delimited strings split, duplicates removed.
    public func scopes(in claims: [String: JSONValue]) -> [String] {
        var found: [String] = []
        var seen: Set<String> = []
        for path in claimPaths {
            for value in ScopeTaxonomy.values(at: path[...], in: .object(claims)) {
                for string in value.strings {
                    for scope in string.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
                    where !scope.isEmpty && seen.insert(scope).inserted {
                        found.append(scope)
                    }
                }
            }
        }
        return found
    }

    /// The admin claims that are true.
    public func adminFlags(in claims: [String: JSONValue]) -> [String] {
        adminClaims.filter { claims[$0]?.bool == true }
    }

    package static func values(at path: ArraySlice<String>, in value: JSONValue) -> [JSONValue] {
        guard let key = path.first else { return [value] }
        guard let object = value.object else { return [] }
        let rest = path.dropFirst()
        if key == "*" {
            return object.keys.sorted().flatMap { values(at: rest, in: object[$0]!) }
        }
        guard let child = object[key] else { return [] }
        return values(at: rest, in: child)
    }
}
