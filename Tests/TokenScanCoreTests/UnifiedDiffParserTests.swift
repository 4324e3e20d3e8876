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

/// The diff parser on text shaped exactly like git's (no git needed): paths, hunks, combined
/// hunks, chunk boundaries.
final class UnifiedDiffParserTests: XCTestCase {
    /// Events with the added lines' text copied out (the parser's slices are temporary).
    enum Event: Equatable {
        case commit(CommitInfo)
        case file(DiffFile)
        case binary(DiffFile)
        case added(String, Int)
    }

    func parse(_ text: String, chunkSize: Int = .max) throws -> [Event] {
        try parse(Array(text.utf8), chunkSize: chunkSize)
    }

    func parse(_ bytes: [UInt8], chunkSize: Int = .max) throws -> [Event] {
        var parser = UnifiedDiffParser()
        var events: [Event] = []
        let record: (DiffEvent) -> Void = { event in
            switch event {
            case .commit(let info): events.append(.commit(info))
            case .file(let file): events.append(.file(file))
            case .binary(let file): events.append(.binary(file))
            case .added(let text, let line): events.append(.added(String(decoding: text, as: UTF8.self), line))
            }
        }
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunkSize)
            try parser.feed(bytes[start..<end], emit: record)
            start = end
        }
        try parser.finish(emit: record)
        return events
    }

    let history = """
        \u{0}tokenscan-commit\u{0}1111111111111111111111111111111111111111\u{0}Ann Lee <ann@example.com>\u{0}2026-03-01T10:00:00+00:00

        diff --git a/a b.txt b/a b.txt
        new file mode 100644
        index 0000000..4cb29ea
        --- /dev/null
        +++ b/a b.txt\t
        @@ -0,0 +1,3 @@
        +one
        +two
        +three
        diff --git a/bin.dat b/bin.dat
        new file mode 100644
        index 0000000..d5d0b8b
        Binary files /dev/null and b/bin.dat differ
        diff --git "a/\\303\\274 \\"q\\"\\tx.txt" "b/\\303\\274 \\"q\\"\\tx.txt"
        new file mode 100644
        --- /dev/null
        +++ "b/\\303\\274 \\"q\\"\\tx.txt"\t
        @@ -0,0 +1 @@
        +h\u{e9}llo
        \u{0}tokenscan-commit\u{0}2222222222222222222222222222222222222222\u{0}Bo <bo@example.com>\u{0}2026-03-02T10:00:00+01:00

        diff --git a/a b.txt b/a b.txt
        index 4cb29ea..6addb9b 100644
        --- a/a b.txt\t
        +++ b/a b.txt\t
        @@ -2 +2 @@ one
        -two
        +TWO
        @@ -3,0 +4,2 @@ three
        +four
        +five
        \\ No newline at end of file
        diff --git a/old name.env b/new name.env
        similarity index 90%
        rename from old name.env
        rename to new name.env
        index 1..2 100644
        --- a/old name.env\t
        +++ b/new name.env\t
        @@ -5,0 +6 @@
        +added after rename
        diff --git a/gone.txt b/gone.txt
        deleted file mode 100644
        --- a/gone.txt
        +++ /dev/null
        @@ -1 +0,0 @@
        -bye
        """

    var expectedHistory: [Event] {
        let first = CommitInfo(sha: String(repeating: "1", count: 40), author: "Ann Lee <ann@example.com>", date: "2026-03-01T10:00:00+00:00")
        let second = CommitInfo(sha: String(repeating: "2", count: 40), author: "Bo <bo@example.com>", date: "2026-03-02T10:00:00+01:00")
        return [
            .commit(first),
            .file(DiffFile(path: "a b.txt", change: .added, newObject: "4cb29ea", oldObjects: ["0000000"])),
            .added("one", 1), .added("two", 2), .added("three", 3),
            .binary(DiffFile(path: "bin.dat", change: .added, newObject: "d5d0b8b", oldObjects: ["0000000"])),
            .file(DiffFile(path: "ü \"q\"\tx.txt", change: .added)),
            .added("héllo", 1),
            .commit(second),
            .file(DiffFile(path: "a b.txt", change: .modified, newObject: "6addb9b", oldObjects: ["4cb29ea"])),
            .added("TWO", 2), .added("four", 4), .added("five", 5),
            .file(DiffFile(path: "new name.env", oldPath: "old name.env", change: .renamed, newObject: "2", oldObjects: ["1"])),
            .added("added after rename", 6),
            .file(DiffFile(path: "gone.txt", change: .deleted)),
        ]
    }

    func testHistoryWithQuotedPathsRenamesBinariesAndDeletions() throws {
        XCTAssertEqual(try parse(history), expectedHistory)
    }

    func testChunkBoundariesDoNotMatter() throws {
        for size in [1, 2, 3, 7, 64] {
            XCTAssertEqual(try parse(history, chunkSize: size), expectedHistory, "chunk size \(size)")
        }
    }

    func testCombinedDiffAddsOnlyLinesNoParentHad() throws {
        let merge = """
            diff --cc f
            index b146e62,1b423ba..1267631
            --- a/f
            +++ b/f
            @@@ -1,1 -1,0 +1,3 @@@
            ++EVIL
             +MAIN
            + SIDE
            - gone
            @@@@ -9,0 -9,0 -9,0 +10,1 @@@@
            +++octopus
            """
        XCTAssertEqual(try parse(merge), [
            .file(DiffFile(path: "f", change: .modified, newObject: "1267631", oldObjects: ["b146e62", "1b423ba"])),
            .added("EVIL", 1),
            .added("octopus", 10),
        ])
    }

    func testBinaryRenameIsNamedByItsNewPath() throws {
        let diff = """
            diff --git a/img/a.png b/img/b.png
            similarity index 100%
            rename from img/a.png
            rename to img/b.png
            diff --git a/x b/x
            index 1..2 100644
            Binary files a/x and b/x differ
            """
        XCTAssertEqual(try parse(diff), [.binary(DiffFile(path: "x", change: .modified, newObject: "2", oldObjects: ["1"]))],
                       "a pure rename has nothing to scan; a binary modification is named")
    }

    func testNewPathOfGitHeader() {
        let prefixes = (old: Array("a/".utf8), new: Array("b/".utf8))
        func newPath(_ text: String) -> String? {
            GitPathQuoting.newPathOfGitHeader(Array(text.utf8)[...], prefixes: prefixes).map { String(decoding: $0, as: UTF8.self) }
        }
        XCTAssertEqual(newPath("a/x b/x"), "x")
        XCTAssertEqual(newPath("a/a b/c b/a b/c"), "a b/c", "a space and a b/ inside the name")
        XCTAssertEqual(newPath(#""a/\303\274" "b/\303\274""#), "ü")
        XCTAssertNil(newPath("a/x b/y"), "renames are named by their rename lines")
    }

    func testUnquote() {
        func unquote(_ text: String) -> [UInt8]? { GitPathQuoting.path(Array(text.utf8)[...]) }
        XCTAssertEqual(unquote(#""a\tb\n\"c\"\\\001\377""#), Array("a\tb\n\"c\"\\".utf8) + [1, 255])
        XCTAssertEqual(unquote("plain name"), Array("plain name".utf8))
        XCTAssertNil(unquote(#""unterminated"#))
        XCTAssertNil(unquote(#""bad \q escape""#))
        XCTAssertNil(unquote(#""text" after"#))
    }

    func testMalformedInputThrows() {
        XCTAssertThrowsError(try parse("\u{0}not-our-marker\u{0}x\u{0}y\u{0}z\n"))
        XCTAssertThrowsError(try parse("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ garbage @@\n"))
        XCTAssertThrowsError(try parse("diff --git a/x b/x\n--- a/x\n+++ x\n@@ -1 +1 @@\n"), "a label without its prefix")
    }
}
