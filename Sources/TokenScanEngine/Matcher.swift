import FoundationEssentials
import Glibc
import TokenFormats
import TokenScanModel

/// A rule with its compiled pattern.
public final class CompiledRule: Sendable {
    public let rule: Rule
    public let pattern: Pattern
    /// The capture group that holds the secret (0: the whole match; `Pattern.firstNonEmptyGroup`).
    public let secretGroup: Int
    /// `Rule.path`, compiled: the rule runs only on inputs whose path matches.
    public let pathPattern: Pattern?
    /// The regex compiled anchored, for a rule that says where its matches start (`Rule.start`):
    /// tried once at each such position instead of searching the region.
    public let anchoredPattern: Pattern?
    /// The rule's keywords as bytes, for `Matcher.unkeyedName` (converted once, not per match).
    package let keywordBytes: [[UInt8]]

    package init(rule: Rule) throws(RuleError) {
        self.rule = rule
        keywordBytes = rule.keywords.map { Array($0.utf8) }
        do {
            pattern = try Pattern(rule.regex, options: rule.utf ? [.utf] : [])
        } catch {
            throw RuleError(file: rule.origin, ruleID: rule.id, message: "regex does not compile: \(error)")
        }
        do {
            anchoredPattern = try rule.start.map { _ throws(PatternCompileError) in
                try Pattern(rule.regex, options: rule.utf ? [.utf, .anchored] : [.anchored])
            }
        } catch {
            throw RuleError(file: rule.origin, ruleID: rule.id, message: "regex does not compile anchored: \(error)")
        }
        do {
            pathPattern = try rule.path.map { source throws(PatternCompileError) in try Pattern(source) }
        } catch {
            throw RuleError(file: rule.origin, ruleID: rule.id, message: "path does not compile: \(error)")
        }
        switch rule.secretGroup {
        case .number(let group)?:
            guard (0...pattern.captureCount).contains(group) else {
                throw RuleError(file: rule.origin, ruleID: rule.id,
                                message: "secret group \(group) does not exist (the regex has \(pattern.captureCount) groups)")
            }
            secretGroup = group
        case .firstNonEmpty?:
            secretGroup = pattern.captureCount > 0 ? Pattern.firstNonEmptyGroup : 0
        case nil:
            if let named = pattern.groupNames["secret"] {
                secretGroup = named
            } else {
                secretGroup = pattern.captureCount > 0 ? 1 : 0
            }
        }
    }
}

extension CompiledRule {
    /// The built-in rules, compiled once per process (ahead of need by `Prewarm`), by id: PCRE2
    /// compilation and JIT of all of them is about 2 ms of a one-file scan's start-up.
    package static let builtin: [String: CompiledRule] = {
        var compiled: [String: CompiledRule] = [:]
        for rule in (try? RuleCatalog.builtin()) ?? [] { compiled[rule.id] = try? CompiledRule(rule: rule) }
        return compiled
    }()

    /// `rule` compiled: the shared built-in compilation when `rule` is an unchanged built-in rule.
    package static func make(_ rule: Rule) throws(RuleError) -> CompiledRule {
        if rule.origin.hasPrefix("builtin:"), let ready = builtin[rule.id], ready.rule == rule { return ready }
        return try CompiledRule(rule: rule)
    }
}

/// One rule's match inside a buffer (offsets relative to the buffer).
public struct RuleMatch: Sendable, Equatable {
    public var ruleIndex: Int
    public var range: Range<Int>
    public var secret: Range<Int>
    /// The match was longer than the rule's `maxLength`: `secret` holds only its first bytes (up
    /// to `maxLength` from the start of the match), and the token goes on to `runEnd`.
    public var truncated = false
    /// Where the token ends in this buffer: `secret.upperBound`, or for a truncated match the end
    /// of the run of bytes that continue it. `runContinues`: the run reaches the end of the buffer
    /// and goes on in the next one (`MatcherScratch.isContinuing`).
    public var runEnd: Int
    public var runContinues = false

    public init(ruleIndex: Int, range: Range<Int>, secret: Range<Int>, truncated: Bool = false, runEnd: Int? = nil, runContinues: Bool = false) {
        self.ruleIndex = ruleIndex
        self.range = range
        self.secret = secret
        self.truncated = truncated
        self.runEnd = runEnd ?? secret.upperBound
        self.runContinues = runContinues
    }
}

/// A rule that could not finish on an input: it hit a match limit or its time budget.
public struct RuleFailure: Sendable, Equatable {
    public var ruleIndex: Int
    /// Offset relative to the buffer where the failing call started.
    public var offset: Int
    public var reason: String
}

/// Runs every rule over a buffer, but only near the rules' keywords.
///
/// Why slices: a PCRE2 call's cost is bounded by the subject it sees, and `match_limit` only
/// bounds work per start position, so a pathological rule given a whole megabyte can run for
/// minutes. Each call therefore sees one slice (`sliceSize` plus the rule's `maxLength`), runs only
/// where a keyword of the rule occurs, and a rule whose call exceeds `timeBudget` is stopped for
/// the rest of that input and reported. The keyword prefilter is one Aho–Corasick DFA over all
/// keywords (`KeywordAutomaton`): one pass over the bytes, whatever the number of rules.
///
/// Why bounds on matches and work: a rule set is configuration a scanned tree can bring (a pull
/// request's `.gitleaks.toml`), and 10,000 rules that share the keyword `e` once took 54 s and
/// 4.1 GB on a 100 KB file. Keyword hits are therefore kept once per keyword, not once per rule;
/// a rule stops in a region after `maxMatchesPerRegion` matches; all rules together stop in a
/// buffer after `maxMatchesPerBuffer` matches or after their calls examined `workFactor` times its
/// bytes. Each bound hit is recorded in the scratch (`MatcherScratch.boundHits`), so that the
/// report names it (`summary.limits`), and what was found before it is kept.
///
/// Why matches are cut at `maxLength`: a call sees `maxLength` bytes past its slice, so whether a
/// longer match is seen whole depends on where slice and chunk boundaries fall. To make the result
/// independent of them, a match longer than `maxLength` is always reported *truncated* to its first
/// `maxLength` bytes, and the rule then skips the rest of the token (the following bytes that are
/// letters, digits, base64 punctuation or bytes the truncated secret itself contains), also across
/// chunks, so that the inside of a 50 MB token is neither rescanned nor reported again.
public final class Matcher: Sendable {
    public let rules: [CompiledRule]
    /// The longest match any rule can produce; the searcher keeps this much overlap between chunks.
    public let maxMatchLength: Int
    /// The keyword automaton: this matcher's own, or the shared built-in one (`builtinAutomaton`),
    /// looked up at the first scan rather than here. Why: the built-in automaton is built on the
    /// prewarm thread, and a one-file scan made its matcher before that was done, then waited
    /// while it could have been starting its workers and opening the file.
    package var automaton: KeywordAutomaton? { usesBuiltinAutomaton ? Matcher.builtinAutomaton : ownAutomaton }
    private let ownAutomaton: KeywordAutomaton?
    private let usesBuiltinAutomaton: Bool
    /// Keyword (index in the automaton) → the rules that list it.
    package let rulesForKeyword: [[Int]]
    /// Rule → its keywords (indices in the automaton): where its hits are read from.
    package let keywordsForRule: [[Int]]
    /// Keyword → whether any rule lists it (a marker alone does not): read on every keyword hit.
    package let keywordHasRules: [Bool]
    /// Matches one rule may report in one region (`sliceSize` bytes) before it skips the rest of it.
    public let maxMatchesPerRegion: Int
    /// Matches all rules together may report in one buffer (a chunk, or a decoded span).
    public let maxMatchesPerBuffer: Int
    /// Bytes all rules' calls may examine in one buffer, as a multiple of its accepted bytes.
    public let workFactor: Int
    package let keywordless: [Int]
    package let sliceSize: Int
    package let timeBudget: Duration
    public let limits: MatchLimits
    /// Literals found in the same keyword pass as the rules' keywords and reported by position
    /// (`MatcherScratch.markerHits`), matched case-sensitively; no rule runs for them. Used for
    /// inline allow comments under `--report-unused`; empty otherwise, so they cost nothing then.
    public let markers: [[UInt8]]
    /// Keyword (index in the automaton) → the marker it is (index in `markers`), if any.
    package let markerForKeyword: [Int?]
    /// Rules with a `path` restriction.
    package let pathRestricted: [Int]
    /// Keyword → how many of its first bytes are word bytes (`isWordByte`): a word-mode rule's
    /// walk to the end of the word around a hit starts after them.
    package let keywordWordLength: [Int]

    /// `markers`: see `Matcher.markers` (ASCII, non-empty).
    public init(
        rules: [Rule], limits: MatchLimits = MatchLimits(), sliceSize: Int = 32 * 1024,
        timeBudget: Duration = .milliseconds(500), markers: [String] = [],
        maxMatchesPerRegion: Int = 4_096, maxMatchesPerBuffer: Int = 65_536, workFactor: Int = 256
    ) throws(RuleError) {
        self.maxMatchesPerRegion = maxMatchesPerRegion
        self.maxMatchesPerBuffer = maxMatchesPerBuffer
        self.workFactor = workFactor
        var seen: [String: String] = [:]
        var compiled: [CompiledRule] = []
        for rule in rules {
            if let other = seen[rule.id] {
                throw RuleError(file: rule.origin, ruleID: rule.id, message: "duplicate rule id (also in \(other))")
            }
            seen[rule.id] = rule.origin
            compiled.append(try CompiledRule.make(rule))
        }
        self.rules = compiled
        self.limits = limits
        self.sliceSize = sliceSize
        self.timeBudget = timeBudget
        self.markers = markers.map { Array($0.utf8) }
        maxMatchLength = max(rules.map(\.maxLength).max() ?? 0, self.markers.map(\.count).max() ?? 0)
        pathRestricted = compiled.indices.filter { compiled[$0].pathPattern != nil }

        let builtin = (try? RuleCatalog.builtin()) ?? []
        let layout = markers.isEmpty && compiled.count == builtin.count
            && zip(compiled, builtin).allSatisfy { rule, original in rule === CompiledRule.builtin[original.id] }
            ? Matcher.builtinLayout : KeywordLayout(rules: rules, markers: markers.map { Array($0.lowercased().utf8) })
        let keywords = layout.keywords
        rulesForKeyword = layout.rulesForKeyword
        keywordsForRule = layout.keywordsForRule
        keywordHasRules = layout.keywordHasRules
        markerForKeyword = layout.markerForKeyword
        keywordWordLength = layout.keywordWordLength
        keywordless = rules.indices.filter { rules[$0].keywords.isEmpty }
        usesBuiltinAutomaton = keywords == Matcher.builtinKeywords
        ownAutomaton = usesBuiltinAutomaton ? nil : KeywordAutomaton(keywords: keywords)
        if !keywords.isEmpty && !usesBuiltinAutomaton && ownAutomaton == nil {
            throw RuleError(file: "keywords", message: "too many keywords for the prefilter (\(keywords.count))")
        }
    }

    /// Every rule keyword and marker, lowercased, once each, sorted: the automaton's keywords.
    package static func keywordList(rules: [Rule], markers lowerMarkers: [[UInt8]]) -> [[UInt8]] {
        Array(Set(rules.flatMap { $0.keywords.map { Array($0.lowercased().utf8) } } + lowerMarkers))
            .sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// The built-in rules' keywords, as `keywordList` gives them.
    package static var builtinKeywords: [[UInt8]] { builtinLayout.keywords }

    /// The automaton of the built-in rules' keywords, built once per process (ahead of need by
    /// `Prewarm`) and shared by every matcher whose keywords are exactly those. Built-in keywords
    /// that do not fit an automaton stop the process: a matcher without one would run none of
    /// its keyword rules and pass every scan (`KeywordAutomatonTests` build it in every test run).
    package static let builtinAutomaton: KeywordAutomaton = {
        guard let automaton = KeywordAutomaton(keywords: builtinKeywords) else {
            fatalError("the built-in rules' \(builtinKeywords.count) keywords do not fit the keyword automaton")
        }
        return automaton
    }()

    /// What the keyword pass needs of a rule list: its keywords and the maps between them and
    /// the rules. Each matcher builds its own, except that the built-in rules unchanged (no rule
    /// file, none disabled, no markers) share `builtinLayout`, built ahead of need by `Prewarm`.
    /// Why: building it (a set and a dictionary of every rule's lowercased keywords) was most of
    /// `Matcher.init`, about 0.2 ms of a one-file scan on the main thread.
    package struct KeywordLayout: Sendable, Equatable {
        /// Every keyword and marker, as `keywordList` gives them: the automaton's keywords.
        let keywords: [[UInt8]]
        let rulesForKeyword: [[Int]]
        let keywordsForRule: [[Int]]
        let keywordHasRules: [Bool]
        let markerForKeyword: [Int?]
        let keywordWordLength: [Int]

        /// `lowerMarkers`: the markers, lowercased.
        init(rules: [Rule], markers lowerMarkers: [[UInt8]]) {
            keywords = Matcher.keywordList(rules: rules, markers: lowerMarkers)
            // Keyword → its index, so each rule's keywords are lowercased once: comparing every
            // rule's lowercased keywords with every keyword was 5 % of a one-file scan's CPU
            // (`perf record`).
            var keywordIndex: [[UInt8]: Int] = [:]
            for (index, keyword) in keywords.enumerated() { keywordIndex[keyword] = index }
            var rulesForKeyword = [[Int]](repeating: [], count: keywords.count)
            for (ruleIndex, rule) in rules.enumerated() {
                for keyword in rule.keywords {
                    // `last`: a rule naming one keyword twice (`Token`, `token`) is listed once.
                    guard let index = keywordIndex[Array(keyword.lowercased().utf8)], rulesForKeyword[index].last != ruleIndex else { continue }
                    rulesForKeyword[index].append(ruleIndex)
                }
            }
            self.rulesForKeyword = rulesForKeyword
            var keywordsForRule = [[Int]](repeating: [], count: rules.count)
            for (keyword, ruleIndices) in rulesForKeyword.enumerated() {
                for rule in ruleIndices { keywordsForRule[rule].append(keyword) }
            }
            self.keywordsForRule = keywordsForRule
            keywordHasRules = rulesForKeyword.map { !$0.isEmpty }
            markerForKeyword = keywords.map { lowerMarkers.firstIndex(of: $0) }
            keywordWordLength = keywords.map { keyword in keyword.firstIndex { !Matcher.isWordByte($0) } ?? keyword.count }
        }
    }

    /// The built-in rules' `KeywordLayout`.
    package static let builtinLayout = KeywordLayout(rules: (try? RuleCatalog.builtin()) ?? [], markers: [])

    /// `memchr` for the first byte, `memcmp` for the rest: fast in debug builds too (a context
    /// can be the line of a 50 MB token).
    /// The end of the name a named-value match starts with, when the name holds none of the rule's
    /// keywords (ASCII, any case); nil when it holds one. The keywords are the words of the names
    /// the rule reads; a match under another name would only be dismissed later, after its span
    /// had displaced other rules' and been masked in snippets.
    static func unkeyedName(at start: Int, in buffer: UnsafeRawBufferPointer, keywords: [[UInt8]]) -> Int? {
        var end = start
        while end < buffer.count && isWordByte(buffer[end]) { end += 1 }
        for needle in keywords where !needle.isEmpty && needle.count <= end - start {
            var offset = start
            while offset + needle.count <= end {
                var index = 0
                while index < needle.count && buffer[offset + index] | 0x20 == needle[index] | 0x20 { index += 1 }
                if index == needle.count { return nil }
                offset += 1
            }
        }
        return max(end, start + 1)
    }

    /// Where a match of a rule with `start` can begin, from its keyword hits (ascending): into
    /// `starts`, ascending, once each.
    package static func matchStarts(_ start: MatchStart, hits: [Int], in buffer: UnsafeRawBufferPointer, into starts: inout [Int]) {
        starts.removeAll(keepingCapacity: true)
        appendStarts(start, hits: hits, in: buffer, to: &starts)
    }

    /// `matchStarts` without clearing `starts` first. For the word modes, a word is walked over
    /// once, however many hits it holds (`SESSION_TOKEN_KEY`), and forward first: what must follow
    /// the word (an assignment, a closing quote) rules out most of a log's words — calls, types,
    /// prose, URL paths — before the walk back to their start.
    /// `skip`: how many bytes at each hit are known word bytes (the keyword's own, when they all
    /// are), so that the walk forward starts after them.
    package static func appendStarts(_ start: MatchStart, hits: [Int], skip: Int = 0, in buffer: UnsafeRawBufferPointer, to starts: inout [Int]) {
        guard start != .keyword else {
            for hit in hits where starts.last != hit { starts.append(hit) }
            return
        }
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let count = buffer.count
        let isWord = Matcher.wordBytes
        // Where the last word walked ends: a hit before it is in that word.
        var wordEnd = -1
        for hit in hits where hit >= wordEnd {
            var end = min(hit + skip, count)
            while end < count && isWord[Int(base[end])] { end += 1 }
            wordEnd = max(end, hit + 1)
            var assigned = Assignment.none
            switch start {
            case .keyword, .keywordWord:
                break
            case .quotedKeywordWord:
                guard end < count && base[end] == UInt8(ascii: "\"") else { continue }
            case .assignedKeywordWord:
                assigned = assignment(after: end, in: base, count: count)
                if case .none = assigned { continue }
            }
            var wordStart = hit
            while wordStart > 0 && isWord[Int(base[wordStart - 1])] { wordStart -= 1 }
            switch start {
            case .keyword, .keywordWord:
                break
            case .quotedKeywordWord:
                guard wordStart > 0 && base[wordStart - 1] == UInt8(ascii: "\"") else { continue }
            case .assignedKeywordWord:
                guard assigned.admits(wordStart: wordStart, in: base, count: count) else { continue }
            }
            if starts.last != wordStart { starts.append(wordStart) }
        }
    }

    /// `isWordByte` for every byte value, where a loop reads it without a closure (allocated
    /// once, never written after, never freed).
    nonisolated(unsafe) private static let wordBytes: UnsafePointer<Bool> = {
        let table = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
        for byte in 0..<256 { table[byte] = isWordByte(UInt8(byte)) }
        return UnsafePointer(table)
    }()

    /// What follows a word as its assignment (`MatchStart.assignedKeywordWord` says what counts):
    /// one of the named-value regex's separators with a value after it. What each needs of the
    /// word itself is checked once the word's start is known (`admits`).
    enum Assignment {
        case none
        /// `=`, `=>`, `:=`, `:`, also after a type (`: String =`, Go's `string =`).
        case value
        /// `,`: a call's second argument, `define('NAME', value)`: the word must follow `("` or `('`.
        case argument
        /// A line break: a Kubernetes env entry, the word after `name: ` and `value:` on the next
        /// line (the value left to the regex).
        case nextLine
        /// Blanks, then something at `at`: a `--option`'s value. Checked after the word's start
        /// (`admits`): in prose the keyword mostly starts its word, so the walk back is one byte
        /// and rules the word out before the value's bytes are read.
        case option(at: Int)

        /// Whether the word starting at `wordStart` takes this assignment.
        @inline(__always)
        func admits(wordStart: Int, in base: UnsafePointer<UInt8>, count: Int) -> Bool {
            switch self {
            case .none:
                return false
            case .value:
                return true
            case .argument:
                guard wordStart >= 2 && base[wordStart - 2] == UInt8(ascii: "(") else { return false }
                return base[wordStart - 1] == UInt8(ascii: "\"") || base[wordStart - 1] == UInt8(ascii: "'")
            case .nextLine:
                // `[Nn]ame: ` right before the word, or before its opening quote.
                var index = wordStart
                if index > 0 && (base[index - 1] == UInt8(ascii: "\"") || base[index - 1] == UInt8(ascii: "'")) { index -= 1 }
                guard index >= 6 else { return false }
                return base[index - 1] == UInt8(ascii: " ") && base[index - 2] == UInt8(ascii: ":")
                    && base[index - 3] == UInt8(ascii: "e") && base[index - 4] == UInt8(ascii: "m")
                    && base[index - 5] == UInt8(ascii: "a") && base[index - 6] | 0x20 == UInt8(ascii: "n")
            case .option(let at):
                guard wordStart + 2 < count && base[wordStart] == UInt8(ascii: "-") && base[wordStart + 1] == UInt8(ascii: "-") else { return false }
                // A `--option`'s value does not look like the next option.
                return base[at] != UInt8(ascii: "-") && Matcher.hasValue(at: at, in: base, count: count)
            }
        }
    }

    /// How many bytes of a token's alphabet a named value holds at least: the named-value regex's
    /// secret group, `[A-Za-z0-9+/_.~|!:-]{12,4096}+`.
    static let assignedValueMinimum = 12

    /// Whether `assignedValueMinimum` bytes of a token's alphabet start at `index`, after blanks
    /// and an optional opening quote (`"`, `'`, `` ` ``, also `\"` in a JSON string and C#'s,
    /// Python's `@"`, `r"`, `b"`): where most words a log or a tree assigns to hold `null`, a
    /// number, a short word, a variable or an object (`"session": {`), and no PCRE2 call is made.
    @inline(__always)
    static func hasValue(at index: Int, in base: UnsafePointer<UInt8>, count: Int) -> Bool {
        var index = blanksEnd(from: index, in: base, count: count)
        if tokenRun(at: index, in: base, count: count) { return true }
        switch index < count ? base[index] : 0 {
        case UInt8(ascii: "@"), UInt8(ascii: "r"), UInt8(ascii: "R"), UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "u"), UInt8(ascii: "U"):
            index += 1
        default:
            break
        }
        if index < count && base[index] == UInt8(ascii: "\\") { index += 1 }
        guard index < count, base[index] == UInt8(ascii: "\"") || base[index] == UInt8(ascii: "'") || base[index] == UInt8(ascii: "`") else { return false }
        return tokenRun(at: index + 1, in: base, count: count)
    }

    @inline(__always)
    private static func tokenRun(at index: Int, in base: UnsafePointer<UInt8>, count: Int) -> Bool {
        guard index + assignedValueMinimum <= count else { return false }
        let isToken = Matcher.tokenBytes
        for offset in index..<(index + assignedValueMinimum) where !isToken[Int(base[offset])] { return false }
        return true
    }

    /// The named-value regex's value alphabet, `A-Za-z0-9+/_.~|!:-`, for every byte value.
    nonisolated(unsafe) private static let tokenBytes: UnsafePointer<Bool> = {
        let table = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
        let extra = Set("+/_.~|!:-".utf8)
        for byte in 0..<256 {
            let value = UInt8(byte)
            table[byte] = (value | 0x20 >= 0x61 && value | 0x20 <= 0x7A) || (value >= 0x30 && value <= 0x39) || extra.contains(value)
        }
        return UnsafePointer(table)
    }()

    /// What follows a word that ends at `end`: a separator of the named-value regex and a value
    /// (`hasValue`; an option's is read in `admits`), or `.none`.
    @inline(__always)
    static func assignment(after end: Int, in base: UnsafePointer<UInt8>, count: Int) -> Assignment {
        var index = end
        if index < count && base[index] == UInt8(ascii: "\\") { index += 1 }
        if index < count && (base[index] == UInt8(ascii: "\"") || base[index] == UInt8(ascii: "'") || base[index] == UInt8(ascii: "`")) { index += 1 }
        if index < count && base[index] == UInt8(ascii: "]") { index += 1 }
        let blanks = index
        index = blanksEnd(from: index, in: base, count: count)
        guard index < count else { return .none }
        let next = index + 1 < count ? base[index + 1] : 0
        switch base[index] {
        case UInt8(ascii: "="):
            if next == UInt8(ascii: "=") { return .none }
            return hasValue(at: next == UInt8(ascii: ">") ? index + 2 : index + 1, in: base, count: count) ? .value : .none
        case UInt8(ascii: ":"):
            if next == UInt8(ascii: ":") { return .none }
            if next == UInt8(ascii: "=") { return hasValue(at: index + 2, in: base, count: count) ? .value : .none }
            if hasValue(at: index + 1, in: base, count: count) { return .value }
            // A type between the name and `=` (`: String =`, `: str =`): the value after that `=`.
            guard let equals = typed(from: index + 1, in: base, count: count) else { return .none }
            return hasValue(at: equals + 1, in: base, count: count) ? .value : .none
        case UInt8(ascii: ","):
            return hasValue(at: index + 1, in: base, count: count) ? .argument : .none
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
            return .nextLine
        default:
            guard index > blanks else { return .none }
            // Go's `name string = value`; otherwise what a `--option` takes.
            if base[index] | 0x20 == UInt8(ascii: "s"), index + 6 <= count,
               base[index + 1] == UInt8(ascii: "t"), base[index + 2] == UInt8(ascii: "r"), base[index + 3] == UInt8(ascii: "i"),
               base[index + 4] == UInt8(ascii: "n"), base[index + 5] == UInt8(ascii: "g") {
                let equals = blanksEnd(from: index + 6, in: base, count: count)
                if equals < count && base[equals] == UInt8(ascii: "=") {
                    return hasValue(at: equals + 1, in: base, count: count) ? .value : .none
                }
            }
            return .option(at: index)
        }
    }

    /// Where the blanks (spaces, tabs) that start at `index` end.
    @inline(__always)
    private static func blanksEnd(from index: Int, in base: UnsafePointer<UInt8>, count: Int) -> Int {
        var index = index
        while index < count && (base[index] == UInt8(ascii: " ") || base[index] == UInt8(ascii: "\t")) { index += 1 }
        return index
    }

    /// Where the `=` after a type annotation is (`[A-Za-z_][A-Za-z0-9_.?<>\[\]]*`, blanks), if one is.
    private static func typed(from index: Int, in base: UnsafePointer<UInt8>, count: Int) -> Int? {
        var index = blanksEnd(from: index, in: base, count: count)
        guard index < count, base[index] | 0x20 >= 0x61 && base[index] | 0x20 <= 0x7A || base[index] == UInt8(ascii: "_") else { return nil }
        while index < count {
            let byte = base[index]
            let isType = (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "?")
                || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
            guard isType else { break }
            index += 1
        }
        index = blanksEnd(from: index, in: base, count: count)
        guard index < count, base[index] == UInt8(ascii: "="), index + 1 >= count || base[index + 1] != UInt8(ascii: "=") else { return nil }
        return index
    }

    /// A byte of a name's word (`MatchStart.keywordWord`): ASCII letter, digit, `_`, `.` or `-`.
    @inline(__always)
    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x2E || byte == 0x2D
    }

    package static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        if needle.isEmpty { return true }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pattern in
                let base = hay.baseAddress!
                let last = hay.count - pattern.count
                var offset = 0
                while offset <= last {
                    guard let found = memchr(base + offset, Int32(pattern[0]), last - offset + 1) else { return false }
                    offset = base.distance(to: UnsafeRawPointer(found))
                    if memcmp(base + offset, pattern.baseAddress!, pattern.count) == 0 { return true }
                    offset += 1
                }
                return false
            }
        }
    }

    public func makeScratch() -> MatcherScratch {
        MatcherScratch(ruleCount: rules.count, keywordCount: rulesForKeyword.count, limits: limits)
    }

    /// Disables, for the current input, the rules whose `path` does not match `path`.
    public func restrict(to path: String, scratch: MatcherScratch) {
        guard !pathRestricted.isEmpty else { return }
        Array(path.utf8).withUnsafeBytes { bytes in
            for index in pathRestricted {
                guard let pattern = rules[index].pathPattern else { continue }
                if (try? scratch.patterns.firstMatch(pattern, in: bytes, from: 0)) == nil { scratch.disabled[index] = true }
            }
        }
    }

    /// Finds the matches of every rule that start in `accept`, in `buffer`.
    ///
    /// - `resume[r]`: rule r's matches must start at or after it (it is advanced past each match,
    ///   so that overlapping chunks never report a match twice).
    /// - `disabled[r]`: set when rule r fails; a disabled rule is skipped.
    /// Bytes of `buffer` before `accept.lowerBound` serve as lookbehind context only.
    public func scan(
        _ buffer: UnsafeRawBufferPointer, accept: Range<Int>, resume: inout [Int], scratch: MatcherScratch,
        onMatch: (RuleMatch) -> Void
    ) -> [RuleFailure] {
        var failures: [RuleFailure] = []
        scratch.markerHits.removeAll(keepingCapacity: true)
        guard !accept.isEmpty else { return failures }
        // The rest of a truncated token that went on past the previous buffer: skip what follows.
        for (index, run) in scratch.continuing.enumerated() {
            guard let run else { continue }
            let end = run.end(of: buffer, from: max(0, resume[index]))
            resume[index] = end
            if end < buffer.count { scratch.continuing[index] = nil }
        }
        collectHits(buffer, from: accept.lowerBound, scratch: scratch)
        let ruleHasHits = rulesWithHits(scratch: scratch)
        var matchesInBuffer = 0
        var work = 0
        let workBudget = workFactor * max(accept.count, sliceSize)
        let patterns = scratch.patterns
        // Read once (a rule is disabled below only while it runs, and then it stops).
        let disabled = scratch.disabled
        ruleLoop: for index in rules.indices where !disabled[index] {
            let rule = rules[index]
            let isKeywordless = rule.rule.keywords.isEmpty
            if !isKeywordless && !ruleHasHits[index] { continue }
            // A rule started at the words around its keywords takes its starts from each keyword's
            // hits (`wordStarts`): it needs no merged list of them.
            let startsAtWords = rule.anchoredPattern != nil && rule.rule.start.map { $0 != .keyword } == true
            let hits = startsAtWords ? [] : hits(of: index, scratch: scratch)
            if matchesInBuffer >= maxMatchesPerBuffer || work >= workBudget {
                let byMatches = matchesInBuffer >= maxMatchesPerBuffer
                scratch.boundHits.append(BoundHit(
                    limit: byMatches ? "matches-per-chunk" : "rule-work-per-chunk", offset: accept.lowerBound,
                    detail: byMatches
                        ? "the rules found \(maxMatchesPerBuffer) matches in one chunk: \(rules.count - index) rules (from \(rule.rule.id)) did not run on the rest of it"
                        : "the rules' calls examined \(workFactor)× the chunk's bytes: \(rules.count - index) rules (from \(rule.rule.id)) did not run on the rest of it"))
                break ruleLoop
            }
            // A rule that says where its matches start is tried there, anchored, and only there.
            let anchored = rule.anchoredPattern
            if let start = rule.rule.start, anchored != nil {
                if startsAtWords {
                    wordStarts(start, keywords: keywordsForRule[index], in: buffer, scratch: scratch)
                } else {
                    Matcher.matchStarts(start, hits: hits, in: buffer, into: &scratch.starts)
                }
            }
            // Read once: the array is not mutated below, and reading it through the scratch on
            // every attempt retained and released it each time.
            let starts = scratch.starts
            let pattern = anchored ?? rule.pattern
            // JIT-compiled (at its first match in the process) before any call is timed: the
            // compile, or the wait for another thread's, is not the rule's backtracking.
            _ = pattern.isJIT
            let secretGroup = rule.secretGroup
            let maxLength = rule.rule.maxLength
            // A named-value rule whose keywords are words of its names (`token`, `key`) drops a
            // match under a name holding none; one keyed by its structure instead (`"value"`, the
            // value-first pairs) leaves its names to the vocabulary.
            let checksName = rule.rule.role == .namedValue && rule.keywordBytes.allSatisfy { $0.allSatisfy(Matcher.isWordByte) }
            // Anchored calls are timed in batches (`anchoredClockStride`).
            var batchStarted = ContinuousClock.now
            var callsInBatch = 0
            var startCursor = 0
            var hitCursor = 0
            var sliceStart = accept.lowerBound
            sliceLoop: while sliceStart < accept.upperBound {
                var matchesInRegion = 0
                let sliceEnd = min(sliceStart + sliceSize, accept.upperBound)
                let subjectEnd = min(buffer.count, sliceEnd + maxLength)
                defer { sliceStart = sliceEnd }
                if anchored != nil {
                    while startCursor < starts.count && starts[startCursor] < sliceStart { startCursor += 1 }
                    if startCursor == starts.count { break sliceLoop }
                    if starts[startCursor] >= sliceEnd { continue sliceLoop }
                } else if !isKeywordless {
                    while hitCursor < hits.count && hits[hitCursor] < sliceStart { hitCursor += 1 }
                    if hitCursor == hits.count { break sliceLoop }
                    if hits[hitCursor] >= subjectEnd { continue sliceLoop }
                }
                var position = max(sliceStart, resume[index])
                let subject = UnsafeRawBufferPointer(rebasing: buffer[0..<subjectEnd])
                while position < sliceEnd {
                    var attempt = position
                    if anchored != nil {
                        while startCursor < starts.count && starts[startCursor] < position { startCursor += 1 }
                        guard startCursor < starts.count, starts[startCursor] < sliceEnd else { break }
                        attempt = starts[startCursor]
                        startCursor += 1
                    }
                    let started = anchored == nil ? ContinuousClock.now : batchStarted
                    let found: PatternMatch?
                    do {
                        found = try patterns.firstMatch(pattern, in: subject, from: attempt, group: secretGroup)
                    } catch {
                        scratch.disabled[index] = true
                        failures.append(RuleFailure(ruleIndex: index, offset: attempt, reason: Matcher.describe(error)))
                        break sliceLoop
                    }
                    if anchored == nil {
                        if ContinuousClock.now - started > timeBudget {
                            scratch.disabled[index] = true
                            failures.append(RuleFailure(
                                ruleIndex: index, offset: attempt,
                                reason: "a single match call took longer than \(timeBudget) (catastrophic backtracking?)"))
                            break sliceLoop
                        }
                    } else {
                        callsInBatch += 1
                        if callsInBatch == Matcher.anchoredClockStride {
                            let now = ContinuousClock.now
                            if now - started > timeBudget {
                                scratch.disabled[index] = true
                                failures.append(RuleFailure(
                                    ruleIndex: index, offset: attempt,
                                    reason: "\(callsInBatch) match calls at its start positions took longer than \(timeBudget) (catastrophic backtracking?)"))
                                break sliceLoop
                            }
                            batchStarted = now
                            callsInBatch = 0
                        }
                    }
                    // An anchored call that fails examined little: count one byte for it.
                    work += (found.map { $0.range.upperBound } ?? (anchored != nil ? attempt + 1 : subjectEnd)) - attempt
                    if found == nil && anchored != nil {
                        position = attempt + 1
                        continue
                    }
                    guard let match = found, match.range.lowerBound < sliceEnd else { break }
                    if checksName, let nameEnd = Matcher.unkeyedName(at: match.range.lowerBound, in: subject, keywords: rule.keywordBytes) {
                        // Not a name the rule reads (`https` of a URL, `curl`): no match, and the
                        // value may hold one (`foo: api_token=…`).
                        position = nameEnd
                        continue
                    }
                    matchesInRegion += 1
                    matchesInBuffer += 1
                    if matchesInRegion > maxMatchesPerRegion || matchesInBuffer > maxMatchesPerBuffer {
                        if matchesInRegion > maxMatchesPerRegion {
                            scratch.boundHits.append(BoundHit(
                                limit: "matches-per-rule", offset: match.range.lowerBound,
                                detail: "rule \(rule.rule.id) found \(maxMatchesPerRegion) matches in \(sliceSize / 1024) KiB: the rest of that region was not searched by it"))
                        }
                        matchesInBuffer -= 1
                        resume[index] = max(resume[index], sliceEnd)
                        continue sliceLoop
                    }
                    if match.range.count > maxLength {
                        let cut = match.range.lowerBound + maxLength
                        guard let secret = match.group, secret.lowerBound < cut else {
                            // Nothing of the secret within the limit: go on after the window.
                            position = cut
                            resume[index] = cut
                            continue
                        }
                        let truncated = secret.lowerBound..<min(secret.upperBound, cut)
                        let run = TokenRun(UnsafeRawBufferPointer(rebasing: buffer[truncated]))
                        let end = run.end(of: buffer, from: truncated.upperBound)
                        let continues = end == buffer.count
                        if continues { scratch.continuing[index] = run }
                        position = end
                        resume[index] = end
                        onMatch(RuleMatch(ruleIndex: index, range: match.range.lowerBound..<cut, secret: truncated,
                                          truncated: true, runEnd: end, runContinues: continues))
                        continue
                    }
                    let next = match.range.isEmpty ? match.range.upperBound + 1 : match.range.upperBound
                    position = next
                    resume[index] = next
                    if let secret = match.group, !secret.isEmpty {
                        onMatch(RuleMatch(ruleIndex: index, range: match.range, secret: secret))
                    }
                }
            }
        }
        return failures
    }

    /// Anchored calls between two readings of the clock. An anchored call tries one position, so
    /// PCRE2's match limit already bounds it; the clock, read around every call, was a tenth of a
    /// log scan's time. A batch that takes longer than `timeBudget` stops the rule as a single slow
    /// call does.
    package static let anchoredClockStride = 64

    package static func describe(_ failure: MatchFailure) -> String {
        switch failure {
        case .limitExceeded(let message): "match limit exceeded (\(message)); the rule backtracks too much"
        case .other(let message): "match error: \(message)"
        }
    }

    /// Where keywords start in `range` of `buffer` (ascending), without touching the scratch's
    /// per-rule hits of the last scan.
    public func keywordPositions(in buffer: UnsafeRawBufferPointer, range: Range<Int>, scratch: MatcherScratch) -> [Int] {
        guard let automaton, !range.isEmpty else { return [] }
        var positions: [Int] = []
        automaton.scan(UnsafeRawBufferPointer(rebasing: buffer[0..<range.upperBound]), from: range.lowerBound) { _, position in
            positions.append(position)
        }
        return positions.sorted()
    }

    /// Rule `index`'s keyword hits (ascending): its one keyword's list as it is (shared, not
    /// copied, by every rule that lists the keyword), or the merge of its keywords' lists.
    private func hits(of index: Int, scratch: MatcherScratch) -> [Int] {
        let keywords = keywordsForRule[index]
        if keywords.count == 1 { return scratch.hits[keywords[0]] }
        // The lists are sorted: merged two at a time in linear passes (a rule's keywords are few,
        // and on a log most of them have no hits in a chunk).
        var merged: [Int] = []
        for keyword in keywords where !scratch.hits[keyword].isEmpty {
            merged = merged.isEmpty ? scratch.hits[keyword] : Matcher.mergeSorted(merged, scratch.hits[keyword])
        }
        return merged
    }

    /// Per rule: whether one of its keywords was hit in the last `collectHits`, marked from the
    /// hit keywords (of about 120) rather than asked rule by rule (75 built-in rules, each reading
    /// its keywords' lists through the scratch, a retain and release each): most rules have no hit
    /// in most files, and asking each of them was 2 % of a tree's instructions (callgrind).
    private func rulesWithHits(scratch: MatcherScratch) -> [Bool] {
        var marked: [Bool] = []
        swap(&marked, &scratch.ruleHasHits)
        defer { swap(&marked, &scratch.ruleHasHits) }
        if marked.count != rules.count {
            marked = Array(repeating: false, count: rules.count)
        } else if marked.contains(true) {
            marked.withUnsafeMutableBufferPointer { $0.update(repeating: false) }
        }
        let hits = scratch.hits
        let rulesForKeyword = rulesForKeyword
        marked.withUnsafeMutableBufferPointer { marked in
            for keyword in hits.indices where !hits[keyword].isEmpty {
                for rule in rulesForKeyword[keyword] { marked[rule] = true }
            }
        }
        return marked
    }

    /// `matchStarts` for a word mode, into `scratch.starts`, keyword by keyword: the lists of a
    /// log's many hits are not merged (the named-value and named-pair rules each merged a dozen,
    /// 1 % of a tree scan's instructions); the few starts they admit are sorted when two or more
    /// keywords gave some.
    private func wordStarts(_ start: MatchStart, keywords: [Int], in buffer: UnsafeRawBufferPointer, scratch: MatcherScratch) {
        var starts: [Int] = []
        swap(&starts, &scratch.starts)
        defer { swap(&starts, &scratch.starts) }
        starts.removeAll(keepingCapacity: true)
        let hits = scratch.hits
        var contributing = 0
        for keyword in keywords where !hits[keyword].isEmpty {
            let before = starts.count
            Matcher.appendStarts(start, hits: hits[keyword], skip: keywordWordLength[keyword], in: buffer, to: &starts)
            if starts.count > before { contributing += 1 }
        }
        guard contributing > 1 else { return }
        starts.sort()
        var kept = 0
        for position in starts.indices where kept == 0 || starts[kept - 1] != starts[position] {
            starts[kept] = starts[position]
            kept += 1
        }
        starts.removeSubrange(kept...)
    }

    /// Two ascending lists as one ascending list (duplicates kept).
    package static func mergeSorted(_ left: [Int], _ right: [Int]) -> [Int] {
        var merged: [Int] = []
        merged.reserveCapacity(left.count + right.count)
        var i = 0
        var j = 0
        while i < left.count && j < right.count {
            if right[j] < left[i] {
                merged.append(right[j])
                j += 1
            } else {
                merged.append(left[i])
                i += 1
            }
        }
        merged.append(contentsOf: left[i...])
        merged.append(contentsOf: right[j...])
        return merged
    }

    /// Records, per keyword, the offsets (ascending) of its hits at or after `start`.
    private func collectHits(_ buffer: UnsafeRawBufferPointer, from start: Int, scratch: MatcherScratch) {
        // The lists are moved out of the scratch while the automaton fills them: appending through
        // the class property checked exclusivity and uniqueness on each of a log's million hits.
        var hits: [[Int]] = []
        var positions: [Int] = []
        var markerHits: [Int] = []
        var held = KeywordAutomaton.HeldHits()
        swap(&hits, &scratch.hits)
        swap(&positions, &scratch.keywordPositions)
        swap(&markerHits, &scratch.markerHits)
        swap(&held, &scratch.heldHits)
        defer {
            swap(&hits, &scratch.hits)
            swap(&positions, &scratch.keywordPositions)
            swap(&markerHits, &scratch.markerHits)
            swap(&held, &scratch.heldHits)
        }
        for index in hits.indices { hits[index].removeAll(keepingCapacity: true) }
        positions.removeAll(keepingCapacity: true)
        guard let automaton else { return }
        var unsorted = false
        var positionsUnsorted = false
        let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
        // Read once, not through `self` on each hit.
        let keywordHasRules = keywordHasRules
        let markers = markers
        let markerForKeyword = markerForKeyword
        // Each keyword's list is appended to in place (through the outer array, each append
        // checked that one's uniqueness too).
        hits.withUnsafeMutableBufferPointer { hits in
            automaton.scan(buffer, from: start, held: &held) { keyword, position in
                if let last = positions.last, last > position { positionsUnsorted = true }
                positions.append(position)
                if !markers.isEmpty, let marker = markerForKeyword[keyword], let base {
                    // The automaton ignores case; markers are exact.
                    let bytes = markers[marker]
                    if position + bytes.count <= buffer.count, bytes.withUnsafeBytes({ memcmp(base + position, $0.baseAddress!, bytes.count) == 0 }) {
                        markerHits.append(position)
                    }
                }
                if keywordHasRules[keyword] {
                    if let last = hits[keyword].last, last > position { unsorted = true }
                    hits[keyword].append(position)
                }
            }
        }
        // Hits arrive in order of their end; keywords of different lengths can cross.
        if unsorted {
            for index in hits.indices { hits[index].sort() }
        }
        if positionsUnsorted { positions.sort() }
    }
}

/// Per-worker matching state: PCRE2 scratch, keyword hits, and which rules have failed on the
/// current input. Reset `disabled` between inputs with `beginInput()`.
public final class MatcherScratch {
    package let patterns: MatchScratch
    /// Per keyword: where it starts in the last scanned buffer.
    package var hits: [[Int]]
    /// Bounds on matches and work hit since the last `takeBoundHits()` (offsets relative to the
    /// buffer of the scan that hit them).
    package var boundHits: [BoundHit] = []
    /// Where any keyword starts in the last scanned buffer (ascending): split tokens are looked
    /// for only where a token could begin.
    public internal(set) var keywordPositions: [Int] = []
    /// Start offsets of `Matcher.markers` found by the last `scan` (at or after its accept start,
    /// also in the overlap after it), in order of their end.
    package var markerHits: [Int] = []
    /// The keyword automaton's lists of held-back lane hits, reused from buffer to buffer.
    package var heldHits = KeywordAutomaton.HeldHits()
    public internal(set) var disabled: [Bool]
    /// Where the rule being run can start matching (`Matcher.matchStarts`), reused between rules.
    package var starts: [Int] = []
    /// Per rule: whether the last scan hit one of its keywords (`Matcher.rulesWithHits`).
    package var ruleHasHits: [Bool] = []
    /// Per rule: the bytes of a truncated token whose rest goes on in the next buffer.
    package var continuing: [TokenRun?]

    package init(ruleCount: Int, keywordCount: Int, limits: MatchLimits) {
        patterns = MatchScratch(limits: limits)
        hits = Array(repeating: [], count: keywordCount)
        disabled = Array(repeating: false, count: ruleCount)
        continuing = Array(repeating: nil, count: ruleCount)
    }

    public func beginInput() {
        // Whole arrays, read once: an element write through the class property is an exclusivity
        // check, and element by element over every rule this was 3 % of a tree scan's instructions
        // (callgrind: one call per file, 18,000 instructions each).
        if disabled.contains(true) { disabled = Array(repeating: false, count: disabled.count) }
        if continuing.contains(where: { $0 != nil }) { continuing = Array(repeating: nil, count: continuing.count) }
    }

    /// The bounds hit since the last call, and forgets them.
    public func takeBoundHits() -> [BoundHit] {
        defer { boundHits.removeAll(keepingCapacity: true) }
        return boundHits
    }

    /// Whether rule `index` is still skipping the rest of a truncated token at the buffer's end.
    public func isContinuing(_ index: Int) -> Bool { continuing[index] != nil }
}

/// A bound of the matcher that cut a search short (`Matcher` explains them).
public struct BoundHit: Sendable, Equatable {
    /// `matches-per-rule`, `matches-per-chunk` or `rule-work-per-chunk`.
    public var limit: String
    /// Offset in the scanned buffer.
    public var offset: Int
    public var detail: String
}

/// The bytes that continue a truncated token: letters, digits, the base64 and base64url
/// punctuation (`+ / - _ =`), and any other printable byte the truncated secret contains (the
/// dots of a JWT). Whitespace and control bytes always end a token.
package struct TokenRun: Sendable, Equatable {
    /// 256 entries: 1 for a byte that continues the token.
    private var table = [UInt8](repeating: 0, count: 256)

    package init(_ secret: UnsafeRawBufferPointer) {
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] = 1 }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(byte)] = 1 }
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(byte)] = 1 }
        for byte in "+/-_=".utf8 { table[Int(byte)] = 1 }
        for byte in secret where byte > 0x20 && byte < 0x7F { table[Int(byte)] = 1 }
    }

    package func contains(_ byte: UInt8) -> Bool { table[Int(byte)] != 0 }

    /// The first offset at or after `start` whose byte does not continue the token (or the end).
    package func end(of buffer: UnsafeRawBufferPointer, from start: Int) -> Int {
        let end = buffer.count
        guard start < end, let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return min(start, end) }
        return table.withUnsafeBufferPointer { table in
            var index = start
            while index < end && table[Int(base[index])] != 0 { index += 1 }
            return index
        }
    }
}

