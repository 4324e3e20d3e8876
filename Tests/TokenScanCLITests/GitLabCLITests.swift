import Foundation
import XCTest
import TokenFormats
import FixtureKit

/// `--format gitlab-secret-detection` and `--format gitlab-codequality` as a GitLab job runs them:
/// files outside git, a commit range, a finding accepted in the change under review.
final class GitLabCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    let token = TokenMinter.jwt(claims: ["sub": "ci", "scope": "repo"])

    override func setUpWithError() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    func vulnerabilities(_ text: String) throws -> [[String: Any]] {
        try XCTUnwrap(json(text)["vulnerabilities"] as? [[String: Any]])
    }

    /// Outside git the schema still requires a commit: GitLab's analyzer writes a placeholder.
    /// The secret appears only with --show-secrets.
    func testFilesOutsideGitGetThePlaceholderCommitAndNoSecret() throws {
        let directory = try temporaryDirectory()
        try "TOKEN=\(token)\n".write(to: directory.appendingPathComponent("a.env"), atomically: true, encoding: .utf8)
        let result = try run(["scan", "a.env", "--now", now, "--format", "gitlab-secret-detection"], directory: directory)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertFalse(result.stdout.contains(token))
        let vulnerability = try XCTUnwrap(vulnerabilities(result.stdout).first)
        let location = try XCTUnwrap(vulnerability["location"] as? [String: Any])
        XCTAssertEqual(location["file"] as? String, "a.env")
        XCTAssertEqual(location["start_line"] as? Int, 1)
        XCTAssertEqual((location["commit"] as? [String: Any])?["sha"] as? String, "0000000")
        XCTAssertNil(vulnerability["raw_source_code_extract"])

        let shown = try run(["scan", "a.env", "--now", now, "--format", "gitlab-secret-detection", "--show-secrets"], directory: directory)
        XCTAssertEqual(try vulnerabilities(shown.stdout).first?["raw_source_code_extract"] as? String, token)

        let quality = try run(["scan", "a.env", "--now", now, "--format", "gitlab-codequality"], directory: directory)
        XCTAssertEqual(quality.status, 1, quality.stderr)
        XCTAssertFalse(quality.stdout.contains(token))
        let issues = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(quality.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(issues.count, 1)
        XCTAssertEqual(issues.first?["severity"] as? String, "blocker")
        XCTAssertEqual((issues.first?["location"] as? [String: Any])?["path"] as? String, "a.env")
    }

    /// Without --now the report records the real end of the scan, not the clock the risk model used.
    func testScanTimesAreRecorded() throws {
        let directory = try temporaryDirectory()
        try "nothing here\n".write(to: directory.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        let result = try run(["scan", "a.txt", "--format", "gitlab-secret-detection"], directory: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        let scan = try XCTUnwrap(json(result.stdout)["scan"] as? [String: Any])
        let start = try XCTUnwrap(scan["start_time"] as? String), end = try XCTUnwrap(scan["end_time"] as? String)
        XCTAssertLessThanOrEqual(start, end)
        XCTAssertEqual(String(start.prefix(4)), String(Calendar(identifier: .gregorian).component(.year, from: Date())))
        XCTAssertEqual(try vulnerabilities(result.stdout).count, 0)
    }

    /// A range scan names the commit that added the secret, its author and date.
    func testARangeNamesTheCommit() throws {
        let repo = try GitFixture()
        try repo.write("README", "base\n")
        try repo.commitAll("base")
        try repo.write("deploy/app.env", "TOKEN=\(token)\n")
        let sha = try repo.commitAll("add a token")
        let result = try run(["git", "HEAD~1..HEAD", "--repo", repo.path, "--now", now, "--format", "gitlab-secret-detection"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let location = try XCTUnwrap(vulnerabilities(result.stdout).first?["location"] as? [String: Any])
        XCTAssertEqual(location["file"] as? String, "deploy/app.env")
        let commit = try XCTUnwrap(location["commit"] as? [String: Any])
        XCTAssertEqual(commit["sha"] as? String, sha)
        XCTAssertEqual(commit["author"] as? String, "Test Author <author@example.com>")
        XCTAssertEqual(commit["date"] as? String, "2026-03-01T10:00:00+00:00")
        XCTAssertNil(commit["message"])
    }

    /// design §8: an acceptance the change itself adds is honoured (the gate passes) but listed
    /// for the reviewer in both formats; the merge request shows it.
    func testAcceptanceInTheChangeIsListedForReview() throws {
        let repo = try GitFixture()
        try repo.write("README", "base\n")
        try repo.commitAll("base")
        try repo.write("inline.env", "OTHER=\(token) # tokenscan:allow\n")
        try repo.commitAll("add a token and accept it")
        let secret = try run(["git", "HEAD~1..HEAD", "--repo", repo.path, "--now", now, "--format", "gitlab-secret-detection"])
        XCTAssertEqual(secret.status, 0, secret.stderr)
        let flagged = try XCTUnwrap(vulnerabilities(secret.stdout).first)
        XCTAssertEqual((flagged["flags"] as? [[String: Any]])?.first?["type"] as? String, "flagged-as-likely-false-positive")
        XCTAssertTrue((flagged["description"] as? String ?? "").contains("accepted in this change by an inline allow comment"), secret.stdout)
        let messages = try XCTUnwrap((json(secret.stdout)["scan"] as? [String: Any])?["messages"] as? [[String: Any]])
        XCTAssertTrue(messages.contains { ($0["value"] as? String ?? "").hasPrefix("Accepted in this change (under review): inline.env:1") }, secret.stdout)

        let quality = try run(["git", "HEAD~1..HEAD", "--repo", repo.path, "--now", now, "--format", "gitlab-codequality"])
        XCTAssertEqual(quality.status, 0, quality.stderr)
        let issues = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(quality.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(issues.count, 1, quality.stdout)
        XCTAssertEqual(issues.first?["severity"] as? String, "info")
        XCTAssertTrue((issues.first?["description"] as? String ?? "").contains("accepted in this change"), quality.stdout)
        XCTAssertFalse(secret.stdout.contains(token) || quality.stdout.contains(token))
    }

    func testUnknownFormatNamesTheGitLabOnes() throws {
        let result = try run(["scan", "--format", "gitlab"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("gitlab-secret-detection, gitlab-codequality"), result.stderr)
    }
}
