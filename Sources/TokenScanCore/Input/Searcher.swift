/// A match located in its input: absolute byte offsets, lines and columns, and the text of its line.
public struct SearchHit: Sendable {
    public var ruleIndex: Int
    public var secret: [UInt8]
    /// Absolute byte offsets of the secret in the input.
    public var byteRange: Range<Int>
    public var start: TextPosition
    /// Exclusive end (the position just after the last character), as SARIF counts it.
    public var end: TextPosition
    /// The line(s) around the secret, cut to at most `SearchOptions.contextLimit` bytes each side.
    public var context: [UInt8]
    /// Where the secret sits inside `context`.
    public var secretInContext: Range<Int>
    /// Every matched span inside `context` (this secret's included), so that a snippet can redact
    /// the other secrets on the same line too.
    public var matchesInContext: [Range<Int>] = []
    /// The match was longer than its rule's `maxLength`: `secret` is only its first bytes.
    public var truncated = false
}

/// A rule that stopped early on one input, with the absolute offset where it stopped.
public struct RuleFailureReport: Sendable, Equatable {
    public var ruleID: String
    public var offset: Int
    public var reason: String
}

public struct SearchOptions: Sendable {
    /// Bytes read per chunk. Memory per search is about `chunkSize + overlap`.
    public var chunkSize = 1 << 20
    /// Stop at a NUL byte in the first `binarySniffLength` bytes (binary files).
    public var skipBinary = true
    public var binarySniffLength = 8 * 1024
    /// Bytes kept before each chunk for lookbehind assertions.
    public var leftContext = 256
    /// Bytes of line context kept each side of a secret.
    public var contextLimit = 512
    /// Counts bytes as they are read, for the progress line.
    public var progress: ProgressCounter?
    public init() {}
}

/// What a search saw.
public struct SearchOutcome: Sendable, Equatable {
    public var bytes: Int = 0
    /// Set when the input was recognised as binary and not searched (offset of the NUL byte).
    public var binaryAt: Int?
    public var failures: [RuleFailureReport] = []
    /// The input stopped with an error (a read error, corrupt compressed data) after `bytes`
    /// bytes; everything before it was searched and its hits reported.
    public var readError: InputError?
}

/// Streams a `ByteSource` through a `Matcher` in fixed-size chunks with an overlap window.
///
/// Each chunk is searched for matches that *start* before its commit line (chunk end minus the
/// longest possible match); the overlap and the matcher's per-rule resume offsets make a token that
/// straddles a chunk boundary appear exactly once. One `Searcher` per worker thread: it owns its
/// buffer and matcher scratch and reuses them for every input.
public final class Searcher {
    public let matcher: Matcher
    public let options: SearchOptions
    private let scratch: MatcherScratch
    private let buffer: UnsafeMutableRawBufferPointer
    private let overlap: Int
    private var pending: [RuleMatch] = []
    /// Hits whose secret reaches past the chunk's commit line, held back for one chunk: another
    /// rule's match that starts in the next chunk (the JWT inside `Authorization: Bearer eyJ…`,
    /// whose bearer match starts a few bytes earlier) can report the same secret, and a span is
    /// reported once, by its highest-priority rule, as it is within one chunk.
    private var held: [(hit: SearchHit, priority: Int)] = []

    public init(matcher: Matcher, options: SearchOptions = SearchOptions()) {
        self.matcher = matcher
        self.options = options
        scratch = matcher.makeScratch()
        overlap = matcher.maxMatchLength + 1
        buffer = .allocate(byteCount: options.chunkSize + overlap + options.leftContext, alignment: 64)
    }

    deinit { buffer.deallocate() }

    public func search(_ source: inout some ByteSource, onHit: (SearchHit) -> Void) -> SearchOutcome {
        var outcome = SearchOutcome()
        scratch.beginInput()
        var resume = Array(repeating: 0, count: matcher.rules.count)
        var tracker = LineTracker()
        var baseOffset = 0 // absolute offset of buffer[0]
        var filled = 0
        var acceptStart = 0
        var atEnd = false
        var sniffed = !options.skipBinary
        held.removeAll()

        while !atEnd {
            // Fill the buffer completely (pipes return short reads) or until the input ends.
            while filled < buffer.count {
                let count: Int
                do {
                    count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                } catch {
                    outcome.readError = error
                    count = 0
                }
                if count == 0 {
                    atEnd = true
                    break
                }
                filled += count
                outcome.bytes += count
                options.progress?.bytes.add(count, ordering: .relaxed)
            }
            let view = UnsafeRawBufferPointer(rebasing: buffer[0..<filled])
            if !sniffed {
                sniffed = true
                let sniff = UnsafeRawBufferPointer(rebasing: view[0..<min(filled, options.binarySniffLength)])
                if let nul = sniff.firstIndex(of: 0) {
                    outcome.binaryAt = nul
                    return outcome
                }
            }
            let commit = atEnd ? filled : max(acceptStart, filled - overlap)

            pending.removeAll(keepingCapacity: true)
            let failures = matcher.scan(view, accept: acceptStart..<commit, resume: &resume, scratch: scratch) {
                pending.append($0)
            }
            for failure in failures {
                outcome.failures.append(RuleFailureReport(
                    ruleID: matcher.rules[failure.ruleIndex].rule.id, offset: baseOffset + failure.offset,
                    reason: failure.reason))
            }
            emit(view, baseOffset: baseOffset, commit: commit, atEnd: atEnd, tracker: &tracker, onHit: onHit)

            guard !atEnd else { break }
            // Keep the overlap (not yet committed) plus left context; move it to the buffer's start.
            let keepFrom = max(0, commit - options.leftContext)
            tracker.checkpoint(at: commit, in: view, shiftingBy: keepFrom)
            let kept = filled - keepFrom
            if keepFrom > 0 {
                buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + keepFrom, byteCount: kept)
            }
            for index in resume.indices { resume[index] -= keepFrom }
            baseOffset += keepFrom
            filled = kept
            acceptStart = commit - keepFrom
        }
        return outcome
    }

    /// Sorts this chunk's matches, keeps one per secret span (the highest-priority rule's), locates
    /// them, and hands them over in order of position, holding back those that a match in the
    /// next chunk could still report again (see `held`).
    private func emit(
        _ view: UnsafeRawBufferPointer, baseOffset: Int, commit: Int, atEnd: Bool, tracker: inout LineTracker,
        onHit: (SearchHit) -> Void
    ) {
        var hits = held
        held.removeAll(keepingCapacity: true)
        locate(view, baseOffset: baseOffset, tracker: &tracker) { hit, priority in
            if let same = hits.firstIndex(where: { $0.hit.byteRange == hit.byteRange }) {
                if priority > hits[same].priority { hits[same] = (hit, priority) }
            } else {
                hits.append((hit, priority))
            }
        }
        guard !hits.isEmpty else { return }
        hits.sort { ($0.hit.byteRange.lowerBound, $0.hit.byteRange.upperBound) < ($1.hit.byteRange.lowerBound, $1.hit.byteRange.upperBound) }
        // Everything from the first hit that reaches past the commit line waits (order is kept).
        let line = baseOffset + commit
        let waiting = atEnd ? hits.endIndex : (hits.firstIndex { $0.hit.byteRange.upperBound > line } ?? hits.endIndex)
        for entry in hits[..<waiting] { onHit(entry.hit) }
        held.append(contentsOf: hits[waiting...])
    }

    /// This chunk's matches as hits, one per secret span (the highest-priority rule's).
    private func locate(_ view: UnsafeRawBufferPointer, baseOffset: Int, tracker: inout LineTracker, onHit: (SearchHit, Int) -> Void) {
        guard !pending.isEmpty else { return }
        let rules = matcher.rules
        pending.sort { lhs, rhs in
            if lhs.secret.lowerBound != rhs.secret.lowerBound { return lhs.secret.lowerBound < rhs.secret.lowerBound }
            if lhs.secret.upperBound != rhs.secret.upperBound { return lhs.secret.upperBound < rhs.secret.upperBound }
            return rules[lhs.ruleIndex].rule.priority > rules[rhs.ruleIndex].rule.priority
        }
        var previous: Range<Int>?
        var spans: [Range<Int>] = []
        for match in pending where match.secret != spans.last {
            spans.append(match.secret)
        }
        for match in pending {
            if match.secret == previous { continue }
            previous = match.secret
            let start = tracker.position(of: match.secret.lowerBound, in: view)
            let end = LineTracker.advance(start, over: view, from: match.secret.lowerBound, to: match.secret.upperBound)
            let contextStart = lineStart(before: match.secret.lowerBound, in: view)
            let contextEnd = lineEnd(after: match.secret.upperBound, in: view)
            onHit(SearchHit(
                ruleIndex: match.ruleIndex,
                secret: Array(view[match.secret]),
                byteRange: (baseOffset + match.secret.lowerBound)..<(baseOffset + match.secret.upperBound),
                start: start,
                end: end,
                context: Array(view[contextStart..<contextEnd]),
                secretInContext: (match.secret.lowerBound - contextStart)..<(match.secret.upperBound - contextStart),
                matchesInContext: spans.filter { $0.overlaps(contextStart..<contextEnd) }.map {
                    (max($0.lowerBound, contextStart) - contextStart)..<(min($0.upperBound, contextEnd) - contextStart)
                },
                truncated: match.truncated), rules[match.ruleIndex].rule.priority)
        }
    }

    private func lineStart(before offset: Int, in view: UnsafeRawBufferPointer) -> Int {
        let limit = max(0, offset - options.contextLimit)
        var index = offset
        while index > limit && view[index - 1] != 0x0A { index -= 1 }
        return index
    }

    private func lineEnd(after offset: Int, in view: UnsafeRawBufferPointer) -> Int {
        let limit = min(view.count, offset + options.contextLimit)
        var index = offset
        while index < limit && view[index] != 0x0A { index += 1 }
        if index > offset && index <= view.count && view[index - 1] == 0x0D { index -= 1 }
        return index
    }
}
