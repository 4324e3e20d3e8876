import Glibc
import Synchronization
import TokenScanModel
import TokenScanSearch

/// A stream (stdin, a gzip file or gzip on stdin) searched on every thread of the scan: one thread
/// reads (and decompresses) it into segments (`StreamSegmenter`), the scan's searchers search them,
/// and the calling thread merges their hits in input order before anything judges them.
///
/// Why: decompression and search on one thread left the other cores idle on the largest inputs
/// (issue 18). The segments, their margins and the merge are those of a large file
/// (`Segmenting`), and one searcher searches the same segments one after another, so a report
/// does not depend on `--jobs` (design §8: chunks of one input are merged in order before
/// correlation).
///
/// Memory stays bounded: at most `searchers + 1` segments are in flight, from the one being read
/// to the last one not yet merged (each `StreamSegmenter.bytesPerSegment`, about 8.2 MiB): one
/// searched on each worker while the next is read, which keeps every core busy; more only raised
/// the peak (two per searcher: 68 MB RSS on stdin with two workers, over the 64 MB the stream
/// tests allow). And the bytes they hold are at most a segment's per worker
/// (`SegmentMemoryBudget`): a segment's pages go back as it is searched, and the next one is read
/// into what was given back.
package enum StreamSegments {

    /// Searches `source` in segments and hands the hits over in input order with absolute offsets,
    /// lines and groups. `searchers` are the calling worker's own and do not skip binary content;
    /// `binarySniffLength`: when set, a NUL byte in the first that many bytes makes the input
    /// binary (the searcher's own test). `onSettled`: after each segment's hits, the offset
    /// before which no later hit starts, so that a live stream's findings go out at once; and
    /// again with `quiet` set when a live pipe paused after them (`StreamPiece.quiet`),
    /// in order with the segments.
    package static func search(
        _ source: some ByteSource, live: Bool, path display: String, searchers: [Searcher], binarySniffLength: Int?,
        progress: ProgressCounter?, onMarker: ((MarkerHit) -> Void)?, onSettled: ((_ settled: Int, _ quiet: Bool) -> Void)?,
        onHit: (SearchHit) -> Void
    ) -> SearchOutcome {
        var segmenter = StreamSegmenter(source, margin: Segmenting.margin(of: searchers[0]), live: live, reuse: searchers.count == 1)
        var merged = SegmentMerge()
        let markers = onMarker != nil
        /// Each segment after the first is told the one before it: it may start inside a token
        /// that one saw begin (`SegmentJob.seed(for:margin:)`).
        func job(_ piece: (segment: Range<Int>, buffer: SegmentBuffer), after previous: SegmentJob?) -> SegmentJob {
            SegmentJob(bytes: .memory(piece.buffer), end: piece.buffer.start + piece.buffer.count, display: display,
                       segment: piece.segment, markers: markers, after: previous)
        }
        var settled = 0
        func merge(_ job: SegmentJob) {
            progress?.bytes.add(job.result.acceptedBytes, ordering: .relaxed)
            merged.add(job.result, onMarker: onMarker, onHit: onHit)
            settled = job.result.segment.upperBound
            onSettled?(settled, false)
        }
        /// The next segment; a pause before it is told on the way.
        func nextSegment() -> (segment: Range<Int>, buffer: SegmentBuffer)? {
            while let piece = segmenter.next() {
                switch piece {
                case .segment(let segment, let buffer): return (segment, buffer)
                case .quiet: onSettled?(settled, true)
                }
            }
            return nil
        }
        guard let first = nextSegment() else {
            merged.outcome.readError = segmenter.readError
            return merged.outcome
        }
        if let length = binarySniffLength, first.buffer.count > 0,
            let nul = memchr(first.buffer.storage.baseAddress!, 0, min(length, first.buffer.count)) {
            merged.outcome.bytes = first.buffer.count
            merged.outcome.binaryAt = UnsafeRawPointer(first.buffer.storage.baseAddress!).distance(to: UnsafeRawPointer(nul))
            return merged.outcome
        }
        if searchers.count == 1 || segmenter.finished {
            var piece: (segment: Range<Int>, buffer: SegmentBuffer)? = first
            var previous: SegmentJob?
            while let current = piece {
                let searching = job(current, after: previous)
                searching.run(with: searchers[0])
                merge(searching)
                previous = searching
                piece = nextSegment()
            }
            merged.outcome.readError = segmenter.readError
            return merged.outcome
        }
        let flow = SegmentFlow(limit: searchers.count + 1)
        let queue = WorkQueue<(Int, SegmentJob)>(capacity: Int.max)
        let reading = ReaderState(segmenter)
        // A segment's worth of bytes not yet searched per worker: the next segment is read once
        // the workers have searched that much, and its bytes are given back as they are searched.
        let perSegment = segmenter.bytesPerSegment
        let budget = SegmentMemoryBudget(limit: searchers.count * perSegment)
        flow.acquire()
        budget.take(perSegment)
        first.buffer.charge(budget, bytes: perSegment)
        let firstJob = job(first, after: nil)
        queue.push((0, firstJob))
        let reader = NativeThread(stackSize: 1 << 20) { [reading, flow, queue, budget] in
            var index = 1
            var previous = firstJob
            while true {
                flow.acquire()
                budget.take(perSegment)
                guard let piece = reading.segmenter.next() else {
                    budget.give(perSegment)
                    flow.release()
                    break
                }
                guard case .segment(let segment, let buffer) = piece else {
                    // A pause: told after the segments read before it are merged.
                    budget.give(perSegment)
                    flow.release()
                    flow.quiet(before: index)
                    continue
                }
                buffer.charge(budget, bytes: perSegment)
                // A searcher may wait for the segment before (FIFO: it is searched or being searched).
                let next = SegmentJob(bytes: .memory(buffer), end: buffer.start + buffer.count,
                                      display: display, segment: segment, markers: markers, after: previous)
                queue.push((index, next))
                previous = next
                index += 1
            }
            flow.endOfInput(segments: index)
            queue.close()
        }
        let threads = searchers.map { searcher in
            let box = SearcherBox(searcher)
            return NativeThread(stackSize: 4 << 20) { [box, flow, queue] in
                while let (index, job) = queue.pop() {
                    job.run(with: box.searcher)
                    flow.searched(job, index: index)
                }
            }
        }
        var index = 0
        while let taken = flow.take(index) {
            guard let searched = taken else {
                onSettled?(settled, true)
                continue
            }
            merge(searched)
            flow.release()
            index += 1
        }
        reader.join()
        for thread in threads { thread.join() }
        merged.outcome.readError = reading.segmenter.readError
        return merged.outcome
    }
}

/// The segmenter, handed to the reading thread (only that thread uses it until it is joined).
private final class ReaderState<Source: ByteSource>: @unchecked Sendable {
    var segmenter: StreamSegmenter<Source>
    init(_ segmenter: StreamSegmenter<Source>) { self.segmenter = segmenter }
}
