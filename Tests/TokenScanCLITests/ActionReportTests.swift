import Foundation
import XCTest
import FixtureKit
import TokenFormats

/// `action/report.py` against a SARIF report the built binary writes for a range scan: the job
/// summary (counts by severity, top findings, what the change edits in the configuration and
/// accepts for itself) and the annotations, escaped for GitHub's workflow commands, capped at
/// what GitHub shows, and never carrying a secret.
final class ActionReportTests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    func testSummaryAndAnnotationsFromARangeScansSARIF() throws {
        let repo = try GitFixture()
        defer { try? FileManager.default.removeItem(at: repo.directory) }
        let live = TokenMinter.jwt(claims: ["sub": "report", "scope": "repo admin:org"])
        let accepted = TokenMinter.jwt(claims: ["sub": "accepted", "scope": "repo"])
        let expired = (0..<11).map { TokenMinter.jwt(claims: ["sub": .string("old\($0)"), "exp": .number(1_700_000_000)]) }
        try repo.write(".tokenscan.toml", "failOn = \"high\"\n")
        try repo.write("README.md", "base\n")
        let base = try repo.commitAll("base")

        // The accepted token's fingerprint, as the change adds it to .tokenscanignore.
        try repo.write("app.env", "ACCEPTED=\(accepted)\n")
        let probe = try run(["scan", repo.directory.appendingPathComponent("app.env").path, "--now", now, "--format", "json"])
        let fingerprint = try XCTUnwrap((probe.json["findings"] as? [[String: Any]])?.first?["fingerprint"] as? String)
        try repo.write(".tokenscanignore", "fingerprint:\(fingerprint)  # a test identity\n")
        try repo.write("odd, name:1.env", "# header\nTOKEN=\(live)\n")
        try repo.write("many.env", expired.enumerated().map { "OLD\($0.offset)=\($0.element)" }.joined(separator: "\n") + "\n")
        try repo.write(".tokenscan.toml", "failOn = \"never\"\n")
        let head = try repo.commitAll("change")

        let sarif = repo.directory.appendingPathComponent("../\(UUID().uuidString).sarif").standardizedFileURL
        defer { try? FileManager.default.removeItem(at: sarif) }
        let scan = try run(["git", "\(base)..\(head)", "--now", now, "--format", "sarif", "-o", sarif.path], directory: repo.directory)
        XCTAssertEqual(scan.status, 1, "the base's failOn = high holds: \(scan.stderr)")

        let summaryFile = repo.directory.appendingPathComponent("../\(UUID().uuidString).md").standardizedFileURL
        defer { try? FileManager.default.removeItem(at: summaryFile) }
        let report = try ActionRepository.run(
            ["python3", ActionRepository.script("report.py"), "--sarif", sarif.path, "--status", "1",
             "--scanned", "1 commit, \(base.prefix(12))..\(head.prefix(12))", "--fail-on", ""],
            in: repo.directory, environment: ["GITHUB_STEP_SUMMARY": summaryFile.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        let summary = try String(contentsOf: summaryFile, encoding: .utf8)
        let annotations = report.stdout.split(separator: "\n").map(String.init)

        // Annotations: the critical finding first, its path escaped (`,` and `:` would end a
        // property), columns on its line; 10 of the 11 low ones (GitHub shows 10 a kind); the
        // accepted one as a warning for the reviewer.
        XCTAssertEqual(annotations.filter { $0.hasPrefix("::error ") }.count, 1, report.stdout)
        XCTAssertTrue(annotations[0].hasPrefix("::error file=odd%2C name%3A1.env,line=2,endLine=2,title=tokenscan%3A jwt (critical),col=7,endColumn="), annotations[0])
        XCTAssertTrue(annotations[0].contains("::Critical jwt token (score"), annotations[0])
        XCTAssertEqual(annotations.filter { $0.hasPrefix("::notice file=many.env,") }.count, 10)
        let review = annotations.filter { $0.hasPrefix("::warning file=app.env,line=1,") }
        XCTAssertEqual(review.count, 1, report.stdout)
        XCTAssertTrue(review.first?.contains("Accepted in this change, review it") ?? false, report.stdout)

        XCTAssertTrue(summary.contains("**Result:** failed: findings at or above the gate, tokenscan's default"), summary)
        XCTAssertTrue(summary.contains("| critical | 1 |\n| high | 0 |\n| medium | 0 |\n| low | 11 |\n| info | 0 |"), summary)
        XCTAssertTrue(summary.contains("### Top findings (10 of 12)"), summary)
        let short = String(try XCTUnwrap(fingerprint.split(separator: ":").last).prefix(8))
        XCTAssertTrue(summary.contains("| critical | <code>jwt</code> | <code>odd, name:1.env:2</code> | <code>"), summary)
        XCTAssertTrue(summary.contains("The scanned commits change .tokenscan.toml (modified): not applied by this scan, which used the base revision's"), summary)
        XCTAssertTrue(summary.contains("Accepted in this change: <code>app.env:1</code> <code>jwt</code> (critical), fingerprint <code>\(short)</code>"), summary)
        XCTAssertFalse(summary.contains("### Scan notes"), "the accepted finding is listed once")
        XCTAssertTrue(summary.contains("1 notice annotations not shown"), summary)

        for token in [live, accepted] + expired {
            for text in [report.stdout, report.stderr, summary] {
                XCTAssertFalse(text.contains(token), "no secret in the summary or annotations")
                XCTAssertFalse(text.contains(String(token.dropFirst(40).prefix(24))), "not even part of one")
            }
        }
    }

    /// A run that could not scan says so in the summary, with the reason, and annotates nothing.
    func testCouldNotRunSummary() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tokenscan-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let summaryFile = directory.appendingPathComponent("summary.md")
        let report = try ActionRepository.run(
            ["python3", ActionRepository.script("report.py"), "--status", "2", "--scanned", "nothing",
             "--reason", "cannot install tokenscan"], in: directory, environment: ["GITHUB_STEP_SUMMARY": summaryFile.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertEqual(report.stdout, "")
        let summary = try String(contentsOf: summaryFile, encoding: .utf8)
        XCTAssertTrue(summary.contains("**Result:** tokenscan could not run (exit 2): cannot install tokenscan."), summary)
        XCTAssertFalse(summary.contains("| Severity |"), "no counts without a report")
    }

    struct Scan {
        var status: Int32
        var stdout: String
        var stderr: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:] }
    }

    func run(_ arguments: [String], directory: URL? = nil) throws -> Scan {
        let result = try ActionRepository.run([CLITests.binary.path] + arguments, in: directory ?? FileManager.default.temporaryDirectory)
        return Scan(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}
