import TokenScanModel

/// Segments in flight (bounded), and the searched ones waiting to be merged in order: shared by a
/// stream's reader and a large file's searching threads (`StreamSegments`, `FileSegments`) and the
/// thread that merges.
final class SegmentFlow: @unchecked Sendable {
    private let condition = Condition()
    private let limit: Int
    private var inFlight = 0
    private var searched: [Int: SegmentJob] = [:]
    /// Pauses of a live pipe, each by the index of the first segment read after it.
    private var quiets = Set<Int>()
    private var total: Int?
    /// The merge stopped (a read error): no more segments are taken.
    private var cancelled = false
    /// Segments claimed so far (`claim()`).
    private var claimed = 0

    init(limit: Int) { self.limit = limit }

    /// Waits for room for one more segment; false (and nothing taken) once cancelled.
    @discardableResult
    func acquire() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while inFlight >= limit && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        inFlight += 1
        return true
    }

    /// The index of the next segment for a thread that searches them in turn (0, 1, 2 …).
    func claim() -> Int {
        condition.lock()
        defer { condition.unlock() }
        claimed += 1
        return claimed - 1
    }

    /// No segment after those taken is wanted: waiting and later `acquire` calls return false.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// A segment is merged (or was never read): room for another.
    func release() {
        condition.lock()
        inFlight -= 1
        condition.broadcast()
        condition.unlock()
    }

    func searched(_ job: SegmentJob, index: Int) {
        condition.lock()
        searched[index] = job
        condition.broadcast()
        condition.unlock()
    }

    /// The stream is read: `segments` segments in all.
    func endOfInput(segments: Int) {
        condition.lock()
        total = segments
        condition.broadcast()
        condition.unlock()
    }

    /// A live pipe paused after the segments before `index` were read.
    func quiet(before index: Int) {
        condition.lock()
        quiets.insert(index)
        condition.broadcast()
        condition.unlock()
    }

    /// Segment `index` once it is searched, or `.some(nil)` for a pause before it (the segments
    /// before it are merged: the caller took them); nil when there is no such segment.
    func take(_ index: Int) -> SegmentJob?? {
        condition.lock()
        defer { condition.unlock() }
        while searched[index] == nil {
            if quiets.remove(index) != nil { return .some(nil) }
            if let total, index >= total { return nil }
            condition.wait()
        }
        // A pause before this segment comes before it, even when both are ready.
        if quiets.remove(index) != nil { return .some(nil) }
        return searched.removeValue(forKey: index)
    }
}
