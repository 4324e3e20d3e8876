import Foundation
import XCTest
import FixtureKit
import TokenFormats
import TokenScanModel
import TokenScanReport

/// `--shard K/N` and `tokenscan merge`: N machines each scan their part, and the merged reports
/// are the report one unsharded scan writes (design §8: a token in every shard).
final class ShardCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    let shared = TokenMinter.jwt(claims: ["sub": "everywhere", "scope": "repo"])

    struct Report: Decodable {
        struct Tool: Decodable { var version: String }
        var findings: [Finding]
        var summary: ScanSummary
        var tokens: [TokenSummary]
    }

    func testBadShardValuesAreUsageErrors() throws {
        let root = try temporaryDirectory()
        for value in ["0/3", "4/3", "x", "1/0", "1/", "/3", "2/3/4", "1.5/3", "١/٣"] {
            for command in [["scan", "."], ["git"]] {
                let result = try run(command + ["--shard", value], directory: root)
                XCTAssertEqual(result.status, 2, "\(command) --shard \(value): \(result.stderr)")
                XCTAssertTrue(result.stderr.hasPrefix("tokenscan: error: "), result.stderr)
                XCTAssertTrue(result.stderr.contains("--shard must be K/N with 1 ≤ K ≤ N"), result.stderr)
                XCTAssertEqual(result.stdout, "")
            }
        }
        let stdin = try run(["scan", "-", "--shard", "1/2"], stdin: Data("x\n".utf8))
        XCTAssertEqual(stdin.status, 2)
        XCTAssertTrue(stdin.stderr.contains("standard input"), stdin.stderr)
        let staged = try run(["git", "--staged", "--shard", "1/2"], directory: root)
        XCTAssertEqual(staged.status, 2)
        XCTAssertTrue(staged.stderr.contains("--staged has no commits to split"), staged.stderr)
        XCTAssertEqual(try run(["scan", ".", "--shard", "1/1", "--now", now], directory: root).status, 0, "1/1 is the whole scan")
    }
}
