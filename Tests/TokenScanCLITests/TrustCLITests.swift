import FixtureKit
import Foundation
import XCTest
import TokenFormats
import TokenScanModel

/// The scanned tree cannot switch the scan off unseen (issue "Hardening, round two", design §8):
/// a range trusts its base revision's configuration and names what the range changes in it; an
/// explicit `--config` replaces discovery of in-tree configuration; `--no-repo-config` reads
/// nothing from the tree; `--ignore-inline-allow` ignores allow comments. Every report says what
/// shaped its result.
final class TrustCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    let token = TokenMinter.jwt(claims: ["sub": "trust", "scope": "admin", "exp": 1_900_000_000])

    override func setUpWithError() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
    }

    /// A pull request that adds an allow-everything `.gitleaks.toml` and disables the JWT rule in
    /// `.tokenscan.toml`, next to a live token: the gate still fails, and the change is named on
    /// stderr, in the JSON summary, in SARIF and in the text report.
    func testRangeTakesConfigurationFromItsBaseAndNamesChanges() throws {
        let repo = try GitFixture()
        try repo.write("README.md", "base\n")
        try repo.commitAll("base")
        try repo.write(".gitleaks.toml", "[allowlist]\nregexes = ['''.''']\n")
        try repo.write(".tokenscan.toml", "disabledRules = [\"jwt\", \"authorization-bearer\", \"oauth-token-parameter\"]\n")
        try repo.write("app/config.env", "TOKEN=\(token)\n")
        try repo.commitAll("switch the gate off")

        let json = try run(["git", "HEAD~1..HEAD", "--repo", repo.path, "--now", now, "--format", "json"])
        XCTAssertEqual(json.status, 1, "the range's own configuration must not apply: \(json.stdout) \(json.stderr)")
        XCTAssertTrue(json.stderr.contains("the scanned commits change .gitleaks.toml (added)"), json.stderr)
        XCTAssertTrue(json.stderr.contains("the scanned commits change .tokenscan.toml (added)"), json.stderr)
        let changes = try XCTUnwrap(try summary(json).configuration?.changedInRange)
        XCTAssertEqual(changes.map(\.path).sorted(), [".gitleaks.toml", ".tokenscan.toml"])

        let sarif = try run(["git", "HEAD~1..HEAD", "--repo", repo.path, "--now", now, "--format", "sarif"])
        XCTAssertEqual(sarif.status, 1)
        XCTAssertTrue(sarif.stdout.contains("toolConfigurationNotifications"), sarif.stdout)
        XCTAssertTrue(sarif.stdout.contains("The scanned commits change .gitleaks.toml (added)"), sarif.stdout)

        let text = try run(["git", "HEAD~1..HEAD", "--repo", repo.path, "--now", now, "--color", "never"])
        XCTAssertTrue(text.stdout.contains("Not applied (changed by the scanned commits; takes effect once merged): .gitleaks.toml (added), .tokenscan.toml (added)"), text.stdout)

        // Once merged, the next range's base has it: the configuration applies and is named.
        try repo.write("app/other.env", "OTHER=\(token)\n")
        try repo.commitAll("next change")
        let next = try run(["git", "HEAD~1..HEAD", "--repo", repo.path, "--now", now, "--format", "json"])
        XCTAssertEqual(next.status, 0, next.stdout + next.stderr)
        let configuration = try XCTUnwrap(try summary(next).configuration)
        XCTAssertEqual(configuration.changedInRange, [])
        XCTAssertEqual(Set(configuration.files.map(\.path)), [".tokenscan.toml", ".gitleaks.toml"])
        XCTAssertTrue(configuration.files.allSatisfy { $0.source.hasPrefix("revision ") && $0.sha256.count == 64 }, "\(configuration.files)")
        XCTAssertEqual(configuration.disabledRules, ["authorization-bearer", "jwt", "oauth-token-parameter"])
    }

    /// `--config FILE` replaces discovery: a tree's `.gitleaks.toml` allowlist no longer applies
    /// beside it (it did). `--no-repo-config` reads neither configuration nor `.tokenscanignore`.
    func testExplicitConfigAndNoRepoConfigStopDiscovery() throws {
        let directory = try temporaryDirectory()
        let tree = directory.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        try "TOKEN=\(token)\n".write(to: tree.appendingPathComponent("app.env"), atomically: true, encoding: .utf8)
        try "[allowlist]\nregexes = ['''.''']\n".write(to: tree.appendingPathComponent(".gitleaks.toml"), atomically: true, encoding: .utf8)
        let explicit = directory.appendingPathComponent("ci.toml")
        try "failOn = \"low\"\n".write(to: explicit, atomically: true, encoding: .utf8)

        let discovered = try run(["scan", tree.path, "--now", now, "--format", "json"])
        XCTAssertEqual(discovered.status, 0, "without --config the tree's allowlist applies (and is named)")
        XCTAssertEqual(try summary(discovered).configuration?.files.map(\.role), ["gitleaks"])

        let withConfig = try run(["scan", tree.path, "--config", explicit.path, "--now", now, "--format", "json"])
        XCTAssertEqual(withConfig.status, 1, "--config stops discovery of the tree's .gitleaks.toml: \(withConfig.stdout)")
        let files = try XCTUnwrap(try summary(withConfig).configuration?.files)
        XCTAssertEqual(files.map(\.source), ["command line"])

        struct Findings: Decodable { var findings: [Finding] }
        let fingerprint = try XCTUnwrap(try JSONDecoder().decode(Findings.self, from: Data(
            run(["scan", tree.path, "--no-repo-config", "--now", now, "--format", "json"]).stdout.utf8)).findings.first?.fingerprint)
        try "fingerprint:\(fingerprint)\n".write(to: tree.appendingPathComponent(".tokenscanignore"), atomically: true, encoding: .utf8)
        try "disabledRules = [\"jwt\"]\n".write(to: tree.appendingPathComponent(".tokenscan.toml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try run(["scan", tree.path, "--now", now]).status, 0, "the tree accepts its own token")
        let none = try run(["scan", tree.path, "--no-repo-config", "--now", now, "--format", "json"])
        XCTAssertEqual(none.status, 1, "--no-repo-config reads no in-tree configuration or ignore file: \(none.stdout)")
        XCTAssertEqual(try summary(none).configuration?.repositoryConfigurationIgnored, true)
    }

    func testIgnoreInlineAllowReportsMarkedLines() throws {
        let directory = try temporaryDirectory()
        try "TOKEN=\(token) # tokenscan:allow\n".write(to: directory.appendingPathComponent("a.env"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try run(["scan", directory.path, "--now", now]).status, 0)
        let ignored = try run(["scan", directory.path, "--now", now, "--ignore-inline-allow"])
        XCTAssertEqual(ignored.status, 1, ignored.stdout)
    }
}

extension XCTestCase {
    /// The summary of a run's JSON report.
    func summary(_ run: CLIRun) throws -> ScanSummary {
        struct Report: Decodable { var summary: ScanSummary }
        return try JSONDecoder().decode(Report.self, from: Data(run.stdout.utf8)).summary
    }
}
