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

/// `GitSource` on real repositories made by the tests: what is reported, where, and at which commit.
final class GitSourceTests: XCTestCase {
    override func setUpWithError() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
    }

    func token(_ subject: String) -> String { TokenMinter.jwt(claims: ["sub": .string(subject), "scope": "repo"]) }

    func scan(_ fixture: GitFixture, _ selection: GitSource.Selection, maximumBlobBytes: Int? = nil) throws -> ([Finding], ScanSummary) {
        let runner = try GitRunner(repository: fixture.path, environment: ProcessInfo.processInfo.environment)
        var source = GitSource(runner: runner, selection: selection)
        if let maximumBlobBytes { source.maximumBlobBytes = maximumBlobBytes }
        var options = ScanOptions()
        options.jobs = 2
        options.reportRepeatsOnce = true
        let scanner = Scanner(matcher: TestSupport.matcher(), settings: TestSupport.settings(), options: options)
        let collector = Collector()
        let summary = try scanner.scan(observer: collector) { (sink: InputSink) throws(GitError) in try source.produce(into: sink) }
        return (collector.findings, summary)
    }

    func testStagedReportsOnlyAddedLinesAtTheirStagedLineNumbers() throws {
        let repo = try GitFixture()
        let old = token("old"), new = token("new"), unstaged = token("unstaged")
        var lines = (1...12).map { "key\($0)=value\($0)" }
        lines[2] = "OLD=\(old)"
        try repo.write("config.env", GitFixture.text(lines))
        try repo.commitAll("initial")

        lines[4] = "key5=changed"
        lines.insert("NEW=\(new)", at: 9)
        try repo.write("config.env", GitFixture.text(lines))
        try repo.git("add", "config.env")
        // Only what is staged counts: a later edit in the work tree is not part of the commit.
        try repo.write("config.env", GitFixture.text(lines + ["LATER=\(unstaged)"]))

        let (findings, summary) = try scan(repo, .staged)
        XCTAssertEqual(findings.map(\.line), [10])
        XCTAssertEqual(findings.first?.column, 5)
        XCTAssertEqual(findings.first?.secret, new)
        XCTAssertEqual(findings.first?.path, "config.env")
        XCTAssertNil(findings.first?.commit, "staged content has no commit yet")
        XCTAssertEqual(summary.files, 1)
    }

    func testATokenAddedAndLaterDeletedIsReportedOnceAtTheCommitThatAddedIt() throws {
        let repo = try GitFixture()
        let secret = token("history")
        try repo.write("app.env", GitFixture.text(["NAME=app", "TOKEN=\(secret)", "PORT=80"]))
        let added = try repo.commitAll("add token", author: "Alice Example <alice@example.com>", date: "2026-03-01T10:00:00+00:00")
        try repo.write("app.env", GitFixture.text(["NAME=app", "PORT=80"]))
        try repo.commitAll("remove token", author: "Bob <bob@example.com>", date: "2026-03-02T10:00:00+00:00")
        try repo.write("other.txt", "unrelated\n")
        try repo.commitAll("unrelated", date: "2026-03-03T10:00:00+00:00")

        let (findings, _) = try scan(repo, .history(range: nil))
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(findings.first?.commit, CommitInfo(sha: added, author: "Alice Example <alice@example.com>", date: "2026-03-01T10:00:00+00:00"))
        XCTAssertEqual(findings.first?.path, "app.env")
        XCTAssertEqual(findings.first?.line, 2)
        XCTAssertEqual(findings.first?.column, 7)
    }

    func testARangeExcludesItsBase() throws {
        let repo = try GitFixture()
        let first = token("first"), second = token("second")
        try repo.write("a.env", "T=\(first)\n")
        let a = try repo.commitAll("A")
        try repo.write("b.env", "T=\(second)\n")
        let b = try repo.commitAll("B")

        XCTAssertEqual(try scan(repo, .history(range: "\(a)..HEAD")).0.map(\.secret), [second])
        XCTAssertEqual(try scan(repo, .history(range: a)).0.map(\.secret), [first], "a single revision: its history")
        let all = try scan(repo, .history(range: nil)).0
        XCTAssertEqual(all.map(\.secret), [first, second], "oldest first")
        XCTAssertEqual(all.map { $0.commit?.sha }, [a, b])
    }

    func testAShallowCloneIsScannedFromItsBoundary() throws {
        let origin = try GitFixture()
        let kept = token("kept"), removed = token("removed")
        try origin.write("x.env", "T=\(kept)\n")
        try origin.commitAll("A")
        try origin.write("y.env", "T=\(removed)\n")
        try origin.commitAll("B")
        try origin.write("y.env", "nothing here\n")
        let head = try origin.commitAll("C")

        let target = try TestSupport.temporaryDirectory().appendingPathComponent("clone")
        try origin.git("clone", "-q", "--depth", "1", "file://\(origin.path)", target.path)
        let clone = GitFixture(existing: target)
        XCTAssertEqual(try clone.git("rev-parse", "--is-shallow-repository"), "true")

        let (findings, _) = try scan(clone, .history(range: nil))
        XCTAssertEqual(findings.map(\.secret), [kept], "the boundary commit shows its whole tree as added")
        XCTAssertEqual(findings.first?.commit?.sha, head)
        XCTAssertEqual(findings.first?.path, "x.env")
    }

    func testMergesReportOnlyLinesNoParentHad() throws {
        let repo = try GitFixture()
        let side = token("side"), main = token("main"), evil = token("evil"), side2 = token("side2")
        try repo.write("README", "base\n")
        try repo.commitAll("base")
        try repo.git("checkout", "-q", "-b", "side")
        try repo.write("side.env", "T=\(side)\n")
        let s = try repo.commitAll("side", author: "Sid <sid@example.com>")
        try repo.git("checkout", "-q", "main")
        try repo.write("main.env", "T=\(main)\n")
        let m = try repo.commitAll("main")
        // A merge whose author also adds a token while merging (an "evil merge").
        try repo.git("merge", "-q", "--no-ff", "--no-commit", "side")
        try repo.write("main.env", "T=\(main)\nE=\(evil)\n")
        let x = try repo.commitAll("merge side", author: "Max <max@example.com>")
        // A clean merge: it only brings in a commit that is scanned on its own.
        try repo.git("checkout", "-q", "-b", "side2")
        try repo.write("side2.env", "T=\(side2)\n")
        let s2 = try repo.commitAll("side2")
        try repo.git("checkout", "-q", "main")
        try repo.write("README", "base\nmore\n")
        try repo.commitAll("main 2")
        try repo.git("merge", "-q", "--no-ff", "-m", "merge side2", "side2")
        XCTAssertEqual(try repo.git("rev-list", "--merges", "--count", "HEAD"), "2")

        let (findings, _) = try scan(repo, .history(range: nil))
        let shas = Dictionary(findings.map { ($0.secret, [$0.commit?.sha ?? ""]) }, uniquingKeysWith: +)
        XCTAssertEqual(findings.count, 4, "\(findings.map { ($0.path, $0.commit?.sha ?? "") })")
        XCTAssertEqual(shas[side], [s])
        XCTAssertEqual(shas[main], [m])
        XCTAssertEqual(shas[evil], [x])
        XCTAssertEqual(shas[side2], [s2])
        XCTAssertEqual(findings.first { $0.secret == evil }?.line, 2)
        XCTAssertEqual(findings.first { $0.secret == evil }?.commit?.author, "Max <max@example.com>")
    }

    func testBinaryFilesAreSkippedAndNamed() throws {
        let repo = try GitFixture()
        let secret = token("binary")
        try repo.write("blob.dat", bytes: [0, 1, 2] + Array("T=\(secret)\n".utf8))
        try repo.write("text.env", "T=\(secret)\n")
        let sha = try repo.commitAll("binary and text")
        let (findings, summary) = try scan(repo, .history(range: nil))
        XCTAssertEqual(findings.map(\.path), ["text.env"])
        XCTAssertEqual(summary.skipped.map(\.path), ["blob.dat"])
        XCTAssertTrue(summary.skipped.first?.reason.hasPrefix("binary file (commit \(sha.prefix(12)))") ?? false, "\(summary.skipped)")

        try repo.write("staged.bin", bytes: [0, 0, 0] + Array("T=\(secret)\n".utf8))
        try repo.git("add", "staged.bin")
        let (stagedFindings, stagedSummary) = try scan(repo, .staged)
        XCTAssertEqual(stagedFindings, [])
        XCTAssertEqual(stagedSummary.skipped.map(\.path), ["staged.bin"])
        XCTAssertTrue(stagedSummary.skipped.first?.reason.hasPrefix("binary file (staged)") ?? false)
    }

    func testPathsWithSpacesUnicodeQuotesTabsAndNewlines() throws {
        let repo = try GitFixture()
        let names = ["dir with space/ünïcødé file.env", "tab\there \"quoted\".env", "new\nline.env", "a b/c b/a b/c"]
        for (index, name) in names.enumerated() { try repo.write(name, "x\nT=\(token("path\(index)"))\n") }
        try repo.commitAll("odd names")
        let (findings, _) = try scan(repo, .history(range: nil))
        XCTAssertEqual(Set(findings.map(\.path)), Set(names))
        XCTAssertEqual(findings.map(\.line), [2, 2, 2, 2])

        for (index, name) in names.enumerated() { try repo.write(name, "x\ny\nT=\(token("staged\(index)"))\n") }
        try repo.git("add", "-A")
        let (staged, _) = try scan(repo, .staged)
        XCTAssertEqual(Set(staged.map(\.path)), Set(names))
        XCTAssertEqual(staged.map(\.line), [3, 3, 3, 3])
    }

    func testRenamesReportOnlyWhatTheyAdd() throws {
        let repo = try GitFixture()
        let first = token("first"), second = token("second")
        let lines = ["one=1", "two=2", "T=\(first)", "four=4", "five=5"]
        try repo.write("old.env", GitFixture.text(lines))
        let a = try repo.commitAll("add")
        try repo.git("mv", "old.env", "new.env")
        try repo.commitAll("rename")
        try repo.git("mv", "new.env", "final.env")
        try repo.write("final.env", GitFixture.text(lines + ["S=\(second)"]))
        let c = try repo.commitAll("rename and add")

        let (findings, _) = try scan(repo, .history(range: nil))
        XCTAssertEqual(findings.map(\.path), ["old.env", "final.env"])
        XCTAssertEqual(findings.map(\.line), [3, 6])
        XCTAssertEqual(findings.map { $0.commit?.sha }, [a, c])
    }

    func testTheSameLineAddedAgainAtTheSamePathIsReportedOnce() throws {
        let repo = try GitFixture()
        let secret = token("again")
        try repo.write("a.env", "TOKEN=\(secret)\n")
        let a = try repo.commitAll("add")
        try repo.write("a.env", "\n")
        try repo.commitAll("remove")
        try repo.write("a.env", "TOKEN=\(secret)\n")
        try repo.commitAll("add again (a revert of the removal)")
        try repo.write("a.env", "TOKEN=\(secret)\nOTHER=\(secret)\n")
        let d = try repo.commitAll("same token, other line")
        try repo.write("b.env", "TOKEN=\(secret)\n")
        let e = try repo.commitAll("same line, other path")

        let (findings, summary) = try scan(repo, .history(range: nil))
        XCTAssertEqual(findings.map { $0.commit?.sha }, [a, d, e])
        XCTAssertEqual(findings.map(\.path), ["a.env", "a.env", "b.env"])
        XCTAssertEqual(summary.dismissed["repeated"], 1)
    }

    func testAFileLargerThanOneBlobIsSplitAtLinesAndCountedOnce() throws {
        let repo = try GitFixture()
        let early = token("early"), late = token("late")
        var lines = (1...200).map { "line \($0) of a long generated file" }
        lines[4] = "T=\(early)"
        lines[189] = "T=\(late)"
        try repo.write("big.txt", GitFixture.text(lines))
        try repo.commitAll("big")
        let (findings, summary) = try scan(repo, .history(range: nil), maximumBlobBytes: 512)
        XCTAssertEqual(findings.map(\.line), [5, 190])
        XCTAssertEqual(findings.map(\.secret), [early, late])
        XCTAssertEqual(summary.files, 1)
    }

    func testARepositoryWithoutCommits() throws {
        let repo = try GitFixture()
        let (history, summary) = try scan(repo, .history(range: nil))
        XCTAssertEqual(history, [])
        XCTAssertEqual(summary.files, 0)
        let secret = token("first commit")
        try repo.write("a.env", "T=\(secret)\n")
        try repo.git("add", "a.env")
        XCTAssertEqual(try scan(repo, .staged).0.map(\.secret), [secret], "the first commit's staged files are all added")
    }

    func testABareRepositoryHasHistoryButNoStagedChanges() throws {
        let repo = try GitFixture()
        let secret = token("bare")
        try repo.write("a.env", "T=\(secret)\n")
        try repo.commitAll("a")
        let target = try TestSupport.temporaryDirectory().appendingPathComponent("bare.git")
        try repo.git("clone", "-q", "--bare", repo.path, target.path)
        let bare = GitFixture(existing: target)
        XCTAssertEqual(try scan(bare, .history(range: nil)).0.map(\.secret), [secret])
        XCTAssertThrowsError(try scan(bare, .staged)) {
            XCTAssertEqual($0 as? GitError, .bareRepository(path: target.path))
        }
    }

    func testAnUnknownRevisionFails() throws {
        let repo = try GitFixture()
        try repo.write("a", "a\n")
        try repo.commitAll("a")
        XCTAssertThrowsError(try scan(repo, .history(range: "no-such-branch..HEAD"))) { error in
            guard case .failed(let command, _, let message) = error as? GitError else { return XCTFail("\(error)") }
            XCTAssertEqual(command, "log")
            XCTAssertTrue(message.contains("no-such-branch"), message)
        }
    }
}
