import CPCRE2
import Synchronization
import TokenFormats
import TokenScanModel

/// Why a pattern could not be compiled, with the byte offset PCRE2 points at.
public struct PatternCompileError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let offset: Int
    public var description: String { "\(message) at offset \(offset)" }
}

/// Limits applied to every match call. They exist so that a rule that backtracks catastrophically
/// costs a bounded amount of work instead of hanging the scan.
public struct MatchLimits: Sendable {
    /// PCRE2 `match_limit`: internal match() calls (interpreter) or backtracking steps (JIT) per start position.
    public var matchLimit: UInt32 = 1_000_000
    /// PCRE2 `depth_limit`: backtracking depth.
    public var depthLimit: UInt32 = 10_000
    /// PCRE2 `heap_limit` in KiB.
    public var heapLimitKiB: UInt32 = 8 * 1024
    public init() {}
}

/// A compiled PCRE2 pattern, JIT-compiled where the platform allows it — on its first match.
///
/// Why the JIT waits for a match: JIT-compiling the ~75 built-in rules (and mapping their
/// executable pages) was the largest part of a one-file scan's start-up, longer than the whole
/// scan, while such a scan runs a handful of them: a rule runs only where one of its keywords
/// occurs. Compiling (`pcre2_compile`) stays eager, so a pattern that does not compile is still an
/// error before anything is scanned; the JIT runs exactly once, before the first match call of any
/// thread, so every match is the JIT's, as before.
///
/// Compiled code is immutable once JIT-compiled and PCRE2 documents it as safe to share between
/// threads; `pcre2_jit_compile` is not safe beside a match on the same code, so it runs under a
/// lock that every first caller takes and later callers skip (`jitState`, acquire/release).
/// Per-thread state (match data, JIT stack) lives in `MatchScratch`.
public final class Pattern: @unchecked Sendable {
    package let code: OpaquePointer
    /// Named groups by name → group number.
    public let groupNames: [String: Int]
    public let captureCount: Int
    public let source: String
    /// `JITState` of `code`: pending until the first match asks for it.
    private let jitState = Atomic<UInt8>(JITState.pending.rawValue)
    private let jitLock = Mutex<Void>(())

    private enum JITState: UInt8 {
        case pending, compiled, unavailable
    }

    public struct Options: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let caseInsensitive = Options(rawValue: UInt32(PCRE2_CASELESS))
        /// UTF mode that tolerates invalid UTF-8 in subjects (scanned files often contain it).
        public static let utf = Options(rawValue: UInt32(PCRE2_UTF) | UInt32(PCRE2_MATCH_INVALID_UTF) | UInt32(PCRE2_UCP))
        public static let multiline = Options(rawValue: UInt32(PCRE2_MULTILINE))
        public static let dotAll = Options(rawValue: UInt32(PCRE2_DOTALL))
        /// Match only at the start position. A compile option, not a match option: PCRE2's JIT
        /// ignores `PCRE2_ANCHORED` passed at match time and falls back to the interpreter.
        public static let anchored = Options(rawValue: UInt32(PCRE2_ANCHORED))
    }

    public init(_ source: String, options: Options = []) throws(PatternCompileError) {
        self.source = source
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let utf8 = Array(source.utf8)
        let compiled = utf8.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress, buffer.count, options.rawValue, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw PatternCompileError(message: Pattern.errorMessage(errorCode), offset: errorOffset)
        }
        code = compiled

        var count: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        captureCount = Int(count)
        groupNames = Pattern.readGroupNames(compiled)
    }

    deinit { pcre2_code_free_8(code) }

    /// Whether the JIT has been asked for (by a match, or by `isJIT`): for tests.
    package var jitRequested: Bool { jitState.load(ordering: .acquiring) != JITState.pending.rawValue }

    /// Whether matches run PCRE2's JIT code (false where the platform has no JIT); JIT-compiles
    /// the pattern if no match has yet.
    public var isJIT: Bool {
        if let ready = JITState(rawValue: jitState.load(ordering: .acquiring)), ready != .pending {
            return ready == .compiled
        }
        return jitLock.withLock { _ in
            if let ready = JITState(rawValue: jitState.load(ordering: .relaxed)), ready != .pending {
                return ready == .compiled
            }
            let state: JITState = pcre2_jit_compile_8(code, UInt32(PCRE2_JIT_COMPLETE)) == 0 ? .compiled : .unavailable
            jitState.store(state.rawValue, ordering: .releasing)
            return state == .compiled
        }
    }

    /// The `group` argument of `MatchScratch.firstMatch` that asks for the first capture group
    /// that matched a non-empty text (falling back to the whole match).
    public static let firstNonEmptyGroup = -1

    private static func readGroupNames(_ code: OpaquePointer) -> [String: Int] {
        var nameCount: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>?
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMECOUNT), &nameCount)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table)
        guard let table, nameCount > 0 else { return [:] }
        var names: [String: Int] = [:]
        for i in 0..<Int(nameCount) {
            let entry = table + i * Int(entrySize)
            let number = Int(entry[0]) << 8 | Int(entry[1])
            names[String(cString: entry + 2)] = number
        }
        return names
    }

    package static func errorMessage(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(code, &buffer, buffer.count)
        guard length > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
    }
}

/// A match: the whole span and the span of the requested group (relative to the subject).
public struct PatternMatch: Sendable, Equatable {
    public var range: Range<Int>
    /// The requested capture group, `nil` when it did not participate.
    public var group: Range<Int>?
}

/// Why a match call stopped without an answer.
public enum MatchFailure: Error, Sendable, Equatable {
    /// A resource limit was hit (match, depth or heap limit, or the JIT stack): the rule backtracks too much here.
    case limitExceeded(String)
    case other(String)
}

/// Per-thread match state: match data, match context with limits, and a JIT stack.
/// Not `Sendable` on purpose: one per worker.
public final class MatchScratch {
    private let matchData: OpaquePointer
    private let context: OpaquePointer
    private let jitStack: OpaquePointer?
    private let ovectorPairs: Int = 32

    public init(limits: MatchLimits = MatchLimits()) {
        matchData = pcre2_match_data_create_8(UInt32(32), nil)!
        context = pcre2_match_context_create_8(nil)!
        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        pcre2_set_heap_limit_8(context, limits.heapLimitKiB)
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 1024 * 1024, nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    /// Finds the first match of `pattern` in `subject` at or after `start`. Bytes before `start`
    /// are visible to lookbehind assertions, which is how callers give a window its left context.
    /// `group` selects the capture group to report (0: the whole match;
    /// `Pattern.firstNonEmptyGroup`: the first group that matched a non-empty text, else the whole match).
    public func firstMatch(
        _ pattern: Pattern, in subject: UnsafeRawBufferPointer, from start: Int, group: Int = 0
    ) throws(MatchFailure) -> PatternMatch? {
        let base = subject.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? MatchScratch.empty
        // The JIT's fast path skips pcre2_match's argument checks (a tenth of an anchored call):
        // the arguments are ours, and a UTF pattern is compiled with PCRE2_MATCH_INVALID_UTF, so
        // its JIT code itself copes with invalid UTF-8 (no subject check is needed).
        let rc = pattern.isJIT
            ? pcre2_jit_match_8(pattern.code, base, subject.count, start, 0, matchData, context)
            : pcre2_match_8(pattern.code, base, subject.count, start, 0, matchData, context)
        if rc == PCRE2_ERROR_NOMATCH { return nil }
        if rc < 0 {
            switch rc {
            case PCRE2_ERROR_MATCHLIMIT, PCRE2_ERROR_DEPTHLIMIT, PCRE2_ERROR_HEAPLIMIT, PCRE2_ERROR_JIT_STACKLIMIT:
                throw .limitExceeded(Pattern.errorMessage(rc))
            default:
                throw .other(Pattern.errorMessage(rc))
            }
        }
        let ovector = pcre2_get_ovector_pointer_8(matchData)!
        let whole = ovector[0]..<max(ovector[0], ovector[1])
        var selected: Range<Int>? = whole
        if group == Pattern.firstNonEmptyGroup {
            let available = rc == 0 ? ovectorPairs : Int(rc)
            for index in 1..<max(1, available) where ovector[2 * index] != tokenscan_pcre2_unset() && ovector[2 * index + 1] > ovector[2 * index] {
                selected = ovector[2 * index]..<ovector[2 * index + 1]
                break
            }
        } else if group > 0 {
            // rc == 0 means the ovector was too small for every pair; pairs beyond it are unset.
            let available = rc == 0 ? ovectorPairs : Int(rc)
            if group < available, ovector[2 * group] != tokenscan_pcre2_unset() {
                selected = ovector[2 * group]..<ovector[2 * group + 1]
            } else {
                selected = nil
            }
        }
        return PatternMatch(range: whole, group: selected)
    }

    nonisolated(unsafe) private static let empty: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()
}
