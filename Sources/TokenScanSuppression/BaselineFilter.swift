import Foundation
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch

/// A baseline in use during a scan: answers "is this accepted?" from any worker thread and
/// remembers which entries matched, for `--report-unused`.
public final class BaselineFilter: @unchecked Sendable {
    public let baseline: Baseline
    private let byFingerprint: [String: [Int]]
    private let lock = NSLock()
    private var used: Set<Int> = []

    public init(_ baseline: Baseline) {
        self.baseline = baseline
        byFingerprint = Dictionary(grouping: baseline.entries.indices, by: { baseline.entries[$0].fingerprint })
    }

    public func accepts(fingerprint: String, path: String) -> Bool {
        guard let candidates = byFingerprint[fingerprint] else { return false }
        let matching = candidates.filter { baseline.entries[$0].path == path || baseline.entries[$0].path == "*" }
        guard !matching.isEmpty else { return false }
        lock.lock()
        used.formUnion(matching)
        lock.unlock()
        return true
    }

    /// Entries no finding matched: accepted secrets that are gone (or moved), safe to remove.
    public var unusedEntries: [Baseline.Entry] {
        lock.lock()
        defer { lock.unlock() }
        return baseline.entries.indices.filter { !used.contains($0) }.map { baseline.entries[$0] }
    }
}
