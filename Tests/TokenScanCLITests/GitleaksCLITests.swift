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

/// A team moving from gitleaks: its `.gitleaks.toml` is read as rules and allowlists, in a real
/// repository, with warnings for what does not carry over.
final class GitleaksCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/gitleaks/gitleaks.toml")

    let acmeKey = "acme_live_" + TokenMinter.opaque(length: 32, seed: "cli-acme", alphabet: "abcdefghijklmnopqrstuvwxyz0123456789")
    let sandboxKey = "acme_test_" + TokenMinter.opaque(length: 32, seed: "cli-sandbox", alphabet: "abcdefghijklmnopqrstuvwxyz0123456789")
    let deployToken = TokenMinter.opaque(length: 40, seed: "cli-deploy")

    override func setUpWithError() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
    }

    func json(_ text: String) throws -> (findings: [[String: Any]], summary: [String: Any]) {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        return (object["findings"] as! [[String: Any]], object["summary"] as! [String: Any])
    }

    func testRepositoryGitleaksConfigIsImported() throws {
        let repo = try GitFixture()
        try repo.write(".gitleaks.toml", try String(contentsOf: Self.fixture, encoding: .utf8))
        try repo.write("src/settings.py", GitFixture.text(["ACME_KEY = \"\(acmeKey)\"", "SANDBOX_KEY = \"\(sandboxKey)\""]))
        try repo.write("vendor/acme/client.py", GitFixture.text(["DEFAULT_KEY = \"\(acmeKey)\""]))
        try repo.write(".ci/release.yml", GitFixture.text(["steps:", "  - deploy_token: \(deployToken)"]))
        let sha = try repo.commitAll("add the ACME client")

        // Found in the repository root like .tokenscan.toml; findings flow through the usual report.
        let history = try run(["git", "--now", now, "--format", "json"], directory: repo.directory)
        XCTAssertEqual(history.status, 1, history.stderr)
        let (findings, summary) = try json(history.stdout)
        XCTAssertEqual(findings.map { "\($0["path"]!):\($0["line"]!) \($0["ruleId"]!)" }, [
            ".ci/release.yml:2 acme-deploy-token",
            "src/settings.py:1 acme-api-key",
        ])
        XCTAssertEqual((findings[1]["commit"] as? [String: Any])?["sha"] as? String, sha)
        XCTAssertEqual(findings[1]["secret"] as? String, "acme…[42 chars redacted]", "redacted like every secret")
        XCTAssertFalse(history.stdout.contains(acmeKey))
        XCTAssertEqual((summary["dismissed"] as? [String: Int])?["allow-rule"], 2, "the sandbox key and vendor/")
        // What does not carry over is named on stderr, with the file and the rule; nothing is fatal.
        for expected in [".gitleaks.toml: [extend] useDefault: gitleaks' default rules and allowlists are not imported",
                         ".gitleaks.toml: rule 'legacy-service-token': regex does not compile as PCRE2",
                         ".gitleaks.toml: rule 'pem-files': a path-only rule"] {
            XCTAssertTrue(history.stderr.contains(expected), "\(expected) in\n\(history.stderr)")
        }

        // A commit allowlist accepts what that commit added (tokenscan git knows each line's commit).
        try repo.write(".gitleaks.toml", try String(contentsOf: Self.fixture, encoding: .utf8) + """

            [[allowlists]]
            description = "reviewed in SEC-1234"
            commits = ["\(sha.uppercased())"]
            """)
        let accepted = try run(["git", "--now", now, "--format", "json"], directory: repo.directory)
        XCTAssertEqual(accepted.status, 0, accepted.stderr)
        XCTAssertEqual(try json(accepted.stdout).findings.count, 0)

        // The same rules for `scan`, also with the file named on the command line; `gitleaks = false`
        // in .tokenscan.toml stops the discovery.
        let scanned = try run(["scan", "src", "--now", now, "--format", "jsonl", "--gitleaks-config", Self.fixture.path], directory: repo.directory)
        XCTAssertEqual(scanned.status, 1, scanned.stderr)
        XCTAssertTrue(scanned.stdout.contains(#""ruleId":"acme-api-key""#), scanned.stdout)
        try repo.write(".tokenscan.toml", "gitleaks = false\n")
        let off = try run(["scan", ".", "--now", now, "--format", "jsonl"], directory: repo.directory)
        XCTAssertEqual(off.stderr, "", "no gitleaks configuration read, no warnings")
        // Only the built-in rules report: the deploy token under its name (named-value), no acme rule.
        XCTAssertFalse(off.stdout.contains(#""ruleId":"acme-"#), off.stdout)
        XCTAssertEqual(off.stdout.components(separatedBy: #""ruleId":"named-value""#).count - 1, 1, off.stdout)
    }

    func testNamedConfigsThatCannotBeUsedFail() throws {
        let directory = try temporaryDirectory()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("ci"), withIntermediateDirectories: true)
        try "[extend]\nuseDefault = true\n".write(to: directory.appendingPathComponent("ci/gitleaks.toml"), atomically: true, encoding: .utf8)
        try "gitleaks = \"ci/gitleaks.toml\"\n".write(to: directory.appendingPathComponent(".tokenscan.toml"), atomically: true, encoding: .utf8)
        let named = try run(["scan", directory.path])
        XCTAssertEqual(named.status, 2)
        XCTAssertTrue(named.stderr.contains("ci/gitleaks.toml: no rule or allowlist could be translated ([extend] useDefault"), named.stderr)

        // Discovered, the same file is only a warning: a repository's leftover must not break scans.
        try FileManager.default.removeItem(at: directory.appendingPathComponent(".tokenscan.toml"))
        try FileManager.default.moveItem(at: directory.appendingPathComponent("ci/gitleaks.toml"), to: directory.appendingPathComponent(".gitleaks.toml"))
        let discovered = try run(["scan", directory.path])
        XCTAssertEqual(discovered.status, 0, discovered.stderr)
        XCTAssertTrue(discovered.stderr.contains(".gitleaks.toml: no rule or allowlist could be translated; the file is ignored"), discovered.stderr)

        try "[[rules]\n".write(to: directory.appendingPathComponent(".gitleaks.toml"), atomically: true, encoding: .utf8)
        let invalid = try run(["scan", directory.path])
        XCTAssertEqual(invalid.status, 2)
        XCTAssertTrue(invalid.stderr.contains("invalid gitleaks configuration: "), invalid.stderr)
        XCTAssertEqual(try run(["scan", directory.path, "--gitleaks-config", directory.appendingPathComponent("nope.toml").path]).status, 2)
    }

    /// `.gitleaksignore` keeps what a team accepted in gitleaks: `file:rule:line` entries for files,
    /// `commit:file:rule:line` entries for history, each only where gitleaks would apply it.
    func testGitleaksIgnoreEntriesAreHonoured() throws {
        let repo = try GitFixture()
        try repo.write(".gitleaks.toml", try String(contentsOf: Self.fixture, encoding: .utf8))
        let jwt = TokenMinter.jwt(claims: ["sub": .string("svc"), "exp": .number(1_900_000_000)])
        try repo.write("src/settings.py", GitFixture.text(["ACME_KEY = \"\(acmeKey)\"", "TOKEN = \"\(jwt)\""]))
        let sha = try repo.commitAll("add settings")
        let before = try run(["scan", ".", "--now", now, "--format", "json"], directory: repo.directory)
        XCTAssertEqual(try json(before.stdout).findings.map { "\($0["line"]!) \($0["ruleId"]!)" }, ["1 acme-api-key", "2 jwt"])

        try repo.write(".gitleaksignore", """
            # accepted in SEC-77
            ./src/settings.py:acme-api-key:1
            \(sha):src/settings.py:jwt:2
            """)
        let files = try run(["scan", ".", "--now", now, "--format", "json"], directory: repo.directory)
        let (fileFindings, fileSummary) = try json(files.stdout)
        XCTAssertEqual(fileFindings.map { "\($0["line"]!) \($0["ruleId"]!)" }, ["2 jwt"], "a commit entry does not cover a file scan")
        XCTAssertEqual((fileSummary["dismissed"] as? [String: Int])?["ignored-fingerprint"], 1)

        let history = try run(["git", "--now", now, "--format", "json"], directory: repo.directory)
        XCTAssertEqual(history.status, 0, history.stderr)
        XCTAssertEqual(try json(history.stdout).findings.count, 0)
        XCTAssertEqual((try json(history.stdout).summary["dismissed"] as? [String: Int])?["ignored-fingerprint"], 2)
    }

    /// `GITLEAKS_CONFIG` names the gitleaks configuration as it does for gitleaks; the command line
    /// and `.tokenscan.toml` come first.
    func testGitleaksConfigEnvironmentVariable() throws {
        let directory = try temporaryDirectory()
        try "ACME_KEY = \"\(acmeKey)\"\n".write(to: directory.appendingPathComponent("settings.py"), atomically: true, encoding: .utf8)
        let plain = try run(["scan", directory.path, "--now", now, "--format", "json"])
        XCTAssertEqual(try json(plain.stdout).findings.count, 0)
        let env = ["/usr/bin/env", "GITLEAKS_CONFIG=\(Self.fixture.path)"]
        let imported = try run(["scan", directory.path, "--now", now, "--format", "json"], prefix: env)
        XCTAssertEqual(try json(imported.stdout).findings.map { $0["ruleId"] as? String }, ["acme-api-key"], imported.stderr)
        let missing = try run(["scan", directory.path], prefix: ["/usr/bin/env", "GITLEAKS_CONFIG=/nonexistent/gitleaks.toml"])
        XCTAssertEqual(missing.status, 2, "a named file that cannot be read fails the run")
        try "gitleaks = false\n".write(to: directory.appendingPathComponent(".tokenscan.toml"), atomically: true, encoding: .utf8)
        let off = try run(["scan", directory.path, "--now", now, "--format", "json"], prefix: env)
        XCTAssertEqual(try json(off.stdout).findings.count, 0, "gitleaks = false wins")
    }
}
