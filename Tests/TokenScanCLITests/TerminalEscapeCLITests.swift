import Foundation
import XCTest
import TokenFormats
import TokenScanModel

/// Nothing a scanned tree controls reaches a terminal as a control sequence (issue 17): file
/// names, claim values and diagnostics are printed with C0/C1 controls and bidi characters as
/// visible escapes, and every diagnostic comes before the summary line, so a name cannot clear the
/// screen and leave a forged "0 findings".
final class TerminalEscapeCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    /// Characters that must never be printed raw.
    static let forbidden: [Unicode.Scalar] = ["\u{1B}", "\u{07}", "\r", "\u{9B}", "\u{202E}", "\u{2066}", "\u{200F}", "\u{061C}"]

    func assertNoControls(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for scalar in TerminalEscapeCLITests.forbidden where text.unicodeScalars.contains(scalar) {
            XCTFail("\(what) prints U+\(String(scalar.value, radix: 16, uppercase: true)) raw: \(text.debugDescription)", file: file, line: line)
        }
    }

    func testFileNamesClaimsAndDiagnosticsAreEscaped() throws {
        let directory = try temporaryDirectory()
        // An OSC 8 link, a screen clear, a carriage return, a newline and a right-to-left override.
        let hostile = "a\u{1B}]8;;x\u{07}link\u{1B}]8;;\u{07}\u{1B}[2J\r\nb\u{202E}vne.\u{9B}"
        let token = TokenMinter.jwt(claims: ["iss": "evil\u{1B}[31m\u{2066}issuer", "sub": "s\r\u{200F}x", "scope": "repo"])
        try "t=\(token)\n".write(to: directory.appendingPathComponent(hostile + ".env"), atomically: true, encoding: .utf8)
        // A binary file and a corrupt gzip: one is named in the report, the other on stderr.
        try Data([0x41, 0x00, 0x42]).write(to: directory.appendingPathComponent(hostile + ".bin"))
        try Data([0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02]).write(to: directory.appendingPathComponent(hostile + ".gz"))

        let result = try run(["scan", directory.path, "--now", now, "--color", "never"])
        XCTAssertEqual(result.status, 1, result.stderr)
        assertNoControls(result.stdout, "the text report")
        assertNoControls(result.stderr, "stderr")
        XCTAssertTrue(result.stdout.contains(#"a\x1b]8;;x\x07link\x1b]8;;\x07\x1b[2J\r\nb\u{202E}vne.\u{9B}.env"#), result.stdout)
        XCTAssertTrue(result.stdout.contains(#"iss evil\x1b[31m\u{2066}issuer"#), result.stdout)
        XCTAssertTrue(result.stdout.contains(#"sub s\r\u{200F}x"#), result.stdout)
        XCTAssertTrue(result.stderr.contains(#"\x1b[2J\r\nb\u{202E}vne.\u{9B}.gz: "#), result.stderr)
        // The summary line is the last line: nothing printed after it can overwrite it.
        let lines = result.stdout.split(separator: "\n")
        XCTAssertTrue(lines.last?.hasPrefix("1 finding ") ?? false, result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("skipped as binary: ") && $0.contains(#"\x1b[2J"#) }, result.stdout)

        let decoded = try run(["decode", token, "--now", now])
        assertNoControls(decoded.stdout, "decode")
        XCTAssertTrue(decoded.stdout.contains(#"evil\x1b[31m\u{2066}issuer"#), decoded.stdout)
    }
}
