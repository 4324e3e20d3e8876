import Glibc
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// What a large file's segments and a stream's segments share: where a segment may start, the
/// margin searched around it, one segment's search on one thread, and the in-order merge of the
/// segments' hits. `FileSegments` reads a file's segments with `pread`; `StreamSegments` copies a
/// stream's bytes into segment buffers on one thread.
///
/// Why one piece: the margin and merge rules are what make a report independent of `--jobs`; two
/// copies of them would drift apart.
package enum Segmenting {
    /// Bytes per segment: large enough that the margins re-read around it cost about 1 %, small
    /// enough that a 64 MB log makes work for several cores.
    package static let segmentBytes = 8 << 20
    /// How far past its mark a segment's end may move to reach a newline.
    package static let newlineReach = 64 << 10

    /// Where a segment starts at `mark` (a multiple of `segmentBytes`): just after the first
    /// newline of `window` (the bytes from `mark` on, at most `newlineReach`); nil when there is
    /// none. A segment that starts on a line of its own keeps a line's matches in one segment.
    package static func start(atMark mark: Int, window: UnsafeRawBufferPointer) -> Int? {
        guard let base = window.baseAddress, let found = memchr(base, 0x0A, min(window.count, newlineReach)) else { return nil }
        return mark + base.distance(to: UnsafeRawPointer(found)) + 1
    }

    /// The first mark after `offset`.
    package static func mark(after offset: Int) -> Int {
        (offset / segmentBytes + 1) * segmentBytes
    }

    /// Bytes searched on each side of a segment beyond it: lookbehind context, the decoding
    /// lookback (an escape far before a secret), and the longest match with its line context,
    /// twice over, so that the matches near a segment's edges are those of a whole-input search.
    package static func margin(of searcher: Searcher) -> Int {
        let options = searcher.options
        return 2 * (options.leftContext + EscapeLayer.radius + SplitTokenJoiner.leftReach
            + 2 * (searcher.matcher.maxMatchLength + 1) + options.contextLimit)
    }
}

/// Where a segment's bytes (with its margins) are read from.
package enum SegmentBytes: @unchecked Sendable {
    /// A regular file, read with `pread` (several threads read one file: no shared offset).
    case file(descriptor: Int32, path: String)
    /// A stream's bytes, copied out by the thread that reads the stream.
    case memory(SegmentBuffer)
}

/// A stream's bytes from offset `start` on, owned by one segment; freed once it is searched.
///
/// Mapped with `mmap`, not `malloc`: glibc raises its mmap threshold once a large block is freed,
/// and the next segments then came from the heap, which grew with the stream (168 MB peak RSS for
/// 160 MB of stdin, 42 MB mapped).
package final class SegmentBuffer: @unchecked Sendable {
    package let start: Int
    package private(set) var storage: UnsafeMutableRawBufferPointer
    /// Bytes filled.
    package var count = 0
    /// Bytes from the start whose pages went back to the system (`discard(before:)`).
    private var discarded = 0
    /// Where the bytes this buffer was charged for go back as it is searched (`charge(_:bytes:)`).
    private var budget: SegmentMemoryBudget?
    private var charged = 0
    private var refunded = 0
    /// Searched bytes go back in whole huge pages (`SegmentBufferPool.hugePage`), not 4 KiB ones.
    private static let discardUnit = max(SegmentBufferPool.hugePage, SegmentBufferPool.pageSize)

    /// Where the mapping goes when the buffer is released (`SegmentBufferPool`); unmapped without.
    private let pool: SegmentBufferPool?

    /// `pool`: where the mapping comes from and goes back to (its capacity then).
    package init(start: Int, capacity: Int, pool: SegmentBufferPool? = nil) {
        self.start = start
        self.pool = pool
        storage = pool?.take() ?? SegmentBufferPool.map(max(1, capacity))
    }

    /// The search read the bytes before input offset `offset` for the last time: what was charged
    /// for them goes back to the budget, and without a pool their whole pages go back to the
    /// system, so that a segment's memory shrinks while it is searched instead of staying whole
    /// until its end (each of the segments in flight was 8 MB). A pooled buffer keeps its pages
    /// for the next segment (`SegmentBufferPool` says why).
    package func discard(before offset: Int) {
        guard let base = storage.baseAddress else { return }
        let end = min(storage.count, offset - start) / Self.discardUnit * Self.discardUnit
        guard end > discarded else { return }
        if pool == nil { madvise(base + discarded, end - discarded, MADV_DONTNEED) }
        discarded = end
        refund(upTo: end)
    }

    /// Records that `bytes` of `budget` were taken for this buffer: they go back as its pages do.
    package func charge(_ budget: SegmentMemoryBudget, bytes: Int) {
        self.budget = budget
        charged = bytes
    }

    /// Gives back what was charged for the first `freed` bytes and not given back yet.
    private func refund(upTo freed: Int) {
        guard let budget else { return }
        let due = min(charged, freed)
        budget.give(due - refunded)
        refunded = max(refunded, due)
    }

    /// Gives the memory back before the buffer object itself goes (the merge may keep the job).
    package func release() {
        guard let base = storage.baseAddress else { return }
        refund(upTo: Int.max)
        if let pool { pool.give(storage) } else { munmap(base, storage.count) }
        storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    }

    deinit { release() }
}

/// What one segment's search found; positions still relative to the range it read.
package struct SegmentResult {
    package var segment: Range<Int>
    var rangeStart = 0
    var hits: [SearchHit] = []
    var markers: [MarkerHit] = []
    var outcome = SearchOutcome()
    package var acceptedBytes = 0
    /// Newlines in the margin before the segment: the range's line 1 is that many lines before
    /// the segment's first.
    var newlinesBefore = 0
    var newlinesInside = 0
    /// Scalars after the last newline of the margin before the segment (all of them without
    /// one): the range's line 1 starts that far into the segment's first line, which may have
    /// begun before the range (a stream cut inside a line).
    var scalarsBefore = 0
    /// Scalars after the last newline inside the segment, and whether there is one.
    var scalarsAfterLastNewline = 0
}

/// One segment, searched on one thread with that thread's searcher (a searcher is not shared).
package final class SegmentJob: @unchecked Sendable {
    let bytes: SegmentBytes
    /// How far the readable bytes reach (a file's size, a buffer's end).
    let end: Int
    let display: String
    let markers: Bool
    package var result: SegmentResult
    /// The stream's segment before this one, until this one has taken the tokens it may start
    /// inside (`seed(for:margin:)`).
    private var previous: SegmentJob?
    private let searched = Condition()
    private var isSearched = false
    /// The truncated tokens still running on where this segment's search stopped (input offsets).
    private var overlongAtEnd = OverlongRuns()

    /// `previous`: a stream's segment before this one, whose search knows whether this one starts
    /// inside a truncated token (nil for a file's segments and a stream's first).
    package init(bytes: SegmentBytes, end: Int, display: String, segment: Range<Int>, markers: Bool, after previous: SegmentJob? = nil) {
        self.bytes = bytes
        self.end = end
        self.display = display
        self.markers = markers
        self.previous = previous
        result = SegmentResult(segment: segment)
    }

    package func run(with searcher: Searcher) {
        let segment = result.segment
        let margin = Segmenting.margin(of: searcher)
        var lowest = 0
        if case .memory(let buffer) = bytes { lowest = buffer.start }
        let range = max(lowest, segment.lowerBound - margin)..<min(end, segment.upperBound + margin)
        var source = SegmentSource(bytes: bytes, range: range, segment: segment)
        var hits: [SearchHit] = []
        var markerHits: [MarkerHit] = []
        let inside = (segment.lowerBound - range.lowerBound)..<(segment.upperBound - range.lowerBound)
        result.outcome = searcher.search(&source, path: display, live: false, seed: seed(for: range, margin: margin),
                                         onMarker: markers ? { if inside.contains($0.offset) { markerHits.append($0) } } : nil) { hit in
            if inside.contains(hit.byteRange.lowerBound) { hits.append(hit) }
        }
        result.rangeStart = range.lowerBound
        result.hits = hits
        result.markers = markerHits
        result.acceptedBytes = source.acceptedBytes
        result.newlinesBefore = source.before.newlines
        result.newlinesInside = source.inside.newlines
        result.scalarsBefore = source.before.scalarsAfterNewline
        result.scalarsAfterLastNewline = source.inside.scalarsAfterNewline
        if case .memory(let buffer) = bytes { buffer.release() }
        searched.lock()
        overlongAtEnd = searcher.overlongAtEnd.shifted(by: range.lowerBound)
        isSearched = true
        searched.broadcast()
        searched.unlock()
    }

    /// The truncated tokens of the segment before that this one's `range` starts inside, in the
    /// range's coordinates; their rest is skipped as one search of the whole stream skips it.
    ///
    /// Why: a segment cut inside a 50 MB token cannot see where the token began, and searched
    /// afresh it decoded each megabyte of it (95 MB peak RSS with two workers). The segment before
    /// knows: its search reaches past this range's start. Waiting for it would serialise the
    /// search, so this one waits only when it may start inside a token: when the first half of the
    /// margin holds no byte that ends every token (a space, a control byte, non-ASCII). Otherwise
    /// a run that covers the range's start ends within half a margin, and what the segment itself
    /// sees after it is what one whole search sees (the margin is twice what that takes). The
    /// choice depends on the bytes only, so `--jobs 1` makes the same one.
    private func seed(for range: Range<Int>, margin: Int) -> OverlongRuns {
        guard let previous else { return OverlongRuns() }
        self.previous = nil
        guard case .memory(let buffer) = bytes else { return OverlongRuns() }
        let probe = range.lowerBound..<min(range.lowerBound + margin / 2, result.segment.lowerBound)
        let base = buffer.storage.baseAddress!.assumingMemoryBound(to: UInt8.self) - buffer.start
        guard !probe.isEmpty, probe.allSatisfy({ base[$0] > 0x20 && base[$0] < 0x7F }) else { return OverlongRuns() }
        previous.searched.lock()
        while !previous.isSearched { previous.searched.wait() }
        let runs = previous.overlongAtEnd.runs.filter { $0.start < range.lowerBound }
        previous.searched.unlock()
        return OverlongRuns(runs).shifted(by: -range.lowerBound)
    }
}

/// A searcher handed to the thread that uses it (a searcher is used by one thread at a time).
package final class SearcherBox: @unchecked Sendable {
    package let searcher: Searcher
    package init(_ searcher: Searcher) { self.searcher = searcher }
}

/// Joins segments' results in order: absolute offsets, lines and columns, overlapping hits
/// grouped as the searcher groups them (also across a segment's edge), each limit kind named once.
package struct SegmentMerge {
    package var outcome = SearchOutcome()
    /// Newlines before the next segment.
    private var newlines = 0
    /// Scalars between the last newline before the next segment and its start.
    private var column = 0
    private var group = 0
    /// Where the current group of overlapping hits ends (absolute).
    package private(set) var groupEnd = -1

    package init() {}

    package mutating func add(_ result: SegmentResult, onMarker: ((MarkerHit) -> Void)?, onHit: (SearchHit) -> Void) {
        let offset = result.rangeStart
        let lines = newlines - result.newlinesBefore
        // Positions on the range's first line count from the range's start; that line began
        // `column` scalars before the segment when the margin before it holds no newline.
        let shift = result.newlinesBefore == 0 ? column - result.scalarsBefore : 0
        func place(_ position: inout TextPosition) {
            if position.line == 1 { position.column += shift }
            position.line += lines
        }
        for var hit in result.hits {
            hit.byteRange = (hit.byteRange.lowerBound + offset)..<(hit.byteRange.upperBound + offset)
            place(&hit.start)
            place(&hit.end)
            if hit.byteRange.lowerBound >= groupEnd { group += 1 }
            groupEnd = max(groupEnd, hit.byteRange.upperBound)
            hit.group = group
            onHit(hit)
        }
        for var marker in result.markers {
            marker.offset += offset
            place(&marker.position)
            onMarker?(marker)
        }
        outcome.bytes += result.acceptedBytes
        for var failure in result.outcome.failures where result.segment.contains(failure.offset + offset) {
            failure.offset += offset
            outcome.failures.append(failure)
        }
        for var limit in result.outcome.limits where !outcome.limits.contains(where: { $0.limit == limit.limit }) {
            limit.offset += offset
            outcome.limits.append(limit)
        }
        if let error = result.outcome.readError { outcome.readError = error }
        column = result.newlinesInside > 0 ? result.scalarsAfterLastNewline : column + result.scalarsAfterLastNewline
        newlines += result.newlinesInside
    }
}

/// Lines and the scalars of the last line in a stretch of bytes read piece by piece.
struct LineCount {
    var newlines = 0
    /// Scalars after the last newline (all of them while there is none).
    var scalarsAfterNewline = 0

    /// Counts `bytes`; scalars are counted after the last newline only.
    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        let count = Self.newlineCount(in: bytes)
        var tail = bytes[...]
        if count > 0 {
            newlines += count
            scalarsAfterNewline = 0
            tail = bytes[(bytes.lastIndex(of: 0x0A)! + 1)...]
        }
        var scalars = 0
        for byte in tail { scalars &+= byte & 0xC0 != 0x80 ? 1 : 0 }
        scalarsAfterNewline += scalars
    }
}

extension LineCount {
    /// Newlines in `bytes`, sixteen bytes at a time with SSE2 compares (baseline x86-64, which the
    /// release binary targets; NEON on arm64): per-lane counts for up to 255 blocks, then summed.
    /// A segment's lines are counted by the worker that reads it, a whole extra pass over a large
    /// log: the eight-byte SWAR loop before this cost 5 % of the benchmark's instructions.
    static func newlineCount(in bytes: UnsafeRawBufferPointer) -> Int {
        guard let first = bytes.baseAddress else { return 0 }
        let count = bytes.count
        let newline = SIMD16<UInt8>(repeating: 0x0A)
        let one = SIMD16<UInt8>(repeating: 1)
        var total = 0
        var index = 0
        while index + 16 <= count {
            var lanes = SIMD16<UInt8>()
            let blocks = min((count - index) / 16, 255)
            for _ in 0..<blocks {
                let block = first.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                lanes &+= SIMD16<UInt8>().replacing(with: one, where: block .== newline)
                index += 16
            }
            total += Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
        }
        while index < count {
            total &+= first.load(fromByteOffset: index, as: UInt8.self) == 0x0A ? 1 : 0
            index += 1
        }
        return total
    }
}

/// Reads `range` of a segment's bytes, counting the lines before `segment` and inside it. A
/// stream's segment, already in memory, is searched in place (`residentBytes`): its lines are
/// counted as the search releases them, a file's as they are read.
private struct SegmentSource: ByteSource {
    let bytes: SegmentBytes
    /// Where the next read starts; for resident bytes, how far the search has released them.
    var offset: Int
    let end: Int
    let segment: Range<Int>
    var acceptedBytes = 0
    var before = LineCount()
    var inside = LineCount()
    /// Where the resident bytes handed to the search begin (input offset).
    private var residentStart: Int?

    init(bytes: SegmentBytes, range: Range<Int>, segment: Range<Int>) {
        self.bytes = bytes
        offset = range.lowerBound
        end = range.upperBound
        self.segment = segment
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let wanted = min(buffer.count, end - offset)
        guard wanted > 0 else { return 0 }
        var count: Int
        switch bytes {
        case .file(let descriptor, let path):
            repeat {
                count = pread(descriptor, buffer.baseAddress, wanted, off_t(offset))
            } while count < 0 && errno == EINTR
            guard count >= 0 else { throw .posix(path, "read failed") }
        case .memory(let memory):
            count = wanted
            buffer.baseAddress!.copyMemory(from: memory.storage.baseAddress! + (offset - memory.start), byteCount: count)
            // Read once, in order: nothing reads these bytes again.
            memory.discard(before: offset + count)
        }
        account(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        return count
    }

    mutating func residentBytes() -> UnsafeRawBufferPointer? {
        guard case .memory(let memory) = bytes, let base = memory.storage.baseAddress else { return nil }
        residentStart = offset
        return UnsafeRawBufferPointer(start: base + (offset - memory.start), count: end - offset)
    }

    mutating func release(before released: Int) {
        guard case .memory(let memory) = bytes, let start = residentStart, let base = memory.storage.baseAddress else { return }
        let upTo = min(end, start + released)
        guard upTo > offset else { return }
        account(UnsafeRawBufferPointer(start: base + (offset - memory.start), count: upTo - offset))
        memory.discard(before: upTo)
    }

    /// Counts `read`, the bytes from `offset` on, as read: the lines before the segment and in it.
    private mutating func account(_ read: UnsafeRawBufferPointer) {
        let span = offset..<(offset + read.count)
        let beforeRange = span.clamped(to: span.lowerBound..<max(span.lowerBound, segment.lowerBound))
        let insideRange = span.clamped(to: segment)
        before.add(Self.part(of: read, at: beforeRange, from: offset))
        inside.add(Self.part(of: read, at: insideRange, from: offset))
        acceptedBytes += insideRange.count
        offset += read.count
    }

    /// The part `range` (input offsets) of `bytes`, which start at input offset `start`.
    private static func part(of bytes: UnsafeRawBufferPointer, at range: Range<Int>, from start: Int) -> UnsafeRawBufferPointer {
        guard !range.isEmpty else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: bytes[(range.lowerBound - start)..<(range.upperBound - start)])
    }
}
