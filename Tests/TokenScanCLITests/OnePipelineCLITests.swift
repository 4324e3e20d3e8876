import FixtureKit
import Foundation
import XCTest
import TokenFormats
import TokenScanModel
import TokenScanApp

/// Every command finds, judges and accepts the same way (issue "One pipeline"): what a user
/// accepted for `scan .` is accepted by `git --staged`, `git RANGE` and `scan FILE` too; an
/// ignore file covers its own directory only; `redact` runs the configuration's rules; the text
/// summary names what accepted a finding.
final class OnePipelineCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    let token = TokenMinter.jwt(claims: ["sub": "accepted", "scope": "repo"])

    override func setUpWithError() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
    }

    func findings(_ run: CLIRun) throws -> [Finding] {
        try run.stdout.split(separator: "\n").map { try JSONDecoder().decode(Finding.self, from: Data($0.utf8)) }
    }

    /// The fingerprint `scan` reports for `token` in `directory`.
    func fingerprint(in directory: URL) throws -> String {
        let first = try run(["scan", directory.path, "--now", now, "--format", "jsonl"])
        let fingerprint = try XCTUnwrap(try findings(first).first?.fingerprint, first.stderr)
        return fingerprint
    }

    func testStagedRangeAndSingleFileHonourTokenscanignore() throws {
        let repo = try GitFixture()
        try repo.write("config/app.env", "TOKEN=\(token)\n")
        let fingerprint = try fingerprint(in: repo.directory)
        try repo.write(".tokenscanignore", "# accepted: test token of the staging IdP\nfingerprint:\(fingerprint)\n")
        try repo.commitAll("accept the staging token")
        try repo.write("config/other.env", "OTHER=\(token)\n")
        try repo.git("add", "config/other.env")

        let scanAll = try run(["scan", repo.path, "--now", now, "--format", "jsonl"])
        XCTAssertEqual(scanAll.status, 0, scanAll.stdout + scanAll.stderr)

        let staged = try run(["git", "--staged", "--repo", repo.path, "--now", now, "--format", "json"])
        XCTAssertEqual(staged.status, 0, "git --staged must honour the accepted fingerprint: \(staged.stdout) \(staged.stderr)")
        XCTAssertTrue(staged.stdout.contains("\"ignored-fingerprint\" : 1"), staged.stdout)

        try repo.commitAll("second use")
        let range = try run(["git", "HEAD~1..HEAD", "--repo", repo.path, "--now", now, "--format", "jsonl"])
        XCTAssertEqual(range.status, 0, "git RANGE must honour the base revision's .tokenscanignore: \(range.stdout) \(range.stderr)")

        let single = try run(["scan", repo.directory.appendingPathComponent("config/app.env").path, "--now", now, "--format", "jsonl"])
        XCTAssertEqual(single.status, 0, "scan FILE must honour the repository's .tokenscanignore: \(single.stdout)")
        let relative = try run(["scan", "config/app.env", "--now", now, "--format", "jsonl"], directory: repo.directory)
        XCTAssertEqual(relative.status, 0, relative.stdout)
    }

    /// A range's commits can accept their own findings (a false positive is accepted in the same
    /// pull request), but never silently: each one is listed for review on stderr and in the
    /// report, and the changed ignore file is named (design §8, which refines the first version
    /// of this test: there the range's own fingerprints did not accept at all).
    func testRangeListsTheAcceptancesItAddsForReview() throws {
        let repo = try GitFixture()
        try repo.write("README", "base\n")
        try repo.commitAll("base")
        try repo.write("app.env", "TOKEN=\(token)\n")
        let fingerprint = try fingerprint(in: repo.directory)
        try repo.write(".tokenscanignore", "fingerprint:\(fingerprint)\n")
        try repo.write("inline.env", "OTHER=\(token) # tokenscan:allow\n")
        try repo.commitAll("add a token and accept it in the same change")
        let range = try run(["git", "HEAD~1..HEAD", "--repo", repo.path, "--now", now, "--format", "json"])
        XCTAssertEqual(range.status, 0, range.stdout + range.stderr)
        XCTAssertTrue(range.stderr.contains("accepted in this change, review it: app.env:1 jwt"), range.stderr)
        XCTAssertTrue(range.stderr.contains("accepted in this change, review it: inline.env:1 jwt"), range.stderr)
        let summary = try summary(range)
        XCTAssertEqual(summary.acceptedInChange?.map(\.acceptedBy).sorted(), ["ignored-fingerprint", "inline-allow"])
        XCTAssertEqual(summary.acceptedInChange?.first { $0.path == "app.env" }?.fingerprint, fingerprint)
        XCTAssertEqual(summary.configuration?.changedInRange, [ConfigurationChange(path: ".tokenscanignore", change: "added")])

        let sarif = try run(["git", "HEAD~1..HEAD", "--repo", repo.path, "--now", now, "--format", "sarif"])
        XCTAssertTrue(sarif.stdout.contains("Accepted in this change (under review): app.env:1 jwt"), sarif.stdout)
        // Kept as results, suppressed and under review (design §8), one per acceptance.
        XCTAssertEqual(sarif.stdout.components(separatedBy: "\"status\" : \"underReview\"").count - 1, 2, sarif.stdout)
        XCTAssertTrue(sarif.stdout.contains("\"kind\" : \"inSource\""), sarif.stdout)
        XCTAssertTrue(sarif.stdout.contains("\"kind\" : \"external\""), sarif.stdout)
        let sarifFile = try temporaryDirectory().appendingPathComponent("range.sarif")
        try sarif.stdout.write(to: sarifFile, atomically: true, encoding: .utf8)
        let validator = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/tools/validate-sarif")
        if FileManager.default.isExecutableFile(atPath: validator.path) {
            let checked = try Command.run([validator.path, sarifFile.path], in: sarifFile.deletingLastPathComponent())
            XCTAssertEqual(checked.status, 0, checked.output)
        }
        let text = try run(["git", "HEAD~1..HEAD", "--repo", repo.path, "--now", now, "--color", "never"])
        XCTAssertTrue(text.stdout.contains("Accepted in this change (review before merging): inline.env:1 jwt"), text.stdout)

        // Accepted outside the change (the staged view reads the work tree): nothing to review.
        let staged = try run(["git", "--staged", "--repo", repo.path, "--now", now, "--format", "json"])
        XCTAssertFalse(staged.stderr.contains("accepted in this change"), staged.stderr)
    }

    /// Outside a repository, `scan FILE` reads the `.tokenscanignore` beside the file only: one
    /// further up the file system belongs to no one in particular.
    func testSingleFileOutsideARepositoryReadsOnlyItsOwnDirectory() throws {
        let directory = try temporaryDirectory()
        let sub = directory.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let file = sub.appendingPathComponent("app.env")
        try "TOKEN=\(token)\n".write(to: file, atomically: true, encoding: .utf8)
        let fingerprint = try fingerprint(in: directory)
        try "fingerprint:\(fingerprint)\n".write(to: directory.appendingPathComponent(".tokenscanignore"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try run(["scan", file.path, "--now", now]).status, 1, "a parent's ignore file outside a repository does not apply")
        try "fingerprint:\(fingerprint)\n".write(to: sub.appendingPathComponent(".tokenscanignore"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try run(["scan", file.path, "--now", now]).status, 0, "the ignore file beside the file applies")
    }

    func testNestedIgnoreFileCoversOnlyItsOwnDirectory() throws {
        let directory = try temporaryDirectory()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("a"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("b"), withIntermediateDirectories: true)
        try "TOKEN=\(token)\n".write(to: directory.appendingPathComponent("b/fixture.env"), atomically: true, encoding: .utf8)
        let fingerprint = try fingerprint(in: directory)
        try "fingerprint:\(fingerprint)\n".write(to: directory.appendingPathComponent("b/.tokenscanignore"), atomically: true, encoding: .utf8)
        try "TOKEN=\(token)\n".write(to: directory.appendingPathComponent("a/live.env"), atomically: true, encoding: .utf8)
        let result = try run(["scan", directory.path, "--now", now, "--format", "jsonl"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(try findings(result).map(\.path), [directory.path + "/a/live.env"], "b/.tokenscanignore must not hide a/'s token")
    }

    func testRedactHonoursDisabledAndUserRules() throws {
        let directory = try temporaryDirectory()
        try """
            disabledRules = ["jwt"]
            rules = ["acme.toml"]
            """.write(to: directory.appendingPathComponent(".tokenscan.toml"), atomically: true, encoding: .utf8)
        try AcmeRule.file.write(to: directory.appendingPathComponent("acme.toml"), atomically: true, encoding: .utf8)
        let input = "key=acme_7q2w9e4r1t6y3u8i5o0p2a7s jwt=\(token)\n"
        let result = try run(["redact"], stdin: Data(input.utf8), directory: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.contains("acme_7q2w9e4r1t6y3u8i5o0p2a7s"), "the configuration's user rule masks: \(result.stdout)")
        XCTAssertTrue(result.stdout.contains("[REDACTED:generic:"), result.stdout)
        XCTAssertTrue(result.stdout.contains(token), "the configuration disabled the jwt rule: \(result.stdout)")
    }

    func testTextSummaryNamesTheBaselineThatAcceptedAFinding() throws {
        let directory = try temporaryDirectory()
        try "TOKEN=\(token)\n".write(to: directory.appendingPathComponent("app.env"), atomically: true, encoding: .utf8)
        let baseline = directory.appendingPathComponent("baseline.json").path
        XCTAssertEqual(try run(["scan", directory.path, "--now", now, "--write-baseline", baseline]).status, 1)
        let result = try run(["scan", directory.path, "--now", now, "--baseline", baseline])
        XCTAssertEqual(result.status, 0, result.stdout)
        XCTAssertTrue(result.stdout.contains("1 accepted (by the baseline 1)"), result.stdout)
        XCTAssertFalse(result.stdout.contains("look-alike"), "an accepted token is not a look-alike: \(result.stdout)")
    }
}
