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

    /// A private anonymous mapping of `size` bytes, aligned to `hugePage` and asked to be backed by
    /// transparent huge pages.
    ///
    /// Why: with two workers each segment is a fresh mapping whose pages go back as it is searched
    /// (kept whole, three 8 MB segments in flight took a 1 GiB stream's peak RSS over the 64 MB its
    /// test allows); in 4 KiB pages every page of a stream faulted in once, 106,000 faults and
    /// 0.2 s of system time per 415 MB of stdin, and two workers were slower than one. In 2 MiB
    /// pages it is four faults a segment. Where transparent huge pages are off (`never`) the advice
    /// changes nothing; the kernel zeroes the same bytes either way.
    package static func map(_ size: Int) -> UnsafeMutableRawBufferPointer {
        // Mapped one huge page longer and trimmed to an aligned start: only whole aligned huge
        // pages can be backed by one. The tail is cut from the page after the buffer's last byte
        // (`munmap` refuses an address off a page boundary: the tail of a segment's length, which
        // is no multiple of the page size, stayed mapped, about 1 MiB per segment).
        let pages = (size + pageSize - 1) / pageSize * pageSize
        let length = pages + hugePage
        let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        precondition(mapped != MAP_FAILED, "cannot map \(size) bytes for a segment: \(String(cString: strerror(errno)))")
        let raw = UInt(bitPattern: mapped)
        let aligned = (raw + UInt(hugePage - 1)) & ~UInt(hugePage - 1)
        let head = Int(aligned - raw)
        if head > 0 { munmap(mapped, head) }
        let tail = length - head - pages
        if tail > 0 { munmap(mapped! + head + pages, tail) }
        let base = mapped! + head
        madvise(base, size, MADV_HUGEPAGE)
        return UnsafeMutableRawBufferPointer(start: base, count: size)
    }

    /// The size of a transparent huge page on x86-64 and of the unit in which a segment's searched
    /// pages go back (`SegmentBuffer.discard(before:)`): a part of a huge page given back would
    /// split it.
    package static let hugePage = 2 << 20
    package static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    deinit {
        for storage in free { munmap(storage.baseAddress!, storage.count) }
    }
}
