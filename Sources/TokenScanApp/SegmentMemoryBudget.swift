import TokenScanModel

/// Bytes that a stream's segments may hold at once, taken by the reading thread before it fills a
/// segment and given back by the workers as they search it (`SegmentBuffer.discard(before:)`).
///
/// Why bytes and not only segments: with a segment read ahead for each worker to take next, three
/// full 8 MB segments could be held at once (68 MB peak RSS on a 50 MB stdin with two workers,
/// over the 64 MB the stream tests allow). Counting the bytes not yet searched lets the next
/// segment be read as soon as the workers have searched a segment's worth, so they are still fed
/// while at most `limit` bytes are held.
package final class SegmentMemoryBudget: @unchecked Sendable {
    private let condition = Condition()
    private var available: Int

    /// `limit` must hold at least one segment, or reading would wait for ever.
    package init(limit: Int) { available = limit }

    /// Waits until `bytes` are free, then takes them.
    package func take(_ bytes: Int) {
        condition.lock()
        while available < bytes { condition.wait() }
        available -= bytes
        condition.unlock()
    }

    package func give(_ bytes: Int) {
        guard bytes > 0 else { return }
        condition.lock()
        available += bytes
        condition.broadcast()
        condition.unlock()
    }
}
