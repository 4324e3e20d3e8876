import Foundation
import XCTest
import FixtureKit
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanEngine
@testable import TokenScanSearch
@testable import TokenScanJudge
@testable import TokenScanSuppression
@testable import TokenScanSources
@testable import TokenScanReport
@testable import TokenScanApp

/// How git is invoked: the environment and the command line that keep a hostile repository from
/// running anything (the end-to-end proof is `GitCLITests.testNothingFromTheRepositoryIsExecuted`).
final class GitRunnerTests: XCTestCase {
    func testEnvironmentDropsInheritedGitVariablesAndPinsTheSafeOnes() {
        let inherited = [
            "PATH": "/usr/bin", "HOME": "/home/dev",
            "GIT_DIR": "/elsewhere/.git", "GIT_WORK_TREE": "/elsewhere", "GIT_EXTERNAL_DIFF": "/tmp/evil",
            "GIT_CONFIG_PARAMETERS": "'diff.external'='/tmp/evil'", "GIT_CONFIG_COUNT": "1", "GIT_ASKPASS": "/tmp/evil",
            "SSH_ASKPASS": "/tmp/evil", "GIT_INDEX_FILE": ".git/index.lock", "PAGER": "less",
        ]
        let environment = GitRunner.cleanEnvironment(inherited, keepIndexFile: false, currentDirectory: "/repo")
        for key in ["GIT_DIR", "GIT_WORK_TREE", "GIT_EXTERNAL_DIFF", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
                    "GIT_ASKPASS", "SSH_ASKPASS", "GIT_INDEX_FILE"] {
            XCTAssertNil(environment[key], key)
        }
        XCTAssertEqual(environment["PATH"], "/usr/bin")
        XCTAssertEqual(environment["HOME"], "/home/dev")
        XCTAssertEqual(environment["GIT_CONFIG_NOSYSTEM"], "1")
        XCTAssertEqual(environment["GIT_TERMINAL_PROMPT"], "0")
        XCTAssertEqual(environment["GIT_OPTIONAL_LOCKS"], "0")
        XCTAssertEqual(environment["GIT_PAGER"], "cat")
        XCTAssertEqual(environment["PAGER"], "cat")

        let hook = GitRunner.cleanEnvironment(inherited, keepIndexFile: true, currentDirectory: "/repo")
        XCTAssertEqual(hook["GIT_INDEX_FILE"], "/repo/.git/index.lock", "a hook's relative index is made absolute")
        XCTAssertNil(hook["GIT_DIR"])
    }

    func testEveryCommandCarriesTheSafetyConfigurationBeforeTheSubcommand() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
        let runner = try GitRunner(repository: "/repo", environment: ["PATH": "/usr/bin:/bin"])
        let line = runner.commandLine(["log", "-p"])
        XCTAssertEqual(Array(line.prefix(3)), ["-C", "/repo", "--no-pager"])
        XCTAssertEqual(Array(line.suffix(2)), ["log", "-p"])
        let settings = stride(from: 3, to: line.count - 2, by: 2).map { index -> String in
            XCTAssertEqual(line[index], "-c")
            return line[index + 1]
        }
        XCTAssertEqual(settings, GitRunner.safetyConfiguration)
        for required in ["core.hooksPath=/dev/null", "core.fsmonitor=false", "core.untrackedCache=false", "diff.external=",
                         "core.pager=cat", "core.editor=true", "credential.helper=", "protocol.allow=never", "core.sshCommand=false"] {
            XCTAssertTrue(settings.contains(required), required)
        }
        for option in ["--no-ext-diff", "--no-textconv", "--no-color"] {
            XCTAssertTrue(GitRunner.diffOptions.contains(option), option)
        }
    }

    func testGitIsOnlyLookedUpInAbsolutePathDirectories() throws {
        // A `git` in a relative PATH entry (here: relative to the current directory) must not run.
        let directory = try TestSupport.temporaryDirectory()
        let fake = directory.appendingPathComponent("git")
        try "#!/bin/sh\nexit 0\n".write(to: fake, atomically: true, encoding: .utf8)
        chmod(fake.path, 0o755)
        let current = FileManager.default.currentDirectoryPath.split(separator: "/")
        let relative = Array(repeating: "..", count: current.count).joined(separator: "/") + directory.path
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: relative + "/git"), "the relative path resolves")
        XCTAssertNil(GitRunner.findExecutable(path: relative))
        XCTAssertNil(GitRunner.findExecutable(path: ":"))
        XCTAssertEqual(GitRunner.findExecutable(path: "\(relative):\(directory.path)"), fake.path)
    }

    func testNotARepository() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
        let directory = try TestSupport.temporaryDirectory()
        let runner = try GitRunner(repository: directory.path, environment: ProcessInfo.processInfo.environment)
        XCTAssertThrowsError(try runner.verifyRepository()) { error in
            guard case .notARepository(let path, let detail) = error as? GitError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, directory.path)
            XCTAssertTrue(detail.contains("not a git repository"), detail)
        }
        XCTAssertThrowsError(try GitRunner(repository: ".", environment: ["PATH": directory.path])) {
            XCTAssertEqual($0 as? GitError, .gitNotFound)
        }
    }
}
