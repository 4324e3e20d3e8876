import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSuppression

// gitignore-compatible path matching for the directory walker.
//
// The semantics are those of gitignore(5) as implemented by git itself (dir.c and wildmatch.c):
// the walker must skip exactly what `git status` / `git ls-files --others --exclude-standard`
// would skip, otherwise users see secrets reported from build output they have told git to
// ignore, or (worse) miss files git would show. The glob matcher below is a byte-for-byte port
// of git's `wildmatch()` so that even the corner cases (`**` after a literal prefix, malformed
// bracket expressions, escapes) agree with git; the test suite checks this against a real `git`.
//
// Everything is compiled once when an ignore file is parsed. A check walks the compiled rules of
// the applicable files from the deepest file to the shallowest and from the last rule to the
// first, touching only UTF-8 bytes: no regular expressions, no Foundation, no allocation.

/// One parsed ignore file (`.gitignore`, `.tokenscanignore`, `.git/info/exclude`) bound to the
/// directory it lives in.
///
/// Patterns are parsed and precompiled here, once, because the same file is consulted for every
/// path below its directory; a check then costs a few byte comparisons per pattern. The value is
/// immutable and cheap to copy (the compiled rules live in shared storage), so it can be handed
/// to concurrent walkers freely.
public struct IgnoreFile: Sendable {
    package let storage: IgnoreFileStorage

    /// Parses `contents` as an ignore file living in directory `base`.
    ///
    /// `base`: the directory of the ignore file, relative to the scan root, `""` for the root, no
    /// trailing slash, `/`-separated. (A leading `./`, a trailing `/` or `"."` are tolerated.)
    ///
    /// Lines that look like finding fingerprints (`fingerprint:v2:HEX`, `v2:HEX`, or v1's
    /// `fingerprint:HEX` and bare strings of 32 to 64 hex digits) are collected in ``fingerprints`` instead of becoming patterns, which is what a
    /// `.tokenscanignore` needs. For `.gitignore` and `.git/info/exclude`, where such a line is an
    /// (unusual but legal) file name pattern, use ``init(contents:base:collectsFingerprints:)``
    /// with `false` to get git's exact behaviour.
    public init(contents: String, base: String) {
        self.init(contents: contents, base: base, collectsFingerprints: true)
    }

    /// Parses `contents` as an ignore file living in directory `base`; `collectsFingerprints`
    /// says whether fingerprint lines are taken out of the pattern list (see
    /// ``init(contents:base:)``). Pass `false` for files git itself reads.
    public init(contents: String, base: String, collectsFingerprints: Bool) {
        storage = IgnoreFileStorage(contents: contents, base: base, collectsFingerprints: collectsFingerprints, origin: "")
    }

    /// As ``init(contents:base:collectsFingerprints:)``, remembering where the file is
    /// (`origin`, as reports name it) so that what it leaves out can be counted under its name.
    public init(contents: String, base: String, collectsFingerprints: Bool, origin: String) {
        storage = IgnoreFileStorage(contents: contents, base: base, collectsFingerprints: collectsFingerprints, origin: origin)
    }

    /// Patterns that leave out everything in the file's directory (`*`, `**`, `/*`, `**/*` …):
    /// in a `.tokenscanignore`, which the scanned tree writes, such a line switches the scan of
    /// that directory off, so the walker warns about it. Judged by matching names of every shape
    /// (plain, dotted, hidden, with a space), as files: `*/` leaves files at its level in.
    public var catchAllPatterns: [(line: Int, pattern: String)] {
        let probes = ["a", "Z9.txt", ".hidden", "x y"]
        let base = storage.baseString
        var found: [(line: Int, pattern: String)] = []
        for index in 0..<storage.rules.count {
            let rule = storage.rules[index]
            guard !rule.negated, !rule.mustBeDirectory else { continue }
            let matchesAll = probes.allSatisfy { probe in
                let path = Array((base.isEmpty ? probe : base + "/" + probe).utf8)
                return path.withUnsafeBufferPointer { buffer in
                    IgnoreFileStorage.matches(rule, storage.text, buffer, base.isEmpty ? 0 : base.utf8.count + 1, path.count - probe.utf8.count)
                }
            }
            if matchesAll { found.append((rule.line, storage.sources[index])) }
        }
        return found
    }

    /// Lines that are not path patterns. For .tokenscanignore, lines of the form `fingerprint:HEX`
    /// or a bare 32..64 hex string (either with `v2:` before the digits) are collected here (lower-cased, in file order) instead of being
    /// treated as patterns: they suppress findings by fingerprint elsewhere. A fingerprint line may
    /// carry a trailing `# comment` after whitespace.
    public var fingerprints: [String] { storage.fingerprints }

    /// The normalized directory this file applies to (`""` for the scan root).
    public var base: String { storage.baseString }

    /// Number of path patterns (comments, blank lines and fingerprints excluded).
    public var patternCount: Int { storage.rules.count }

    /// What this file alone says about `path` (relative to the scan root): the last matching
    /// pattern decides; `.none` if no pattern matches or `path` is not below ``base``.
    public func decision(for path: String, isDirectory: Bool) -> IgnoreDecision {
        var path = path
        return path.withUTF8 { bytes in
            IgnorePath.withNormalized(bytes, isDirectory) { rel, basename, isDir in
                guard let index = storage.lastMatch(rel, basenameStart: basename, isDirectory: isDir) else {
                    return .none
                }
                return storage.rules[index].negated ? .included : .ignored
            } ?? .none
        }
    }
}

/// The verdict of the ignore files on one path.
///
/// Three-valued because "no file says anything" must fall through to shallower files (and, for
/// the caller, to its defaults), whereas a matching `!pattern` is an explicit decision that stops
/// the search just like a matching positive pattern does.
public enum IgnoreDecision: Sendable, Equatable {
    /// The last matching pattern is a positive one: skip the path.
    case ignored
    /// The last matching pattern is negated with `!`: the path is explicitly kept.
    case included
    /// No pattern of any applicable file matches.
    case none
}

/// A stack of ignore files from the root down to the current directory, checked in git's
/// precedence order (deeper files override shallower ones; within a file, the last matching line
/// wins).
///
/// Push files in increasing precedence: a global excludes file, then `.git/info/exclude`, then the
/// root `.gitignore`, then each directory's `.gitignore` / `.tokenscanignore` on the way down (when
/// one directory has several, the one pushed later wins ties). The stack is a persistent linked
/// list: ``pushing(_:)`` is O(1) and leaves the receiver untouched, so a recursive walker can keep
/// one stack per directory level, and concurrent walkers can share prefixes, without copying.
///
/// Ancestors are the caller's job, as in git: git never descends into an ignored directory, so a
/// file inside one stays ignored even if a pattern such as `!dir/file` matches it. ``isIgnored(_:isDirectory:)``
/// judges only the given path itself; a walker must call it for every directory (with
/// `isDirectory: true`) before descending and must not descend when it returns `true`.
public struct IgnoreStack: Sendable {
    private let top: IgnoreStackNode?

    /// An empty stack: nothing is ignored.
    public init() { top = nil }

    private init(top: IgnoreStackNode?) { self.top = top }

    /// Returns a new stack with `file` on top (highest precedence); cheap, shares storage.
    public func pushing(_ file: IgnoreFile) -> IgnoreStack {
        if file.storage.rules.isEmpty { return self }
        return IgnoreStack(top: IgnoreStackNode(file: file.storage, parent: top))
    }

    /// Whether no file with at least one pattern has been pushed.
    public var isEmpty: Bool { top == nil }

    /// Whether `path` is ignored by the files on the stack whose directory contains it.
    ///
    /// `path`: relative to the scan root, `/`-separated, no leading `./`. `isDirectory` matters for
    /// patterns with a trailing `/`. Only the path itself is judged, not its ancestors (see the type
    /// documentation): this is exactly the check a walker makes for a directory before descending
    /// into it, and for a file before reading it.
    public func isIgnored(_ path: String, isDirectory: Bool) -> Bool {
        decision(for: path, isDirectory: isDirectory) == .ignored
    }

    /// The three-valued form of ``isIgnored(_:isDirectory:)``: the decision of the deepest file
    /// with a matching pattern, or `.none`.
    public func decision(for path: String, isDirectory: Bool) -> IgnoreDecision {
        guard let top else { return .none }
        var path = path
        return path.withUTF8 { bytes in
            IgnorePath.withNormalized(bytes, isDirectory) { rel, basename, isDir in
                // `top` keeps the whole chain alive for the duration of the call, so the walk
                // can skip reference counting.
                withExtendedLifetime(top) {
                    unowned(unsafe) var current = top
                    while true {
                        unowned(unsafe) let file = current.file
                        if let index = file.lastMatch(rel, basenameStart: basename, isDirectory: isDir) {
                            return file.rules[index].negated ? .included : .ignored
                        }
                        guard let parent = current.parent else { return .none }
                        current = parent
                    }
                }
            } ?? .none
        }
    }

    /// The file whose pattern decides `path` among the files `including` accepts (all by
    /// default), and whether that pattern leaves it out; nil when none of them matches.
    package func decidingFile(
        for path: String, isDirectory: Bool, including: (IgnoreFileStorage) -> Bool = { _ in true }
    ) -> (file: IgnoreFileStorage, ignored: Bool)? {
        deciding(path, isDirectory: isDirectory, including: including).map { ($0.file, !$0.file.rules[$0.rule].negated) }
    }

    /// Which file and line decide `path` (for diagnostics and tests): the file's base, the 1-based
    /// line number and the pattern as written (after trailing-space trimming).
    package func explain(_ path: String, isDirectory: Bool) -> (base: String, line: Int, pattern: String)? {
        deciding(path, isDirectory: isDirectory).map { ($0.file.baseString, $0.file.rules[$0.rule].line, $0.file.sources[$0.rule]) }
    }

    /// The deepest file among those `including` accepts with a pattern matching `path`, and that
    /// pattern's index (the allocation-free `decision(for:isDirectory:)` is the hot path).
    private func deciding(
        _ path: String, isDirectory: Bool, including: (IgnoreFileStorage) -> Bool = { _ in true }
    ) -> (file: IgnoreFileStorage, rule: Int)? {
        guard let top else { return nil }
        var path = path
        return path.withUTF8 { bytes in
            IgnorePath.withNormalized(bytes, isDirectory) { rel, basename, isDir in
                var node: IgnoreStackNode? = top
                while let current = node {
                    if including(current.file), let index = current.file.lastMatch(rel, basenameStart: basename, isDirectory: isDir) {
                        return (current.file, index)
                    }
                    node = current.parent
                }
                return nil
            } ?? nil
        }
    }
}

package final class IgnoreStackNode: Sendable {
    package let file: IgnoreFileStorage
    package let parent: IgnoreStackNode?

    package init(file: IgnoreFileStorage, parent: IgnoreStackNode?) {
        self.file = file
        self.parent = parent
    }
}

// MARK: - Compiled rules

/// One compiled pattern line. Plain data so scanning an array of them never retains anything.
package struct IgnoreRule: Sendable {
    package enum Kind: UInt8, Sendable {
        /// No glob characters: the (base)name must equal the pattern.
        case literal
        /// `*literal` on a basename: the name must end with the pattern (stored without the `*`).
        case suffix
        /// Anything else: `wildmatch` after comparing `prefix` literal bytes.
        case glob
    }

    /// The pattern bytes are `IgnoreFileStorage.text[start..<end]`, with the `!`, a leading `/`
    /// (anchored patterns) and the trailing `/` already removed.
    package var start: Int
    package var end: Int
    /// Length of the leading run without glob characters (git's `nowildcardlen`).
    package var prefix: Int
    package var kind: Kind
    package var negated: Bool
    /// Trailing `/`: matches directories only.
    package var mustBeDirectory: Bool
    /// No `/` in the pattern: matched against the basename at any depth (git's `NODIR`).
    package var matchesBasename: Bool
    /// 1-based line in the ignore file.
    package var line: Int
    /// Prefilters for `.glob` (lengths 0 when unused), derived from the pattern's literal runs and
    /// stored in `text` too: a match must end with `text[suffixStart..<+suffixLength]` and contain
    /// `text[innerStart..<+innerLength]`. They only ever reject, so they cannot change a result.
    package var suffixStart = 0
    package var suffixLength = 0
    package var innerStart = 0
    package var innerLength = 0
}

/// The compiled form of one ignore file, shared by every copy of an ``IgnoreFile`` and every
/// stack holding it.
///
/// `@unchecked Sendable`: the three buffers are allocated and filled in `init`, never written
/// afterwards and freed in `deinit`, so sharing them across threads is safe. Raw buffers instead
/// of arrays because a check then does no reference counting at all on the hot path.
package final class IgnoreFileStorage: @unchecked Sendable {
    /// Normalized base directory bytes, no trailing slash; empty for the root.
    package let base: UnsafeBufferPointer<UInt8>
    package let baseString: String
    /// The pattern (and prefilter) bytes of all rules, back to back.
    package let text: UnsafeBufferPointer<UInt8>
    package let rules: UnsafeBufferPointer<IgnoreRule>
    /// The pattern line of each rule as written (after trimming), for diagnostics.
    package let sources: [String]
    package let fingerprints: [String]
    /// Where the file is, as reports name it (`""` when the caller did not say).
    package let origin: String
    /// A `.tokenscanignore` (fingerprint lines collected), not a file git reads.
    package let isTokenscanIgnore: Bool

    package init(contents: String, base rawBase: String, collectsFingerprints: Bool, origin: String = "") {
        self.origin = origin
        isTokenscanIgnore = collectsFingerprints
        let normalizedBase = IgnorePath.normalizeBase(rawBase)
        base = Self.freeze(Array(normalizedBase.utf8))
        baseString = normalizedBase

        var text = ContiguousArray<UInt8>()
        var rules = ContiguousArray<IgnoreRule>()
        var sources: [String] = []
        var fingerprints: [String] = []

        let input = Array(contents.utf8)
        var lineStart = 0
        if input.count >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF {
            lineStart = 3  // git skips a UTF-8 byte order mark
        }
        var lineNumber = 1
        while lineStart < input.count {
            var lineEnd = lineStart
            while lineEnd < input.count, input[lineEnd] != IgnoreByte.newline { lineEnd += 1 }
            defer {
                lineNumber += 1
                lineStart = lineEnd + 1
            }
            // Like git: an empty line or one starting with '#' is skipped before anything else,
            // so " #x" is a pattern and "\#x" matches a file named "#x".
            guard lineEnd > lineStart, input[lineStart] != IgnoreByte.hash else { continue }
            var end = lineEnd
            if input[end - 1] == IgnoreByte.carriageReturn { end -= 1 }
            // git works on C strings: anything after a NUL byte is invisible to it.
            if let nul = input[lineStart..<end].firstIndex(of: 0) { end = nul }

            if collectsFingerprints, let fingerprint = Self.fingerprint(input, lineStart, end) {
                fingerprints.append(fingerprint)
                continue
            }
            end = Self.trimTrailingSpaces(input, lineStart, end)
            guard var rule = Self.compile(input, lineStart, end, into: &text) else { continue }
            rule.line = lineNumber
            rules.append(rule)
            sources.append(String(decoding: input[lineStart..<end], as: UTF8.self))
        }
        self.text = Self.freeze(Array(text))
        self.rules = Self.freeze(Array(rules))
        self.sources = sources
        self.fingerprints = fingerprints
    }

    deinit {
        base.deallocate()
        text.deallocate()
        rules.deallocate()
    }

    /// Copies `elements` into a buffer owned by this object (freed in `deinit`).
    private static func freeze<T>(_ elements: [T]) -> UnsafeBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(elements.count, 1))
        _ = buffer.initialize(from: elements)
        return UnsafeBufferPointer(rebasing: buffer[0..<elements.count])
    }

    /// git's `trim_trailing_spaces`: drop trailing spaces (not tabs) unless the first of them is
    /// escaped with a backslash; a trailing lone backslash leaves the line alone.
    package static func trimTrailingSpaces(_ s: [UInt8], _ start: Int, _ end: Int) -> Int {
        var lastSpace = -1
        var p = start
        while p < end {
            switch s[p] {
            case IgnoreByte.space:
                if lastSpace < 0 { lastSpace = p }
            case IgnoreByte.backslash:
                p += 1
                if p >= end { return end }
                lastSpace = -1
            default:
                lastSpace = -1
            }
            p += 1
        }
        return lastSpace >= 0 ? lastSpace : end
    }

    /// git's `parse_path_pattern` + the setup half of `match_basename`/`match_pathname`.
    /// Returns nil for patterns that can never match (empty after removing `!` and `/`).
    package static func compile(_ s: [UInt8], _ lineStart: Int, _ lineEnd: Int,
                        into text: inout ContiguousArray<UInt8>) -> IgnoreRule? {
        var p = lineStart
        var end = lineEnd
        var negated = false
        if p < end, s[p] == IgnoreByte.bang {
            negated = true
            p += 1
        }
        var mustBeDirectory = false
        if end > p, s[end - 1] == IgnoreByte.slash {
            mustBeDirectory = true
            end -= 1
        }
        guard end > p else { return nil }
        let matchesBasename = !s[p..<end].contains(IgnoreByte.slash)
        var prefix = 0
        while p + prefix < end, !IgnoreByte.isGlobSpecial(s[p + prefix]) { prefix += 1 }

        var start = p
        let kind: IgnoreRule.Kind
        if matchesBasename {
            if prefix == end - p {
                kind = .literal
            } else if s[p] == IgnoreByte.star, !s[(p + 1)..<end].contains(where: IgnoreByte.isGlobSpecial) {
                kind = .suffix
                start = p + 1
                prefix = end - start
            } else {
                kind = .glob
            }
        } else {
            if s[start] == IgnoreByte.slash {  // "/foo": anchored; the slash itself is not matched
                start += 1
                prefix -= 1
            }
            kind = prefix == end - start ? .literal : .glob
        }
        let offset = text.count
        text.append(contentsOf: s[start..<end])
        var rule = IgnoreRule(start: offset, end: text.count, prefix: prefix, kind: kind, negated: negated,
                              mustBeDirectory: mustBeDirectory, matchesBasename: matchesBasename, line: 0)
        if kind == .glob, let runs = literalRuns(s, start, end) {
            if let suffix = runs.trailing {
                rule.suffixStart = text.count
                rule.suffixLength = suffix.count
                text.append(contentsOf: suffix)
            }
            // The longest other run, unless the literal prefix (checked anyway) already covers it.
            let candidates = runs.trailing == nil ? runs.runs : Array(runs.runs.dropLast())
            if let longest = candidates.indices.max(by: { candidates[$0].count < candidates[$1].count }),
               case let inner = candidates[longest],
               inner.count >= 2, !(longest == 0 && runs.leading && inner.count <= prefix) {
                rule.innerStart = text.count
                rule.innerLength = inner.count
                text.append(contentsOf: inner)
            }
        }
        return rule
    }

    /// The literal runs of a glob: maximal sequences of plain or backslash-escaped bytes other
    /// than `/` (a `/` after `**` may match nothing, so it is never required). In any match each
    /// run matches consecutive bytes of the name, in order, and a run at the end of the pattern
    /// matches the end of the name. `leading`: the first run starts the pattern. nil for a
    /// malformed pattern (those never match; no prefilter is derived).
    /// Bracket expressions are skipped exactly as `dowild` parses them.
    package static func literalRuns(_ s: [UInt8], _ start: Int, _ end: Int)
        -> (runs: [[UInt8]], trailing: [UInt8]?, leading: Bool)? {
        var runs: [[UInt8]] = []
        var current: [UInt8] = []
        var endsWithLiteral = false
        let leading = start < end && !IgnoreByte.isGlobSpecial(s[start]) && s[start] != IgnoreByte.slash
        func flush() {
            if !current.isEmpty { runs.append(current) }
            current = []
            endsWithLiteral = false
        }
        var i = start
        while i < end {
            let c = s[i]
            switch c {
            case IgnoreByte.backslash:
                i += 1
                if i >= end { return nil }  // a trailing backslash never matches
                if s[i] == IgnoreByte.slash {
                    flush()
                } else {
                    current.append(s[i])
                    endsWithLiteral = true
                }
                i += 1
            case IgnoreByte.star, IgnoreByte.question, IgnoreByte.slash:
                flush()
                i += 1
            case IgnoreByte.openBracket:
                guard let next = skipBracketExpression(s, i, end) else { return nil }
                flush()
                i = next
            default:
                current.append(c)
                endsWithLiteral = true
                i += 1
            }
        }
        let trailing = endsWithLiteral ? current : nil
        flush()
        return (runs, trailing, leading)
    }

    /// Index just after the bracket expression opening at `open`, parsed like `dowild` does;
    /// nil if it is unterminated or names an unknown `[:class:]`.
    package static func skipBracketExpression(_ s: [UInt8], _ open: Int, _ end: Int) -> Int? {
        func at(_ i: Int) -> UInt8 { i < end ? s[i] : 0 }
        var p = open + 1
        var pch = at(p)
        if pch == IgnoreByte.caret || pch == IgnoreByte.bang {
            p += 1
            pch = at(p)
        }
        var prevCh: UInt8 = 0
        while true {
            if pch == 0 { return nil }
            if pch == IgnoreByte.backslash {
                p += 1
                pch = at(p)
                if pch == 0 { return nil }
            } else if pch == IgnoreByte.dash && prevCh != 0 && at(p + 1) != 0 && at(p + 1) != IgnoreByte.closeBracket {
                p += 1
                pch = at(p)
                if pch == IgnoreByte.backslash {
                    p += 1
                    pch = at(p)
                    if pch == 0 { return nil }
                }
                pch = 0
            } else if pch == IgnoreByte.openBracket && at(p + 1) == IgnoreByte.colon {
                p += 2
                let nameStart = p
                while true {
                    pch = at(p)
                    if pch == 0 || pch == IgnoreByte.closeBracket { break }
                    p += 1
                }
                if pch == 0 { return nil }
                let length = p - nameStart - 1
                if length < 0 || s[p - 1] != IgnoreByte.colon {
                    p = nameStart - 2
                    pch = IgnoreByte.openBracket
                } else {
                    let known = s.withUnsafeBufferPointer {
                        IgnoreGlob.characterClass($0, nameStart, length, 0) != nil
                    }
                    if !known { return nil }
                    pch = 0
                }
            }
            prevCh = pch
            p += 1
            pch = at(p)
            if pch == IgnoreByte.closeBracket { return p + 1 }
        }
    }

    /// `fingerprint:HEX` (any non-empty run of hex digits) or 32...64 bare hex digits, each also
    /// with a `v2:` version before the digits (`fingerprint:v2:HEX`, `v2:HEX`), with optional
    /// surrounding blanks and an optional trailing `# comment` after a blank.
    package static func fingerprint(_ s: [UInt8], _ lineStart: Int, _ lineEnd: Int) -> String? {
        var p = lineStart
        var end = lineEnd
        while p < end, IgnoreByte.isBlank(s[p]) { p += 1 }
        // A comment can only start after a blank, so "abc#def" stays a pattern.
        var q = p
        while q < end {
            if s[q] == IgnoreByte.hash, q > p, IgnoreByte.isBlank(s[q - 1]) {
                end = q
                break
            }
            q += 1
        }
        while end > p, IgnoreByte.isBlank(s[end - 1]) { end -= 1 }
        guard end > p else { return nil }

        let label = Array("fingerprint:".utf8)
        var bare = true
        if end - p > label.count {
            var hasLabel = true
            for i in 0..<label.count where IgnoreByte.lowercased(s[p + i]) != label[i] {
                hasLabel = false
                break
            }
            if hasLabel {
                bare = false
                p += label.count
                while p < end, IgnoreByte.isBlank(s[p]) { p += 1 }
            }
        }
        // `v2:` names the current derivation; a fingerprint without it is of v1 (still honoured).
        var version = ""
        if end - p > 3, IgnoreByte.lowercased(s[p]) == UInt8(ascii: "v"), s[p + 1] == UInt8(ascii: "2"), s[p + 2] == UInt8(ascii: ":") {
            version = "v2:"
            p += 3
        }
        let count = end - p
        guard count > 0, s[p..<end].allSatisfy(IgnoreByte.isHexDigit) else { return nil }
        if bare, !(32...64).contains(count) { return nil }
        return version + String(decoding: s[p..<end].map(IgnoreByte.lowercased), as: UTF8.self)
    }

    /// Index of the last rule matching `path`, or nil. `path` is relative to the scan root and
    /// normalized; `basenameStart` is the index just after its last slash (0 if none).
    @inline(__always)
    package func lastMatch(_ path: UnsafeBufferPointer<UInt8>, basenameStart: Int, isDirectory: Bool) -> Int? {
        var relative = 0
        let baseCount = base.count
        if baseCount > 0 {
            // Only paths strictly below the file's directory: "base/x".
            guard path.count > baseCount + 1, path[baseCount] == IgnoreByte.slash,
                  IgnoreGlob.equal(base, 0, path, 0, baseCount) else { return nil }
            relative = baseCount + 1
        }
        let rules = self.rules
        let pattern = self.text
        var i = rules.count - 1
        while i >= 0 {
            let rule = rules[i]
            if !rule.mustBeDirectory || isDirectory,
               Self.matches(rule, pattern, path, relative, basenameStart) {
                return i
            }
            i -= 1
        }
        return nil
    }

    /// git's `match_basename` / `match_pathname` on a compiled rule.
    @inline(__always)
    package static func matches(_ rule: IgnoreRule, _ pattern: UnsafeBufferPointer<UInt8>,
                        _ path: UnsafeBufferPointer<UInt8>, _ relative: Int, _ basenameStart: Int) -> Bool {
        let patternLength = rule.end - rule.start
        let nameStart = rule.matchesBasename ? basenameStart : relative
        let nameLength = path.count - nameStart
        switch rule.kind {
        case .literal:
            return nameLength == patternLength && IgnoreGlob.equal(pattern, rule.start, path, nameStart, patternLength)
        case .suffix:
            return nameLength >= patternLength
                && IgnoreGlob.equal(pattern, rule.start, path, path.count - patternLength, patternLength)
        case .glob:
            // Literal prefix first: git does this for path patterns, and for a basename pattern
            // (no WM_PATHNAME, so "**" is never special) skipping it is equivalent.
            let prefix = rule.prefix
            if prefix > 0 {
                if prefix > nameLength || !IgnoreGlob.equal(pattern, rule.start, path, nameStart, prefix) {
                    return false
                }
            }
            if rule.suffixLength > 0 {
                if rule.suffixLength > nameLength
                    || !IgnoreGlob.equal(pattern, rule.suffixStart, path, path.count - rule.suffixLength, rule.suffixLength) {
                    return false
                }
            }
            if rule.innerLength > 0,
               !IgnoreGlob.contains(path, nameStart, pattern, rule.innerStart, rule.innerLength) {
                return false
            }
            // match_pathname: wildmatch the rest with the rest; like git, the rest starts a new
            // pattern (which matters for a "**" right after the literal prefix).
            return IgnoreGlob.wildmatch(pattern, rule.start + prefix, rule.end, path, nameStart + prefix, path.count,
                                        pathname: !rule.matchesBasename)
        }
    }
}

// MARK: - Paths

package enum IgnorePath {
    package static func normalizeBase(_ raw: String) -> String {
        var bytes = Array(raw.utf8)
        while bytes.count >= 2, bytes[0] == IgnoreByte.dot, bytes[1] == IgnoreByte.slash { bytes.removeFirst(2) }
        while bytes.first == IgnoreByte.slash { bytes.removeFirst() }
        while bytes.last == IgnoreByte.slash { bytes.removeLast() }
        if bytes == [IgnoreByte.dot] { bytes = [] }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Strips a tolerated leading `./` and trailing `/` (which implies a directory), finds the
    /// basename, and calls `body` with the cleaned bytes; nil for an empty path.
    @inline(__always)
    package static func withNormalized<R>(_ bytes: UnsafeBufferPointer<UInt8>, _ isDirectory: Bool,
                                  _ body: (UnsafeBufferPointer<UInt8>, Int, Bool) -> R) -> R? {
        var start = 0
        var end = bytes.count
        var isDirectory = isDirectory
        while end > start, bytes[end - 1] == IgnoreByte.slash {
            end -= 1
            isDirectory = true
        }
        while end - start >= 2, bytes[start] == IgnoreByte.dot, bytes[start + 1] == IgnoreByte.slash { start += 2 }
        guard end > start else { return nil }
        let path = UnsafeBufferPointer(rebasing: bytes[start..<end])
        var basename = path.count
        while basename > 0, path[basename - 1] != IgnoreByte.slash { basename -= 1 }
        return body(path, basename, isDirectory)
    }
}

// MARK: - Bytes

package enum IgnoreByte {
    package static let newline: UInt8 = 0x0A
    package static let carriageReturn: UInt8 = 0x0D
    package static let space: UInt8 = 0x20
    package static let tab: UInt8 = 0x09
    package static let bang: UInt8 = 0x21  // !
    package static let hash: UInt8 = 0x23  // #
    package static let star: UInt8 = 0x2A  // *
    package static let dash: UInt8 = 0x2D  // -
    package static let dot: UInt8 = 0x2E  // .
    package static let slash: UInt8 = 0x2F  // /
    package static let colon: UInt8 = 0x3A  // :
    package static let question: UInt8 = 0x3F  // ?
    package static let openBracket: UInt8 = 0x5B  // [
    package static let backslash: UInt8 = 0x5C  // \
    package static let closeBracket: UInt8 = 0x5D  // ]
    package static let caret: UInt8 = 0x5E  // ^

    /// git's `is_glob_special`: the bytes that stop a literal prefix.
    @inline(__always)
    package static func isGlobSpecial(_ c: UInt8) -> Bool {
        c == star || c == question || c == openBracket || c == backslash
    }

    @inline(__always) package static func isBlank(_ c: UInt8) -> Bool { c == space || c == tab }
    @inline(__always) package static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) package static func isUpper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
    @inline(__always) package static func isLower(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
    @inline(__always) package static func isAlpha(_ c: UInt8) -> Bool { isUpper(c) || isLower(c) }
    @inline(__always) package static func isAlnum(_ c: UInt8) -> Bool { isAlpha(c) || isDigit(c) }
    @inline(__always) package static func isHexDigit(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }
    @inline(__always) package static func lowercased(_ c: UInt8) -> UInt8 { isUpper(c) ? c | 0x20 : c }
}

// MARK: - wildmatch

/// A port of git's `wildmatch()` (wildmatch.c) over UTF-8 bytes, without `WM_CASEFOLD`.
///
/// Ported rather than reinvented so that every corner case agrees with git: `*` and `?` never
/// match `/` in pathname mode, `**` only spans directories when it is a whole path component,
/// bracket expressions support ranges, `!`/`^` negation, `]` as first member, backslash escapes
/// and POSIX `[:class:]` names, and a malformed expression makes the whole pattern fail. The
/// abort codes prune backtracking exactly as in git, which keeps pathological patterns linear-ish.
package enum IgnoreGlob {
    package static let match = 0
    package static let noMatch = 1
    package static let abortAll = -1
    package static let abortToStarStar = -2

    @inline(__always)
    package static func equal(_ a: UnsafeBufferPointer<UInt8>, _ aStart: Int,
                      _ b: UnsafeBufferPointer<UInt8>, _ bStart: Int, _ count: Int) -> Bool {
        var i = 0
        while i < count {
            if a[aStart + i] != b[bStart + i] { return false }
            i += 1
        }
        return true
    }

    /// Whether `needle[needleStart..<+count]` (count > 0) occurs in `haystack[from...]`.
    @inline(__always)
    package static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ from: Int,
                         _ needle: UnsafeBufferPointer<UInt8>, _ needleStart: Int, _ count: Int) -> Bool {
        let first = needle[needleStart]
        var i = from
        let last = haystack.count - count
        while i <= last {
            if haystack[i] == first && equal(haystack, i + 1, needle, needleStart + 1, count - 1) { return true }
            i += 1
        }
        return false
    }

    /// Whether `pattern[patternStart..<patternEnd]` matches all of `text[textStart..<textEnd]`.
    /// `pathname` is git's `WM_PATHNAME` (wildcards do not cross `/`).
    package static func wildmatch(_ pattern: UnsafeBufferPointer<UInt8>, _ patternStart: Int, _ patternEnd: Int,
                          _ text: UnsafeBufferPointer<UInt8>, _ textStart: Int, _ textEnd: Int,
                          pathname: Bool) -> Bool {
        dowild(pattern, patternStart, patternEnd, text, textStart, textEnd, pathname) == match
    }

    /// `dowild` from wildmatch.c. Reading past either end yields 0, standing in for the C strings'
    /// terminating NUL, so the control flow can stay identical to git's.
    package static func dowild(_ pat: UnsafeBufferPointer<UInt8>, _ patternStart: Int, _ pe: Int,
                       _ txt: UnsafeBufferPointer<UInt8>, _ textStart: Int, _ te: Int,
                       _ pathname: Bool) -> Int {
        @inline(__always) func P(_ i: Int) -> UInt8 { i < pe ? pat[i] : 0 }
        @inline(__always) func T(_ i: Int) -> UInt8 { i < te ? txt[i] : 0 }

        var p = patternStart
        var t = textStart
        while p < pe {
            var pch = pat[p]
            var tch = T(t)
            if tch == 0 && pch != IgnoreByte.star { return abortAll }
            switch pch {
            case IgnoreByte.backslash:
                // Literal match with the following byte; a trailing backslash matches nothing.
                p += 1
                pch = P(p)
                if tch != pch { return noMatch }
            case IgnoreByte.question:
                if pathname && tch == IgnoreByte.slash { return noMatch }
            case IgnoreByte.star:
                let matchSlash: Bool
                p += 1
                if P(p) == IgnoreByte.star {
                    let prev = p - 2
                    repeat { p += 1 } while P(p) == IgnoreByte.star
                    if !pathname {
                        matchSlash = true
                    } else if (prev < patternStart || pat[prev] == IgnoreByte.slash)
                        && (P(p) == 0 || P(p) == IgnoreByte.slash || (P(p) == IgnoreByte.backslash && P(p + 1) == IgnoreByte.slash)) {
                        // "**/" may match nothing at all: "a/**/b" matches "a/b".
                        if P(p) == IgnoreByte.slash && dowild(pat, p + 1, pe, txt, t, te, pathname) == match {
                            return match
                        }
                        matchSlash = true
                    } else {
                        matchSlash = false  // "**" inside a component is just "*"
                    }
                } else {
                    matchSlash = !pathname
                }
                if p >= pe {
                    // A trailing "**" matches everything, a trailing "*" only up to the next slash.
                    if !matchSlash {
                        var s = t
                        while s < te {
                            if txt[s] == IgnoreByte.slash { return noMatch }
                            s += 1
                        }
                    }
                    return match
                }
                if !matchSlash && pat[p] == IgnoreByte.slash {
                    // A single "*" followed by "/" consumes the rest of the current component.
                    var s = t
                    while s < te, txt[s] != IgnoreByte.slash { s += 1 }
                    if s >= te { return noMatch }
                    t = s  // the slash itself is consumed by the loop increment below
                } else {
                    while true {
                        if tch == 0 { break }
                        let next = pat[p]
                        if !IgnoreByte.isGlobSpecial(next) {
                            // Skip ahead to the next occurrence of the literal that follows.
                            while true {
                                tch = T(t)
                                if tch == 0 || (!matchSlash && tch == IgnoreByte.slash) || tch == next { break }
                                t += 1
                            }
                            if tch != next { return noMatch }
                        }
                        let matched = dowild(pat, p, pe, txt, t, te, pathname)
                        if matched != noMatch {
                            if !matchSlash || matched != abortToStarStar { return matched }
                        } else if !matchSlash && tch == IgnoreByte.slash {
                            return abortToStarStar
                        }
                        t += 1
                        tch = T(t)
                    }
                    return abortAll
                }
            case IgnoreByte.openBracket:
                p += 1
                pch = P(p)
                if pch == IgnoreByte.caret { pch = IgnoreByte.bang }
                let negated = pch == IgnoreByte.bang
                if negated {
                    p += 1
                    pch = P(p)
                }
                var prevCh: UInt8 = 0
                var matched = false
                while true {
                    if pch == 0 { return abortAll }
                    if pch == IgnoreByte.backslash {
                        p += 1
                        pch = P(p)
                        if pch == 0 { return abortAll }
                        if tch == pch { matched = true }
                    } else if pch == IgnoreByte.dash && prevCh != 0 && P(p + 1) != 0 && P(p + 1) != IgnoreByte.closeBracket {
                        p += 1
                        pch = P(p)
                        if pch == IgnoreByte.backslash {
                            p += 1
                            pch = P(p)
                            if pch == 0 { return abortAll }
                        }
                        if tch <= pch && tch >= prevCh { matched = true }
                        pch = 0  // a range end cannot start another range: "[a-c-e]" is a-c, "-" and "e"
                    } else if pch == IgnoreByte.openBracket && P(p + 1) == IgnoreByte.colon {
                        p += 2
                        let s = p
                        while true {
                            pch = P(p)
                            if pch == 0 || pch == IgnoreByte.closeBracket { break }
                            p += 1
                        }
                        if pch == 0 { return abortAll }
                        let length = p - s - 1
                        if length < 0 || pat[p - 1] != IgnoreByte.colon {
                            // No ":]": the '[' is an ordinary member.
                            p = s - 2
                            pch = IgnoreByte.openBracket
                            if tch == pch { matched = true }
                        } else {
                            guard let inClass = characterClass(pat, s, length, tch) else { return abortAll }
                            if inClass { matched = true }
                            pch = 0
                        }
                    } else if tch == pch {
                        matched = true
                    }
                    prevCh = pch
                    p += 1
                    pch = P(p)
                    if pch == IgnoreByte.closeBracket { break }
                }
                if matched == negated || (pathname && tch == IgnoreByte.slash) { return noMatch }
            default:
                if tch != pch { return noMatch }
            }
            p += 1
            t += 1
        }
        return t < te ? noMatch : match
    }

    /// `[:name:]` membership with git's (ASCII, locale-independent) ctype; nil for unknown names.
    package static func characterClass(_ pat: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int, _ c: UInt8) -> Bool? {
        let name = UnsafeBufferPointer(rebasing: pat[start..<(start + length)])
        func named(_ s: StaticString) -> Bool {
            s.withUTF8Buffer { $0.elementsEqual(name) }
        }
        if named("alnum") { return IgnoreByte.isAlnum(c) }
        if named("alpha") { return IgnoreByte.isAlpha(c) }
        if named("blank") { return IgnoreByte.isBlank(c) }
        if named("cntrl") { return c < 0x20 || c == 0x7F }
        if named("digit") { return IgnoreByte.isDigit(c) }
        if named("graph") { return c > 0x20 && c < 0x7F }
        if named("lower") { return IgnoreByte.isLower(c) }
        if named("print") { return c >= 0x20 && c < 0x7F }
        if named("punct") { return c > 0x20 && c < 0x7F && !IgnoreByte.isAlnum(c) }
        if named("space") {
            return c == IgnoreByte.space || c == IgnoreByte.tab || c == IgnoreByte.newline
                || c == IgnoreByte.carriageReturn
        }
        if named("upper") { return IgnoreByte.isUpper(c) }
        if named("xdigit") { return IgnoreByte.isHexDigit(c) }
        return nil
    }
}
