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

    /// A tree where every shard of 3 gets files, each holding the shared token (15 times: 120
    /// occurrences in all, more than SARIF keeps per secret), a token of its own, and files whose
    /// walk order is not their string order (`a/b.env` before `a.env`), a binary file (skipped).
    func tree() throws -> URL {
        let root = try temporaryDirectory()
        let names = ["a.env", "a/b.env", "a/z/c.env", "b.env", "logs/app-1.log", "logs/app-2.log", "logs/app-10.log", "z.env"]
        for (index, name) in names.enumerated() {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let own = TokenMinter.jwt(claims: ["sub": .string("file-\(index)"), "scope": "repo"])
            let lines = (1...15).map { "GET /api?access_token=\(shared) HTTP/1.1 line \($0)" } + ["own=\(own)"]
            try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        }
        try Data([0x00, 0x01, 0x02] + Array("t=\(shared)".utf8)).write(to: root.appendingPathComponent("a/blob.bin"))
        return root
    }

    func testMergedShardsEqualAnUnshardedScanInJSONAndSARIF() throws {
        let root = try tree()
        let out = try temporaryDirectory()
        for format in ["json", "sarif"] {
            let whole = try run(["scan", ".", "--now", now, "--format", format], directory: root)
            XCTAssertEqual(whole.status, 1, whole.stderr)
            var parts: [String] = []
            for index in 1...3 {
                let part = out.appendingPathComponent("part\(index).\(format)").path
                let shard = try run(["scan", ".", "--now", now, "--format", format, "--shard", "\(index)/3", "-o", part], directory: root)
                XCTAssertEqual(shard.status, 1, "shard \(index) reports the shared token: \(shard.stderr)")
                XCTAssertTrue(shard.stderr.contains("shard \(index)/3 (by path): scanned "), shard.stderr)
                parts.append(part)
            }
            if format == "json" {
                let reports = try parts.map { try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: $0))) }
                for (index, report) in reports.enumerated() {
                    XCTAssertEqual(report.summary.shard, Shard(index: index + 1, count: 3), "each report says which shard it is")
                    XCTAssertGreaterThan(report.summary.files, 0, "every shard has files")
                    XCTAssertTrue(report.tokens.contains { $0.count == 15 * report.summary.files }, "the shared token is in every shard")
                }
                XCTAssertEqual(reports.map(\.summary.files).reduce(0, +), 8)
            } else {
                let shard = try String(contentsOfFile: parts[1], encoding: .utf8)
                XCTAssertTrue(shard.contains(#""id" : "tokenscan/shard-2-of-3/""#), "SARIF names its shard in automationDetails")
                try validate(parts[1])
            }
            // Any order of the arguments: the shards are put back in order.
            let merged = try run(["merge"] + parts.reversed() + ["--format", format])
            XCTAssertEqual(merged.status, 1, merged.stderr)
            XCTAssertEqual(merged.stderr, "")
            XCTAssertEqual(merged.stdout, whole.stdout, "merged \(format) shards equal the unsharded \(format) report")
            XCTAssertEqual(try run(["merge"] + parts + ["--fail-on", "never"]).status, 0, "the gate is --fail-on's")
            let file = out.appendingPathComponent("merged.\(format)").path
            let written = try run(["merge"] + parts + ["-o", file])
            XCTAssertEqual(written.status, 1)
            XCTAssertTrue(written.stderr.hasSuffix("\(format) report written to \(file)\n"), written.stderr)
            if format == "sarif" { try validate(file) }
        }
        // The JSON's token table adds the shards' counts up: one entry for the shared token.
        let merged = try JSONDecoder().decode(Report.self, from: Data(contentsOf: out.appendingPathComponent("merged.json")))
        let sharedEntry = try XCTUnwrap(merged.tokens.first { $0.count > 1 })
        XCTAssertEqual(sharedEntry.count, 120)
        XCTAssertEqual(merged.tokens.count, 9)
        XCTAssertEqual(merged.summary.skipped.map(\.path), ["a/blob.bin"])
        // SARIF keeps 100 results of the shared secret across the shards, and says so.
        let sarif = try String(contentsOf: out.appendingPathComponent("merged.sarif"), encoding: .utf8)
        XCTAssertTrue(sarif.contains("20 repeated occurrences of already reported secrets were left out"), sarif)

        // Shards written with --show-secrets are private (0600), and so is what they merge into.
        let secretParts = try (1...3).map { index -> String in
            let part = out.appendingPathComponent("secret\(index).json").path
            _ = try run(["scan", ".", "--now", now, "--format", "json", "--show-secrets", "--shard", "\(index)/3", "-o", part], directory: root)
            return part
        }
        let secretMerged = out.appendingPathComponent("secret-merged.json").path
        XCTAssertEqual(try run(["merge"] + secretParts + ["-o", secretMerged, "-q"]).status, 1)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: secretMerged)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertTrue(try String(contentsOfFile: secretMerged, encoding: .utf8).contains(shared), "shown as the shards show it")
    }

    func testShardsOfHistoryMergeLikeOneScan() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
        let repo = try GitFixture()
        // Twelve commits, each adding a file with the shared token; a line added, removed and
        // added again (a revert) in commits that fall into different shards.
        for index in 1...12 {
            try repo.write("service\(index).env", "TOKEN=\(shared)\nOWN=\(TokenMinter.jwt(claims: ["sub": .string("c\(index)"), "scope": "repo"]))\n")
            if index == 4 { try repo.write("reverted.env", "KEY=\(shared)\n") }
            if index == 7 { try repo.remove("reverted.env") }
            if index == 10 { try repo.write("reverted.env", "KEY=\(shared)\n") }
            try repo.commitAll("commit \(index)", date: "2026-03-01T10:\(10 + index):00+00:00")
        }
        let commits = try repo.git("rev-list", "--reverse", "HEAD").split(separator: "\n").map(String.init)
        let shardOf = { (sha: String) in Int(Shard.hash(sha.utf8) % 3) + 1 }
        XCTAssertNotEqual(shardOf(commits[3]), shardOf(commits[9]), "the fixture puts the line and its re-addition in different shards")
        XCTAssertEqual(Set(commits.map(shardOf)), [1, 2, 3], "every shard has commits")

        let whole = try run(["git", "--repo", repo.path, "--now", now, "--format", "json"])
        XCTAssertEqual(whole.status, 1, whole.stderr)
        let unsharded = try JSONDecoder().decode(Report.self, from: Data(whole.stdout.utf8))
        XCTAssertEqual(unsharded.summary.dismissed["repeated"], 1)
        let out = try temporaryDirectory()
        for format in ["json", "sarif"] {
            let expected = format == "json" ? whole.stdout : try run(["git", "--repo", repo.path, "--now", now, "--format", format]).stdout
            let parts = try (1...3).map { index -> String in
                let part = out.appendingPathComponent("history\(index).\(format)").path
                let shard = try run(["git", "--repo", repo.path, "--now", now, "--format", format, "--shard", "\(index)/3", "-o", part])
                XCTAssertEqual(shard.status, 1, shard.stderr)
                XCTAssertTrue(shard.stderr.contains("shard \(index)/3 (by commit): scanned "), shard.stderr)
                return part
            }
            let merged = try run(["merge"] + parts)
            XCTAssertEqual(merged.status, 1, merged.stderr)
            XCTAssertEqual(merged.stdout, expected, "merged \(format) history shards equal the unsharded report")
        }
        let part = try JSONDecoder().decode(Report.self, from: Data(contentsOf: out.appendingPathComponent("history1.json")))
        XCTAssertEqual(part.summary.shard?.by, .commit)
        XCTAssertEqual(Set(part.summary.shard?.commits?.keys.map { $0 } ?? []), Set(part.findings.compactMap { $0.commit?.sha }))
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

    func testMergeRefusesAnIncompleteOrMixedSet() throws {
        let root = try tree()
        let out = try temporaryDirectory()
        func part(_ shard: String, _ format: String = "json") throws -> String {
            let path = out.appendingPathComponent("\(shard.replacingOccurrences(of: "/", with: "of")).\(format)").path
            _ = try run(["scan", ".", "--now", now, "--format", format, "--shard", shard, "-o", path], directory: root)
            return path
        }
        let one = try part("1/3"), two = try part("2/3"), three = try part("3/3")
        let unsharded = out.appendingPathComponent("whole.json").path
        _ = try run(["scan", ".", "--now", now, "--format", "json", "-o", unsharded], directory: root)
        let cases: [([String], String)] = [
            ([one, three], "shard 2/3 missing: merge needs the reports of all 3 shards (given: 1/3, 3/3)"),
            ([one, two, three, two], "shard 2/3 is given twice: \(two) and \(two)"),
            ([one, two, three, unsharded], "\(unsharded) is not a shard's report (it was scanned without --shard K/N)"),
            ([one, two, try part("3/4")], "the reports come from different splits"),
            ([one, two, try part("3/3", "sarif")], "merge needs reports of one format, all JSON or all SARIF"),
            ([one, two, three, "--format", "sarif"], "the reports are json; merge writes the format it reads"),
            ([one, two, out.appendingPathComponent("absent.json").path], "cannot read \(out.path)/absent.json"),
        ]
        for (arguments, message) in cases {
            let result = try run(["merge"] + arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("tokenscan: error: "), result.stderr)
            XCTAssertTrue(result.stderr.contains(message), "\(message) — got: \(result.stderr)")
            XCTAssertEqual(result.stdout, "", "nothing half-merged on stdout")
        }
    }

    /// The SARIF passes the official schema and GitHub's upload checks.
    func validate(_ path: String) throws {
        let validator = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/tools/validate-sarif")
        guard FileManager.default.isExecutableFile(atPath: validator.path) else {
            throw XCTSkip("validate-sarif is not available at \(validator.path)")
        }
        let checked = try Command.run([validator.path, "--spec", "--github", "--strict", path], in: URL(fileURLWithPath: path).deletingLastPathComponent())
        XCTAssertEqual(checked.status, 0, checked.output)
    }
}
