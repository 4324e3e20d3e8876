import FixtureKit
import Foundation
import XCTest
import TokenFormats

/// `redact` never passes input through unmasked: gzip is decompressed and comes out redacted,
/// input it cannot read as text is refused (exit 2) without a byte of it written, and files are
/// read like `cat` (issue "The seams").
final class RedactInputCLITests: XCTestCase {
    let token = TokenMinter.jwt(claims: ["sub": "redact-input", "exp": 1_900_000_000])
    var line: String { "GET /a?access_token=\(token) HTTP/1.1\n" }

    func gzip(_ text: String) throws -> Data { try gzip(Data(text.utf8)) }

    func assertRedacted(_ output: String, lines: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(output.contains(token), "a token came out unmasked", file: file, line: line)
        XCTAssertEqual(output.components(separatedBy: "access_token=[REDACTED:jwt:").count - 1, lines, output, file: file, line: line)
    }

    /// Today gzip on stdin came out byte-identical, every token intact, exit 0.
    func testGzipOnStdinIsDecompressedAndRedactedAlsoConcatenatedMembers() throws {
        let members = try gzip("one\n" + line) + gzip(line + "last\n")
        let result = try run(["redact"], stdin: members)
        XCTAssertEqual(result.status, 0, result.stderr)
        assertRedacted(result.stdout, lines: 2)
        XCTAssertTrue(result.stdout.hasPrefix("one\nGET /a?access_token=[REDACTED:jwt:"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix(" HTTP/1.1\nlast\n"), result.stdout)
    }

    func testFilesAreReadInOrderLikeCat() throws {
        let directory = try temporaryDirectory()
        try "first\n\(line)".write(to: directory.appendingPathComponent("a.log"), atomically: true, encoding: .utf8)
        try gzip(line + "tail\n").write(to: directory.appendingPathComponent("b.log.gz"))
        let result = try run(["redact", "a.log", "b.log.gz"], directory: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        assertRedacted(result.stdout, lines: 2)
        XCTAssertTrue(result.stdout.hasPrefix("first\n"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("tail\n"), result.stdout)
    }

    /// Zip (stored entries hold the token in clear), tar and binary input are refused with exit 2
    /// and a message naming the input; the other files are still redacted.
    func testInputThatIsNotTextIsRefusedNotCopied() throws {
        let directory = try temporaryDirectory()
        var zip = Data([0x50, 0x4B, 0x03, 0x04])
        zip += Data(String(repeating: "\u{0}", count: 26).utf8) + Data(line.utf8)
        try zip.write(to: directory.appendingPathComponent("logs.zip"))
        try "ok\n\(line)".write(to: directory.appendingPathComponent("ok.log"), atomically: true, encoding: .utf8)

        let files = try run(["redact", "logs.zip", "ok.log"], directory: directory)
        XCTAssertEqual(files.status, 2, files.stderr)
        XCTAssertTrue(files.stderr.contains("logs.zip: zip archive: not redacted"), files.stderr)
        XCTAssertEqual(files.stdout.components(separatedBy: "[REDACTED:jwt:").count - 1, 1, files.stdout)
        XCTAssertFalse(files.stdout.contains(token))

        let binary = try run(["redact"], stdin: Data("abc\u{0}def\n".utf8) + Data(line.utf8))
        XCTAssertEqual(binary.status, 2, binary.stderr)
        XCTAssertTrue(binary.stderr.contains("binary input (NUL byte at offset 3)"), binary.stderr)
        XCTAssertEqual(binary.stdout, "", "nothing of refused input is written")

        let zipped = try run(["redact"], stdin: try gzip(String(decoding: zip, as: UTF8.self)))
        XCTAssertEqual(zipped.status, 2, zipped.stderr)
        XCTAssertTrue(zipped.stderr.contains("zip archive inside gzip"), zipped.stderr)
        XCTAssertFalse(zipped.stdout.contains(token))
    }

    /// `--in-place` is a flag over the files (its older `--in-place FILE…` form reads the same);
    /// compressed files are refused there, the others still rewritten.
    func testInPlaceRefusesCompressedFiles() throws {
        let directory = try temporaryDirectory()
        let compressed = try gzip(line)
        try compressed.write(to: directory.appendingPathComponent("old.log.gz"))
        try line.write(to: directory.appendingPathComponent("app.log"), atomically: true, encoding: .utf8)
        let result = try run(["redact", "--in-place", "old.log.gz", "app.log"], directory: directory)
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("old.log.gz: compressed files are not redacted in place"), result.stderr)
        XCTAssertEqual(try Data(contentsOf: directory.appendingPathComponent("old.log.gz")), compressed, "left as it was")
        assertRedacted(try String(contentsOf: directory.appendingPathComponent("app.log"), encoding: .utf8), lines: 1)
    }
}
