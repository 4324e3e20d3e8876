import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch

/// A baseline in use during a scan: answers "is this accepted?" from any worker thread and
/// remembers which entries matched, for `--report-unused` and `--write-baseline`.
///
/// Entries of the v1 fingerprint derivation still match for one release (design §8): a finding
/// is then also compared by its v1 fingerprint, computed only when the baseline has such entries,
/// and the entry it matched is remembered with the finding's v2 fingerprint, so that
/// `--write-baseline` rewrites it in the current form.
public final class BaselineFilter: @unchecked Sendable {
    public let baseline: Baseline
    /// The file it was read from, for messages (nil: built in memory).
    public let path: String?
    private let byFingerprint: [String: [Int]]
    /// How many entries carry a v1 fingerprint (0: v1 is never computed).
    public let legacyEntryCount: Int
    private let lock = Lock()
    private var used: Set<Int> = []
    /// v1 entries that matched, by index, as they would be written today.
    private var upgraded: [Int: Baseline.Entry] = [:]

    public init(_ baseline: Baseline, path: String? = nil) {
        self.baseline = baseline
        self.path = path
        byFingerprint = Dictionary(grouping: baseline.entries.indices, by: { baseline.entries[$0].fingerprint.lowercased() })
        legacyEntryCount = baseline.entries.filter { Fingerprinter.isLegacy($0.fingerprint) }.count
    }

    public func accepts(fingerprint: String, path: String) -> Bool {
        accepts(fingerprint: fingerprint, path: path, legacy: { nil }, ruleId: "", kind: "")
    }

    /// `legacy`: the finding's v1 fingerprint, asked for only when the baseline has v1 entries.
    public func accepts(fingerprint: String, path: String, legacy: () -> String?, ruleId: String, kind: String) -> Bool {
        if let matching = matching(fingerprint, path: path) {
            lock.lock()
            used.formUnion(matching)
            lock.unlock()
            return true
        }
        guard legacyEntryCount > 0, let old = legacy(), let matching = matching(old, path: path) else { return false }
        lock.lock()
        used.formUnion(matching)
        for index in matching {
            upgraded[index] = Baseline.Entry(fingerprint: fingerprint, path: baseline.entries[index].path, ruleId: ruleId, kind: kind)
        }
        lock.unlock()
        return true
    }

    private func matching(_ fingerprint: String, path: String) -> [Int]? {
        guard let candidates = byFingerprint[fingerprint] else { return nil }
        let matching = candidates.filter { baseline.entries[$0].path == path || baseline.entries[$0].path == "*" }
        return matching.isEmpty ? nil : matching
    }

    /// Entries no finding matched: accepted secrets that are gone (or moved), safe to remove.
    public var unusedEntries: [Baseline.Entry] {
        lock.lock()
        defer { lock.unlock() }
        return baseline.entries.indices.filter { !used.contains($0) }.map { baseline.entries[$0] }
    }

    /// Entries that matched, v1 ones rewritten with the v2 fingerprint of what they matched:
    /// what `--write-baseline` keeps.
    public var usedEntriesUpgraded: [Baseline.Entry] {
        lock.lock()
        defer { lock.unlock() }
        return used.sorted().map { upgraded[$0] ?? baseline.entries[$0] }
    }
}
