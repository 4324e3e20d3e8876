import Foundation
import XCTest
import TokenFormats
import TokenScanModel

/// Stdin and gzip input are read on one thread and searched in segments on every worker
/// (`StreamSegments`): reports must not depend on `--jobs`, every token must be found once on its
/// line wherever the segments' edges fall (a pipe that stays open: `StreamingFindingsCLITests`).
final class StreamSegmentsCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    let mebibyte = 1 << 20

    struct Report: Decodable {
        var findings: [Finding]
        var summary: ScanSummary
    }

    /// `arguments` with `--jobs 1` and `--jobs 2`, in JSON and SARIF: byte-identical reports and
    /// stderr; then, with `--show-secrets`, each placed token once on its own line.
    func assertIndependentOfJobs(
        _ arguments: [String], stdin: Data? = nil, directory: URL? = nil, placed: [String: Int], bytes: Int,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        for format in ["json", "sarif"] {
            let one = try run(arguments + ["--now", now, "--format", format, "--jobs", "1"], stdin: stdin, directory: directory)
            XCTAssertEqual(one.status, 1, one.stderr, file: file, line: line)
            let two = try run(arguments + ["--now", now, "--format", format, "--jobs", "2"], stdin: stdin, directory: directory)
            XCTAssertEqual(two.status, 1, two.stderr, file: file, line: line)
            XCTAssertEqual(one.stdout, two.stdout, "the \(format) report does not depend on --jobs", file: file, line: line)
            XCTAssertEqual(one.stderr, two.stderr, file: file, line: line)
        }
        let shown = try run(arguments + ["--now", now, "--format", "json", "--show-secrets", "--jobs", "2"], stdin: stdin, directory: directory)
        let report = try JSONDecoder().decode(Report.self, from: Data(shown.stdout.utf8))
        XCTAssertEqual(report.summary.bytes, bytes, "every byte counted once, margins not again", file: file, line: line)
        XCTAssertEqual(report.findings.count, placed.count, "each token once: \(report.findings.map(\.line))", file: file, line: line)
        XCTAssertEqual(Dictionary(report.findings.map { ($0.secret, $0.line) }, uniquingKeysWith: { first, _ in first }), placed,
                       "each token on its own line (the token split where a segment ends needs the margin)", file: file, line: line)
    }

    func testLargeStdinReportIsIndependentOfJobsAndFindsTokensAcrossSegmentEdges() throws {
        let (text, placed) = largeSegmentedLog()
        try assertIndependentOfJobs(["scan", "-"], stdin: text, placed: placed, bytes: text.count)
    }

    func testGzipFileAndGzipOnStdinAreIndependentOfJobs() throws {
        let (text, placed) = largeSegmentedLog()
        let root = try temporaryDirectory()
        let log = root.appendingPathComponent("big.log")
        try text.write(to: log)
        // The system's gzip on a file (a pipe both ways would fill up: the log is 20 MiB).
        let process = try Process.run(URL(fileURLWithPath: "/bin/gzip"), arguments: ["-n", "-1", log.path])
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        try assertIndependentOfJobs(["scan", "big.log.gz"], directory: root, placed: placed, bytes: text.count)
        let compressed = try Data(contentsOf: root.appendingPathComponent("big.log.gz"))
        try assertIndependentOfJobs(["scan", "-"], stdin: compressed, placed: placed, bytes: text.count)
    }

    /// A 20 MiB line without a newline: a stream is cut inside it at each mark (it must not be held
    /// whole); tokens across the marks are found once, at their columns on line 1.
    func testALongLineIsCutAtTheMarksWithColumnsKept() throws {
        let segment = 8 * mebibyte
        var text = Data(repeating: UInt8(ascii: "x"), count: 20 * mebibyte)
        var placed: [(token: String, column: Int)] = []
        for (index, offset) in [100, segment - 80, segment + 70_000, 2 * segment - 10, 20 * mebibyte - 700].enumerated() {
            let token = TokenMinter.jwt(claims: ["sub": .string("line-\(index)"), "scope": "repo", "exp": 1_900_000_000])
            text.replaceSubrange(offset..<(offset + token.utf8.count + 2), with: Data(" \(token) ".utf8))
            placed.append((token, offset + 2))
        }
        text.append(UInt8(ascii: "\n"))
        for jobs in ["1", "2"] {
            let result = try run(["scan", "-", "--now", now, "--format", "json", "--show-secrets", "--jobs", jobs], stdin: text)
            XCTAssertEqual(result.status, 1, result.stderr)
            let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
            XCTAssertEqual(report.findings.map(\.secret), placed.map(\.token), "--jobs \(jobs)")
            XCTAssertEqual(report.findings.map(\.line), placed.map { _ in 1 })
            XCTAssertEqual(report.findings.map(\.column), placed.map(\.column), "columns count from the start of the line")
            XCTAssertEqual(report.findings.map(\.endColumn), placed.map { $0.column + $0.token.utf8.count })
        }
    }
}
