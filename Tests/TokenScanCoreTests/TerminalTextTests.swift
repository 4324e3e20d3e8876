import XCTest
@testable import TokenScanModel

/// `TerminalText.escape`: what a terminal would act on becomes visible; everything else is kept.
final class TerminalTextTests: XCTestCase {
    func testControlsAndBidiBecomeVisibleEscapes() {
        XCTAssertEqual(TerminalText.escape("plain/path-ü.txt"), "plain/path-ü.txt")
        XCTAssertEqual(TerminalText.escape("a\u{1B}[2Jb\u{07}"), #"a\x1b[2Jb\x07"#)
        XCTAssertEqual(TerminalText.escape("x\r\ny\tz\u{0}\u{7F}"), #"x\r\ny\tz\x00\x7f"#)
        XCTAssertEqual(TerminalText.escape("\u{9B}31m\u{85}"), #"\u{9B}31m\u{85}"#)
        for scalar: UInt32 in [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C, 0x2028, 0x2029] {
            let text = String(Unicode.Scalar(scalar)!)
            XCTAssertEqual(TerminalText.escape(text), "\\u{\(String(scalar, radix: 16, uppercase: true))}")
        }
        XCTAssertEqual(TerminalText.escapeLines("one\u{1B}\ntwo\r"), "one\\x1b\ntwo\\r")
    }
}
