import Foundation
import XCTest
import TokenFormats

/// The CI line: with --output, a run that fails the gate says why on stderr in one line, so a red
/// job explains itself; --quiet silences it, --verbose also names what the run read.
final class GateLineCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    let live = TokenMinter.jwt(claims: ["sub": "ci", "scope": "repo"])
    let expired = TokenMinter.jwt(claims: ["sub": "old", "exp": 1_600_000_000])

    /// With --output, a run that fails the gate says so in one stderr line (counts by severity,
    /// where the report went); --quiet silences it, --verbose also names what was read.
    func testGateLineWithOutput() throws {
        let directory = try temporaryDirectory()
        try "t=\(live)\nold=\(expired)\n".write(to: directory.appendingPathComponent("a.env"), atomically: true, encoding: .utf8)
        let result = try run(["scan", "a.env", "--now", now, "--format", "sarif", "-o", "results.sarif"], directory: directory)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "tokenscan: 2 findings (1 critical, 1 low), 1 at or above --fail-on medium; sarif report written to results.sarif\n")
        let passing = try run(["scan", "a.env", "--now", now, "--fail-on", "critical", "--format", "sarif", "-o", "ok.sarif"], directory: directory)
        XCTAssertEqual(passing.status, 1)
        let clean = try run(["scan", "a.env", "--now", now, "--fail-on", "never", "-o", "ok.txt"], directory: directory)
        XCTAssertEqual(clean.status, 0)
        XCTAssertEqual(clean.stderr, "", "a passing run stays quiet")
        let quiet = try run(["scan", "a.env", "--now", now, "-o", "q.txt", "--quiet"], directory: directory)
        XCTAssertEqual(quiet.status, 1)
        XCTAssertEqual(quiet.stderr, "")
        XCTAssertEqual(try run(["scan", "a.env", "--now", now, "-q"], directory: directory).stderr, "")
        // Warnings are diagnostics too: a discovered gitleaks configuration that translates to nothing.
        let gitleaks = directory.appendingPathComponent(".gitleaks.toml")
        try "[extend]\nuseDefault = true\n".write(to: gitleaks, atomically: true, encoding: .utf8)
        XCTAssertTrue(try run(["scan", ".", "--now", now, "--fail-on", "never"], directory: directory).stderr.contains("warning: "))
        XCTAssertEqual(try run(["scan", ".", "--now", now, "--fail-on", "never", "--quiet"], directory: directory).stderr, "")
        try FileManager.default.removeItem(at: gitleaks)

        try "failOn = \"high\"\n".write(to: directory.appendingPathComponent(".tokenscan.toml"), atomically: true, encoding: .utf8)
        try "fingerprint:0123456789abcdef0123456789abcdef  # nothing\n".write(to: directory.appendingPathComponent(".tokenscanignore"), atomically: true, encoding: .utf8)
        let verbose = try run(["scan", ".", "--now", now, "-o", "v.json", "--format", "json", "--verbose"], directory: directory)
        XCTAssertEqual(verbose.status, 1)
        XCTAssertTrue(verbose.stderr.contains("tokenscan: read tokenscan file \(directory.path)/.tokenscan.toml (work tree)\n"), verbose.stderr)
        XCTAssertTrue(verbose.stderr.contains("tokenscan: read fingerprints from .tokenscanignore\n"), verbose.stderr)
        XCTAssertTrue(verbose.stderr.contains("at or above --fail-on high; json report written to v.json"), verbose.stderr)
    }
}
