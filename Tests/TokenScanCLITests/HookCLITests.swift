import Foundation
import XCTest
import FixtureKit
import TokenFormats
import TokenScanModel
import TokenScanApp

/// `tokenscan hook`, run directly with the environment pre-commit and git give a hook (the
/// framework itself runs it in PreCommitTests): the staged content inside a commit, the files
/// whole outside one, the commits of a range with PRE_COMMIT_FROM_REF/TO_REF.
final class HookCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    let live = TokenMinter.jwt(claims: ["sub": "ci", "scope": "repo"])
    /// No variable of a surrounding hook decides the mode by accident.
    let clean: [String: String?] = ["GIT_INDEX_FILE": nil, "PRE_COMMIT_FROM_REF": nil, "PRE_COMMIT_TO_REF": nil,
                                    "PRE_COMMIT_SOURCE": nil, "PRE_COMMIT_ORIGIN": nil, "GIT_DIR": nil, "GIT_WORK_TREE": nil]

    override func setUpWithError() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
    }

    func hook(_ arguments: [String], in repo: GitFixture, environment: [String: String?] = [:]) throws -> CLIRun {
        try run(["hook"] + arguments + ["--now", now, "--format", "jsonl"], directory: repo.directory,
                environment: clean.merging(environment) { $1 })
    }

    /// Inside a commit (GIT_INDEX_FILE set) a file passed is judged by its staged content: a token
    /// staged but since deleted from the work tree blocks; one only in the work tree does not.
    func testInsideACommitTheIndexIsJudgedNotTheWorkTree() throws {
        let repo = try GitFixture()
        try repo.write("README", "hello\n")
        try repo.commitAll("init")
        try repo.write("app.env", "TOKEN=\(live)\n")
        try repo.git("add", "app.env")
        try repo.write("app.env", "TOKEN=\n")
        let inCommit = ["GIT_INDEX_FILE": repo.directory.appendingPathComponent(".git/index").path]
        let staged = try hook(["app.env"], in: repo, environment: inCommit)
        XCTAssertEqual(staged.status, 1, staged.stderr)
        XCTAssertTrue(staged.stdout.contains(#""path":"app.env""#), staged.stdout)

        try repo.git("add", "app.env")
        try repo.write("app.env", "TOKEN=\(live)\n")
        let unstaged = try hook(["app.env"], in: repo, environment: inCommit)
        XCTAssertEqual(unstaged.status, 0, "the token is not staged: \(unstaged.stdout)\(unstaged.stderr)")
        // Without files (a plain .git/hooks/pre-commit running `tokenscan hook`): the staged diff too.
        XCTAssertEqual(try hook([], in: repo, environment: inCommit).status, 0)
    }

    /// Files passed limit the staged diff: pre-commit's `exclude` and its split of long file lists
    /// are honoured.
    func testFilesPassedLimitTheStagedDiff() throws {
        let repo = try GitFixture()
        try repo.write("secret.env", "TOKEN=\(live)\n")
        try repo.write("other.txt", "nothing\n")
        try repo.git("add", "-A")
        let inCommit = ["GIT_INDEX_FILE": repo.directory.appendingPathComponent(".git/index").path]
        XCTAssertEqual(try hook(["other.txt"], in: repo, environment: inCommit).status, 0)
        XCTAssertEqual(try hook(["other.txt", "secret.env"], in: repo, environment: inCommit).status, 1)
    }

    /// Outside a commit (`pre-commit run --all-files`), the files passed are scanned whole,
    /// committed content included.
    func testOutsideACommitTheFilesAreScannedWhole() throws {
        let repo = try GitFixture()
        try repo.write("app.env", "TOKEN=\(live)\n")
        try repo.write("other.txt", "nothing\n")
        try repo.commitAll("committed token")
        let result = try hook(["app.env", "other.txt"], in: repo)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains(#""path":"app.env""#), result.stdout)
        XCTAssertEqual(try hook(["other.txt"], in: repo).status, 0)
    }

    /// With PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF: the lines the range's commits add, with the
    /// commit that added them; a token from before the range is not the range's.
    func testRangeFromPreCommitRefs() throws {
        let repo = try GitFixture()
        try repo.write("old.env", "TOKEN=\(live)\n")
        let base = try repo.commitAll("old token")
        try repo.write("new.env", "TOKEN=\(TokenMinter.jwt(claims: ["sub": "new", "scope": "repo"]))\n")
        let head = try repo.commitAll("new token")
        let result = try hook(["new.env", "old.env"], in: repo, environment: ["PRE_COMMIT_FROM_REF": base, "PRE_COMMIT_TO_REF": head])
        XCTAssertEqual(result.status, 1, result.stderr)
        let findings = try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(Finding.self, from: Data($0.utf8)) }
        XCTAssertEqual(findings.map(\.path), ["new.env"])
        XCTAssertEqual(findings.first?.commit?.sha, head)
        let none = try hook([], in: repo, environment: ["PRE_COMMIT_FROM_REF": head, "PRE_COMMIT_TO_REF": head])
        XCTAssertEqual(none.status, 0, none.stdout)
    }

    func testModeDecision() {
        XCTAssertEqual(HookSelection.decide(environment: ["PRE_COMMIT_FROM_REF": "a", "PRE_COMMIT_TO_REF": "b", "GIT_INDEX_FILE": "x"], files: ["f"]),
                       .range(from: "a", to: "b", paths: ["f"]))
        XCTAssertEqual(HookSelection.decide(environment: ["GIT_INDEX_FILE": ".git/index"], files: ["f"]), .staged(paths: ["f"]))
        XCTAssertEqual(HookSelection.decide(environment: [:], files: []), .staged(paths: []))
        XCTAssertEqual(HookSelection.decide(environment: ["GIT_INDEX_FILE": ""], files: ["f"]), .files(["f"]))
        XCTAssertEqual(HookSelection.decide(environment: ["PRE_COMMIT_FROM_REF": "a"], files: ["f"]), .files(["f"]))
        // pre-commit 1.x's names, which 4.x still sets beside the new ones (measured: ORIGIN is --from-ref).
        XCTAssertEqual(HookSelection.decide(environment: ["PRE_COMMIT_ORIGIN": "a", "PRE_COMMIT_SOURCE": "b"], files: []),
                       .range(from: "a", to: "b", paths: []))
    }
}
