import FixtureKit
import Foundation
import XCTest
import TokenFormats
import TokenScanModel

#if canImport(Glibc)
import Glibc
#endif

/// What the scanned tree cannot hide by how it names or marks its files (issue "Hardening, round
/// two"): content git calls binary, tracked files that `.gitignore` lists, `.tokenscanignore`
/// patterns that leave everything out, and names that are not valid UTF-8.
final class PathsCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    let token = TokenMinter.jwt(claims: ["sub": "paths", "scope": "admin", "exp": 1_900_000_000])

    struct Report: Decodable {
        var summary: ScanSummary
        var findings: [Finding]
    }

    func report(_ run: CLIRun) throws -> Report {
        try JSONDecoder().decode(Report.self, from: Data(run.stdout.utf8))
    }

    // MARK: - Content git calls binary

    /// A file whose old version had a NUL byte (so git's diff says "Binary files differ") and a
    /// `*.js -diff` that the pull request itself adds: both hid their tokens (exit 0). The new
    /// content is text, so both are scanned.
    func testRangeScanJudgesBinaryFromTheNewContentNotFromGit() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
        let repo = try GitFixture()
        try repo.write("notes.txt", bytes: Array("header\n".utf8) + [0] + Array("\nmore\n".utf8))
        try repo.write("app.js", "const a = 1;\n")
        try repo.commitAll("base")
        try repo.write("notes.txt", "header\nmore\nTOKEN=\(token)\n")
        try repo.write(".gitattributes", "*.js -diff\n")
        try repo.write("app.js", "const a = 1;\nconst t = \"\(token)\";\n")
        try repo.commitAll("hide two tokens")

        let json = try run(["git", "HEAD~1..HEAD", "--repo", repo.path, "--now", now, "--format", "json"])
        XCTAssertEqual(json.status, 1, json.stdout + json.stderr)
        let found = try report(json)
        XCTAssertEqual(Set(found.findings.map(\.path)), ["notes.txt", "app.js"], json.stdout)
        XCTAssertEqual(found.findings.first { $0.path == "notes.txt" }?.line, 3)
        XCTAssertEqual(found.findings.first { $0.path == "app.js" }?.line, 2)
        XCTAssertEqual(found.summary.skipped, [], json.stdout)

        // Staged the same way (pre-commit).
        try repo.write("notes.txt", bytes: [0, 1, 2] + Array("\n".utf8))
        try repo.commitAll("binary again")
        try repo.write("notes.txt", "TOKEN=\(token)\n")
        try repo.git("add", "notes.txt")
        let staged = try run(["git", "--staged", "--repo", repo.path, "--now", now, "--format", "json"])
        XCTAssertEqual(staged.status, 1, staged.stdout + staged.stderr)
        XCTAssertEqual(try report(staged).findings.map(\.path), ["notes.txt"])
    }

    /// A text file that becomes binary in the range is named on stderr and in the summary, with
    /// the commit; a file that is binary from the start stays in the "skipped as binary" list.
    func testTextTurnedBinaryIsNamed() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
        let repo = try GitFixture()
        try repo.write("config.env", "A=1\n")
        try repo.commitAll("base")
        try repo.write("config.env", bytes: [0] + Array("A=1\nTOKEN=\(token)\n".utf8))
        try repo.write("image.bin", bytes: [0x89, 0x50, 0, 0, 1, 2])
        let sha = try repo.commitAll("turn it binary")

        let json = try run(["git", "HEAD~1..HEAD", "--repo", repo.path, "--now", now, "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stdout + json.stderr)
        let skipped = try report(json).summary.skipped
        XCTAssertEqual(skipped.map(\.path), ["config.env", "image.bin"], "\(skipped)")
        XCTAssertTrue(skipped[0].reason.hasPrefix("changed from text to binary in commit \(sha.prefix(12))"), skipped[0].reason)
        XCTAssertTrue(skipped[1].reason.hasPrefix("binary file (commit \(sha.prefix(12)))"), skipped[1].reason)
        XCTAssertTrue(json.stderr.contains("skipped config.env: changed from text to binary"), json.stderr)
    }

    private func cPath<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count, body)
        }
    }
}
