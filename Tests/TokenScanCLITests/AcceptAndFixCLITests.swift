import Foundation
import XCTest
import FixtureKit
import TokenFormats
import TokenScanModel

/// A blocked developer is told what to do: the text report ends with how to fix (take the token
/// out, revoke or rotate it, with the provider's link from the rule data) and how to accept it
/// (the `.tokenscanignore` line, the `tokenscan ignore` command, the inline comment); and
/// `tokenscan ignore` writes those lines.
final class AcceptAndFixCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    let live = TokenMinter.jwt(claims: ["sub": "ci", "scope": "repo"])
    let github = TokenMinter.provider(.githubPersonal, seed: "advice")

    func fingerprints(_ directory: URL) throws -> [String] {
        let result = try run(["scan", ".", "--now", now, "--format", "jsonl"], directory: directory)
        return try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(Finding.self, from: Data($0.utf8)).fingerprint }
    }

    func testTextReportEndsWithHowToFixAndHowToAccept() throws {
        let directory = try temporaryDirectory()
        try "TOKEN=\(live)\nGH=\(github)\n".write(to: directory.appendingPathComponent("app.env"), atomically: true, encoding: .utf8)
        let full = try fingerprints(directory)
        XCTAssertEqual(full.count, 2)
        let result = try run(["scan", ".", "--now", now], directory: directory)
        XCTAssertEqual(result.status, 1, result.stderr)
        let text = result.stdout
        for fingerprint in full {
            XCTAssertTrue(text.contains("fp \(fingerprint.dropFirst("v2:".count).prefix(8))\n"), "each finding shows its short fingerprint (the hex digits, as redact masks): \(text)")
            XCTAssertTrue(text.contains("fingerprint:\(fingerprint)  # "), "the exact .tokenscanignore line: \(text)")
        }
        XCTAssertTrue(text.contains("How to fix:"), text)
        XCTAssertTrue(text.contains("github-pat (GitHub personal access token): https://github.com/settings/tokens"), text)
        XCTAssertTrue(text.contains("tokenscan ignore \(full.joined(separator: " ")) --reason"), text)
        XCTAssertTrue(text.contains("tokenscan:allow"), text)
        XCTAssertFalse(text.contains(live) || text.contains(github), "the advice never repeats a secret")
    }

    /// `tokenscan ignore FP --reason` appends to the repository root's .tokenscanignore (also from
    /// a subdirectory), idempotently; the next scan accepts the token.
    func testIgnoreFingerprintsAppendsToTheRepositoryRootsIgnoreFile() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
        let repo = try GitFixture()
        try repo.write("config/app.env", "TOKEN=\(live)\n")
        let fingerprint = try XCTUnwrap(try fingerprints(repo.directory).first)
        let sub = repo.directory.appendingPathComponent("config")
        let added = try run(["ignore", fingerprint, "--reason", "test fixture, never deployed"], directory: sub)
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertTrue(added.stderr.contains("added 1 fingerprint to "), added.stderr)
        let ignoreFile = repo.directory.appendingPathComponent(".tokenscanignore")
        XCTAssertEqual(try String(contentsOf: ignoreFile, encoding: .utf8), "fingerprint:\(fingerprint)  # test fixture, never deployed\n")
        let again = try run(["ignore", "fingerprint:" + fingerprint.uppercased(), "--reason", "again"], directory: sub)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("added 0 fingerprints") && again.stderr.contains("1 already listed"), again.stderr)
        XCTAssertEqual(try String(contentsOf: ignoreFile, encoding: .utf8).split(separator: "\n").count, 1)
        let scan = try run(["scan", ".", "--now", now], directory: repo.directory)
        XCTAssertEqual(scan.status, 0, "accepted: \(scan.stdout)")
        XCTAssertTrue(scan.stdout.contains("1 accepted (by ignore files 1)"), scan.stdout)
    }

    /// `--from REPORT` accepts every finding of a JSON, JSON Lines or SARIF report, naming the rule
    /// and place in the comment; never a secret.
    func testIgnoreFromAReport() throws {
        for format in ["json", "jsonl", "sarif"] {
            let directory = try temporaryDirectory()
            try "TOKEN=\(live)\nGH=\(github)\n".write(to: directory.appendingPathComponent("app.env"), atomically: true, encoding: .utf8)
            let report = directory.appendingPathComponent("report.\(format)")
            XCTAssertEqual(try run(["scan", "app.env", "--now", now, "--format", format, "-o", report.path], directory: directory).status, 1)
            let result = try run(["ignore", "--from", report.path, "--reason", "revoked"], directory: directory)
            XCTAssertEqual(result.status, 0, "\(format): \(result.stderr)")
            let written = try String(contentsOf: directory.appendingPathComponent(".tokenscanignore"), encoding: .utf8)
            let lines = written.split(separator: "\n")
            XCTAssertEqual(lines.count, 2, "\(format): \(written)")
            XCTAssertTrue(lines[0].hasSuffix("# revoked (jwt at app.env:1)"), "\(format): \(written)")
            XCTAssertFalse(written.contains(live) || written.contains(github))
            try FileManager.default.removeItem(at: report)
            XCTAssertEqual(try run(["scan", ".", "--now", now], directory: directory).status, 0, format)
        }
    }

    /// SARIF names a file by a percent-encoded URI (`my%20app/app.env`); the comment `ignore --from`
    /// writes names the file as the other reports do, and a JSON Lines report of a tree is read line by line.
    func testIgnoreFromASARIFReportNamesTheFileAsItIs() throws {
        for format in ["sarif", "jsonl"] {
            let directory = try temporaryDirectory()
            let folder = directory.appendingPathComponent("my app")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try "TOKEN=\(live)\n".write(to: folder.appendingPathComponent("app.env"), atomically: true, encoding: .utf8)
            let report = directory.appendingPathComponent("report.\(format)")
            XCTAssertEqual(try run(["scan", ".", "--now", now, "--format", format, "-o", report.path], directory: directory).status, 1)
            let result = try run(["ignore", "--from", report.path, "--reason", "revoked"], directory: directory)
            XCTAssertEqual(result.status, 0, "\(format): \(result.stderr)")
            let written = try String(contentsOf: directory.appendingPathComponent(".tokenscanignore"), encoding: .utf8)
            XCTAssertTrue(written.hasSuffix("# revoked (jwt at my app/app.env:1)\n"), "\(format): \(written)")
        }
    }

    func testIgnoreRefusesWhatIsNotAFingerprint() throws {
        let directory = try temporaryDirectory()
        for arguments in [["ignore", "3f9a1c2e", "--reason", "short"], ["ignore", "not-hex", "--reason", "x"],
                          ["ignore", String(repeating: "a", count: 32)], ["ignore", "--reason", "nothing named"]] {
            let result = try run(arguments, directory: directory)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("tokenscan: error: "), result.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent(".tokenscanignore").path))
    }
}
