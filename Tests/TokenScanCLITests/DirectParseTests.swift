import ArgumentParser
import XCTest
@testable import tokenscan

/// `DirectParse` is a shortcut past the root's parse: where it answers, the command must be the
/// one the root's parse gives, value for value; where the root would print help, a version or an
/// error, it must not answer at all.
final class DirectParseTests: XCTestCase {
    /// Every stored option of both commands, as `String(reflecting:)` prints them.
    private func rootParse(_ arguments: [String]) throws -> String {
        String(reflecting: try TokenScanCommand.parseAsRoot(arguments))
    }

    func testASubcommandParsedOnItsOwnIsTheRootsParse() throws {
        let commandLines: [[String]] = [
            [],
            ["scan"],
            ["src/app.env"],
            ["scan", "a.txt", "b dir", "--format", "json", "-o", "report.json"],
            ["--format", "sarif", "--fail-on", "high", "src"],
            ["-q", "--no-ignore", "--max-file-size", "10M", "-"],
            ["scan", "--report", "sarif=r.sarif", "--report", "jsonl=r.jsonl", "--now", "2026-11-24T10:00:00Z", "."],
            ["scan", "--", "--format"],
            ["scan", "--shard", "2/4", "--jobs", "1", "--no-progress", "x"],
            ["git", "--staged"],
            ["git", "origin/main..HEAD", "--format", "json", "--baseline", "b.json"],
            ["git", "--since", "v1.0", "--repo", "repo"],
            ["hook"],
            ["hook", "a.env", "b.env", "--no-repo-config", "--fail-on", "critical"],
            ["redact", "-"],
            ["rules", "list"],
            ["rules", "check", "Rules/github.toml"],
            ["merge", "a.json", "b.json", "-o", "all.json"],
            // A subcommand's name where it is not the first word is a path.
            ["--", "scan"], ["-q", "git"], ["src", "hook"], ["--format", "json", "merge"],
        ]
        for arguments in commandLines {
            let direct = try XCTUnwrap(DirectParse.parse(arguments), "\(arguments): the direct parse gave up")
            XCTAssertEqual(String(reflecting: direct), try rootParse(arguments), "\(arguments)")
        }
    }

    /// Help, the version, completion scripts and every error are the root's to answer: its text
    /// and exit code are what users and tests see.
    func testWhatTheRootAnswersItselfIsLeftToIt() {
        let commandLines: [[String]] = [
            ["--help"], ["-h"], ["scan", "--help"], ["help", "scan"], ["--version"], ["git", "--version"],
            ["--generate-completion-script", "bash"], ["--experimental-dump-help"],
            ["scan", "--format", "yaml"], ["scan", "--no-such-option"], ["scan", "--jobs"], ["scan", "--jobs", "0"],
            ["git", "--staged", "--since", "HEAD~1", "--frobnicate"], ["rules", "frobnicate"],
            ["scan", "-qv"], ["scan", "--shard", "5/4"],
            // Help that ArgumentParser returns as a command instead of throwing.
            ["-qh"], ["scan", "x", "-vh"], ["--help-hidden"], ["rules", "list", "--help-hidden"], ["rules", "list", "-h"],
        ]
        for arguments in commandLines {
            XCTAssertNil(DirectParse.parse(arguments).map { String(reflecting: $0) }, "\(arguments)")
        }
    }
}
