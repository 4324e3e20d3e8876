import TokenScanModel

/// Why reports cannot be merged (exit 2).
public struct MergeFailure: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// The shards' reports handed to `tokenscan merge`, checked to be one complete split: every
/// report a shard of the same split (same N, same key), each of 1…N exactly once.
///
/// Why loud: a CI matrix job that failed to upload its part, or a report pasted twice, would
/// otherwise merge into a report that looks complete and silently misses a shard's findings.
public struct ShardSet<Report> {
    /// The reports in shard order (1…N) with their file names.
    public let reports: [(path: String, shard: Shard, report: Report)]

    public var split: Shard { reports[0].shard }

    public init(_ inputs: [(path: String, shard: Shard?, report: Report)]) throws(MergeFailure) {
        guard let first = inputs.first else { throw MergeFailure(description: "no report to merge") }
        var placed: [Int: (path: String, shard: Shard, report: Report)] = [:]
        for input in inputs {
            guard let shard = input.shard else {
                throw MergeFailure(description: "\(input.path) is not a shard's report (it was scanned without --shard K/N)")
            }
            let reference = first.shard ?? shard
            guard shard.count == reference.count, shard.by == reference.by else {
                throw MergeFailure(description: "\(input.path) is shard \(shard.label) by \(shard.by.rawValue), but \(first.path) is "
                              + "\(reference.label) by \(reference.by.rawValue): the reports come from different splits")
            }
            if let earlier = placed[shard.index] {
                throw MergeFailure(description: "shard \(shard.label) is given twice: \(earlier.path) and \(input.path)")
            }
            placed[shard.index] = (input.path, shard, input.report)
        }
        let count = first.shard?.count ?? 0
        let missing = (1...count).filter { placed[$0] == nil }
        guard missing.isEmpty else {
            throw MergeFailure(description: "shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) "
                          + "missing: merge needs the reports of all \(count) shards (given: "
                          + "\(placed.keys.sorted().map { "\($0)/\(count)" }.joined(separator: ", ")))")
        }
        reports = (1...count).map { placed[$0]! }
    }
}

/// How `merge` puts the shards' findings back in the order one unsharded scan reports them.
package enum ShardOrder {
    /// The walk's order for a path: depth-first, each directory's names sorted bytewise, so
    /// component by component (`a/b` before `a.txt`, as the walker visits them). An archive's
    /// entries (`x.tar!inner`) stay with the archive file, in the order it holds them.
    package static func walkKey(_ path: String) -> [[UInt8]] {
        walkKey(bytes: Array(path.utf8))
    }

    package static func walkKey(bytes: [UInt8]) -> [[UInt8]] {
        let file = bytes.split(separator: UInt8(ascii: "!"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        return file.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map(Array.init)
    }

    package static func precedes(_ lhs: [[UInt8]], _ rhs: [[UInt8]]) -> Bool {
        lhs.lexicographicallyPrecedes(rhs) { $0.lexicographicallyPrecedes($1) }
    }

    /// Stable: elements with equal keys (one file's, one commit's findings) keep their order.
    package static func stableSorted<Element, Key>(_ elements: [Element], key: (Element) -> Key, by precedes: (Key, Key) -> Bool) -> [Element] {
        elements.enumerated().map { (key: key($0.element), offset: $0.offset, element: $0.element) }
            .sorted { precedes($0.key, $1.key) || (!precedes($1.key, $0.key) && $0.offset < $1.offset) }
            .map(\.element)
    }
}
