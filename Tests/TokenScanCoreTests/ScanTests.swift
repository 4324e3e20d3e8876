import Foundation
import XCTest
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanEngine
@testable import TokenScanSearch
@testable import TokenScanJudge
@testable import TokenScanSuppression
@testable import TokenScanSources
@testable import TokenScanReport
@testable import TokenScanApp
import FixtureKit

final class FixtureCorpusTests: XCTestCase {
    /// `tokenscan scan` finds every JWT, bearer and provider token in the fixtures at its exact line and
    /// column, and nothing else (placeholders and look-alikes in the same files stay quiet).
    func testEveryFixtureTokenIsFoundExactly() throws {
        let templates = TestSupport.repositoryRoot.appendingPathComponent("Fixtures/templates")
        let (files, expected) = try FixtureCorpus.generate(templates: templates)
        XCTAssertGreaterThanOrEqual(expected.count, 25)
        let directory = try TestSupport.temporaryDirectory()
        try FixtureCorpus.write(files, to: directory)
        var options = ScanOptions()
        options.jobs = 2
        let (findings, summary, _) = TestSupport.scan(paths: [directory.path], options: options, settings: AnalysisSettings(now: FixtureCorpus.now))
        let prefix = directory.path + "/"
        let found = findings.map {
            FixtureCorpus.Expectation(
                path: String($0.path.dropFirst(prefix.count)), line: $0.line, column: $0.column, endLine: $0.endLine,
                endColumn: $0.endColumn, kind: $0.kind)
        }
        let missing = Set(expected).subtracting(found)
        let unexpected = Set(found).subtracting(expected)
        XCTAssertTrue(missing.isEmpty, "not found:\n" + missing.map { $0.description }.sorted().joined(separator: "\n"))
        XCTAssertTrue(unexpected.isEmpty, "reported but not expected:\n" + unexpected.map { $0.description }.sorted().joined(separator: "\n"))
        XCTAssertEqual(found.count, expected.count, "each token exactly once")
        XCTAssertEqual(summary.files, files.count)
        XCTAssertGreaterThan(summary.dismissed["placeholder", default: 0], 0)
        XCTAssertGreaterThan(summary.dismissed["not-a-jwt", default: 0], 0)
        XCTAssertEqual(summary.dismissed["bad-checksum", default: 0], 2, "the checksum typos in providers.env and deploy.sh")
    }
}

final class WalkerScanTests: XCTestCase {
    let token = TokenMinter.jwt(claims: ["sub": "walker", "scope": "repo"])
    var root: URL!

    override func setUpWithError() throws {
        root = try TestSupport.temporaryDirectory()
    }

    func write(_ relative: String, _ text: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
    }

    func scan(_ configure: (inout ScanOptions) -> Void = { _ in }) -> ([Finding], ScanSummary, Collector) {
        var options = ScanOptions()
        configure(&options)
        return TestSupport.scan(paths: [root.path], options: options)
    }

    func relativePaths(_ findings: [Finding]) -> [String] {
        findings.map { String($0.path.dropFirst(root.path.count + 1)) }
    }

    func testIgnoreFilesAreRespectedUnlessDisabled() throws {
        try write(".gitignore", "build/\n*.log\n!keep.log\n")
        try write("build/out.txt", "t=\(token)\n")
        try write("app.log", "t=\(token)\n")
        try write("keep.log", "t=\(token)\n")
        try write("sub/.tokenscanignore", "secret.env\n")
        try write("sub/secret.env", "t=\(token)\n")
        try write("sub/code.txt", "t=\(token)\n")
        try write(".git/config", "t=\(token)\n")
        XCTAssertEqual(relativePaths(scan().0), ["keep.log", "sub/code.txt"])
        XCTAssertEqual(relativePaths(scan { $0.walk.respectIgnoreFiles = false }.0),
                       ["app.log", "build/out.txt", "keep.log", "sub/code.txt", "sub/secret.env"],
                       ".git is never scanned")
    }

    func testBinaryFilesAreSkippedAndNamed() throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data([0x89, 0x50, 0x4E, 0x47, 0x00] + Array("t=\(token)".utf8)).write(to: root.appendingPathComponent("image.png"))
        try write("text.txt", "t=\(token)\n")
        let (findings, summary, _) = scan()
        XCTAssertEqual(relativePaths(findings), ["text.txt"])
        XCTAssertEqual(summary.skipped.count, 1)
        XCTAssertTrue(summary.skipped[0].path.hasSuffix("image.png"))
        XCTAssertTrue(summary.skipped[0].reason.hasPrefix("binary file"))
        XCTAssertEqual(relativePaths(scan { $0.scanBinary = true }.0), ["image.png", "text.txt"])
    }

    func testSymlinksDoNotLeaveTheRoot() throws {
        let outside = try TestSupport.temporaryDirectory()
        try "t=\(token)\n".write(to: outside.appendingPathComponent("outside.txt"), atomically: false, encoding: .utf8)
        try write("inside.txt", "t=\(token)\n")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("out-link").path, withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("in-link.txt").path, withDestinationPath: "inside.txt")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("loop").path, withDestinationPath: ".")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("dangling").path, withDestinationPath: "nope")
        let (findings, summary, collector) = scan()
        XCTAssertEqual(relativePaths(findings), ["inside.txt"], "scanned once, where it really is")
        let reasons = Dictionary(uniqueKeysWithValues: summary.skipped.map { (String($0.path.dropFirst(root.path.count + 1)), $0.reason) })
        XCTAssertTrue(reasons["out-link"]?.contains("out of the scan root") ?? false, "\(reasons)")
        XCTAssertEqual(reasons["dangling"], "dangling symbolic link")
        XCTAssertTrue(collector.diagnostics.contains { $0.contains("out-link") })
        let followed = scan { $0.walk.followSymlinks = true }
        XCTAssertEqual(relativePaths(followed.0), ["in-link.txt", "inside.txt", "out-link/outside.txt"], "loops are detected")
    }

    func testFIFOsAndMissingPathsAreSkippedWithoutHanging() throws {
        try write("a.txt", "t=\(token)\n")
        XCTAssertEqual(mkfifo(root.appendingPathComponent("pipe").path, 0o600), 0)
        var options = ScanOptions()
        options.jobs = 2
        let scanner = Scanner(matcher: TestSupport.matcher(), settings: TestSupport.settings(), options: options)
        let collector = Collector()
        let summary = scanner.scan([.path(root.path), .path(root.appendingPathComponent("missing").path)], observer: collector)
        XCTAssertEqual(collector.findings.count, 1)
        let reasons = summary.skipped.map(\.reason)
        XCTAssertTrue(reasons.contains { $0.hasPrefix("named pipe") }, "\(reasons)")
        XCTAssertTrue(reasons.contains { $0.hasPrefix("cannot access") }, "\(reasons)")
    }

    func testUnreadableFileIsNamedAndOthersStillReported() throws {
        guard getuid() != 0 else { throw XCTSkip("root can read any file; covered by the CLI test run as nobody") }
        try write("locked.txt", "t=\(token)\n")
        try write("open.txt", "t=\(token)\n")
        chmod(root.appendingPathComponent("locked.txt").path, 0)
        let (findings, summary, _) = scan()
        XCTAssertEqual(relativePaths(findings), ["open.txt"])
        XCTAssertTrue(summary.skipped.first?.reason.contains("Permission denied") ?? false)
    }

    func testOutputOrderIsDeterministicAcrossJobs() throws {
        for index in 0..<200 { try write("d\(index % 7)/f\(index).txt", index % 3 == 0 ? "t=\(token)\n" : "nothing\n") }
        let one = scan { $0.jobs = 1 }.2.paths
        let many = scan { $0.jobs = 4 }.2.paths
        XCTAssertEqual(one, many)
        XCTAssertEqual(one.count, 200)
    }

    func testTokenscanIgnoreFingerprintsSuppressByContent() throws {
        let other = TokenMinter.jwt(claims: ["sub": "other", "scope": "repo"])
        try write("a/one.txt", "t=\(token)\nu=\(other)\n")
        let all = scan().0
        XCTAssertEqual(all.count, 2)
        let accepted = all.first { $0.line == 1 }!.fingerprint
        try write(".tokenscanignore", "# accepted test token\nfingerprint:\(accepted)\n")
        try write("b/moved.txt", "moved here: \(token)\n")
        let (findings, summary, _) = scan()
        XCTAssertEqual(findings.map(\.line), [2], "the accepted token is ignored wherever it moves")
        XCTAssertEqual(summary.dismissed["ignored-fingerprint"], 2)
    }

    func testInlineAllowCoversItsOwnLineOnly() throws {
        try write("a.txt", "t=\(token) # tokenscan:allow\nu=\(token)\nv=\(token) // gitleaks:allow\n")
        let (findings, summary, _) = scan()
        XCTAssertEqual(findings.map(\.line), [2])
        XCTAssertEqual(summary.dismissed["inline-allow"], 2)
    }
}

final class BlobTests: XCTestCase {
    func testBlobFindingsMoveToOriginalLinesAndCarryTheCommit() {
        let token = TokenMinter.jwt(claims: ["sub": "blob", "scope": "repo"])
        let commit = CommitInfo(sha: "0123456789abcdef0123456789abcdef01234567", author: "Dev <dev@example.com>", date: "2026-01-01T00:00:00Z")
        let blob = Blob(name: "src/app.env", bytes: Array("added line\nTOKEN=\(token)\n".utf8), lineMap: [10, 42], commit: commit)
        let scanner = Scanner(matcher: TestSupport.matcher(), settings: TestSupport.settings())
        let collector = Collector()
        _ = scanner.scan([.blob(blob)], observer: collector)
        XCTAssertEqual(collector.findings.count, 1)
        XCTAssertEqual(collector.findings.first?.line, 42)
        XCTAssertEqual(collector.findings.first?.column, 7)
        XCTAssertEqual(collector.findings.first?.commit, commit)
        XCTAssertEqual(collector.findings.first?.path, "src/app.env")
    }
}
