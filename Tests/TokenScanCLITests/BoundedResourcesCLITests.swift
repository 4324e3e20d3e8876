import FixtureKit
import Foundation
import XCTest
import TokenFormats
import TokenScanModel

/// Work and memory stay bounded whatever the rule set and however many distinct tokens an input
/// holds (issue "Hardening, round two"). Peak memory is read from `/usr/bin/time -v` with
/// generous margins; nothing here times the scan.
final class BoundedResourcesCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else { throw XCTSkip("/usr/bin/time is not installed") }
    }

    /// Peak resident memory of the run, in bytes (GNU time's "Maximum resident set size", KiB).
    func peakMemory(_ run: CLIRun) throws -> Int {
        let line = try XCTUnwrap(run.stderr.split(separator: "\n").first { $0.contains("Maximum resident set size") }, run.stderr)
        return try XCTUnwrap(Int(line.split(separator: ":").last!.trimmingCharacters(in: .whitespaces))) * 1024
    }

    func report(_ run: CLIRun, file: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any], run.stderr)
    }

    /// 3,000 rules that all list the keyword `e`, on a 100 KB file of words: hits are kept once
    /// per keyword, and the matches all rules may report in one chunk are bounded; the bound is
    /// named in `summary.limits` and on stderr. (10,000 such rules took 54 s and 4.1 GB.)
    func testManyRulesSharingAKeywordAreBounded() throws {
        let directory = try temporaryDirectory()
        var rules = ""
        for index in 0..<3_000 {
            rules += "[[rules]]\nid = \"e-\(index)\"\ndescription = \"e\"\nkind = \"generic\"\nregex = '''\\b(e[a-z]{3,12})\\b'''\nkeywords = [\"e\"]\n\n"
        }
        try rules.write(to: directory.appendingPathComponent("rules.toml"), atomically: true, encoding: .utf8)
        let words = ["entry", "eagle", "every", "energy", "engine", "estate", "effort", "extra"]
        var text = ""
        var index = 0
        while text.utf8.count < 100_000 {
            text += words[index % words.count] + String(index % 997) + " e" + String(repeating: "qwz", count: 1 + index % 4) + "\n"
            index += 1
        }
        let input = directory.appendingPathComponent("words.txt")
        try text.write(to: input, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("report.json").path
        let result = try run(["scan", input.path, "--rules", directory.appendingPathComponent("rules.toml").path, "--now", now,
                              "--format", "json", "--fail-on", "never", "-o", output, "--jobs", "1"], prefix: ["/usr/bin/time", "-v"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let summary = try XCTUnwrap(try report(result, file: output)["summary"] as? [String: Any])
        let limits = try XCTUnwrap(summary["limits"] as? [[String: Any]], "\(summary)")
        XCTAssertTrue(limits.contains { ($0["limit"] as? String) == "matches-per-chunk" }, "\(limits)")
        XCTAssertTrue(result.stderr.contains("limit matches-per-chunk hit in"), result.stderr)
        XCTAssertLessThan(try peakMemory(result), 400 << 20, "peak memory")
    }

    /// Distinct JWTs on stdin through the binary: complete JSON and SARIF documents at a bounded
    /// peak. (The per-token cost is counted in `ReporterMemoryTests`: a debug build judges a few
    /// hundred tokens a second, too slow to reach the counts where it shows here.)
    func testDistinctTokensOnStdin() throws {
        let count = 1_000
        var input = ""
        input.reserveCapacity(count * 300)
        for index in 0..<count {
            input += "req \(index) Authorization: Bearer "
                + TokenMinter.jwt(claims: ["sub": .string("user-\(index)"), "scope": "read", "exp": 1_900_000_000]) + "\n"
        }
        let directory = try temporaryDirectory()
        for format in ["json", "sarif"] {
            let output = directory.appendingPathComponent("report.\(format)").path
            let result = try run(["scan", "-", "--now", now, "--format", format, "--fail-on", "never", "-o", output],
                                 stdin: Data(input.utf8), prefix: ["/usr/bin/time", "-v"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let document = try report(result, file: output)
            if format == "json" {
                XCTAssertEqual((document["findings"] as? [Any])?.count, count)
                XCTAssertEqual((document["tokens"] as? [Any])?.count, count)
            } else {
                let runs = try XCTUnwrap(document["runs"] as? [[String: Any]])
                XCTAssertEqual((runs.first?["results"] as? [Any])?.count, count)
            }
            XCTAssertLessThan(try peakMemory(result), 150 << 20, "\(format): peak memory")
        }
    }
}
