import Glibc
import TokenScanModel

/// The mappings of a stream's searched segments, kept for its next ones.
///
/// Why this exists: each segment of stdin or a decompressed stream was a fresh 8 MB mapping whose
/// pages faulted in as the stream was read into them, and whose searched pages were given back
/// (`madvise`) as the search went on — so every byte of the stream cost its share of a page fault
/// and of zeroing a page: 106,000 faults and 0.4 s of system time for 415 MB with one worker, where
/// 955d3d3 (which read in place) had 1,700 (`/usr/bin/time`, `scripts/bench`'s stream row). A
/// mapping handed back here keeps its pages and is written over by a later segment.
///
/// What it costs: the kept mappings stay resident, at most `limit` of them, and a pooled buffer's
/// searched pages are not given back while it is searched: one worker's stream holds two whole
/// segments (17 MB) instead of about one (`StreamSegmenter` pools for one worker only).
/// Thread-safe: a buffer may be given back by another thread than the one that took it.
package final class SegmentBufferPool: @unchecked Sendable {
    /// Bytes per mapping: every buffer of one stream has the same capacity.
    private let capacity: Int
    private let limit: Int
    private let lock = Lock()
    private var free: [UnsafeMutableRawBufferPointer] = []

    package init(capacity: Int, limit: Int) {
        self.capacity = max(1, capacity)
        self.limit = limit
    }

    /// A kept mapping, or a new one.
    package func take() -> UnsafeMutableRawBufferPointer {
        lock.lock()
        let kept = free.popLast()
        lock.unlock()
        if let kept { return kept }
        return Self.map(capacity)
    }

    /// Keeps `storage` for a later segment, or unmaps it when `limit` are kept already.
    package func give(_ storage: UnsafeMutableRawBufferPointer) {
        guard let base = storage.baseAddress else { return }
        lock.lock()
        let keep = free.count < limit && storage.count == capacity
        if keep { free.append(storage) }
        lock.unlock()
        if !keep { munmap(base, storage.count) }
    }

    /// A private anonymous mapping of `size` bytes.
    package static func map(_ size: Int) -> UnsafeMutableRawBufferPointer {
        let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        precondition(mapped != MAP_FAILED, "cannot map \(size) bytes for a segment: \(String(cString: strerror(errno)))")
        return UnsafeMutableRawBufferPointer(start: mapped, count: size)
    }

    deinit {
        for storage in free { munmap(storage.baseAddress!, storage.count) }
    }
}
