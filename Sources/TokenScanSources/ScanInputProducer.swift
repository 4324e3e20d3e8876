import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSuppression

/// A source that produces its inputs while the scan runs, instead of listing them up front.
///
/// Why: a repository's history can be larger than memory. A producer reads its source
/// incrementally and hands each input over as soon as it is complete; `Scanner` blocks it while
/// the work queue is full, so memory stays bounded by the queue, not by the source.
public protocol ScanInputProducer: Sendable {
    associatedtype Failure: Error

    /// Calls `emit` once per input, in report order. Throws when the source fails; inputs emitted
    /// before the failure are still scanned and reported, and the run then ends with an error.
    func produce(_ emit: (ScanInput) -> Void) throws(Failure)
}
