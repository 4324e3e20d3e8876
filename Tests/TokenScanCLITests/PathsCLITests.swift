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

    /// A file that starts with a NUL byte is binary to the walker; a later change that adds
    /// text lines to it (no NUL among them) is scanned, in history and staged: a NUL put at a
    /// file's start in one commit must not hide the tokens the next commits add.
    func testTextAddedToAFileThatStartsBinaryIsScanned() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
        let repo = try GitFixture()
        try repo.write("blob.dat", bytes: [0, 1, 2] + Array("\nheader\n".utf8))
        let first = try repo.commitAll("a binary start")
        try repo.write("blob.dat", bytes: [0, 1, 2] + Array("\nheader\nTOKEN=\(token)\n".utf8))
        try repo.commitAll("append a token")

        let json = try run(["git", "--repo", repo.path, "--now", now, "--format", "json"])
        XCTAssertEqual(json.status, 1, json.stdout + json.stderr)
        let found = try report(json)
        XCTAssertEqual(found.findings.map(\.path), ["blob.dat"], json.stdout)
        XCTAssertEqual(found.findings.first?.line, 3)
        // The first commit's added lines hold the NUL byte: that commit's content is judged binary.
        XCTAssertEqual(found.summary.skipped.map(\.path), ["blob.dat"], json.stdout)
        XCTAssertTrue(found.summary.skipped[0].reason.hasPrefix("binary file (commit \(first.prefix(12)))"),
                      found.summary.skipped[0].reason)

        try repo.write("blob.dat", bytes: [0, 1, 2] + Array("\nheader\nTOKEN=\(token)\nOTHER=\(token)\n".utf8))
        try repo.git("add", "blob.dat")
        let staged = try run(["git", "--staged", "--repo", repo.path, "--now", now, "--format", "json"])
        XCTAssertEqual(staged.status, 1, staged.stdout + staged.stderr)
        XCTAssertEqual(try report(staged).findings.map(\.line), [4])
    }

    // MARK: - Ignore files

    /// git ignores `.gitignore` for tracked files, so does `scan DIR`: a file added with
    /// `git add -f` (also inside an ignored directory) is scanned; an untracked ignored one is not.
    /// Outside a repository nothing changes.
    func testTrackedFilesListedInGitignoreAreScanned() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
        let repo = try GitFixture()
        try repo.write(".gitignore", "secrets.env\nbuild/\n")
        try repo.write("secrets.env", "TOKEN=\(token)\n")
        try repo.write("build/keep.env", "TOKEN=\(token)\n")
        try repo.write("build/other.env", "TOKEN=\(token)\n")
        try repo.git("add", ".gitignore")
        try repo.git("add", "-f", "secrets.env", "build/keep.env")
        try repo.git("commit", "-q", "-m", "force-add ignored files")

        let json = try run(["scan", repo.path, "--now", now, "--format", "json"])
        XCTAssertEqual(json.status, 1, json.stdout + json.stderr)
        let paths = try report(json).findings.map(\.path).map { String($0.dropFirst(repo.path.count + 1)) }
        XCTAssertEqual(paths.sorted(), ["build/keep.env", "secrets.env"], json.stdout)

        // The same tree outside git: .gitignore decides alone.
        try repo.remove(".git")
        let plain = try run(["scan", repo.path, "--now", now, "--format", "json"])
        XCTAssertEqual(plain.status, 0, plain.stdout + plain.stderr)
    }

    /// What `.tokenscanignore` leaves out is counted per file, and a pattern that leaves out
    /// everything is a warning naming the file and line.
    func testTokenscanIgnoreExclusionsAreCountedAndCatchAllsWarned() throws {
        let directory = try temporaryDirectory()
        func write(_ path: String, _ text: String) throws {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try write(".tokenscanignore", "# generated\nlogs/\n*.tmp\n")
        try write("logs/a.log", "TOKEN=\(token)\n")
        try write("x.tmp", "TOKEN=\(token)\n")
        try write("vendor/.tokenscanignore", "# everything\n/*\n")
        try write("vendor/lib.env", "TOKEN=\(token)\n")
        try write("vendor/more.env", "TOKEN=\(token)\n")
        try write("app.env", "TOKEN=\(token)\n")

        let json = try run(["scan", ".", "--now", now, "--format", "json"], directory: directory)
        XCTAssertEqual(json.status, 1, json.stderr)
        let summary = try report(json).summary
        // vendor's: lib.env, more.env and the .tokenscanignore itself.
        XCTAssertEqual(summary.excludedByIgnoreFiles, [".tokenscanignore": 2, "vendor/.tokenscanignore": 3], json.stdout)
        XCTAssertTrue(json.stderr.contains("warning: vendor/.tokenscanignore:2: '/*' leaves out everything"), json.stderr)

        let text = try run(["scan", ".", "--now", now, "--color", "never"], directory: directory)
        XCTAssertTrue(text.stdout.contains("5 left out by .tokenscanignore"), text.stdout)
        XCTAssertTrue(text.stdout.contains("left out by .tokenscanignore (files, or directories not entered): .tokenscanignore 2, vendor/.tokenscanignore 3"), text.stdout)
    }

    // MARK: - Names that are not valid UTF-8

    /// A directory and a file named with byte 0xFF were skipped ("cannot access") with exit 0.
    /// They are walked and opened as bytes; JSON carries the exact bytes (`pathBytes`, base64)
    /// next to the escaped `path`, SARIF percent-encodes them in `artifactLocation.uri`.
    func testNamesThatAreNotUTF8AreScannedAndRoundTrip() throws {
        let directory = try temporaryDirectory()
        let dirName: [UInt8] = Array("d".utf8) + [0xFF]
        let fileName: [UInt8] = Array("t".utf8) + [0xFF, 0xFE] + Array(".env".utf8)
        let root = Array(directory.path.utf8)
        XCTAssertEqual(cPath(root + [0x2F] + dirName) { mkdir($0, 0o755) }, 0)
        for name in [dirName + [0x2F] + fileName, fileName] {
            try writeToken(to: root + [0x2F] + name)
        }

        let json = try run(["scan", ".", "--now", now, "--format", "json"], directory: directory)
        XCTAssertEqual(json.status, 1, json.stdout + json.stderr)
        let found = try report(json)
        XCTAssertEqual(found.summary.skipped, [], json.stdout)
        XCTAssertEqual(found.findings.map(\.path), [#"d\xff/t\xff\xfe.env"#, #"t\xff\xfe.env"#])
        XCTAssertEqual(found.findings.map(\.pathBytes), [Data(dirName + [0x2F] + fileName), Data(fileName)])
        XCTAssertTrue(json.stdout.contains(#""pathBytes" : "ZP8vdP/+LmVudg==""#), json.stdout)

        let sarif = try run(["scan", ".", "--now", now, "--format", "sarif"], directory: directory)
        XCTAssertEqual(sarif.status, 1)
        XCTAssertTrue(sarif.stdout.contains(#""uri" : "d%FF/t%FF%FE.env""#), sarif.stdout)
        XCTAssertTrue(sarif.stdout.contains(#""uri" : "t%FF%FE.env""#), sarif.stdout)

        let text = try run(["scan", ".", "--now", now, "--color", "never"], directory: directory)
        XCTAssertTrue(text.stdout.contains(#"d\xff/t\xff\xfe.env:1"#), text.stdout)
    }

    /// `tokenscan git` names such a file the same way: git's quoted path undone to its bytes,
    /// shown with `\xNN`, exact in `pathBytes` (it was shown with U+FFFD, which names no file).
    func testGitPathsThatAreNotUTF8KeepTheirBytes() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
        let repo = try GitFixture()
        let name: [UInt8] = Array("k".utf8) + [0xFF] + Array(".env".utf8)
        try writeToken(to: Array(repo.path.utf8) + [0x2F] + name)
        try repo.commitAll("a name that is not UTF-8")

        let json = try run(["git", "--repo", repo.path, "--now", now, "--format", "json"])
        XCTAssertEqual(json.status, 1, json.stdout + json.stderr)
        let findings = try report(json).findings
        XCTAssertEqual(findings.map(\.path), [#"k\xff.env"#])
        XCTAssertEqual(findings.map(\.pathBytes), [Data(name)])
    }

    /// Writes a line with the token to a new file at `path` (bytes: FileManager takes only text).
    private func writeToken(to path: [UInt8]) throws {
        let fd = cPath(path) { open($0, O_WRONLY | O_CREAT | O_EXCL, 0o644) }
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        let line = Array("TOKEN=\(token)\n".utf8)
        XCTAssertEqual(line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }, line.count)
    }

    private func cPath<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count, body)
        }
    }
}
