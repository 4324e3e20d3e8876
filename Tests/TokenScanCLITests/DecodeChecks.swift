import Foundation
import XCTest

extension XCTestCase {
    /// What every bearer format's `tokenscan decode` check asks of the binary: the text rendering
    /// (exit 1: a finding at the default `--fail-on`) shows each of `expected`; the JSON one (of
    /// `jsonInput`, the token or a header carrying it) names `rule`; `cut`, a token of the format
    /// that is not whole, is refused (exit 2) as not a `rule` token. Returns the JSON finding.
    @discardableResult
    func assertDecodes(
        _ token: String, now: String, shows expected: [String], rule: String, refuses cut: String, jsonInput: String? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> [String: Any] {
        let text = try run(["decode", token, "--now", now])
        XCTAssertEqual(text.status, 1, text.stderr, file: file, line: line)
        for item in expected { XCTAssertTrue(text.stdout.contains(item), "\(item) in \(text.stdout)", file: file, line: line) }
        let json = try run(["decode", jsonInput ?? token, "--now", now, "--format", "json", "--fail-on", "never"])
        let finding = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], file: file, line: line)
        XCTAssertEqual(finding["ruleId"] as? String, rule, file: file, line: line)
        let bad = try run(["decode", cut])
        XCTAssertEqual(bad.status, 2, file: file, line: line)
        XCTAssertTrue(bad.stderr.contains("not a \(rule) token"), bad.stderr, file: file, line: line)
        return finding
    }
}
