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

final class GitleaksIgnoreTests: XCTestCase {
    private func finding(path: String, rule: String = "jwt", line: Int, commit: String? = nil) -> Finding {
        Finding(ruleId: rule, kind: "jwt", severity: .high, score: 70, path: path, line: line, column: 1,
                endLine: line, endColumn: 10, commit: commit.map { CommitInfo(sha: $0, author: "a", date: "d") },
                secret: "eyJ…", fingerprint: "f", reasons: [])
    }

    /// Entries as gitleaks writes them: `./` or not, commit-prefixed for history; comments and
    /// blank lines skipped; a path relative to the file's directory matches an absolute path.
    func testMatchesByPlaceRuleAndCommit() {
        let ignore = GitleaksIgnore(text: """
            # reviewed
            ./src/a.py:jwt:3

            abc123:./src/b.py:github-pat:7
            """, path: "/repo/.gitleaksignore")
        XCTAssertTrue(ignore.ignores(finding(path: "src/a.py", line: 3)))
        XCTAssertTrue(ignore.ignores(finding(path: "./src/a.py", line: 3)))
        XCTAssertTrue(ignore.ignores(finding(path: "/repo/src/a.py", line: 3)))
        XCTAssertFalse(ignore.ignores(finding(path: "src/a.py", line: 4)), "another line")
        XCTAssertFalse(ignore.ignores(finding(path: "src/a.py", rule: "bearer", line: 3)), "another rule")
        XCTAssertFalse(ignore.ignores(finding(path: "other/src/a.py", line: 3)))
        XCTAssertTrue(ignore.ignores(finding(path: "src/b.py", rule: "github-pat", line: 7, commit: "abc123")))
        XCTAssertFalse(ignore.ignores(finding(path: "src/b.py", rule: "github-pat", line: 7)), "commit entries cover history only")
        XCTAssertFalse(ignore.ignores(finding(path: "src/b.py", rule: "github-pat", line: 7, commit: "def456")))
        XCTAssertTrue(ignore.ignores(finding(path: "src/a.py", rule: "gitleaks:jwt", line: 3)), "an imported rule renamed on import")
        XCTAssertTrue(GitleaksIgnore(text: "# nothing\n\n", path: "x").isEmpty)
    }
}
