import Foundation
import XCTest
import TokenFormats

@testable import TokenScanModel
@testable import TokenScanSources
@testable import TokenScanReport

/// The pieces behind "the scanned tree cannot hide files by how it names or marks them": a
/// path's bytes and its shown text, the binary verdict on a blob's head, patterns that leave
/// out everything, and the exact-byte URI.
final class PathBytesTests: XCTestCase {
    func testDisplayEscapesOnlyBytesOutsideUTF8() {
        XCTAssertEqual(RawPath(bytes: Array("plain/ü.env".utf8)).display, "plain/ü.env")
        XCTAssertTrue(RawPath(bytes: Array("plain/ü.env".utf8)).isUTF8)
        // A valid two-byte sequence stays; a lone lead byte, a stray continuation byte and an
        // overlong encoding (C0 80) do not.
        let mixed: [UInt8] = [0x61, 0xC3, 0xBC, 0xFF, 0x80, 0xC3, 0x2F, 0xC0, 0x80, 0x7A]
        let path = RawPath(bytes: mixed)
        XCTAssertFalse(path.isUTF8)
        XCTAssertEqual(path.display, #"aü\xff\x80\xc3/\xc0\x80z"#)
        let joined = RawPath("root").appending(path)
        XCTAssertEqual(joined.bytes, Array("root/".utf8) + mixed)
        XCTAssertEqual(joined.display, "root/" + path.display)
        XCTAssertFalse(joined.isUTF8)
    }

    func testBinaryVerdictFollowsTheWalker() {
        XCTAssertNil(ContentVerdict.binaryOffset(Array("text only\n".utf8)))
        XCTAssertEqual(ContentVerdict.binaryOffset(Array("ab".utf8) + [0] + Array("cd".utf8)), 2)
        // UTF-16 text has NULs and is text, as `scan` reads it.
        let utf16: [UInt8] = [0xFF, 0xFE] + Array("TOKEN=abc\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        XCTAssertNil(ContentVerdict.binaryOffset(utf16))
    }

    func testCatchAllPatternsAreFound() {
        for pattern in ["*", "**", "/*", "/**", "**/*", "?*"] {
            let file = IgnoreFile(contents: "# header\n\(pattern)\n", base: "", collectsFingerprints: true)
            XCTAssertEqual(file.catchAllPatterns.map(\.line), [2], pattern)
            XCTAssertEqual(file.catchAllPatterns.map(\.pattern), [pattern], pattern)
            let below = IgnoreFile(contents: "\(pattern)\n", base: "vendor/lib", collectsFingerprints: true)
            XCTAssertEqual(below.catchAllPatterns.count, 1, "in a subdirectory: \(pattern)")
        }
        for pattern in ["*.log", "*/", "!*", "build/", "a*", "*.*", "**/*.tmp"] {
            XCTAssertEqual(IgnoreFile(contents: "\(pattern)\n", base: "", collectsFingerprints: true).catchAllPatterns.count, 0, pattern)
        }
    }

    func testIgnoreStackNamesTheDecidingFile() {
        let git = IgnoreFile(contents: "*.env\n", base: "", collectsFingerprints: false, origin: ".gitignore")
        let own = IgnoreFile(contents: "secret.env\n", base: "", collectsFingerprints: true, origin: ".tokenscanignore")
        let stack = IgnoreStack().pushing(own).pushing(git)
        XCTAssertEqual(stack.decidingFile(for: "secret.env", isDirectory: false)?.file.origin, ".gitignore")
        XCTAssertEqual(stack.decidingFile(for: "secret.env", isDirectory: false, including: { $0.isTokenscanIgnore })?.file.origin,
                       ".tokenscanignore")
        XCTAssertNil(stack.decidingFile(for: "app.env", isDirectory: false, including: { $0.isTokenscanIgnore }))
    }

    func testTrackedIgnoredPathsKnowTheirDirectories() {
        let tracked = TrackedIgnoredPaths(paths: ["build/deep/keep.env", "secrets.env"])
        XCTAssertTrue(tracked.contains("build", isDirectory: true))
        XCTAssertTrue(tracked.contains("build/deep", isDirectory: true))
        XCTAssertTrue(tracked.contains("build/deep/keep.env", isDirectory: false))
        XCTAssertFalse(tracked.contains("build/other.env", isDirectory: false))
        XCTAssertFalse(tracked.contains("secrets.env", isDirectory: true))
    }

    func testURIsPercentEncodeExactBytes() {
        XCTAssertEqual(PercentEncoding.encodePath(bytes: Array("d".utf8) + [0xFF, 0x2F] + Array("a b#.env".utf8)), "d%FF/a%20b%23.env")
        XCTAssertEqual(PercentEncoding.encodePath("ü/x.env"), "%C3%BC/x.env")
        XCTAssertEqual(PercentEncoding.decode("d%FF/a%20b%23.env"), Array("d".utf8) + [0xFF] + Array("/a b#.env".utf8))
        XCTAssertEqual(PercentEncoding.decode("100%/%2"), Array("100%/%2".utf8), "a % without two hex digits is literal")
    }
}
