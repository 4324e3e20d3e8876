import Foundation
import XCTest
import FixtureKit

/// `action/range.sh`, the GitHub Action's choice of what to scan, run in checkouts made as
/// `actions/checkout` makes them (one commit) of a bare origin that a developer pushed to.
/// Each test checks the range printed and that the commits it names are exactly the ones the
/// event brought in, with the history fetched that the range needs.
final class ActionRangeTests: XCTestCase {
    var repository: ActionRepository!

    override func setUpWithError() throws {
        repository = try ActionRepository()
    }

    override func tearDown() {
        repository?.remove()
    }

    /// Runs range.sh in `checkout`; returns (what to scan, why).
    func range(_ arguments: [String], in checkout: GitFixture, file: StaticString = #filePath, line: UInt = #line) throws -> (String, String) {
        let run = try ActionRepository.run([ActionRepository.script("range.sh")] + arguments, in: checkout.directory)
        XCTAssertEqual(run.status, 0, run.stderr, file: file, line: line)
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.count, 3, "two lines: \(run.stdout)", file: file, line: line)
        return (lines.first ?? "", lines.count > 1 ? lines[1] : "")
    }

    /// The commits `tokenscan git RANGE` reads, by subject, oldest first.
    func subjects(_ target: String, in checkout: GitFixture) throws -> [String] {
        XCTAssertTrue(target.hasPrefix("git "), target)
        let range = String(target.dropFirst(4))
        return try checkout.git("log", "--reverse", "--format=%s", range).split(separator: "\n").map(String.init)
    }

    func testFirstPushScansEverything() throws {
        try repository.commit(["a.txt": "a\n"], "one")
        let after = try repository.commit(["b.txt": "b\n"], "two")
        try repository.push("main")
        let checkout = try repository.checkout("refs/heads/main")
        let (target, why) = try range(["push", ActionRepository.zero, after, "refs/heads/main"], in: checkout)
        XCTAssertEqual(target, "git \(after)", "one revision: all of its history")
        XCTAssertTrue(why.contains("first push"), why)
        XCTAssertEqual(try subjects(target, in: checkout), ["one", "two"], "the shallow checkout was deepened")
    }

    func testMultiCommitPushScansEveryCommitOfThePush() throws {
        try repository.commit(["a.txt": "a\n"], "one")
        let before = try repository.commit(["b.txt": "b\n"], "two")
        try repository.push("main")
        try repository.commit(["c.txt": "c\n"], "three")
        let after = try repository.commit(["d.txt": "d\n"], "four")
        try repository.push("main")
        let checkout = try repository.checkout("refs/heads/main")
        let (target, why) = try range(["push", before, after, "refs/heads/main"], in: checkout)
        XCTAssertEqual(target, "git \(before)..\(after)")
        XCTAssertTrue(why.hasPrefix("2 commits"), why)
        XCTAssertEqual(try subjects(target, in: checkout), ["three", "four"], "not only the last commit")
    }

    /// A new branch scans its own commits, not the history it shares with main (design §8); a
    /// tag or branch made at a commit another branch has scans nothing; deleting one neither.
    func testNewBranchScansOnlyTheCommitsNoOtherBranchHas() throws {
        try repository.commit(["a.txt": "a\n"], "main one")
        let fork = try repository.commit(["b.txt": "b\n"], "main two")
        try repository.push("main")
        try repository.dev.git("checkout", "-q", "-b", "feature")
        try repository.commit(["f.txt": "f\n"], "feature one")
        let tip = try repository.commit(["g.txt": "g\n"], "feature two")
        try repository.push("feature")
        let checkout = try repository.checkout("refs/heads/feature")
        let (target, why) = try range(["push", ActionRepository.zero, tip, "refs/heads/feature"], in: checkout)
        XCTAssertEqual(target, "git \(fork)..\(tip)")
        XCTAssertTrue(why.contains("creates refs/heads/feature"), why)
        XCTAssertEqual(try subjects(target, in: checkout), ["feature one", "feature two"])

        try repository.dev.git("tag", "v1", fork)
        try repository.push("refs/tags/v1")
        let (tagged, taggedWhy) = try range(["push", ActionRepository.zero, fork, "refs/tags/v1"], in: checkout)
        XCTAssertEqual(tagged, "none")
        XCTAssertTrue(taggedWhy.hasPrefix("nothing to scan: every commit of"), taggedWhy)
        let (deleted, _) = try range(["push", tip, ActionRepository.zero, "refs/heads/feature"], in: checkout)
        XCTAssertEqual(deleted, "none")
    }

    /// A new branch that merged another branch borders on two commits other branches have;
    /// `tokenscan git` takes one range, so the first-parent border is used and the merged
    /// commits are read too (more, never less), and the sentence says so.
    func testNewBranchThatMergesAnotherOneScansFromItsFirstParentBorder() throws {
        let root = try repository.commit(["a.txt": "a\n"], "main one")
        try repository.push("main")
        try repository.dev.git("checkout", "-q", "-b", "other")
        try repository.commit(["o.txt": "o\n"], "other one")
        try repository.push("other")
        try repository.dev.git("checkout", "-q", "-b", "feature", "main")
        try repository.commit(["f.txt": "f\n"], "feature one")
        try repository.dev.git("merge", "-q", "--no-ff", "-m", "merge other", "other")
        let tip = try repository.commit(["g.txt": "g\n"], "feature two")
        try repository.push("feature")
        let checkout = try repository.checkout("refs/heads/feature")
        let (target, why) = try range(["push", ActionRepository.zero, tip, "refs/heads/feature"], in: checkout)
        XCTAssertEqual(target, "git \(root)..\(tip)")
        XCTAssertTrue(why.contains("3 commits not on other branches, which merge other branches"), why)
        XCTAssertEqual(Set(try subjects(target, in: checkout)), ["feature one", "other one", "merge other", "feature two"])
    }

    /// A force push scans what the rewrite brought in: not the commits the old tip had and kept,
    /// nor main's. When the old tip cannot be fetched any more, the commits no other branch has.
    func testForcePushScansWhatTheRewriteBroughtIn() throws {
        let fork = try repository.commit(["a.txt": "a\n"], "main one")
        try repository.push("main")
        try repository.dev.git("checkout", "-q", "-b", "feature")
        let kept = try repository.commit(["f.txt": "f\n"], "feature one")
        let before = try repository.commit(["g.txt": "g\n"], "feature two")
        try repository.push("feature")
        try repository.dev.git("reset", "-q", "--hard", kept)
        let after = try repository.commit(["g.txt": "g, rewritten\n"], "feature two, rewritten")
        try repository.push("feature", force: true)
        let checkout = try repository.checkout("refs/heads/feature")
        let (target, why) = try range(["push", before, after, "refs/heads/feature"], in: checkout)
        XCTAssertEqual(target, "git \(kept)..\(after)")
        XCTAssertTrue(why.contains("force push"), why)
        XCTAssertEqual(try subjects(target, in: checkout), ["feature two, rewritten"])

        let gone = String(repeating: "e", count: 40)
        let fresh = try repository.checkout("refs/heads/feature")
        let (fallback, fallbackWhy) = try range(["push", gone, after, "refs/heads/feature"], in: fresh)
        XCTAssertEqual(fallback, "git \(fork)..\(after)")
        XCTAssertTrue(fallbackWhy.contains("cannot be fetched"), fallbackWhy)
        XCTAssertEqual(try subjects(fallback, in: fresh), ["feature one", "feature two, rewritten"])
    }

    /// A pull request's checkout is its merge commit, one commit deep; the range is the commits
    /// the pull request adds to its base, with the history fetched.
    func testPullRequestScansTheCommitsItAdds() throws {
        try repository.commit(["a.txt": "a\n"], "main one")
        try repository.push("main")
        try repository.dev.git("checkout", "-q", "-b", "feature")
        try repository.commit(["f.txt": "f\n"], "feature one")
        let head = try repository.commit(["g.txt": "g\n"], "feature two")
        try repository.dev.git("checkout", "-q", "main")
        let base = try repository.commit(["m.txt": "m\n"], "main two")
        try repository.push("main")
        try repository.push("feature:refs/pull/1/head")
        try repository.dev.git("checkout", "-q", "--detach", "main")
        try repository.dev.git("merge", "-q", "--no-ff", "-m", "Merge feature into main", "feature")
        try repository.push("HEAD:refs/pull/1/merge")
        let checkout = try repository.checkout("refs/pull/1/merge")
        let (target, why) = try range(["pull_request", base, head], in: checkout)
        XCTAssertEqual(target, "git \(base)..\(head)")
        XCTAssertTrue(why.hasPrefix("2 commits"), why)
        XCTAssertEqual(try subjects(target, in: checkout), ["feature one", "feature two"], "not main's own commit")
    }

    func testScheduleAndManualRunsScanTheWholeTree() throws {
        // No repository needed: the tree is scanned as files.
        for event in ["schedule", "workflow_dispatch"] {
            let run = try ActionRepository.run([ActionRepository.script("range.sh"), event], in: repository.directory)
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertTrue(run.stdout.hasPrefix("scan .\nthe whole work tree: a \(event) run\n"), run.stdout)
        }
        let missing = try ActionRepository.run([ActionRepository.script("range.sh"), "push", "", ""], in: repository.directory)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("not a git repository"), missing.stderr)
    }
}
