import Foundation
import XCTest
import TokenFormats
import TokenScanModel

/// A large file is searched in segments on every worker thread (`FileSegments`): the report must
/// not depend on how many threads there are, and must be the one a search of the whole input in
/// one piece writes (stdin is read in one piece), with tokens placed across the searcher's 1 MiB
/// chunk lines and the 8 MiB segment lines.
final class LargeFileSegmentsCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    let mebibyte = 1 << 20

    struct Report: Decodable {
        var findings: [Finding]
        var summary: ScanSummary
    }

    func testReportsOfOneAndTwoThreadsAreByteIdenticalAndEqualAWholeInputSearch() throws {
        let (text, placed) = largeSegmentedLog()
        let root = try temporaryDirectory()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("src"), withIntermediateDirectories: true)
        try text.write(to: root.appendingPathComponent("big.log"))
        let small = TokenMinter.jwt(claims: ["sub": "small", "scope": "repo", "exp": 1_900_000_000])
        for index in 0..<5 {
            try Data("token = \"\(small)\"\nindex = \(index)\n".utf8).write(to: root.appendingPathComponent("src/f\(index).txt"))
        }
        for format in ["json", "sarif"] {
            let one = try run(["scan", ".", "--now", now, "--format", format, "--jobs", "1"], directory: root)
            XCTAssertEqual(one.status, 1, one.stderr)
            let two = try run(["scan", ".", "--now", now, "--format", format, "--jobs", "2"], directory: root)
            XCTAssertEqual(two.status, 1, two.stderr)
            XCTAssertEqual(one.stdout, two.stdout, "the \(format) report does not depend on --jobs")
            XCTAssertEqual(one.stderr, two.stderr)
        }
        let report = try JSONDecoder().decode(
            Report.self, from: Data(run(["scan", "big.log", "--now", now, "--format", "json", "--jobs", "2"], directory: root).stdout.utf8))
        XCTAssertEqual(report.summary.files, 1)
        XCTAssertEqual(report.summary.bytes, text.count, "every byte counted once, margins not again")
        XCTAssertEqual(report.findings.count, placed.count, "each token once: \(report.findings.map { "\($0.line)" })")
        let show = try JSONDecoder().decode(Report.self, from: Data(run(
            ["scan", "big.log", "--now", now, "--format", "json", "--show-secrets"], directory: root).stdout.utf8))
        XCTAssertEqual(Dictionary(show.findings.map { ($0.secret, $0.line) }, uniquingKeysWith: { first, _ in first }), placed,
                       "each token on its own line")
        // Stdin is searched in one piece: the same findings, wherever the segments' lines fall.
        let whole = try JSONDecoder().decode(
            Report.self, from: Data(run(["scan", "-", "--now", now, "--format", "json"], stdin: text).stdout.utf8))
        func located(_ finding: Finding) -> String {
            "\(finding.ruleId) \(finding.line):\(finding.column)-\(finding.endLine):\(finding.endColumn) \(finding.fingerprint) \(finding.severity) \(finding.score) \(finding.reasons.map(\.code)) \(finding.snippet ?? "")"
        }
        XCTAssertEqual(report.findings.map(located), whole.findings.map(located))
    }

    /// A binary file as large stays skipped as binary (the first segment's test), named once.
    func testALargeBinaryFileIsStillSkipped() throws {
        let root = try temporaryDirectory()
        var bytes = Data([0x7F, 0x45, 0x4C, 0x46, 0x00])
        bytes.append(Data(repeating: 0x41, count: 17 * mebibyte))
        bytes.append(contentsOf: "\ntoken=\(TokenMinter.jwt(claims: ["sub": "bin"]))\n".utf8)
        try bytes.write(to: root.appendingPathComponent("big.bin"))
        let result = try run(["scan", "big.bin", "--now", now, "--format", "json"], directory: root)
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        XCTAssertEqual(report.summary.skipped.map(\.path), ["big.bin"])
        XCTAssertEqual(report.findings.count, 0)
    }
}
