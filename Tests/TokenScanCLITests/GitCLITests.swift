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

/// `tokenscan git` as users run it: pre-commit, CI ranges, exit codes — and the guarantee that a
/// scanned repository cannot make tokenscan (or the git it runs) execute anything.
final class GitCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    override func setUpWithError() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
    }

    enum TemporaryDirectory {
        static func make() throws -> URL {
            try Scratch.directory("cli")
        }
    }

    func token(_ subject: String) -> String { TokenMinter.jwt(claims: ["sub": .string(subject), "scope": "repo"]) }

    func jsonl(_ text: String) throws -> [Finding] {
        try text.split(separator: "\n").map { try JSONDecoder().decode(Finding.self, from: Data($0.utf8)) }
    }

    /// A repository whose configuration, attributes and hooks try to run a program at every
    /// opportunity git offers; each program leaves a marker file. tokenscan must report the tokens
    /// and leave no marker.
    func testNothingFromTheRepositoryIsExecuted() throws {
        let repo = try GitFixture()
        let markers = try TemporaryDirectory.make()
        let committed = token("committed"), staged = token("staged")
        try repo.write(".gitattributes", "*.env diff=evil filter=x\n")
        try repo.write("app.env", GitFixture.text(["NAME=app", "TOKEN=\(committed)"]))
        let first = try repo.commitAll("first")
        try repo.write("app.env", GitFixture.text(["NAME=app", "TOKEN=\(committed)", "PORT=80", "NEXT=\(staged)"]))
        try repo.write("notes.txt", "no attributes here\n")
        try repo.git("add", "app.env", "notes.txt")

        // Armed only now, so that building the fixture did not trip anything.
        func program(_ name: String, _ body: String = "exit 0") throws -> String {
            let url = markers.appendingPathComponent("bin-\(name)")
            try "#!/bin/sh\ntouch '\(markers.path)/ran-\(name)'\n\(body)\n".write(to: url, atomically: true, encoding: .utf8)
            chmod(url.path, 0o755)
            return url.path
        }
        let settings: [(String, String)] = [
            ("core.fsmonitor", try program("fsmonitor")),
            ("core.pager", try program("core-pager", "cat")),
            ("pager.log", try program("pager-log", "cat")),
            ("pager.diff", try program("pager-diff", "cat")),
            ("diff.external", try program("diff-external")),
            ("diff.evil.textconv", try program("textconv", #"cat "$1""#)),
            ("diff.evil.command", try program("diff-driver")),
            ("filter.x.clean", try program("filter-clean", "cat")),
            ("filter.x.smudge", try program("filter-smudge", "cat")),
            ("filter.x.required", "true"),
            ("core.sshCommand", try program("ssh")),
            ("credential.helper", try program("credential")),
            ("gpg.program", try program("gpg")),
            ("log.showSignature", "true"),
            // Settings that would change or hide the diff rather than run something.
            ("diff.noprefix", "true"),
            ("diff.mnemonicPrefix", "true"),
            ("log.showRoot", "false"),
            ("diff.context", "5"),
            ("color.ui", "always"),
        ]
        for (key, value) in settings { try repo.git("config", key, value) }
        let hooks = repo.directory.appendingPathComponent(".git/hooks")
        for hook in ["pre-commit", "post-checkout", "post-index-change", "reference-transaction", "fsmonitor-watchman"] {
            try FileManager.default.copyItem(atPath: try program("hook-\(hook)"), toPath: hooks.appendingPathComponent(hook).path)
        }
        func ran() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: markers.path).filter { $0.hasPrefix("ran-") }.sorted()
        }

        // Control: plain git does run these programs, so the markers can appear.
        _ = try? repo.git("diff", "--cached")
        _ = try? repo.git("diff", "--cached", "--no-ext-diff")
        _ = try? repo.git("status")
        // `status` runs the clean filter only for an entry whose stat data is racy, which depends
        // on timing under load; hashing the file through its attributes always runs it.
        _ = try? repo.git("hash-object", "--path=app.env", "app.env")
        let control = try ran()
        for expected in ["ran-diff-external", "ran-diff-driver", "ran-textconv", "ran-fsmonitor", "ran-filter-clean"] {
            XCTAssertTrue(control.contains(expected), "control run: \(control)")
        }
        for marker in control { try FileManager.default.removeItem(at: markers.appendingPathComponent(marker)) }

        let stagedRun = try run(["git", "--staged", "--repo", repo.path, "--now", now, "--format", "jsonl"])
        XCTAssertEqual(stagedRun.status, 1, stagedRun.stderr)
        let stagedFindings = try jsonl(stagedRun.stdout)
        XCTAssertEqual(stagedFindings.map(\.line), [4])
        XCTAssertEqual(stagedFindings.map(\.path), ["app.env"])
        XCTAssertEqual(try ran(), [], "tokenscan git --staged ran a program of the repository")

        let historyRun = try run(["git", "--now", now, "--format", "jsonl"], directory: repo.directory)
        XCTAssertEqual(historyRun.status, 1, historyRun.stderr)
        let historyFindings = try jsonl(historyRun.stdout)
        XCTAssertEqual(historyFindings.map(\.line), [2])
        XCTAssertEqual(historyFindings.map(\.path), ["app.env"], "diff.noprefix does not change paths")
        XCTAssertEqual(historyFindings.first?.commit?.sha, first, "log.showRoot=false does not hide the root commit")
        XCTAssertEqual(try ran(), [], "tokenscan git ran a program of the repository")
    }

    /// In a pre-commit hook of `git commit -a`, git stages into a temporary index named by
    /// `GIT_INDEX_FILE`; `--staged` must scan that index, or the commit would pass unscanned.
    /// (This test lets git run the hook on purpose: the hook is tokenscan.)
    func testStagedInAPreCommitHookOfCommitAll() throws {
        let repo = try GitFixture()
        try repo.write("a.env", "NAME=a\n")
        try repo.commitAll("first")
        let hook = repo.directory.appendingPathComponent(".git/hooks/pre-commit")
        try "#!/bin/sh\nexec '\(CLITests.binary.path)' git --staged --now \(now)\n".write(to: hook, atomically: true, encoding: .utf8)
        chmod(hook.path, 0o755)
        let withHooks = ["-c", "core.hooksPath=\(repo.directory.appendingPathComponent(".git/hooks").path)"]

        try repo.write("a.env", "NAME=a\nTOKEN=\(token("hooked"))\n")
        XCTAssertThrowsError(try repo.run(withHooks + ["commit", "-q", "-a", "-m", "leak"])) { error in
            XCTAssertTrue("\(error)".contains("a.env"), "\(error)")
        }
        XCTAssertEqual(try repo.git("rev-list", "--count", "HEAD"), "1", "the commit was stopped")

        try repo.write("a.env", "NAME=a\nPORT=80\n")
        try repo.run(withHooks + ["commit", "-q", "-a", "-m", "clean"])
        XCTAssertEqual(try repo.git("rev-list", "--count", "HEAD"), "2")
    }

    func testRangesSinceExitCodesAndReports() throws {
        let repo = try GitFixture()
        let expired = TokenMinter.jwt(claims: ["sub": "old", "exp": .number(1_700_000_000)])
        let live = token("live")
        try repo.write("old.env", "T=\(expired)\n")
        let a = try repo.commitAll("A", author: "Ann <ann@example.com>", date: "2026-02-01T09:00:00+00:00")
        try repo.write("new.env", "x\nT=\(live)\n")
        let b = try repo.commitAll("B", author: "Ben <ben@example.com>", date: "2026-02-02T09:00:00+00:00")

        let all = try run(["git", "--repo", repo.path, "--now", now, "--format", "jsonl"])
        XCTAssertEqual(all.status, 1)
        XCTAssertEqual(try jsonl(all.stdout).map { $0.commit?.sha }, [a, b])
        XCTAssertEqual(try jsonl(all.stdout).last?.commit, CommitInfo(sha: b, author: "Ben <ben@example.com>", date: "2026-02-02T09:00:00+00:00"))

        for arguments in [["--since", a], ["\(a)..HEAD"]] {
            let result = try run(["git"] + arguments + ["--repo", repo.path, "--now", now, "--format", "jsonl"])
            XCTAssertEqual(result.status, 1, result.stderr)
            XCTAssertEqual(try jsonl(result.stdout).map(\.path), ["new.env"], "\(arguments)")
        }
        let onlyExpired = try run(["git", a, "--repo", repo.path, "--now", now])
        XCTAssertEqual(onlyExpired.status, 0, "an expired token is below the default gate")
        XCTAssertTrue(onlyExpired.stdout.contains("commit \(a.prefix(12)) by Ann <ann@example.com>"), onlyExpired.stdout)
        XCTAssertEqual(try run(["git", "--repo", repo.path, "--now", now, "--fail-on", "never"]).status, 0)

        let sarif = try TemporaryDirectory.make().appendingPathComponent("results.sarif")
        let report = try run(["git", "\(a)..HEAD", "--repo", repo.path, "--now", now, "--format", "sarif", "-o", sarif.path])
        XCTAssertEqual(report.status, 1, report.stderr)
        let log = try JSONSerialization.jsonObject(with: Data(contentsOf: sarif)) as! [String: Any]
        let results = (log["runs"] as! [[String: Any]])[0]["results"] as! [[String: Any]]
        XCTAssertEqual(results.count, 1)
        let properties = results[0]["properties"] as! [String: Any]
        XCTAssertEqual((properties["commit"] as? [String: String])?["sha"], b)
    }

    func testUsageAndRepositoryErrorsExitTwo() throws {
        let notARepository = try TemporaryDirectory.make()
        let missing = try run(["git", "--repo", notARepository.path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("is not a git repository"), missing.stderr)
        XCTAssertTrue(missing.stdout.isEmpty)

        let repo = try GitFixture()
        try repo.write("a", "a\n")
        try repo.commitAll("a")
        for arguments in [["--staged", "HEAD~1..HEAD"], ["--staged", "--since", "HEAD"], ["--since", "HEAD", "HEAD~1..HEAD"],
                          ["--", "--output=/tmp/x"], ["--since=--output=/tmp/x"], ["no-such-branch..HEAD"]] {
            let result = try run(["git", "--repo", repo.path] + arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.isEmpty, "\(arguments)")
            XCTAssertTrue(result.stdout.isEmpty, "\(arguments)")
        }
    }
}
