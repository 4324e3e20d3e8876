import Synchronization
import TokenFormats

/// Live counters of a running scan, updated by the workers and read by the progress line.
public final class ProgressCounter: Sendable {
    public let bytes = Atomic<Int>(0)
    public let inputs = Atomic<Int>(0)
    public let findings = Atomic<Int>(0)
    /// How many inputs the scan has in all, once the walk (or the source) is complete; -1 before.
    public let total = Atomic<Int>(-1)
    public init() {}
}
