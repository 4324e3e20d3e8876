import Synchronization
import TokenFormats

/// Live counters of a running scan, updated by the workers and read by the progress line.
public final class ProgressCounter: Sendable {
    public let bytes = Atomic<Int>(0)
    public let inputs = Atomic<Int>(0)
    public let findings = Atomic<Int>(0)
    public init() {}
}
