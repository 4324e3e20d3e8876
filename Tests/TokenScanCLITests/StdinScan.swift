import Foundation
import XCTest

/// One text scanned through the binary from stdin, as JSON Lines: what the bearer-format suites
/// (PASETO, Fernet, macaroons, Biscuit, Branca, SAML) read a token's judgement from.
struct StdinScan {
    var findings: [[String: Any]]
    var stdout: String
    var stderr: String
}

extension XCTestCase {
    /// `scan -` at `now` with `--fail-on never` (these suites read severities, not the exit
    /// status, which is asserted 0); `extra` defaults to `--show-secrets`, so that a finding can
    /// be matched to the token it is about.
    func scanStdin(_ text: String, now: String, extra: [String] = ["--show-secrets"]) throws -> StdinScan {
        let result = try run(["scan", "-", "--now", now, "--format", "jsonl", "--fail-on", "never"] + extra, stdin: Data(text.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        let findings = try result.stdout.split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        return StdinScan(findings: findings, stdout: result.stdout, stderr: result.stderr)
    }

    /// A finding's reason codes, as the JSON report writes them.
    func reasonCodes(_ finding: [String: Any]?) -> [String] {
        (finding?["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }
}
