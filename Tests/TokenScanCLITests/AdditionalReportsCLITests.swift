import Foundation
import XCTest
import TokenFormats

/// `--report FORMAT=FILE`: a CI job that needs SARIF for code scanning and GitLab's reports, or
/// a JSON record beside the terminal's text, scans once and gets them all, each as its own
/// format would be alone, none holding the secret.
final class AdditionalReportsCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    let token = TokenMinter.jwt(claims: ["sub": "fan-out", "scope": "admin", "exp": 1_900_000_000])

    func testOneScanWritesEveryReportAsItsFormatAlone() throws {
        let directory = try temporaryDirectory()
        try "AUTH=Bearer \(token)\n".write(to: directory.appendingPathComponent("app.env"), atomically: true, encoding: .utf8)
        let result = try run(["scan", "app.env", "--now", now, "--format", "json", "-o", "report.json",
                              "--report", "sarif=report.sarif", "--report", "GITLAB-CODEQUALITY=gl-code-quality.json",
                              "--report", "text=report.txt"], directory: directory)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(result.stdout, "", "every report went to its file")
        XCTAssertTrue(result.stderr.hasSuffix("json report written to report.json, sarif report written to report.sarif, "
                                              + "gitlab-codequality report written to gl-code-quality.json, text report written to report.txt\n"),
                      "the gate line names every report: \(result.stderr)")
        for (format, file) in [("json", "report.json"), ("sarif", "report.sarif"), ("gitlab-codequality", "gl-code-quality.json"), ("text", "report.txt")] {
            let written = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            XCTAssertFalse(written.contains(token), "\(file) holds the secret")
            // The same scan's report, byte for byte as the format alone writes it.
            let alone = try run(["scan", "app.env", "--now", now, "--format", format, "--color", "never"], directory: directory)
            XCTAssertEqual(written, alone.stdout, "\(file) differs from --format \(format) alone")
        }
    }

    func testABadReportArgumentOrFileFailsBeforeAnythingIsWritten() throws {
        let directory = try temporaryDirectory()
        try "AUTH=Bearer \(token)\n".write(to: directory.appendingPathComponent("app.env"), atomically: true, encoding: .utf8)
        let unknown = try run(["scan", "app.env", "--report", "xml=report.xml"], directory: directory)
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("--report takes FORMAT=FILE"), unknown.stderr)
        let twice = try run(["scan", "app.env", "-o", "r.json", "--report", "sarif=r.json"], directory: directory)
        XCTAssertEqual(twice.status, 2)
        XCTAssertTrue(twice.stderr.contains("named twice"), twice.stderr)
        let unwritable = try run(["scan", "app.env", "-o", "r.json", "--report", "sarif=missing/r.sarif"], directory: directory)
        XCTAssertEqual(unwritable.status, 2)
        XCTAssertTrue(unwritable.stderr.contains("missing/r.sarif"), unwritable.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["app.env"],
                       "no report and no temporary file is left behind")
    }
}
