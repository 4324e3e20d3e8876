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

/// The ignore matcher decides what the scanner never reads, so it is tested twice: by hand for
/// every rule of gitignore(5), and against the real `git` on fixed and randomly generated trees,
/// since "what git ignores" is the specification users actually rely on.
final class IgnoreRulesTests: XCTestCase {

    // MARK: - Helpers

    /// Decision of a single root ignore file for `path`.
    private func ignored(_ contents: String, _ path: String, dir: Bool = false) -> Bool {
        IgnoreStack().pushing(IgnoreFile(contents: contents, base: "", collectsFingerprints: false))
            .isIgnored(path, isDirectory: dir)
    }

    private func assertIgnored(_ contents: String, _ paths: [String], dir: Bool = false,
                               file: StaticString = #filePath, line: UInt = #line) {
        for path in paths {
            XCTAssertTrue(ignored(contents, path, dir: dir), "\(contents.debugDescription) should ignore \(path)",
                          file: file, line: line)
        }
    }

    private func assertKept(_ contents: String, _ paths: [String], dir: Bool = false,
                            file: StaticString = #filePath, line: UInt = #line) {
        for path in paths {
            XCTAssertFalse(ignored(contents, path, dir: dir), "\(contents.debugDescription) should keep \(path)",
                           file: file, line: line)
        }
    }

    // MARK: - Lines

    func testBlankLinesAndCommentsAreNotPatterns() {
        let file = IgnoreFile(contents: "\n# a comment\n\n   \n#*.log\n", base: "")
        XCTAssertEqual(file.patternCount, 0)
        XCTAssertTrue(IgnoreStack().pushing(file).isEmpty)
        assertKept("# *.log\n", ["# *.log", "x.log", "#"])
        // Only a '#' in the first column starts a comment.
        assertIgnored(" #x\n", [" #x"])
        assertKept(" #x\n", ["#x"])
    }

    func testTrailingSpacesAreTrimmedUnlessEscaped() {
        assertIgnored("foo   \n", ["foo"])
        assertKept("foo   \n", ["foo   ", "foo "])
        assertIgnored("foo\\ \n", ["foo "])
        assertKept("foo\\ \n", ["foo"])
        // Only the first trailing space is kept by a backslash; the rest is trimmed.
        assertIgnored("foo\\   \n", ["foo "])
        // Inner spaces and trailing tabs are significant.
        assertIgnored("a b\n", ["a b"])
        assertIgnored("foo\t\n", ["foo\t"])
        assertKept("foo\t\n", ["foo"])
    }

    func testEscapedHashAndBang() {
        assertIgnored("\\#notes\n", ["#notes", "d/#notes"])
        assertIgnored("\\!important\n", ["!important"])
        assertKept("\\!important\n", ["important"])
        // A bare "!" or "/" is no pattern at all.
        XCTAssertEqual(IgnoreFile(contents: "!\n/\n!/\n", base: "").patternCount, 0)
    }

    func testCRLFLineEndingsAndByteOrderMark() {
        let contents = "\u{FEFF}*.log\r\n/build\r\n!keep.log\r\n"
        assertIgnored(contents, ["a.log", "build"])
        assertKept(contents, ["keep.log", "a.log\r"])
        // The BOM does not become part of the first pattern.
        assertIgnored("\u{FEFF}secret\n", ["secret"])
    }

    func testLastLineWithoutNewline() {
        assertIgnored("a\nb", ["a", "b"])
    }

    // MARK: - Negation

    func testNegationAndLastMatchWins() {
        let contents = "*.log\n!keep.log\n"
        assertIgnored(contents, ["a.log", "d/x.log"])
        assertKept(contents, ["keep.log", "d/keep.log"])
        // Order matters: a later positive pattern overrides an earlier negation.
        assertIgnored("!keep.log\n*.log\n", ["keep.log"])
        let file = IgnoreFile(contents: contents, base: "")
        XCTAssertEqual(file.decision(for: "keep.log", isDirectory: false), .included)
        XCTAssertEqual(file.decision(for: "a.log", isDirectory: false), .ignored)
        XCTAssertEqual(file.decision(for: "a.txt", isDirectory: false), .none)
    }

    /// A file cannot be re-included when its directory is ignored, because git (and our walker)
    /// never looks inside. The stack judges one path at a time; the walker checks directories first.
    func testReincludeInsideIgnoredDirectoryOnlyWorksWhenTheDirectoryIsNotIgnored() {
        let ignoringDir = IgnoreStack().pushing(IgnoreFile(contents: "build/\n!build/keep.txt\n", base: ""))
        XCTAssertTrue(ignoringDir.isIgnored("build", isDirectory: true))
        // Taken alone the file is "included", which is why the caller must not descend into build/.
        XCTAssertEqual(ignoringDir.decision(for: "build/keep.txt", isDirectory: false), .included)
        XCTAssertTrue(walkIgnored(ignoringDir, "build/keep.txt"))

        let ignoringContents = IgnoreStack().pushing(IgnoreFile(contents: "build/*\n!build/keep.txt\n", base: ""))
        XCTAssertFalse(ignoringContents.isIgnored("build", isDirectory: true))
        XCTAssertFalse(walkIgnored(ignoringContents, "build/keep.txt"))
        XCTAssertTrue(walkIgnored(ignoringContents, "build/other.txt"))
    }

    /// What a walker concludes for `path`: ignored if any ancestor directory or the path itself is.
    private func walkIgnored(_ stack: IgnoreStack, _ path: String, isDirectory: Bool = false) -> Bool {
        let parts = path.split(separator: "/").map(String.init)
        for depth in 1..<parts.count where stack.isIgnored(parts[0..<depth].joined(separator: "/"), isDirectory: true) {
            return true
        }
        return stack.isIgnored(path, isDirectory: isDirectory)
    }

    // MARK: - Anchoring

    func testPatternWithoutSlashMatchesTheBasenameAtAnyDepth() {
        assertIgnored("secret.txt\n", ["secret.txt", "a/secret.txt", "a/b/c/secret.txt"])
        assertKept("secret.txt\n", ["secret.txt.bak", "a/xsecret.txt"])
        assertIgnored("cache\n", ["a/cache"], dir: true)
        assertIgnored("*.pem\n", ["k.pem", "deep/er/k.pem", ".pem"])
    }

    func testLeadingOrMiddleSlashAnchorsToTheFilesDirectory() {
        assertIgnored("/todo\n", ["todo"])
        assertKept("/todo\n", ["a/todo"])
        assertIgnored("doc/frotz\n", ["doc/frotz"])
        assertKept("doc/frotz\n", ["a/doc/frotz", "doc/frotz/x"])
        assertIgnored("/doc/frotz\n", ["doc/frotz"])
        assertIgnored("doc/*.txt\n", ["doc/a.txt"])
        assertKept("doc/*.txt\n", ["doc/sub/a.txt", "x/doc/a.txt"])

        let nested = IgnoreStack().pushing(IgnoreFile(contents: "/todo\ndoc/frotz\n", base: "src/lib"))
        XCTAssertTrue(nested.isIgnored("src/lib/todo", isDirectory: false))
        XCTAssertTrue(nested.isIgnored("src/lib/doc/frotz", isDirectory: false))
        XCTAssertFalse(nested.isIgnored("todo", isDirectory: false))
        XCTAssertFalse(nested.isIgnored("src/lib/x/todo", isDirectory: false))
        XCTAssertFalse(nested.isIgnored("src/lib/x/doc/frotz", isDirectory: false))
    }

    func testTrailingSlashMatchesDirectoriesOnly() {
        assertIgnored("build/\n", ["build", "a/build"], dir: true)
        assertKept("build/\n", ["build", "a/build"], dir: false)
        assertIgnored("/out/\n", ["out"], dir: true)
        assertKept("/out/\n", ["a/out"], dir: true)
        assertIgnored("a/b/\n", ["a/b"], dir: true)
        assertKept("a/b/\n", ["a/b"], dir: false)
        // A trailing slash on the path is tolerated and means "directory".
        XCTAssertTrue(ignored("build/\n", "build/", dir: false))
    }

    // MARK: - Wildcards

    func testStarAndQuestionMarkDoNotMatchSlash() {
        assertIgnored("a*z\n", ["az", "abcz"])
        assertIgnored("/a*z\n", ["abcz"])
        assertKept("/a*z\n", ["a/z", "ab/cz"])
        assertIgnored("a/*/z\n", ["a/b/z"])
        assertKept("a/*/z\n", ["a/z", "a/b/c/z"])
        assertIgnored("/a?c\n", ["abc"])
        assertKept("/a?c\n", ["a/c", "ac", "abbc"])
        assertIgnored("src/*\n", ["src/x"])
        assertKept("src/*\n", ["src/x/y", "src"])
        assertIgnored("*\n", ["anything", "a/b"])
    }

    func testCharacterClasses() {
        assertIgnored("[a-c]x\n", ["ax", "bx", "cx"])
        assertKept("[a-c]x\n", ["dx", "Ax", "x"])
        assertIgnored("[!abc]x\n", ["dx", "Zx"])
        assertKept("[!abc]x\n", ["ax", "cx"])
        assertIgnored("[^abc]x\n", ["dx"])
        assertKept("[^abc]x\n", ["bx"])
        assertIgnored("[]a]\n", ["]", "a"])
        assertIgnored("[a-]\n", ["a", "-"])
        assertIgnored("[\\]]\n", ["]"])
        assertIgnored("x[[:digit:]]\n", ["x0", "x9"])
        assertKept("x[[:digit:]]\n", ["xa"])
        assertIgnored("[[:upper:][:punct:]]\n", ["A", "_", "."])
        assertKept("[[:upper:][:punct:]]\n", ["a", "1"])
        // Malformed: an unterminated class or unknown [:name:] matches nothing.
        assertKept("[abc\n", ["a", "[abc"])
        assertKept("[[:nope:]]\n", ["n", "[[:nope:]]"])
        // A class never matches '/' in a path pattern.
        assertKept("/a[/]b\n", ["a/b"])
        // Escaped wildcards are literals.
        assertIgnored("\\*.txt\n", ["*.txt"])
        assertKept("\\*.txt\n", ["a.txt"])
        assertIgnored("a\\?\n", ["a?"])
        assertKept("a\\?\n", ["ab"])
    }

    func testLeadingDoubleStar() {
        assertIgnored("**/foo\n", ["foo", "a/foo", "a/b/foo"])
        assertIgnored("**/foo/bar\n", ["foo/bar", "x/y/foo/bar"])
        assertKept("**/foo/bar\n", ["foo/x/bar", "foo/bar/baz"])
    }

    func testTrailingDoubleStar() {
        assertIgnored("abc/**\n", ["abc/x", "abc/x/y/z"])
        assertKept("abc/**\n", ["abc", "x/abc/y"])
        XCTAssertFalse(ignored("abc/**\n", "abc", dir: true))
    }

    func testMiddleDoubleStar() {
        assertIgnored("a/**/b\n", ["a/b", "a/x/b", "a/x/y/b"])
        assertKept("a/**/b\n", ["a/xb", "x/a/b", "a/b/c"])
    }

    func testDoubleStarThatIsNotAWholeComponentIsAStar() {
        assertIgnored("/a**b\n", ["ab", "axxb"])
        assertKept("/a**b\n", ["a/b", "ax/yb"])
        assertIgnored("**\n", ["x", "x/y"])
    }

    /// Globs are prefiltered by their literal runs (required suffix, required substring); the
    /// filters may only ever reject what `wildmatch` would reject too.
    func testLiteralRunPrefiltersNeverChangeAResult() {
        let patterns = ["ab\\c", "ab\\c*", "**/b", "**/ab/**", "a/**/b", "*.e[xy]t", "a[b]c*d\\e", "x*yz*yz",
                        "[a-c]bc", "foo**/bar", "*b\\/c", "a?c", "**/x[[:digit:]]y", "[]x]y*", "*[!a]b", "\\[a]*",
                        "a*a*a*b", "**/abc", "ab*/c*d", "*\\*"]
        let paths = ["abc", "ab", "abcabc", "b", "x/b", "x/y/b", "ab/x", "x/ab/y", "a/b", "a/x/b", "f.ext", "f.eyt",
                     "abcde", "abcxde", "xyzyz", "xyz", "bbc", "foo/bar", "foox/y/bar", "b/c", "abc/c", "x1y",
                     "q/x1y", "]yy", "xb", "ab", "[a]q", "aab", "aaab", "x/abc", "ab/cd", "abq/czd", "a*", "ab/c"]
        for pattern in patterns {
            let storage = IgnoreFile(contents: pattern, base: "", collectsFingerprints: false).storage
            // `rules` and `text` point into memory the storage frees: keep it alive while they are read
            // (AddressSanitizer found the release after the last use of `storage` itself).
            defer { withExtendedLifetime(storage) {} }
            guard let rule = storage.rules.first else { return XCTFail("no rule for \(pattern)") }
            var unfiltered = rule
            unfiltered.suffixLength = 0
            unfiltered.innerLength = 0
            for path in paths {
                var utf8 = path
                utf8.withUTF8 { bytes in
                    let basename = (bytes.lastIndex(of: IgnoreByte.slash) ?? -1) + 1
                    let filtered = IgnoreFileStorage.matches(rule, storage.text, bytes, 0, basename)
                    let plain = IgnoreFileStorage.matches(unfiltered, storage.text, bytes, 0, basename)
                    XCTAssertEqual(filtered, plain, "pattern \(pattern) on \(path)")
                }
            }
        }
        // And the filters exist where they should.
        let filters = IgnoreFile(contents: "**/gen/**/*.map", base: "").storage
        let rule = withExtendedLifetime(filters) { filters.rules[0] }
        XCTAssertEqual(rule.suffixLength, 4)
        XCTAssertEqual(rule.innerLength, 3)
    }

    // MARK: - Files and stacks

    func testIgnoreFileOnlyAppliesBelowItsDirectory() {
        let stack = IgnoreStack()
            .pushing(IgnoreFile(contents: "*.tmp\nsub\n", base: "a/b"))
        XCTAssertTrue(stack.isIgnored("a/b/x.tmp", isDirectory: false))
        XCTAssertTrue(stack.isIgnored("a/b/c/d/x.tmp", isDirectory: false))
        XCTAssertFalse(stack.isIgnored("x.tmp", isDirectory: false))
        XCTAssertFalse(stack.isIgnored("a/x.tmp", isDirectory: false))
        XCTAssertFalse(stack.isIgnored("a/bc/x.tmp", isDirectory: false), "a/bc is not below a/b")
        XCTAssertFalse(stack.isIgnored("a/b", isDirectory: true), "a file never applies to its own directory")
        XCTAssertTrue(stack.isIgnored("a/b/sub", isDirectory: true))
        // The base is normalized.
        let dotted = IgnoreStack().pushing(IgnoreFile(contents: "*.tmp\n", base: "./a/b/"))
        XCTAssertTrue(dotted.isIgnored("a/b/x.tmp", isDirectory: false))
        XCTAssertEqual(IgnoreFile(contents: "", base: ".").base, "")
    }

    func testDeeperFilesOverrideShallowerOnes() {
        let root = IgnoreStack().pushing(IgnoreFile(contents: "*.log\n/generated\n", base: ""))
        let sub = root.pushing(IgnoreFile(contents: "!*.log\nlocal.txt\n", base: "sub"))
        let deeper = sub.pushing(IgnoreFile(contents: "debug.log\n", base: "sub/deep"))
        XCTAssertTrue(deeper.isIgnored("a.log", isDirectory: false))
        XCTAssertFalse(deeper.isIgnored("sub/a.log", isDirectory: false))
        XCTAssertEqual(deeper.decision(for: "sub/a.log", isDirectory: false), .included)
        XCTAssertTrue(deeper.isIgnored("sub/deep/debug.log", isDirectory: false))
        XCTAssertFalse(deeper.isIgnored("sub/deep/other.log", isDirectory: false))
        XCTAssertTrue(deeper.isIgnored("sub/x/local.txt", isDirectory: false))
        XCTAssertFalse(deeper.isIgnored("local.txt", isDirectory: false))
        XCTAssertEqual(deeper.decision(for: "readme.md", isDirectory: false), .none)
        // A later file for the same directory wins ties (.tokenscanignore after .gitignore).
        let both = root.pushing(IgnoreFile(contents: "!debug.log\n", base: ""))
        XCTAssertFalse(both.isIgnored("debug.log", isDirectory: false))
        XCTAssertEqual(deeper.explain("sub/deep/debug.log", isDirectory: false)?.base, "sub/deep")
        XCTAssertEqual(deeper.explain("sub/a.log", isDirectory: false)?.line, 1)
        XCTAssertEqual(deeper.explain("sub/a.log", isDirectory: false)?.pattern, "!*.log")
    }

    func testPushingReturnsANewStackAndLeavesTheOldOneAlone() {
        let empty = IgnoreStack()
        let one = empty.pushing(IgnoreFile(contents: "a\n", base: ""))
        let two = one.pushing(IgnoreFile(contents: "b\n", base: ""))
        let sibling = one.pushing(IgnoreFile(contents: "c\n", base: ""))
        XCTAssertFalse(empty.isIgnored("a", isDirectory: false))
        XCTAssertTrue(one.isIgnored("a", isDirectory: false))
        XCTAssertFalse(one.isIgnored("b", isDirectory: false))
        XCTAssertTrue(two.isIgnored("a", isDirectory: false))
        XCTAssertTrue(two.isIgnored("b", isDirectory: false))
        XCTAssertFalse(two.isIgnored("c", isDirectory: false))
        XCTAssertTrue(sibling.isIgnored("c", isDirectory: false))
        XCTAssertFalse(sibling.isIgnored("b", isDirectory: false))
    }

    func testPathsAreToleratedWithDotSlashAndEmptyPathsAreNeverIgnored() {
        XCTAssertTrue(ignored("/a\n", "./a"))
        XCTAssertFalse(ignored("*\n", ""))
        XCTAssertFalse(ignored("*\n", "/", dir: true))
    }

    // MARK: - Fingerprints

    func testFingerprintLinesAreCollectedInsteadOfBeingPatterns() {
        let hex40 = "0123456789abcdef0123456789ABCDEF01234567"
        let contents = """
            # suppressed findings
            fingerprint:DEADBEEF
            fingerprint: 00ff  # reviewed, test fixture
            \(hex40)
              \(String(repeating: "a", count: 64))
            \(String(repeating: "b", count: 31))
            \(String(repeating: "c", count: 65))
            fingerprint:xyz
            *.snap

            """
        let file = IgnoreFile(contents: contents, base: "")
        XCTAssertEqual(file.fingerprints, ["deadbeef", "00ff", hex40.lowercased(), String(repeating: "a", count: 64)])
        let stack = IgnoreStack().pushing(file)
        XCTAssertFalse(stack.isIgnored(hex40, isDirectory: false))
        XCTAssertFalse(stack.isIgnored("fingerprint:DEADBEEF", isDirectory: false))
        // Too short, too long or not hex: ordinary patterns.
        XCTAssertTrue(stack.isIgnored(String(repeating: "b", count: 31), isDirectory: false))
        XCTAssertTrue(stack.isIgnored(String(repeating: "c", count: 65), isDirectory: false))
        XCTAssertTrue(stack.isIgnored("fingerprint:xyz", isDirectory: false))
        XCTAssertTrue(stack.isIgnored("x.snap", isDirectory: false))
        XCTAssertEqual(file.patternCount, 4)
    }

    func testFingerprintCollectionCanBeTurnedOffForGitsOwnFiles() {
        let hex32 = String(repeating: "f", count: 32)
        let file = IgnoreFile(contents: "\(hex32)\n", base: "", collectsFingerprints: false)
        XCTAssertEqual(file.fingerprints, [])
        XCTAssertTrue(IgnoreStack().pushing(file).isIgnored("x/\(hex32)", isDirectory: false))
    }

    /// v2 fingerprints (`fingerprint:v2:HEX`, or `v2:HEX` alone) keep their version; lines
    /// without one are v1 and still collected.
    func testVersionedFingerprintLines() {
        let v2 = "v2:" + String(repeating: "ab", count: 16)
        let file = IgnoreFile(contents: "fingerprint:V2:\(String(repeating: "AB", count: 16))\n\(v2)  # reviewed\nfingerprint:deadbeef\nv2:xyz\n", base: "")
        XCTAssertEqual(file.fingerprints, [v2, v2, "deadbeef"])
        XCTAssertEqual(file.patternCount, 1, "v2:xyz is not a fingerprint: a pattern")
    }

    // MARK: - Concurrency and speed

    func testStacksAreSendableAndUsableFromManyTasks() async {
        func requireSendable<T: Sendable>(_: T.Type) {}
        requireSendable(IgnoreFile.self)
        requireSendable(IgnoreStack.self)
        requireSendable(IgnoreDecision.self)
        let stack = IgnoreStack().pushing(IgnoreFile(contents: "*.log\n!keep.log\n", base: ""))
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                group.addTask { stack.isIgnored("d\(index)/x.log", isDirectory: false) }
                group.addTask { !stack.isIgnored("d\(index)/keep.log", isDirectory: false) }
            }
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        XCTAssertEqual(results, Array(repeating: true, count: 32))
    }

    /// A check must stay well under a microsecond for realistic files (release build); debug
    /// builds only get a loose bound so the test is not flaky under `swift test`.
    func testCheckCostForATypicalStack() {
        let root = """
            .DS_Store
            *.log
            *.tmp
            *.swp
            *~
            node_modules/
            /build/
            /dist
            .build/
            coverage/
            *.py[cod]
            __pycache__/
            .env
            .env.*
            !.env.example
            *.min.js
            vendor/**/*.map
            **/generated/**
            docs/_site/
            Thumbs.db
            """
        let stack = IgnoreStack()
            .pushing(IgnoreFile(contents: "*.secret\n", base: "", collectsFingerprints: false))
            .pushing(IgnoreFile(contents: root, base: "", collectsFingerprints: false))
            .pushing(IgnoreFile(contents: "fixtures/\n!*.keep\n", base: "src"))
        let paths: [(String, Bool)] = [
            ("src/main/java/com/example/App.java", false), ("src/lib/util.swift", false),
            ("README.md", false), ("src/fixtures", true), ("web/app.min.js", false),
            ("vendor/lib/a/b.map", false), ("pkg/generated/x.go", false), ("Sources/Core/Engine.swift", false),
        ]
        var ignoredCount = 0
        let iterations = 20_000
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<iterations {
                for (path, isDirectory) in paths where stack.isIgnored(path, isDirectory: isDirectory) {
                    ignoredCount += 1
                }
            }
        }
        XCTAssertEqual(ignoredCount, 4 * iterations)
        let nanosecondsPerCheck = Double(elapsed.components.attoseconds / 1_000_000_000
            + elapsed.components.seconds * 1_000_000_000) / Double(iterations * paths.count)
        #if DEBUG
        let bound = 50_000.0
        #else
        let bound = 1_000.0
        #endif
        XCTAssertLessThan(nanosecondsPerCheck, bound, "\(nanosecondsPerCheck) ns per check")
        if ProcessInfo.processInfo.environment["IGNORE_BENCH"] != nil { print("\(nanosecondsPerCheck) ns per check") }
    }

    // MARK: - Against git

    /// A fixed tree exercising every rule, with ignore files at three depths and info/exclude.
    func testAgreesWithGitOnAFixedTree() throws {
        let sandbox = try GitSandbox()
        defer { sandbox.remove() }
        let ignoreFiles: [String: String] = [
            "": [
                "# root rules", "*.log", "!important.log", "/build", "out/", "doc/*.txt", "**/cache", "logs/**",
                "a/**/z", "temp?", "[Tt]mp[0-9]", "*.[!o]bj", "\\#hash", "\\!bang", "trailing\\ ", "spaces   ",
                "/anchored/", "sub/nested.txt", "x[[:digit:]]y", "foo**/bar", "",
            ].joined(separator: "\n"),
            "sub": """
                !*.log
                /local.txt
                deep/
                *.tmp
                !keep.tmp
                """,
            "sub/inner": """
                *.txt
                !/special.txt
                !/more/
                """,
        ]
        let exclude = "*.secret\n!visible.secret\n"
        let files = [
            "a.log", "important.log", "x/important.log", "x/y.log", "build/a", "x/build/a", "out/f", "x/out/f",
            "out.f", "doc/a.txt", "doc/sub/a.txt", "x/doc/a.txt", "cache/f", "x/y/cache/f", "logs/a", "logs/x/y",
            "x/logs/a", "a/z", "a/b/z", "a/b/c/z", "x/a/z", "temp1", "temp12", "tmp1", "Tmp2", "tmpx", "a.obj",
            "a.oobj", "a.xbj", "#hash", "!bang", "bang", "trailing ", "trailing", "spaces", "spaces   ",
            "anchored/f", "x/anchored/f", "sub/nested.txt", "x/sub/nested.txt", "x1y", "xay", "foo/bar",
            "foo/q/bar", "food/bar", "fooX/y/bar",
            "sub/a.log", "sub/local.txt", "sub/x/local.txt", "sub/deep/f", "sub/x/deep/f", "sub/deep.f",
            "sub/a.tmp", "sub/keep.tmp", "sub/x/keep.tmp", "sub/inner/a.txt", "sub/inner/special.txt",
            "sub/inner/x/special.txt", "sub/inner/more/a.txt", "sub/inner/b.log", "sub/inner/deep/g",
            "k.secret", "visible.secret", "sub/visible.secret", "plain.md", "dir/plain.md",
        ]
        try compareWithGit(sandbox, ignoreFiles: ignoreFiles, exclude: exclude, files: files)
    }

    /// Random trees with random ignore files at random depths: catches disagreements in corners
    /// nobody thought to write down. Most patterns are mutations of paths that exist (so that they
    /// match something and negations have something to undo), the rest is noise. Seeded, so a
    /// failure is reproducible. For a long soak: IGNORE_FUZZ_ROUNDS, IGNORE_FUZZ_SEED and
    /// IGNORE_FUZZ_NOISE (percentage of noise patterns) in the environment.
    func testAgreesWithGitOnRandomTrees() throws {
        let environment = ProcessInfo.processInfo.environment
        var random = SplitMix(seed: environment["IGNORE_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_1610)
        let rounds = environment["IGNORE_FUZZ_ROUNDS"].flatMap { Int($0) } ?? 25
        let noise = environment["IGNORE_FUZZ_NOISE"].flatMap { Int($0) } ?? 12
        for round in 0..<rounds {
            let sandbox = try GitSandbox()
            defer { sandbox.remove() }
            var files: [String] = []
            var directories: [String] = [""]
            func grow(_ dir: String, depth: Int) {
                for _ in 0..<random.below(4) + (depth == 0 ? 4 : 2) {
                    let name = randomName(&random)
                    let path = dir.isEmpty ? name : "\(dir)/\(name)"
                    if files.contains(path) || directories.contains(path) { continue }
                    if depth < 3 && random.below(5) < (depth == 0 ? 3 : 2) {
                        directories.append(path)
                        grow(path, depth: depth + 1)
                    } else {
                        files.append(path)
                    }
                }
            }
            grow("", depth: 0)
            let everything = Array(directories.dropFirst()) + files
            var ignoreFiles: [String: String] = [:]
            for dir in directories where dir.isEmpty || random.below(3) == 0 {
                let below = everything.filter { dir.isEmpty || $0.hasPrefix(dir + "/") }
                    .map { dir.isEmpty ? $0 : String($0.dropFirst(dir.count + 1)) }
                guard !below.isEmpty else { continue }
                ignoreFiles[dir] = (0..<random.below(6) + 2).map { _ in
                    random.below(100) < noise
                        ? randomPattern(&random)
                        : derivedPattern(below[random.below(below.count)], &random)
                }.joined(separator: "\n")
            }
            let exclude = random.below(2) == 0 ? derivedPattern(everything[random.below(everything.count)], &random) : ""
            try compareWithGit(sandbox, ignoreFiles: ignoreFiles, exclude: exclude + "\n", files: files,
                               label: "round \(round)")
        }
    }

    private func randomName(_ random: inout SplitMix) -> String {
        let names = ["a", "b", "ab", "ba", "abc", "a.log", "b.log", "x.o", "x.obj", "cache", "build", "foo",
                     "bar", "A", "a1", "[a]", "a b", "#h", "!n", "a*", "q?", ".hidden", "Ab.Log", "a\\b", "t "]
        return names[random.below(names.count)]
    }

    /// A pattern for `relative` (a path below the ignore file's directory), mutated so that it
    /// usually still matches it and often matches its neighbours too.
    private func derivedPattern(_ relative: String, _ random: inout SplitMix) -> String {
        var parts = relative.split(separator: "/").map { mutate(String($0), &random) }
        var pattern: String
        switch random.below(7) {
        case 0, 1:
            pattern = parts.last!
        case 2:
            pattern = (random.below(2) == 0 ? "/" : "") + parts.joined(separator: "/")
        case 3:
            pattern = "**/" + parts.suffix(random.below(parts.count) + 1).joined(separator: "/")
        case 4:
            pattern = parts.prefix(random.below(parts.count) + 1).joined(separator: "/") + "/**"
        case 5 where parts.count >= 2:
            pattern = parts.first! + "/**/" + parts.last!
        default:
            if parts.count >= 2 { parts[random.below(parts.count - 1)] = "*" }
            pattern = parts.joined(separator: "/")
        }
        if random.below(4) == 0 { pattern += "/" }
        if random.below(10) == 0 { pattern += random.below(2) == 0 ? "  " : "\\ " }
        if random.below(3) == 0 { pattern = "!" + pattern }
        return pattern
    }

    /// Replaces parts of a path component by wildcards, classes or escapes.
    private func mutate(_ component: String, _ random: inout SplitMix) -> String {
        var chars = component.map(String.init)
        for _ in 0..<random.below(3) {
            guard !chars.isEmpty else { break }
            let i = random.below(chars.count)
            let c = chars[i]
            switch random.below(9) {
            case 0: chars[i] = "?"
            case 1: chars.replaceSubrange(i..<min(chars.count, i + random.below(3)), with: ["*"])
            case 2: chars[i] = "[\(c)x]"
            case 3: chars[i] = "[!\(c)]"
            case 4: chars[i] = "[^z]"
            case 5: chars[i] = "[a-\(c)]"
            case 6: chars[i] = "\\" + c
            case 7: chars[i] = "**"
            default: chars[i] = c.uppercased()
            }
        }
        return chars.joined()
    }

    private func randomPattern(_ random: inout SplitMix) -> String {
        let tokens = ["a", "b", "ab", "ba", "c", "foo", "bar", "cache", "build", ".log", ".o", "x", "1", "A",
                      "*", "*", "?", "**", "[ab]", "[!a]", "[^b]", "[a-c]", "[[:alpha:]]", "[]a]", "\\*",
                      "\\?", "\\[a]", " ", "#h", "\\#h", ".", "[", "[[:punct:]]", "\\"]
        func segment() -> String {
            (0..<random.below(3) + 1).map { _ in tokens[random.below(tokens.count)] }.joined()
        }
        var pattern = (0..<random.below(3) + 1).map { _ in segment() }.joined(separator: "/")
        switch random.below(10) {
        case 0, 1: pattern = "/" + pattern
        case 2: pattern = "**/" + pattern
        default: break
        }
        switch random.below(10) {
        case 0, 1: pattern += "/"
        case 2: pattern += "/**"
        case 3: pattern += "  "
        case 4: pattern += "\\ "
        default: break
        }
        if random.below(4) == 0 { pattern = "!" + pattern }
        if random.below(12) == 0 { pattern = "#" + pattern }
        return pattern
    }

    /// Writes the tree and ignore files, asks git, and compares every path (files and
    /// directories) with what a walker using `IgnoreStack` concludes.
    private func compareWithGit(_ sandbox: GitSandbox, ignoreFiles: [String: String], exclude: String,
                                files: [String], label: String = "",
                                file: StaticString = #filePath, line: UInt = #line) throws {
        for path in files { try sandbox.write(path, "x\n") }
        for (dir, contents) in ignoreFiles {
            try sandbox.write(dir.isEmpty ? ".gitignore" : "\(dir)/.gitignore", contents)
        }
        try sandbox.write(".git/info/exclude", exclude)

        let all = sandbox.listTree()  // every file and directory, relative, excluding .git
        var isDirectory: [String: Bool] = [:]
        for (path, dir) in all { isDirectory[path] = dir }

        // Truth 1: check-ignore -v on every path, directories included.
        let input = all.map(\.path).joined(separator: "\0") + "\0"
        let checkOutput = try sandbox.git(["check-ignore", "--no-index", "-v", "-n", "-z", "--stdin"], input: input,
                                          allowedStatus: [0, 1])
        let fields = checkOutput.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        var gitIgnored: [String: Bool] = [:]
        var gitReason: [String: String] = [:]
        var index = 0
        while index + 3 < fields.count {
            let (source, lineNumber, pattern, path) = (fields[index], fields[index + 1], fields[index + 2], fields[index + 3])
            gitIgnored[path] = !source.isEmpty && !pattern.hasPrefix("!")
            gitReason[path] = source.isEmpty ? "no pattern" : "\(source):\(lineNumber):\(pattern)"
            index += 4
        }
        XCTAssertEqual(gitIgnored.count, all.count, "check-ignore answered for every path \(label)", file: file, line: line)

        // Truth 2: the ignored files git's own walker lists must agree with check-ignore.
        let listed = try sandbox.git(["ls-files", "--others", "--ignored", "--exclude-standard", "-z"], input: nil,
                                     allowedStatus: [0])
        let listedSet = Set(listed.split(separator: "\0").map(String.init))
        let checkIgnoredFiles = Set(all.filter { !$0.isDirectory && gitIgnored[$0.path] == true }.map(\.path))
        XCTAssertEqual(listedSet, checkIgnoredFiles, "ls-files and check-ignore disagree \(label)", file: file, line: line)

        // Ours: a walker that pushes each directory's files and never descends into ignored ones.
        var ours: [String: Bool] = [:]
        var stacks: [String: IgnoreStack] = [:]
        var rootStack = IgnoreStack().pushing(IgnoreFile(contents: exclude, base: "", collectsFingerprints: false))
        if let contents = ignoreFiles[""] {
            rootStack = rootStack.pushing(IgnoreFile(contents: contents, base: "", collectsFingerprints: false))
        }
        stacks[""] = rootStack
        for (path, dir) in all {  // parents come before children
            let parent = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : ""
            let parentIgnored = ours[parent] ?? false
            guard let stack = stacks[parent] else {
                XCTAssertTrue(parentIgnored)
                ours[path] = true
                continue
            }
            let isIgnored = parentIgnored || stack.isIgnored(path, isDirectory: dir)
            ours[path] = isIgnored
            if dir && !isIgnored {
                var child = stack
                if let contents = ignoreFiles[path] {
                    child = child.pushing(IgnoreFile(contents: contents, base: path, collectsFingerprints: false))
                }
                stacks[path] = child
            }
        }

        var mismatches: [String] = []
        for (path, dir) in all where ours[path] != gitIgnored[path] {
            let parent = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : ""
            let why = stacks[parent]?.explain(path, isDirectory: dir).map { "\($0.base):\($0.line):\($0.pattern)" }
            mismatches.append("\(dir ? "dir " : "")\(path.debugDescription): git \(gitIgnored[path] ?? false) "
                + "(\(gitReason[path] ?? "?")), ours \(ours[path] ?? false) (\(why ?? "no pattern"))")
        }
        if !mismatches.isEmpty {
            let rules = ignoreFiles.sorted { $0.key < $1.key }
                .map { "[\($0.key.isEmpty ? "/" : $0.key)]\n\($0.value)" }.joined(separator: "\n")
            XCTFail("\(label) disagreements with git:\n" + mismatches.joined(separator: "\n")
                    + "\n--- ignore files:\n\(rules)\n[info/exclude]\n\(exclude)", file: file, line: line)
        }
    }
}

// MARK: - Test support

/// A throwaway git repository isolated from the user's and system's configuration.
private final class GitSandbox {
    let root: URL
    let gitPath: String

    init() throws {
        guard let gitPath = Self.findGit() else { throw XCTSkip("git is not installed") }
        self.gitPath = gitPath
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("ignore-rules-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        _ = try git(["init", "-q", "."], input: nil, allowedStatus: [0])
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    static func findGit() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/git"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    func write(_ relative: String, _ contents: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }

    /// Every file and directory below the root except `.git`, parents before children.
    func listTree() -> [(path: String, isDirectory: Bool)] {
        var result: [(path: String, isDirectory: Bool)] = []
        func visit(_ relative: String) {
            let url = relative.isEmpty ? root : root.appendingPathComponent(relative)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
            for name in names where !(relative.isEmpty && name == ".git") {
                let path = relative.isEmpty ? name : "\(relative)/\(name)"
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory)
                result.append((path, isDirectory.boolValue))
                if isDirectory.boolValue { visit(path) }
            }
        }
        visit("")
        return result
    }

    @discardableResult
    func git(_ arguments: [String], input: String?, allowedStatus: Set<Int32>) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gitPath)
        process.arguments = ["-c", "core.hooksPath=/dev/null", "-c", "core.ignoreCase=false",
                            "-c", "init.defaultBranch=main"] + arguments
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
        environment["HOME"] = root.path
        environment["XDG_CONFIG_HOME"] = root.path
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["LC_ALL"] = "C"
        process.environment = environment

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("git-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let inURL = scratch.appendingPathComponent("in")
        let outURL = scratch.appendingPathComponent("out")
        let errURL = scratch.appendingPathComponent("err")
        try Data((input ?? "").utf8).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let stdin = try FileHandle(forReadingFrom: inURL)
        let stdout = try FileHandle(forWritingTo: outURL)
        let stderr = try FileHandle(forWritingTo: errURL)
        defer {
            try? stdin.close()
            try? stdout.close()
            try? stderr.close()
        }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        guard allowedStatus.contains(process.terminationStatus) else {
            let errors = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
            XCTFail("git \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(errors)")
            return output
        }
        return output
    }
}
