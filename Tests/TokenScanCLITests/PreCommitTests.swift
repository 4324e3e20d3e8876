import Foundation
import XCTest
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
/// repository: a live token blocks the commit, an expired test token and an allowed line do not.
final class PreCommitTests: XCTestCase {
    func shell(_ command: String, in directory: URL, environment: [String: String]) throws -> CLIRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = directory
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return CLIRun(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    func testHooksBlockLiveTokensOnly() throws {
        let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = try temporaryDirectory()
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = CLITests.binary.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["PRE_COMMIT_HOME"] = directory.appendingPathComponent(".cache").path
        environment["HOME"] = directory.path
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_AUTHOR_NAME"] = "Dev"; environment["GIT_AUTHOR_EMAIL"] = "dev@example.com"
        environment["GIT_COMMITTER_NAME"] = "Dev"; environment["GIT_COMMITTER_EMAIL"] = "dev@example.com"
        guard try shell("python3 -m pre_commit --version", in: directory, environment: environment).status == 0 else {
            throw XCTSkip("the pre-commit framework is not installed (scripts/bootstrap --test installs it)")
        }
        // pre-commit clones the hook repository at a revision: this checkout's HEAD must contain the hooks file.
        let head = try shell("git -C '\(repositoryRoot.path)' rev-parse HEAD", in: directory, environment: environment)
        let committed = try shell("git -C '\(repositoryRoot.path)' cat-file -e HEAD:.pre-commit-hooks.yaml", in: directory, environment: environment)
        guard head.status == 0, committed.status == 0 else { throw XCTSkip("the hooks file is not committed in this checkout") }
        let repo = directory.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        try """
        repos:
          - repo: \(repositoryRoot.path)
            rev: \(head.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            hooks:
              - id: tokenscan-system
        """.write(to: repo.appendingPathComponent(".pre-commit-config.yaml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try shell("git init -q . && git add .pre-commit-config.yaml && git commit -qm init && python3 -m pre_commit install",
                                 in: repo, environment: environment).status, 0)

        let expired = TokenMinter.jwt(claims: ["sub": "test", "exp": 1_600_000_000])
        try "TEST_TOKEN=\(expired)\n".write(to: repo.appendingPathComponent("test.env"), atomically: true, encoding: .utf8)
        let allowed = try shell("git add test.env && git commit -qm 'expired test token'", in: repo, environment: environment)
        XCTAssertEqual(allowed.status, 0, "an expired test token does not block: \(allowed.stdout)\(allowed.stderr)")

        let live = TokenMinter.jwt(claims: ["sub": "ci", "scope": "repo admin:org"])
        try "API_TOKEN=\(live)\n".write(to: repo.appendingPathComponent("prod.env"), atomically: true, encoding: .utf8)
        let blocked = try shell("git add prod.env && git commit -qm 'live token'", in: repo, environment: environment)
        XCTAssertNotEqual(blocked.status, 0, "a live admin token blocks the commit")
        XCTAssertTrue((blocked.stdout + blocked.stderr).contains("CRITICAL"), blocked.stdout + blocked.stderr)
        XCTAssertFalse((blocked.stdout + blocked.stderr).contains(live), "the hook output is redacted")

        try "API_TOKEN=\(live) # tokenscan:allow\n".write(to: repo.appendingPathComponent("prod.env"), atomically: true, encoding: .utf8)
        let accepted = try shell("git add prod.env && git commit -qm 'accepted token'", in: repo, environment: environment)
        XCTAssertEqual(accepted.status, 0, "an allowed line does not block: \(accepted.stdout)\(accepted.stderr)")
    }
}
