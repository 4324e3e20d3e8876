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

/// The `language: swift` hook of `.pre-commit-hooks.yaml` (`id: tokenscan-swift`), installed by the
/// real pre-commit framework as a user's machine installs it: pre-commit clones the hook repository
/// into its cache, builds it with `swift build -c release --build-path <env>/.build` and runs the
/// entry from `<env>/.build/release`. A live token blocks the commit; an expired test token and a
/// line marked `tokenscan:allow` do not.
///
/// The release build takes minutes (swift-crypto's BoringSSL), so the test runs only when
/// `TOKENSCAN_TEST_SWIFT_HOOK=1` (`.ci/run` sets it). It needs no network: SwiftPM resolves the
/// dependencies from its shared cache (`~/.cache/org.swift.swiftpm`, or under `XDG_CACHE_HOME`),
/// which the suite's own build has filled, so `HOME` and `XDG_CACHE_HOME` are left as they are.
final class SwiftHookTests: XCTestCase {
    func testSwiftHookBuildsFromACleanCloneAndBlocksLiveTokensOnly() throws {
        guard ProcessInfo.processInfo.environment["TOKENSCAN_TEST_SWIFT_HOOK"] == "1" else {
            throw XCTSkip("the `language: swift` pre-commit hook is tested only with TOKENSCAN_TEST_SWIFT_HOOK=1 "
                + "(pre-commit's release build takes minutes; .ci/run sets it)")
        }
        let directory = try temporaryDirectory()
        // The release build inside pre-commit's cache is a few hundred megabytes.
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }

        // Git reads neither the user's nor the system's configuration; a surrounding git command
        // (the tests run from a hook, say) does not leak its repository into ours.
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
        environment["PRE_COMMIT_HOME"] = directory.appendingPathComponent("pre-commit-home").path
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_AUTHOR_NAME"] = "Dev"; environment["GIT_AUTHOR_EMAIL"] = "dev@example.com"
        environment["GIT_COMMITTER_NAME"] = "Dev"; environment["GIT_COMMITTER_EMAIL"] = "dev@example.com"
        func run(_ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
            try Command.run(arguments, in: directory, environment: environment)
        }
        @discardableResult
        func git(_ arguments: String..., in directory: URL) throws -> String {
            let result = try run(["git"] + arguments, in: directory)
            guard result.status == 0 else {
                throw CommandFailure(description: "git \(arguments.joined(separator: " ")) exited \(result.status): \(result.output)")
            }
            return result.output
        }
        // Asked for explicitly, the test fails rather than skips when it cannot run.
        let version = try run(["python3", "-m", "pre_commit", "--version"], in: directory)
        XCTAssertEqual(version.status, 0, "TOKENSCAN_TEST_SWIFT_HOOK=1 needs the pre-commit framework (scripts/bootstrap --test installs it): \(version.output)")
        guard version.status == 0 else { return }

        // The hook repository: this checkout as it stands, committed in a fresh repository.
        let hook = directory.appendingPathComponent("hook")
        let rev = try RepositorySnapshot.commit(to: hook, environment: environment)
        XCTAssertTrue(FileManager.default.fileExists(atPath: hook.appendingPathComponent(".pre-commit-hooks.yaml").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: hook.appendingPathComponent(".build").path))

        let project = try RepositorySnapshot.preCommitProject(in: directory, hook: hook, rev: rev, id: "tokenscan-swift")
        try git("init", "-q", "-b", "main", in: project)
        try git("add", ".pre-commit-config.yaml", in: project)
        try git("commit", "-q", "-m", "init", in: project)

        // `--install-hooks` builds the hook's environment now, so the build is timed on its own.
        let started = Date()
        let install = try run(["python3", "-m", "pre_commit", "install", "--install-hooks"], in: project)
        let seconds = Date().timeIntervalSince(started)
        print("pre-commit built the swift hook in \(String(format: "%.0f", seconds)) s")
        let log = (try? String(contentsOf: directory.appendingPathComponent("pre-commit-home/pre-commit.log"), encoding: .utf8)) ?? ""
        XCTAssertEqual(install.status, 0, "pre-commit could not build the swift hook: \(install.output)\(log)")
        guard install.status == 0 else { return }
        // The entry runs from the release build pre-commit made, not from a tokenscan on PATH.
        let environments = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("pre-commit-home").path)
            .map { directory.appendingPathComponent("pre-commit-home/\($0)/swift_env-default/.build/release/tokenscan") }
            .filter { FileManager.default.isExecutableFile(atPath: $0.path) }
        XCTAssertEqual(environments.count, 1, "pre-commit's release build holds the tokenscan binary")

        let expired = TokenMinter.jwt(claims: ["sub": "test", "exp": 1_600_000_000])
        try "TEST_TOKEN=\(expired)\n".write(to: project.appendingPathComponent("test.env"), atomically: true, encoding: .utf8)
        try git("add", "test.env", in: project)
        let allowed = try run(["git", "commit", "-q", "-m", "expired test token"], in: project)
        XCTAssertEqual(allowed.status, 0, "an expired test token does not block: \(allowed.output)")

        let live = TokenMinter.jwt(claims: ["sub": "ci", "scope": "repo admin:org"])
        try "API_TOKEN=\(live)\n".write(to: project.appendingPathComponent("prod.env"), atomically: true, encoding: .utf8)
        try git("add", "prod.env", in: project)
        let blocked = try run(["git", "commit", "-q", "-m", "live token"], in: project)
        XCTAssertNotEqual(blocked.status, 0, "a live admin token blocks the commit")
        for named in ["prod.env", "CRITICAL", "jwt", "API_TOKEN"] {
            XCTAssertTrue(blocked.output.contains(named), "the finding names \(named): \(blocked.output)")
        }
        XCTAssertFalse(blocked.output.contains(live), "the hook output is redacted")
        XCTAssertEqual(try git("rev-list", "--count", "HEAD", in: project).trimmingCharacters(in: .whitespacesAndNewlines), "2",
                       "the blocked commit was not made")

        try "API_TOKEN=\(live) # tokenscan:allow\n".write(to: project.appendingPathComponent("prod.env"), atomically: true, encoding: .utf8)
        try git("add", "prod.env", in: project)
        let accepted = try run(["git", "commit", "-q", "-m", "accepted token"], in: project)
        XCTAssertEqual(accepted.status, 0, "an allowed line does not block: \(accepted.output)")
    }

    struct CommandFailure: Error, CustomStringConvertible { var description: String }

}
