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

/// The text conditions of `[[allow]]` (what gitleaks allowlists translate to), set by hand.
final class AllowRuleTextConditionTests: XCTestCase {
    func testSecretMatchLineStopwordsCommitsAndRuleIds() throws {
        let configuration = try Configuration.parse("""
            [[allow]]
            line = 'EXAMPLE_[A-Z]+\\s*='
            [[allow]]
            ruleId = ["oauth-token-parameter", "authorization-bearer"]
            stopwords = ["Sandbox"]
            [[allow]]
            commits = ["0123456789ABCDEF0123456789ABCDEF01234567"]
            secret = '^eyJ'
            """, path: "t.toml")
        XCTAssertEqual(configuration.allowRules.count, 3)
        let finding = Finding(ruleId: "authorization-bearer", kind: "bearer", severity: .medium, score: 50, path: "a.env", line: 1,
                              column: 1, endLine: 1, endColumn: 2, secret: "s", fingerprint: "f", reasons: [])
        func accepted(_ index: Int, secret: String, line: String, commit: String? = nil, rule: String = "authorization-bearer") -> Bool {
            var located = finding
            located.ruleId = rule
            let subject = AllowRule.Subject(secret: Array(secret.utf8), match: Array(secret.utf8), line: Array(line.utf8), commit: commit)
            return configuration.allowRules[index].accepts(located, subject: subject, now: TestSupport.now, scratch: MatchScratch())
        }
        XCTAssertTrue(accepted(0, secret: "abc", line: "EXAMPLE_TOKEN = abc"))
        XCTAssertFalse(accepted(0, secret: "abc", line: "TOKEN = abc"))
        XCTAssertTrue(accepted(1, secret: "my-SANDBOX-key", line: ""))
        XCTAssertFalse(accepted(1, secret: "my-SANDBOX-key", line: "", rule: "jwt"), "only the named rules")
        XCTAssertFalse(accepted(1, secret: "my-live-key", line: ""))
        XCTAssertTrue(accepted(2, secret: "eyJx", line: "", commit: "0123456789abcdef0123456789abcdef01234567"))
        XCTAssertFalse(accepted(2, secret: "eyJx", line: ""), "no commit: a plain scan")
        XCTAssertFalse(accepted(2, secret: "abc", line: "", commit: "0123456789abcdef0123456789abcdef01234567"), "all conditions hold")

        XCTAssertThrowsError(try Configuration.parse("[[allow]]\nline = 3\n", path: "t.toml")) { error in
            XCTAssertTrue("\(error)".contains("allow[0].line must be a string (a PCRE2 pattern)"), "\(error)")
        }
        XCTAssertThrowsError(try Configuration.parse("gitleaks = true\n", path: "t.toml"))
        XCTAssertEqual(try Configuration.parse("gitleaks = \"ci/gl.toml\"\n", path: "repo/.tokenscan.toml").gitleaks, .path("repo/ci/gl.toml"))
        XCTAssertEqual(try Configuration.parse("gitleaks = false\n", path: "repo/.tokenscan.toml").gitleaks, .disabled)
    }
}
