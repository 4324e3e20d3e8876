/// One part of a scan split across machines (`--shard K/N`, 1-based as Jest and Playwright).
///
/// Why a hash of the name and not a position in the walk: a CI matrix job or a Kubernetes Indexed
/// Job sees only its own index, so each must decide alone, from nothing but a file's path (or a
/// commit's id), whether the file is its own. A hash of that name does not depend on walk order,
/// on the machine, or on what the other shards hold; adding a file moves no other file.
public struct Shard: Sendable, Codable, Equatable {
    /// What the inputs are split by.
    public enum Key: String, Sendable, Codable {
        /// Walked files by their path as reports name it (an archive goes with its file).
        case path
        /// History by commit id: all of a commit's added lines are in one shard.
        case commit
    }

    /// 1…count.
    public var index: Int
    public var count: Int
    public var by: Key
    /// History shards: the position, in the whole range's oldest-first order, of each commit that
    /// has a finding in this report, so that `merge` can put the shards' findings back in the
    /// order one unsharded scan reports them (and keep the first of a repeated line).
    public var commits: [String: Int]?

    public init(index: Int, count: Int, by: Key = .path) {
        self.index = index
        self.count = count
        self.by = by
    }

    /// Parses `K/N` (1 ≤ K ≤ N); nil for anything else (`0/3`, `4/3`, `x`).
    public init?(argument: String, by: Key = .path) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index) else { return nil }
        self.init(index: index, count: count, by: by)
    }

    /// `K/N`, as the option takes it.
    public var label: String { "\(index)/\(count)" }

    /// Whether the input named `name` (a path's bytes, or a commit id) belongs to this shard.
    public func contains(_ name: some Sequence<UInt8>) -> Bool {
        Int(Shard.hash(name) % UInt64(count)) == index - 1
    }

    /// FNV-1a over the bytes, then the SplitMix64 finaliser so that every bit of the name moves
    /// the low bits the remainder reads (FNV's alone cluster for names that differ in one digit).
    /// Fixed forever: changing it would move files between shards of jobs on different versions.
    public static func hash(_ name: some Sequence<UInt8>) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
        value ^= value >> 30
        value &*= 0xbf58_476d_1ce4_e5b9
        value ^= value >> 27
        value &*= 0x94d0_49bb_1331_11eb
        value ^= value >> 31
        return value
    }
}
