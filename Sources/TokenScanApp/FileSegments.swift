import Glibc
import Synchronization
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// A large regular file searched as segments on several threads at once, its hits merged back in
/// input order before anything judges them.
///
/// Why: a tree's last big log, or a single multi-gigabyte file, would otherwise keep one core busy
/// while the others idle. Where the segments start depends on the file only (a newline after every
/// `segmentBytes`), never on the number of threads, and each segment is searched with a margin of
/// the bytes around it (lookbehind, the decoding lookback, the longest match and its line
/// context); it keeps the hits whose secret starts inside it. So one thread and several find the
/// same hits in the same order, and reports do not depend on `--jobs` (design §8: chunks of one
/// input are merged in order before correlation).
package struct FileSegments {
    /// Bytes per segment: large enough that the margins re-read around it cost about 1 %, small
    /// enough that a 64 MB log makes work for several cores.
    package static let segmentBytes = 8 << 20
    /// How far past its mark a segment's end may move to reach a newline; a stretch without one
    /// stays in the segment before it.
    static let newlineReach = 64 << 10

    package let descriptor: Int32
    package let path: String
    /// The size when the file was opened: what is read, as for any file (see `FileDescriptorSource`).
    package let size: Int
    package let segments: [Range<Int>]

    /// Nil when the file is too small to be worth splitting, or has no line ends to split at.
    package init?(_ file: FileDescriptorSource) {
        guard let size = file.sizeAtOpen, size >= 2 * Self.segmentBytes else { return nil }
        var starts = [0]
        var window = [UInt8](repeating: 0, count: Self.newlineReach)
        var mark = Self.segmentBytes
        while mark < size {
            let count = window.withUnsafeMutableBytes { pread(file.descriptor, $0.baseAddress, $0.count, off_t(mark)) }
            guard count > 0 else { break }
            if let newline = window[..<count].firstIndex(of: 0x0A), mark + newline + 1 < size {
                starts.append(mark + newline + 1)
            }
            mark += Self.segmentBytes
        }
        guard starts.count > 1 else { return nil }
        descriptor = file.descriptor
        path = file.path
        self.size = size
        segments = zip(starts, starts.dropFirst() + [size]).map { $0..<$1 }
    }

    /// A NUL byte in the first `length` bytes: the file is binary (the searcher's own test, which
    /// only the first segment would make).
    package func startsBinary(within length: Int) -> Bool {
        var head = [UInt8](repeating: 0, count: min(length, size))
        let count = head.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        return count > 0 && head[..<count].contains(0)
    }

    /// Searches every segment, `searchers.count` at a time (one thread each), and hands the hits
    /// over in input order with absolute offsets, lines and groups, as one search of the whole
    /// file would. `searchers` are the calling worker's own and must not skip binary content.
    /// Memory stays bounded: one round of segments' hits at a time.
    package func search(
        path display: String, searchers: [Searcher], progress: ProgressCounter?,
        onMarker: ((MarkerHit) -> Void)?, onHit: (SearchHit) -> Void
    ) -> SearchOutcome {
        var merged = SegmentMerge()
        var next = 0
        while next < segments.count && merged.outcome.readError == nil {
            let round = segments[next..<min(segments.count, next + searchers.count)]
            let jobs = zip(round, searchers).map { segment, searcher in
                SegmentJob(file: self, display: display, segment: segment, searcher: searcher, markers: onMarker != nil)
            }
            let threads = jobs.dropFirst().map { job in NativeThread(stackSize: 4 << 20) { job.run() } }
            jobs[0].run()
            for thread in threads { thread.join() }
            for job in jobs {
                progress?.bytes.add(job.result.acceptedBytes, ordering: .relaxed)
                merged.add(job.result, onMarker: onMarker, onHit: onHit)
                if merged.outcome.readError != nil { break }
            }
            next += round.count
        }
        if merged.outcome.readError == nil, let error = FileDescriptorSource.growth(of: descriptor, path: path, sizeAtOpen: size) {
            merged.outcome.readError = error
        }
        return merged.outcome
    }

    /// Bytes searched on each side of a segment beyond it: lookbehind context, the decoding
    /// lookback (an escape far before a secret), and the longest match with its line context,
    /// twice over, so that the matches near a segment's edges are those of a whole-file search.
    static func margin(of searcher: Searcher) -> Int {
        let options = searcher.options
        return 2 * (options.leftContext + EscapeLayer.radius + SplitTokenJoiner.leftReach
            + 2 * (searcher.matcher.maxMatchLength + 1) + options.contextLimit)
    }
}

/// What one segment's search found; positions still relative to the range it read.
private struct SegmentResult {
    var segment: Range<Int>
    var rangeStart = 0
    var hits: [SearchHit] = []
    var markers: [MarkerHit] = []
    var outcome = SearchOutcome()
    var acceptedBytes = 0
    /// Newlines in the margin before the segment: the range's line 1 is that many lines before
    /// the segment's first.
    var newlinesBefore = 0
    var newlinesInside = 0
}

/// One segment searched on one thread with one searcher (a searcher is not shared).
private final class SegmentJob: @unchecked Sendable {
    let file: FileSegments
    let display: String
    let searcher: Searcher
    let markers: Bool
    var result: SegmentResult

    init(file: FileSegments, display: String, segment: Range<Int>, searcher: Searcher, markers: Bool) {
        self.file = file
        self.display = display
        self.searcher = searcher
        self.markers = markers
        result = SegmentResult(segment: segment)
    }

    func run() {
        let segment = result.segment
        let margin = FileSegments.margin(of: searcher)
        let range = max(0, segment.lowerBound - margin)..<min(file.size, segment.upperBound + margin)
        var source = SegmentSource(descriptor: file.descriptor, path: file.path, range: range, segment: segment)
        var hits: [SearchHit] = []
        var markerHits: [MarkerHit] = []
        let inside = (segment.lowerBound - range.lowerBound)..<(segment.upperBound - range.lowerBound)
        result.outcome = searcher.search(&source, path: display, live: false,
                                         onMarker: markers ? { if inside.contains($0.offset) { markerHits.append($0) } } : nil) { hit in
            if inside.contains(hit.byteRange.lowerBound) { hits.append(hit) }
        }
        result.rangeStart = range.lowerBound
        result.hits = hits
        result.markers = markerHits
        result.acceptedBytes = source.acceptedBytes
        result.newlinesBefore = source.newlinesBefore
        result.newlinesInside = source.newlinesInside
    }
}

/// Joins segments' results in order: absolute offsets and lines, overlapping hits grouped as the
/// searcher groups them (also across a segment's edge), each limit kind named once.
private struct SegmentMerge {
    var outcome = SearchOutcome()
    /// Newlines before the next segment.
    private var newlines = 0
    private var group = 0
    private var groupEnd = -1

    mutating func add(_ result: SegmentResult, onMarker: ((MarkerHit) -> Void)?, onHit: (SearchHit) -> Void) {
        let offset = result.rangeStart
        let lines = newlines - result.newlinesBefore
        for var hit in result.hits {
            hit.byteRange = (hit.byteRange.lowerBound + offset)..<(hit.byteRange.upperBound + offset)
            hit.start.line += lines
            hit.end.line += lines
            if hit.byteRange.lowerBound >= groupEnd { group += 1 }
            groupEnd = max(groupEnd, hit.byteRange.upperBound)
            hit.group = group
            onHit(hit)
        }
        for var marker in result.markers {
            marker.offset += offset
            marker.position.line += lines
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
        newlines += result.newlinesInside
    }
}

/// Reads `range` of a file with `pread` (the segments of one file are read by several threads at
/// once: no shared file offset), counting the newlines before `segment` and inside it.
private struct SegmentSource: ByteSource {
    let descriptor: Int32
    let path: String
    var offset: Int
    let end: Int
    let segment: Range<Int>
    var acceptedBytes = 0
    var newlinesBefore = 0
    var newlinesInside = 0

    init(descriptor: Int32, path: String, range: Range<Int>, segment: Range<Int>) {
        self.descriptor = descriptor
        self.path = path
        offset = range.lowerBound
        end = range.upperBound
        self.segment = segment
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let wanted = min(buffer.count, end - offset)
        guard wanted > 0 else { return 0 }
        var count: Int
        repeat {
            count = pread(descriptor, buffer.baseAddress, wanted, off_t(offset))
        } while count < 0 && errno == EINTR
        guard count >= 0 else { throw .posix(path, "read failed") }
        let read = offset..<(offset + count)
        let before = read.clamped(to: read.lowerBound..<max(read.lowerBound, segment.lowerBound))
        let inside = read.clamped(to: segment)
        newlinesBefore += Self.newlines(in: buffer, at: before, from: offset)
        newlinesInside += Self.newlines(in: buffer, at: inside, from: offset)
        acceptedBytes += inside.count
        offset += count
        return count
    }

    /// Newlines in the part `range` (file offsets) of `buffer`, which starts at file offset `start`.
    /// Eight bytes at a time: `memchr` per line costs more on short log lines, and the byte loop
    /// was not vectorised (6 % of a log scan's time on the benchmark corpus).
    private static func newlines(in buffer: UnsafeMutableRawBufferPointer, at range: Range<Int>, from start: Int) -> Int {
        guard !range.isEmpty, let base = buffer.baseAddress else { return 0 }
        let first = base + (range.lowerBound - start)
        let count = range.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        var total = 0
        var index = 0
        while index + 8 <= count {
            // Bytes equal to 0x0A become zero; then the high bit of each zero byte is set, no
            // other bit; moved to each byte's low bit, the multiply adds them up in the top byte
            // (no popcnt: the release binary targets baseline x86-64).
            let word = first.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ (ones &* 0x0A)
            let zeros = ~(((word & low7) &+ low7) | word | low7)
            total &+= Int(truncatingIfNeeded: ((zeros >> 7) &* ones) >> 56)
            index += 8
        }
        while index < count {
            total &+= first.load(fromByteOffset: index, as: UInt8.self) == 0x0A ? 1 : 0
            index += 1
        }
        return total
    }
}
