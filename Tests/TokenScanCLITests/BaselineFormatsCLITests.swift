import Foundation
import XCTest
import TokenFormats
import TokenScanJudge

/// `--baseline` takes the files users already have: a previous tokenscan JSON or SARIF report and a
/// gitleaks JSON report, matched by content (the secret's fingerprint) as a baseline is. Anything
/// else is refused in one line that names what is accepted.
final class BaselineFormatsCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    /// A file with one token accepted earlier; the report of scanning it is the baseline.
    private func project() throws -> (directory: URL, file: URL, accepted: String) {
        let directory = try temporaryDirectory()
        let accepted = TokenMinter.jwt(claims: ["sub": "accepted", "scope": "repo"])
        let file = directory.appendingPathComponent("app.env")
        try "A=\(accepted)\n".write(to: file, atomically: true, encoding: .utf8)
        return (directory, file, accepted)
    }

    /// Adds a new token beside the accepted one (moved to another line): only the new one is reported.
    private func assertOnlyTheNewTokenIsReported(file: URL, baseline: String, accepted: String, _ what: String) throws {
        let fresh = TokenMinter.jwt(claims: ["sub": "fresh", "scope": "repo"])
        try "# moved\n\nA=\(accepted)\nN=\(fresh)\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try run(["scan", file.path, "--now", now, "--baseline", baseline, "--format", "json"])
        XCTAssertEqual(result.status, 1, "\(what): \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let findings = object["findings"] as! [[String: Any]]
        XCTAssertEqual(findings.map { (($0["jwt"] as! [String: Any])["claims"] as! [String: Any])["sub"] as! String }, ["fresh"], what)
        XCTAssertEqual(((object["summary"] as! [String: Any])["dismissed"] as? [String: Int])?["baseline"], 1, what)
    }

    /// Scans, keeps the report in `format`, and uses it as the next run's baseline.
    private func assertAPreviousReportIsABaseline(format: String, file name: String) throws {
        let (directory, file, accepted) = try project()
        let report = directory.appendingPathComponent(name).path
        let first = try run(["scan", file.path, "--now", now, "--format", format, "-o", report, "--fail-on", "never"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try run(["scan", file.path, "--now", now, "--baseline", report]).status, 0, "\(format): everything accepted")
        try assertOnlyTheNewTokenIsReported(file: file, baseline: report, accepted: accepted, "\(format) report")
    }

    func testAPreviousJSONReportIsABaseline() throws {
        try assertAPreviousReportIsABaseline(format: "json", file: "previous.json")
    }

    func testAPreviousSARIFReportIsABaseline() throws {
        try assertAPreviousReportIsABaseline(format: "sarif", file: "previous.sarif")
    }

    func testAPreviousJSONLinesReportIsABaseline() throws {
        try assertAPreviousReportIsABaseline(format: "jsonl", file: "previous.jsonl")
    }

    /// A SARIF report written before fingerprints were versioned carries `tokenscan/v1` (a bare
    /// HMAC): it is a baseline too, matched as a v1 baseline entry is (design §8).
    func testASARIFReportOfTheV1FingerprintsIsABaseline() throws {
        let (directory, file, accepted) = try project()
        let v1 = Fingerprinter().legacyFingerprint(Array(accepted.utf8))
        let report = directory.appendingPathComponent("old.sarif")
        let sarif: [String: Any] = ["version": "2.1.0", "runs": [[
            "tool": ["driver": ["name": "tokenscan"]],
            "results": [[
                "ruleId": "jwt", "message": ["text": "High jwt token"],
                "locations": [["physicalLocation": ["artifactLocation": ["uri": "file://" + file.path]]]],
                "partialFingerprints": ["tokenscan/v1": v1, "primaryLocationLineHash": "\(v1):1"],
            ]],
        ]]]
        try JSONSerialization.data(withJSONObject: sarif).write(to: report)
        let result = try run(["scan", file.path, "--now", now, "--baseline", report.path])
        XCTAssertEqual(result.status, 0, "the v1 result accepts the token: \(result.stdout) \(result.stderr)")
        XCTAssertTrue(result.stderr.contains("v1"), "the old derivation is named: \(result.stderr)")
    }

    /// gitleaks' report (`gitleaks dir --report-format json`) is an array of findings carrying the
    /// secret itself; its `Fingerprint` is positional (file:rule:line), so the secret is what matches.
    /// A report written with `--redact` has no secret left to match: those entries are named.
    func testAGitleaksReportIsMatchedByItsSecrets() throws {
        let (directory, file, accepted) = try project()
        let report = directory.appendingPathComponent("gitleaks-report.json")
        let entries: [[String: Any]] = [
            ["RuleID": "jwt", "Description": "Uncovered a JSON Web Token", "StartLine": 1, "EndLine": 1,
             "StartColumn": 3, "EndColumn": 2 + accepted.count, "Match": accepted, "Secret": accepted,
             "File": "app.env", "SymlinkFile": "", "Commit": "", "Entropy": 5.6, "Author": "", "Email": "",
             "Date": "", "Message": "", "Tags": [], "Fingerprint": "app.env:jwt:1"],
            ["RuleID": "generic-api-key", "Description": "Generic API key", "StartLine": 9, "EndLine": 9,
             "StartColumn": 1, "EndColumn": 20, "Match": "REDACTED", "Secret": "REDACTED",
             "File": "other.env", "SymlinkFile": "", "Commit": "", "Entropy": 4.0, "Author": "", "Email": "",
             "Date": "", "Message": "", "Tags": [], "Fingerprint": "other.env:generic-api-key:9"],
        ]
        try JSONSerialization.data(withJSONObject: entries).write(to: report)
        let all = try run(["scan", file.path, "--now", now, "--baseline", report.path])
        XCTAssertEqual(all.status, 0, "the gitleaks finding is accepted: \(all.stderr)")
        XCTAssertTrue(all.stderr.contains("other.env:generic-api-key:9"), "the redacted entry is named: \(all.stderr)")
        XCTAssertTrue(all.stderr.contains("--redact"), all.stderr)
        XCTAssertFalse(all.stderr.contains(accepted), "the secret read from the gitleaks report is not echoed")
        try assertOnlyTheNewTokenIsReported(file: file, baseline: report.path, accepted: accepted, "gitleaks report")
    }

    func testAnyOtherFileIsRefusedInOneLineNamingTheAcceptedFormats() throws {
        let (directory, file, _) = try project()
        let others = [
            "settings.json": #"{"editor.tabSize": 2}"#,
            "notes.txt": "not json at all\n",
            "other-tool.sarif": #"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"semgrep"}},"results":[{"ruleId":"x","message":{"text":"m"}}]}]}"#,
            "numbers.json": "[1, 2, 3]",
        ]
        for (name, content) in others {
            let path = directory.appendingPathComponent(name)
            try content.write(to: path, atomically: true, encoding: .utf8)
            let result = try run(["scan", file.path, "--now", now, "--baseline", path.path])
            XCTAssertEqual(result.status, 2, "\(name): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(name): one line: \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("tokenscan: error: --baseline "), "\(name): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("gitleaks JSON report"), "\(name): names the accepted formats: \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("SARIF"), "\(name): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("DecodingError"), "\(name): no decoder dump: \(result.stderr)")
        }
    }
}
