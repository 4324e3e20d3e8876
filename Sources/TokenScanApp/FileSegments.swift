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
/// The margin, the search of one segment and the merge are `Segmenting`'s, shared with streams.
package struct FileSegments {

    package let descriptor: Int32
    package let path: String
    /// The size when the file was opened: what is read, as for any file (see `FileDescriptorSource`).
    package let size: Int
    package let segments: [Range<Int>]

    /// Nil when the file is too small to be worth splitting, or has no line ends to split at.
    /// Large enough to be split: at least two segments' worth.
    package static func isLarge(_ file: FileDescriptorSource) -> Bool {
        (file.sizeAtOpen ?? 0) >= 2 * Segmenting.segmentBytes
    }

    package init?(_ file: FileDescriptorSource) {
        guard FileSegments.isLarge(file), let size = file.sizeAtOpen else { return nil }
        var starts = [0]
        var window = [UInt8](repeating: 0, count: Segmenting.newlineReach)
        var mark = Segmenting.segmentBytes
        // A stretch without a newline within reach of a mark stays in the segment before it.
        while mark < size {
            let count = window.withUnsafeMutableBytes { pread(file.descriptor, $0.baseAddress, $0.count, off_t(mark)) }
            guard count > 0 else { break }
            if let start = window.withUnsafeBytes({ Segmenting.start(atMark: mark, window: UnsafeRawBufferPointer(rebasing: $0[..<count])) }),
                start < size {
                starts.append(start)
            }
            mark += Segmenting.segmentBytes
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

    /// Searches every segment on `searchers.count` threads (one searcher each, each taking the next
    /// segment as it finishes one) and hands the hits over in input order with absolute offsets,
    /// lines and groups, as one search of the whole file would; the calling thread merges.
    /// `searchers` are the calling worker's own and must not skip binary content. Memory stays
    /// bounded: at most one searched segment per thread and one more wait to be merged.
    ///
    /// Why a pipeline and not rounds: searched `searchers.count` at a time, each round waited for
    /// its slowest segment and then for its merge on one thread (2 ms between rounds, `strace`),
    /// and two workers made a 67 MB log only 1.33x faster than one (`scripts/bench`).
    package func search(
        path display: String, searchers: [Searcher], progress: ProgressCounter?,
        onMarker: ((MarkerHit) -> Void)?, onHit: (SearchHit) -> Void
    ) -> SearchOutcome {
        var merged = SegmentMerge()
        let flow = SegmentFlow(limit: searchers.count + 1)
        flow.endOfInput(segments: segments.count)
        let markers = onMarker != nil
        let (descriptor, path, size, segments) = (descriptor, path, size, segments)
        let threads = searchers.map { searcher in
            let box = SearcherBox(searcher)
            return NativeThread(stackSize: 4 << 20) { [flow, box] in
                while flow.acquire() {
                    let index = flow.claim()
                    guard index < segments.count else {
                        flow.release()
                        break
                    }
                    let job = SegmentJob(bytes: .file(descriptor: descriptor, path: path), end: size, display: display,
                                         segment: segments[index], markers: markers)
                    job.run(with: box.searcher)
                    flow.searched(job, index: index)
                }
            }
        }
        var index = 0
        while let taken = flow.take(index), let job = taken {
            progress?.bytes.add(job.result.acceptedBytes, ordering: .relaxed)
            merged.add(job.result, onMarker: onMarker, onHit: onHit)
            flow.release()
            index += 1
            if merged.outcome.readError != nil {
                flow.cancel()
                break
            }
        }
        for thread in threads { thread.join() }
        if merged.outcome.readError == nil, let error = FileDescriptorSource.growth(of: descriptor, path: path, sizeAtOpen: size) {
            merged.outcome.readError = error
        }
        return merged.outcome
    }
}

