import Glibc
import TokenScanModel

/// What `StreamSegmenter.next()` hands out.
package enum StreamPiece {
    /// The next segment and the buffer that holds it (with the margins read).
    case segment(Range<Int>, SegmentBuffer)
    /// A live pipe has been without input for `LiveInput.idleMilliseconds`, and every byte read
    /// before the pause is in the segments handed out before this.
    case quiet
}

/// Cuts a stream (stdin, decompressed gzip) into segments as it reads it, each in a buffer of its
/// own with the margins around it, so that other threads can search it while the stream is read on.
///
/// Where a segment ends depends on the bytes only, as for a file (`Segmenting.start(atMark:)`):
/// just after the first newline past each mark. A stretch without a newline there is cut at the
/// mark (a file's segment could grow instead; a stream's must not, or a 1 GiB line would be held
/// whole). A live pipe is also cut when it pauses: what arrived is handed out after
/// `LiveInput.idleMilliseconds` without input (design §8: the held-back tail is judged after
/// about 200 ms of quiet), and its complete lines at most that long after they arrived while it
/// trickles without pausing, so a finding never waits for a segment to fill.
///
/// A live pipe's quiet is also told on its own (`StreamPiece.quiet`): once per pause, after the
/// segment a pause cut or, when a pause finds nothing unread, on its own. What correlation keeps
/// back in a live stream waits for it (`Scanner`), and a pipe that stays open and silent must not
/// keep it.
package struct StreamSegmenter<Source: ByteSource> {
    private var source: Source
    private let margin: Int
    private let live: Bool
    private let capacity: Int
    /// Where the next segment starts; its buffer holds the bytes from `margin` before it.
    private var segmentStart = 0
    private var buffer: SegmentBuffer
    private var ended = false
    /// When the last bytes came (monotonic milliseconds).
    private var lastInput = 0
    /// The pause since the last input was told (`Piece.quiet`), or is due right after the
    /// segment it cut.
    private var quietTold = false
    private var quietDue = false
    package private(set) var finished = false
    /// The stream failed (a read error, corrupt gzip): the segments before it hold what was read.
    package private(set) var readError: InputError?

    /// The mappings of searched segments, reused for the next ones (one worker only).
    private let pool: SegmentBufferPool?

    /// `reuse`: keep the mappings of searched segments for the next ones (`SegmentBufferPool`),
    /// for one worker: its two (the segment searched and the one read meanwhile) are then used
    /// over and over without a page fault. With more workers, the reader runs ahead of them by
    /// what they have searched, and a segment's pages go back as it is searched (kept, more
    /// segments would be resident at once): their faults are spread over the cores.
    package init(_ source: Source, margin: Int, live: Bool, reuse: Bool) {
        self.source = source
        self.margin = margin
        self.live = live
        capacity = Segmenting.segmentBytes + Segmenting.newlineReach + 2 * margin
        pool = reuse ? SegmentBufferPool(capacity: capacity, limit: 2) : nil
        buffer = SegmentBuffer(start: 0, capacity: capacity, pool: pool)
        lastInput = Self.milliseconds()
    }

    /// Bytes a segment and its margins take at most: what bounds the memory of segments in flight.
    package var bytesPerSegment: Int { capacity }

    /// The next segment, or a live pipe's pause; nil after the last segment.
    package mutating func next() -> StreamPiece? {
        guard !finished else { return nil }
        if quietDue {
            quietDue = false
            return .quiet
        }
        // Nothing unread: a live pipe's next pause is told once it has lasted, not only once more
        // bytes come.
        if live && !quietTold && !ended && dataEnd == segmentStart {
            let wait = lastInput + LiveInput.idleMilliseconds - Self.milliseconds()
            if wait <= 0 || !source.waitForInput(milliseconds: wait) {
                quietTold = true
                return .quiet
            }
        }
        let mark = Segmenting.mark(after: segmentStart)
        // Enough to find the cut after the mark and the margin after that cut.
        let needed = mark + Segmenting.newlineReach + margin
        var timedCut: Int?
        var lineSince: Int? = hasNewline(from: segmentStart) ? Self.milliseconds() : nil
        while dataEnd < needed && !ended {
            if live && dataEnd > segmentStart {
                let quiet = lastInput + LiveInput.idleMilliseconds
                let deadline = min(quiet, lineSince.map { $0 + LiveInput.idleMilliseconds } ?? quiet)
                let wait = deadline - Self.milliseconds()
                if wait <= 0 || !source.waitForInput(milliseconds: wait) {
                    if Self.milliseconds() >= quiet {
                        timedCut = dataEnd
                        quietDue = true
                        quietTold = true
                        break
                    }
                    if let line = lastNewline(from: segmentStart) {
                        timedCut = line + 1
                        break
                    }
                    continue
                }
            }
            let free = UnsafeMutableRawBufferPointer(rebasing: buffer.storage[buffer.count..<(needed - buffer.start)])
            let count: Int
            do {
                count = try source.read(into: free)
            } catch {
                readError = error
                ended = true
                break
            }
            guard count > 0 else {
                ended = true
                break
            }
            buffer.count += count
            lastInput = Self.milliseconds()
            quietTold = false
            if live && lineSince == nil && memchr(free.baseAddress!, 0x0A, count) != nil { lineSince = lastInput }
        }
        let cut = timedCut ?? contentCut(at: mark)
        let segment = segmentStart..<cut
        let full = buffer
        if ended && cut == dataEnd {
            finished = true
        } else {
            // The next buffer starts with the margin before the cut and what was read past it.
            let carried = max(full.start, cut - margin)
            buffer = SegmentBuffer(start: carried, capacity: capacity, pool: pool)
            buffer.count = dataEnd(of: full) - carried
            buffer.storage.baseAddress!.copyMemory(from: full.storage.baseAddress! + (carried - full.start), byteCount: buffer.count)
            segmentStart = cut
        }
        return .segment(segment, full)
    }

    private var dataEnd: Int { dataEnd(of: buffer) }

    private func dataEnd(of buffer: SegmentBuffer) -> Int { buffer.start + buffer.count }

    /// Where the segment ends when no pause cut it: after the first newline past `mark`, at the
    /// mark when there is none within reach, or where the stream ended.
    private func contentCut(at mark: Int) -> Int {
        let end = dataEnd
        guard end > mark else { return end }
        let window = UnsafeRawBufferPointer(rebasing: buffer.storage[(mark - buffer.start)..<(end - buffer.start)])
        if let start = Segmenting.start(atMark: mark, window: window) { return start }
        return ended && end < mark + Segmenting.newlineReach ? end : mark
    }

    private func hasNewline(from offset: Int) -> Bool { lastNewline(from: offset) != nil }

    /// The last newline at or after `offset` in what was read.
    private func lastNewline(from offset: Int) -> Int? {
        let start = offset - buffer.start
        guard buffer.count > start else { return nil }
        return UnsafeRawBufferPointer(rebasing: buffer.storage[start..<buffer.count]).lastIndex(of: 0x0A).map { offset + $0 }
    }

    private static func milliseconds() -> Int { LiveInput.monotonicMilliseconds() }
}
