import Glibc
import TOMLKit
import TokenFormats
import TokenScanModel

/// What a name says its value is (`Rules/named-values.toml`, `[[nameClasses]]`): the severity a
/// live value of it gets, and the gate that tells such a value from a look-alike.
///
/// The gate is per class because the same shape means different things under different names
/// (design §8): 32 hex characters under `SESSION_ID` are a session id, under `GITHUB_TOKEN` a
/// digest someone stored there.
public struct NameClass: Sendable, Equatable {
    public var id: String
    /// What the value is, in words, for reasons (`API key`, `refresh token`).
    public var tokenClass: String
    public var severity: Severity
    public var minLength = 16
    /// As long as the carrier rules allow: Entra ID refresh tokens run past 1.4 kB.
    public var maxLength = 4096
    /// Minimum Shannon entropy (bits per character) of the value.
    public var entropy = 3.0
    /// Hex digests' lengths (32, 40, 56, 64, 96, 128 hex digits) are credentials under this class.
    public var acceptsHex = false
    /// UUIDs are credentials under this class.
    public var acceptsUUID = false
    /// Base64 of a JSON object is the credential itself under this class (an encrypted session
    /// cookie), not text to judge decoded.
    public var acceptsEncodedJSON = false
    /// The name holds no credential (a CSRF token, a page cursor, a key's identifier).
    public var ignore = false
    /// A value that starts with one of these is of this class under any credential's name: the
    /// value's own header says what it is (an STS session token under `SessionToken`).
    public var valuePrefixes: [String] = []

    public init(id: String, tokenClass: String, severity: Severity) {
        self.id = id
        self.tokenClass = tokenClass
        self.severity = severity
    }
}

extension NameClass {
    /// The classes `AWSCredentialCorrelation` pairs (ids in `Rules/named-values.toml`).
    package static let awsSessionToken = "aws-session-token"
    package static let awsSecretAccessKey = "aws-secret-access-key"
}

/// The names of named values and the class each maps to. Data, not code: users extend it from
/// `.tokenscan.toml` with the same tables.
///
/// Names are compared normalized: the last dotted part, lowercased, without `_`, `-` and spaces,
/// so that one entry covers `API_KEY`, `apiKey`, `api-key` and `app.api-key`; a pattern with a dot
/// (a cookie's name, `connect.sid`) is compared with the whole name. A pattern may have `*` at its start or end
/// (or both); the most specific matching pattern (most characters besides `*`) decides, and at
/// equal specificity the earlier entry (a user's additions come first).
///
/// In `TokenScanRules`, beside the rules: the build tool that turns `Rules/` into tables reads
/// `named-values.toml` with this type's parser, so the binary builds the built-in vocabulary from
/// statements instead of TOML (`NameVocabulary.builtin`, `EmbeddedVocabularies`).
public struct NameVocabulary: Sendable {
    public struct Entry: Sendable, Equatable {
        /// Normalized, without its `*`s.
        public let core: String
        public let anyPrefix: Bool
        public let anySuffix: Bool
        public let classID: String
        /// The pattern holds a dot (`connect.sid`, `.AspNetCore.Cookies`): compared with the whole
        /// name, since a cookie's dotted name is one name, not a property path.
        public let dotted: Bool
        /// `core`'s bytes: names are compared as bytes (`String`'s Unicode-aware `hasSuffix` and
        /// `count` over every entry made one classification cost some 80,000 instructions).
        let coreBytes: [UInt8]

        public init(core: String, anyPrefix: Bool, anySuffix: Bool, classID: String, dotted: Bool = false) {
            self.core = core
            self.anyPrefix = anyPrefix
            self.anySuffix = anySuffix
            self.classID = classID
            self.dotted = dotted
            coreBytes = Array(core.utf8)
        }

        func matches(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
            let core = coreBytes
            guard core.count <= name.count else { return false }
            return core.withUnsafeBufferPointer { core in
                let length = core.count
                // The first byte is compared before `memcmp` is called: most entries are `*word*`,
                // tried at every offset of the name (the call was most of a classification's cost:
                // 4,750 instructions for each of a source tree's 9,639 named matches, callgrind).
                func equal(at offset: Int) -> Bool {
                    length == 0 || (name[offset] == core[0] && memcmp(name.baseAddress! + offset, core.baseAddress!, length) == 0)
                }
                switch (anyPrefix, anySuffix) {
                case (false, false): return length == name.count && equal(at: 0)
                case (true, false): return equal(at: name.count - length)
                case (false, true): return equal(at: 0)
                case (true, true): return (0...(name.count - length)).contains(where: equal)
                }
            }
        }
    }

    public private(set) var classes: [String: NameClass]
    public private(set) var entries: [Entry]
    /// The classes with `valuePrefixes`, by id: read on every classification of a credential's
    /// name, so sorted once.
    private var prefixedClasses: [NameClass] = []

    public init(classes: [String: NameClass] = [:], entries: [Entry] = []) {
        self.classes = classes
        self.entries = entries
        prefixedClasses = NameVocabulary.prefixed(classes)
    }

    private static func prefixed(_ classes: [String: NameClass]) -> [NameClass] {
        classes.values.filter { !$0.valuePrefixes.isEmpty }.sorted { $0.id < $1.id }
    }

    /// `name` as the vocabulary compares it: its last dotted part (a property path or a member
    /// access names the value by its last part), lowercased, without `_`, `-` and spaces.
    public static func normalize(_ name: some StringProtocol) -> String {
        let text = String(name)
        let last: Substring = text.split(separator: ".").last ?? text[...]
        let lowered: String = last.lowercased()
        return lowered.filter { $0 != "_" && $0 != "-" && $0 != " " }
    }

    /// `name` whole, as a dotted pattern compares it: lowercased, without `_`, `-`, spaces and a
    /// leading dot (`.AspNetCore.Cookies` is `aspnetcore.cookies`).
    public static func normalizeWhole(_ name: some StringProtocol) -> String {
        let lowered = String(name).lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " }
        return lowered.hasPrefix(".") ? String(lowered.dropFirst()) : lowered
    }

    /// The class `name` maps to, if any (an `ignore` class included: the caller decides).
    public func classify(_ name: some StringProtocol) -> NameClass? {
        let text = String(name)
        var utf8 = text
        return utf8.withUTF8 { bytes in
            guard bytes.allSatisfy({ $0 < 0x80 }) else {
                // Beyond ASCII, lowercasing is Unicode's business: the String forms.
                let last = Array(NameVocabulary.normalize(text).utf8)
                let whole = Array(NameVocabulary.normalizeWhole(text).utf8)
                return last.withUnsafeBufferPointer { last in whole.withUnsafeBufferPointer { whole in classify(last: last, whole: whole) } }
            }
            // ASCII, as `normalize` and `normalizeWhole` have it: the last non-empty dotted part
            // (the whole name when it is only dots) and the whole name, each lowercased without
            // `_`, `-` and spaces, the whole without a leading dot.
            var end = bytes.count
            while end > 0 && bytes[end - 1] == UInt8(ascii: ".") { end -= 1 }
            var start = end
            while start > 0 && bytes[start - 1] != UInt8(ascii: ".") { start -= 1 }
            if end == 0 { end = bytes.count }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * bytes.count) { buffer in
                func normalized(_ range: Range<Int>, into offset: Int) -> Range<Int> {
                    var count = offset
                    for byte in bytes[range] where byte != UInt8(ascii: "_") && byte != UInt8(ascii: "-") && byte != UInt8(ascii: " ") {
                        buffer[count] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                        count += 1
                    }
                    return offset..<count
                }
                let last = normalized(start..<end, into: 0)
                var whole = normalized(0..<bytes.count, into: bytes.count)
                if !whole.isEmpty && buffer[whole.lowerBound] == UInt8(ascii: ".") { whole = whole.dropFirst() }
                let base = UnsafeBufferPointer(buffer)
                return classify(last: UnsafeBufferPointer(rebasing: base[last]), whole: UnsafeBufferPointer(rebasing: base[whole]))
            }
        }
    }

    /// The most specific entry's class for a name normalized both ways.
    private func classify(last: UnsafeBufferPointer<UInt8>, whole: UnsafeBufferPointer<UInt8>) -> NameClass? {
        guard !last.isEmpty else { return nil }
        // By index, through the buffer: a loop over the entries copied each (three references
        // retained and released), and an entry no longer than the best so far is not compared.
        let best = entries.withUnsafeBufferPointer { entries in
            var best = -1
            var bestLength = -1
            for index in entries.indices {
                let length = entries[index].coreBytes.count
                guard length > bestLength, entries[index].matches(entries[index].dotted ? whole : last) else { continue }
                best = index
                bestLength = length
            }
            return best
        }
        return best < 0 ? nil : classes[entries[best].classID]
    }

    /// The class of `value` under `name`: the name's, unless the name holds a credential and the
    /// value starts with a class's `valuePrefixes` (the first such class by id).
    public func classify(_ name: some StringProtocol, value: [UInt8]) -> NameClass? {
        guard let byName = classify(name) else { return nil }
        guard !byName.ignore else { return byName }
        return prefixedClasses.first { $0.valuePrefixes.contains { value.starts(with: $0.utf8) } } ?? byName
    }

    /// This vocabulary with `additions` consulted first (their classes replace same-id ones).
    public func merging(_ additions: NameVocabulary) -> NameVocabulary {
        NameVocabulary(classes: classes.merging(additions.classes) { _, added in added }, entries: additions.entries + entries)
    }

    /// Reads `[[nameClasses]]` and `[[names]]` from a TOML document (other keys are left to
    /// their readers: a rule file also holds `[[rules]]`). `known`: classes a `[[names]]` entry
    /// may name besides the document's own (a configuration's names may use the built-in classes).
    public init(toml text: String, origin: String, known: [String: NameClass] = [:]) throws(RuleError) {
        let table = try TOMLDocument.parse(text, origin: origin)
        try self.init(table: table, origin: origin, known: known)
    }

    public init(table: TOMLTable, origin: String, known: [String: NameClass] = [:]) throws(RuleError) {
        classes = [:]
        entries = []
        defer { prefixedClasses = NameVocabulary.prefixed(classes) }
        let document = TableReader(table: table, origin: origin, context: "named values")
        if let list = table["nameClasses"] {
            guard let array = list.array else { throw document.error("'nameClasses' must be an array of tables ([[nameClasses]])") }
            for (index, item) in array.enumerated() {
                guard let classTable = item.table else { throw document.error("nameClasses[\(index)] is not a table") }
                let reader = TableReader(table: classTable, origin: origin, context: "nameClasses[\(index)]")
                try reader.rejectUnknownKeys(["id", "tokenClass", "severity", "minLength", "maxLength", "entropy", "hex", "uuid", "encodedJSON", "ignore", "valuePrefixes"])
                let id = try reader.requiredString("id")
                let ignore = try reader.bool("ignore") ?? false
                let severityName = try reader.string("severity") ?? "medium"
                guard let severity = Severity(rawValue: severityName) else {
                    throw reader.error("severity must be one of \(Severity.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                var nameClass = NameClass(id: id, tokenClass: try reader.string("tokenClass") ?? id, severity: severity)
                nameClass.ignore = ignore
                nameClass.minLength = try reader.int("minLength") ?? nameClass.minLength
                nameClass.maxLength = try reader.int("maxLength") ?? nameClass.maxLength
                // Two comparisons, not a range: `1...maxLength` traps when maxLength < 1.
                guard nameClass.minLength >= 1, nameClass.minLength <= nameClass.maxLength else {
                    throw reader.error("minLength must be at least 1 and at most maxLength")
                }
                nameClass.entropy = try reader.double("entropy") ?? nameClass.entropy
                nameClass.acceptsHex = try reader.bool("hex") ?? false
                nameClass.acceptsUUID = try reader.bool("uuid") ?? false
                nameClass.acceptsEncodedJSON = try reader.bool("encodedJSON") ?? false
                nameClass.valuePrefixes = try reader.stringArray("valuePrefixes")
                classes[id] = nameClass
            }
        }
        if let list = table["names"] {
            guard let array = list.array else { throw document.error("'names' must be an array of tables ([[names]])") }
            for (index, item) in array.enumerated() {
                guard let namesTable = item.table else { throw document.error("names[\(index)] is not a table") }
                let reader = TableReader(table: namesTable, origin: origin, context: "names[\(index)]")
                try reader.rejectUnknownKeys(["class", "names"])
                let classID = try reader.requiredString("class")
                guard classes[classID] != nil || known[classID] != nil else {
                    let all = Set(classes.keys).union(known.keys).sorted()
                    throw reader.error("unknown class '\(classID)' (known: \(all.joined(separator: ", ")))")
                }
                for pattern in try reader.stringArray("names") {
                    let anyPrefix = pattern.hasPrefix("*"), anySuffix = pattern.count > 1 && pattern.hasSuffix("*")
                    let bare = pattern.filter { $0 != "*" }
                    let dotted = bare.contains(".")
                    let core = dotted ? NameVocabulary.normalizeWhole(bare) : NameVocabulary.normalize(bare)
                    guard !core.isEmpty, !pattern.dropFirst().dropLast().contains("*") else {
                        throw reader.error("name '\(pattern)' must be a name with '*' only at its start or end")
                    }
                    entries.append(Entry(core: core, anyPrefix: anyPrefix, anySuffix: anySuffix, classID: classID, dotted: dotted))
                }
            }
        }
    }
}
