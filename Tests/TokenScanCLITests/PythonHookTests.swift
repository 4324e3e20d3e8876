import Foundation
import XCTest
import FixtureKit
import TokenFormats

/// The `language: python` hook (`id: tokenscan`), installed by the real pre-commit framework the
/// way a user's machine installs it, with no Swift toolchain on PATH: pre-commit clones the hook
/// repository, makes a virtualenv and runs `pip install .`, which installs the root's
/// `tokenscan-pre-commit` project and its one dependency, the tokenscan wheel, found in dist/
/// through `PIP_FIND_LINKS` (until it is on PyPI). Nothing is built from source: the binary in
/// the hook's environment is the wheel's, byte for byte. It installs and runs in under 60 s,
/// blocks a staged live JWT and passes an expired test token.
final class PythonHookTests: XCTestCase {
    func testPythonHookInstallsTheWheelWithoutSwiftAndBlocksLiveTokensOnly() throws {
        let dist = try ReleaseDist.directory()
        let directory = try temporaryDirectory()
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("GIT_") && !$0.key.hasPrefix("PRE_COMMIT") && !$0.key.hasPrefix("PIP_") && !$0.key.hasPrefix("XDG_")
        }
        // No Swift: every PATH entry that holds a `swift` is dropped.
        environment["PATH"] = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .filter { !FileManager.default.isExecutableFile(atPath: "\($0)/swift") }.joined(separator: ":")
        environment["HOME"] = directory.path
        environment["PRE_COMMIT_HOME"] = directory.appendingPathComponent("pre-commit-home").path
        environment["PIP_FIND_LINKS"] = dist.path
        environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_AUTHOR_NAME"] = "Dev"; environment["GIT_AUTHOR_EMAIL"] = "dev@example.com"
        environment["GIT_COMMITTER_NAME"] = "Dev"; environment["GIT_COMMITTER_EMAIL"] = "dev@example.com"
        func run(_ command: String, in directory: URL) throws -> (status: Int32, output: String) {
            try Command.run(["/bin/sh", "-c", command], in: directory, environment: environment)
        }
        XCTAssertNotEqual(try run("command -v swift", in: directory).status, 0, "swift is not on the test's PATH")
        guard try run("python3 -m pre_commit --version", in: directory).status == 0 else {
            throw XCTSkip("the pre-commit framework is not installed (scripts/bootstrap --test installs it)")
        }

        let hook = directory.appendingPathComponent("hook")
        let rev = try RepositorySnapshot.commit(to: hook, environment: environment)
        let project = try RepositorySnapshot.preCommitProject(in: directory, hook: hook, rev: rev, id: "tokenscan")
        XCTAssertEqual(try run("git init -q -b main . && git add .pre-commit-config.yaml && git commit -qm init", in: project).status, 0)

        // Install (clone, virtualenv, pip install .) and the first run, timed together.
        let started = Date()
        let install = try run("python3 -m pre_commit install --install-hooks", in: project)
        let installed = Date().timeIntervalSince(started)
        let log = (try? String(contentsOf: directory.appendingPathComponent("pre-commit-home/pre-commit.log"), encoding: .utf8)) ?? ""
        XCTAssertEqual(install.status, 0, "pre-commit could not install the python hook: \(install.output)\(log)")
        guard install.status == 0 else { return }

        let expired = TokenMinter.jwt(claims: ["sub": "test", "exp": 1_600_000_000])
        try "TEST_TOKEN=\(expired)\n".write(to: project.appendingPathComponent("test.env"), atomically: true, encoding: .utf8)
        let allowed = try run("git add test.env && git commit -qm 'expired test token'", in: project)
        let total = Date().timeIntervalSince(started)
        print("pre-commit installed the python hook in \(String(format: "%.1f", installed)) s; install and first run: \(String(format: "%.1f", total)) s")
        XCTAssertEqual(allowed.status, 0, "an expired test token does not block: \(allowed.output)")
        XCTAssertLessThan(total, 60, "the python hook installs and runs in under 60 s")

        // The hook's binary is the wheel's: pip built nothing from source.
        let binaries = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("pre-commit-home").path)
            .map { directory.appendingPathComponent("pre-commit-home/\($0)") }
            .flatMap { repo in
                ((try? FileManager.default.contentsOfDirectory(atPath: repo.path)) ?? [])
                    .filter { $0.hasPrefix("py_env-") }.map { repo.appendingPathComponent("\($0)/bin/tokenscan") }
            }
            .filter { FileManager.default.isExecutableFile(atPath: $0.path) }
        XCTAssertEqual(binaries.count, 1, "pre-commit's python environment holds tokenscan")
        let wheelBinary = directory.appendingPathComponent("wheel-tokenscan")
        try ReleaseDist.extractWheelBinary(to: wheelBinary)
        if let installedBinary = binaries.first {
            XCTAssertEqual(try Data(contentsOf: installedBinary), try Data(contentsOf: wheelBinary),
                           "the hook runs the binary of the wheel in dist/")
        }

        let live = TokenMinter.jwt(claims: ["sub": "ci", "scope": "repo admin:org"])
        try "API_TOKEN=\(live)\n".write(to: project.appendingPathComponent("prod.env"), atomically: true, encoding: .utf8)
        let blocked = try run("git add prod.env && git commit -qm 'live token'", in: project)
        XCTAssertNotEqual(blocked.status, 0, "a live admin token blocks the commit")
        for named in ["prod.env", "CRITICAL", "API_TOKEN"] {
            XCTAssertTrue(blocked.output.contains(named), "the finding names \(named): \(blocked.output)")
        }
        XCTAssertFalse(blocked.output.contains(live), "the hook output is redacted")
        XCTAssertEqual(try run("git rev-list --count HEAD", in: project).output.trimmingCharacters(in: .whitespacesAndNewlines), "2",
                       "the blocked commit was not made")
    }
}
