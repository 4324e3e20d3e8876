import Foundation
import XCTest
import FixtureKit
import TokenFormats
import TokenScanModel
import TokenScanEngine
import TokenScanSearch
import TokenScanJudge
import TokenScanSuppression
import TokenScanSources
import TokenScanReport
import TokenScanApp

/// `--report-unused` names inline allow comments that accept nothing, next to unused baseline entries.
final class UnusedInlineAllowCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    func token(_ subject: String) -> String { TokenMinter.jwt(claims: ["sub": .string(subject), "scope": "repo"]) }

    func unused(_ stdout: String) throws -> [[String: Any]]? {
        let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as! [String: Any]
        return (object["summary"] as! [String: Any])["unusedInlineAllow"] as? [[String: Any]]
    }

    func testPlainDirectory() throws {
        let directory = try temporaryDirectory()
        try """
            ACCEPTED=\(token("accepted"))  # tokenscan:allow
            PORT=8080  # tokenscan:allow (the token that stood here was removed)
            """.write(to: directory.appendingPathComponent("app.env"), atomically: true, encoding: .utf8)
        let result = try run(["scan", ".", "--now", now, "--report-unused", "--format", "json"], directory: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        let entries = try XCTUnwrap(try unused(result.stdout))
        XCTAssertEqual(entries.map { "\($0["path"]!):\($0["line"]!):\($0["column"]!) \($0["marker"]!)" }, ["app.env:2:14 tokenscan:allow"])
        XCTAssertTrue(result.stderr.contains("tokenscan:allow accepts nothing: app.env:2; remove it"), result.stderr)

        // The text report lists them itself (not again on stderr).
        let text = try run(["scan", ".", "--now", now, "--report-unused"], directory: directory)
        XCTAssertTrue(text.stdout.contains("Unused suppressions (they accept nothing; remove them):\n  app.env:2:14  tokenscan:allow\n"), text.stdout)
        XCTAssertEqual(text.stderr, "")

        // Without the flag nothing is looked for, and the JSON summary is as before.
        let plain = try run(["scan", ".", "--now", now, "--format", "json"], directory: directory)
        XCTAssertNil(try unused(plain.stdout))
        XCTAssertFalse(plain.stdout.contains("unusedInlineAllow"))
    }

    func testGitHistoryAndStagedChanges() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
        let repo = try GitFixture()
        try repo.write("deploy.sh", GitFixture.text(["export TOKEN=\(token("deploy"))  # gitleaks:allow", "echo deploying"]))
        try repo.commitAll("deploy script")
        try repo.write("deploy.sh", GitFixture.text(["export TOKEN=\"$DEPLOY_TOKEN\"  # gitleaks:allow", "echo deploying", "# tokenscan:allow"]))
        let second = try repo.commitAll("read the token from the environment")

        let history = try run(["git", "--now", now, "--report-unused", "--format", "json"], directory: repo.directory)
        XCTAssertEqual(history.status, 0, history.stderr)
        let entries = try XCTUnwrap(try unused(history.stdout))
        XCTAssertEqual(entries.map { "\($0["path"]!):\($0["line"]!) \($0["marker"]!) \($0["commit"]!)" }, [
            "deploy.sh:1 gitleaks:allow \(second)",
            "deploy.sh:3 tokenscan:allow \(second)",
        ], "the first commit's marker accepted its token; the second commit's lines accept nothing")
        XCTAssertTrue(history.stderr.contains("gitleaks:allow accepts nothing: deploy.sh:1 (commit \(second.prefix(12))); remove it"), history.stderr)

        try repo.write("notes.md", GitFixture.text(["# Notes", "", "no secrets here  <!-- tokenscan:allow -->"]))
        try repo.git("add", "notes.md")
        let staged = try run(["git", "--staged", "--now", now, "--report-unused", "--format", "json"], directory: repo.directory)
        XCTAssertEqual(staged.status, 0, staged.stderr)
        let stagedEntries = try XCTUnwrap(try unused(staged.stdout))
        XCTAssertEqual(stagedEntries.map { "\($0["path"]!):\($0["line"]!)" }, ["notes.md:3"])
        XCTAssertNil(stagedEntries.first?["commit"])
    }
}
