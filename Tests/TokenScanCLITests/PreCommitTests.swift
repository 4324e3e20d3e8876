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

/// The shipped `.pre-commit-hooks.yaml`, run by the real pre-commit framework on a temporary
/// repository with the built binary on PATH (the `tokenscan-system` hook), in each way pre-commit
/// runs a hook: inside `git commit` (the staged changes), `pre-commit run --all-files` (the files,
/// whole) and `pre-commit run --from-ref A --to-ref B` (the commits of a range). A hook that always
/// scanned the staged diff passed the last two with a committed live token.
final class PreCommitTests: XCTestCase {
    /// A repository with pre-commit installed, whose hook repository is this checkout's
    /// `.pre-commit-hooks.yaml` as it stands in the work tree (committed in a fresh repository, so
    /// the test checks the file being edited, not the last commit's).
    struct Setup {
        var repo: URL
        var environment: [String: String]

        @discardableResult
        func sh(_ command: String) throws -> (status: Int32, output: String) {
            try Command.run(["/bin/sh", "-c", command], in: repo, environment: environment)
        }

        func write(_ name: String, _ text: String) throws {
            try text.write(to: repo.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }

        /// Writes and commits one file past the hook (`--no-verify`): history that holds a token.
        func commitPastTheHook(_ name: String, _ text: String) throws {
            try write(name, text)
            let result = try sh("git add '\(name)' && git commit -qm 'add \(name)' --no-verify")
            XCTAssertEqual(result.status, 0, result.output)
        }
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func makeSetup() throws -> Setup {
        let directory = try temporaryDirectory()
        // No GIT_* or PRE_COMMIT_* variables of a surrounding hook leak into the repositories here.
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") && !$0.key.hasPrefix("PRE_COMMIT") }
        environment["PATH"] = CLITests.binary.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["PRE_COMMIT_HOME"] = directory.appendingPathComponent(".cache").path
        environment["HOME"] = directory.path
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_AUTHOR_NAME"] = "Dev"; environment["GIT_AUTHOR_EMAIL"] = "dev@example.com"
        environment["GIT_COMMITTER_NAME"] = "Dev"; environment["GIT_COMMITTER_EMAIL"] = "dev@example.com"
        guard try Command.run(["python3", "-m", "pre_commit", "--version"], in: directory, environment: environment).status == 0 else {
            throw XCTSkip("the pre-commit framework is not installed (scripts/bootstrap --test installs it)")
        }
        let hooks = directory.appendingPathComponent("hooks")
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: PreCommitTests.repositoryRoot.appendingPathComponent(".pre-commit-hooks.yaml"),
                                         to: hooks.appendingPathComponent(".pre-commit-hooks.yaml"))
        let hookRepo = Setup(repo: hooks, environment: environment)
        XCTAssertEqual(try hookRepo.sh("git init -q . && git add . && git commit -qm hooks").status, 0)
        let revision = try hookRepo.sh("git rev-parse HEAD").output.trimmingCharacters(in: .whitespacesAndNewlines)

        let repo = directory.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        let setup = Setup(repo: repo, environment: environment)
        try setup.write(".pre-commit-config.yaml", """
            repos:
              - repo: \(hooks.path)
                rev: \(revision)
                hooks:
                  - id: tokenscan-system
            """)
        let installed = try setup.sh("git init -q . && git add .pre-commit-config.yaml && git commit -qm init && python3 -m pre_commit install")
        XCTAssertEqual(installed.status, 0, installed.output)
        return setup
    }

    let live = TokenMinter.jwt(claims: ["sub": "ci", "scope": "repo admin:org"])
    let expired = TokenMinter.jwt(claims: ["sub": "test", "exp": 1_600_000_000])

    func testCommitBlocksLiveTokensOnly() throws {
        let setup = try makeSetup()
        try setup.write("test.env", "TEST_TOKEN=\(expired)\n")
        let allowed = try setup.sh("git add test.env && git commit -qm 'expired test token'")
        XCTAssertEqual(allowed.status, 0, "an expired test token does not block: \(allowed.output)")

        try setup.write("prod.env", "API_TOKEN=\(live)\n")
        let blocked = try setup.sh("git add prod.env && git commit -qm 'live token'")
        XCTAssertNotEqual(blocked.status, 0, "a live admin token blocks the commit")
        XCTAssertTrue(blocked.output.contains("CRITICAL"), blocked.output)
        XCTAssertFalse(blocked.output.contains(live), "the hook output is redacted")

        try setup.write("prod.env", "API_TOKEN=\(live) # tokenscan:allow\n")
        let accepted = try setup.sh("git add prod.env && git commit -qm 'accepted token'")
        XCTAssertEqual(accepted.status, 0, "an allowed line does not block: \(accepted.output)")
    }

    /// `pre-commit run --all-files` passes every tracked file: they are scanned whole, so a token
    /// committed earlier (here past the hook with --no-verify) fails the run.
    func testRunAllFilesScansTheFiles() throws {
        let setup = try makeSetup()
        try setup.commitPastTheHook("test.env", "TEST_TOKEN=\(expired)\n")
        let clean = try setup.sh("python3 -m pre_commit run --all-files")
        XCTAssertEqual(clean.status, 0, "an expired test token passes: \(clean.output)")

        try setup.commitPastTheHook("prod.env", "API_TOKEN=\(live)\n")
        assertHookFailed(try setup.sh("python3 -m pre_commit run --all-files"), reporting: "prod.env")
    }

    /// pre-commit reports the hook as failed, with tokenscan's redacted findings.
    func assertHookFailed(_ result: (status: Int32, output: String), reporting path: String, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, result.output, line: line)
        XCTAssertTrue(result.output.contains("Failed"), result.output, line: line)
        XCTAssertTrue(result.output.contains(path), result.output, line: line)
        XCTAssertTrue(result.output.contains("CRITICAL"), result.output, line: line)
        XCTAssertFalse(result.output.contains(live), "the hook output is redacted", line: line)
    }

    /// `pre-commit run --from-ref A --to-ref B` (CI, pre-push): the lines the commits of A..B add.
    /// A token committed before A is not this range's finding.
    func testRunFromRefToRefScansTheRange() throws {
        let setup = try makeSetup()
        try setup.commitPastTheHook("old.env", "OLD_TOKEN=\(live)\n")
        let base = try setup.sh("git rev-parse HEAD").output.trimmingCharacters(in: .whitespacesAndNewlines)
        try setup.write("notes.txt", "nothing secret\n")
        XCTAssertEqual(try setup.sh("git add notes.txt && git commit -qm notes").status, 0)
        let cleanRange = try setup.sh("python3 -m pre_commit run --from-ref \(base) --to-ref HEAD")
        XCTAssertEqual(cleanRange.status, 0, "the range adds no token: \(cleanRange.output)")

        try setup.commitPastTheHook("prod.env", "API_TOKEN=\(live)\n")
        let result = try setup.sh("python3 -m pre_commit run --from-ref \(base) --to-ref HEAD")
        assertHookFailed(result, reporting: "prod.env")
        XCTAssertFalse(result.output.contains("old.env"), "a token from before the range is not reported: \(result.output)")
        XCTAssertTrue(result.output.contains("commit "), "findings name the commit that added them: \(result.output)")
    }
}
