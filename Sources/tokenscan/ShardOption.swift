import ArgumentParser
import TokenScanModel

/// `--shard K/N`, shared by `scan` and `git`.
enum ShardOption {
    static let help = ArgumentHelp(
        "Scan only part K of N (1-based, 1 ≤ K ≤ N): files by path, history by commit, the same split on every machine; `tokenscan merge` combines the N reports.",
        valueName: "K/N")

    static func parse(_ argument: String) throws -> Shard {
        guard let shard = Shard(argument: argument) else {
            throw ValidationError("--shard must be K/N with 1 ≤ K ≤ N (1-based, e.g. 1/4 … 4/4), not '\(argument)'")
        }
        return shard
    }
}
