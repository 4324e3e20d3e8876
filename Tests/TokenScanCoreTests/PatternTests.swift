import Dispatch
import Synchronization
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

final class PatternTests: XCTestCase {
    func testCompileErrorReportsOffset() {
        XCTAssertThrowsError(try Pattern("abc(def")) { error in
            let error = error as! PatternCompileError
            XCTAssertEqual(error.offset, 7)
            XCTAssertTrue(error.message.contains("missing"), error.message)
        }
    }

    func testRuleWithBadRegexNamesRuleAndOffset() {
        let rule = Rule(id: "broken", kind: "generic", regex: "a(?<secret>b", keywords: ["a"], origin: "custom.toml")
        XCTAssertThrowsError(try Matcher(rules: [rule])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("custom.toml"), text)
            XCTAssertTrue(text.contains("'broken'"), text)
            XCTAssertTrue(text.contains("offset"), text)
        }
    }

    func testJITAndGroups() throws {
        let pattern = try Pattern("key=(?<secret>[a-z]+)")
        XCTAssertTrue(pattern.isJIT)
        XCTAssertEqual(pattern.groupNames["secret"], 1)
        let scratch = MatchScratch()
        let text = Array("x key=abc y".utf8)
        let match = try text.withUnsafeBytes { try scratch.firstMatch(pattern, in: $0, from: 0, group: 1) }
        XCTAssertEqual(match?.range, 2..<9)
        XCTAssertEqual(match?.group, 6..<9)
    }

    /// The JIT runs at the first match, not at compile time (a one-file scan runs a handful of the
    /// ~75 built-in rules), and exactly once when several threads match at once.
    func testTheJITCompilesOnceAtTheFirstMatchOfAnyThread() throws {
        let pattern = try Pattern("(?<![a-z])tok_(?<secret>[a-z0-9]{8,})")
        XCTAssertFalse(pattern.jitRequested, "compiling a pattern JIT-compiles it")
        let text = Array(String(repeating: "x tok_abcdef123 y ", count: 64).utf8)
        let threads = 8
        let found = Mutex<[[Range<Int>]]>([])
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            let scratch = MatchScratch()
            var ranges: [Range<Int>] = []
            var start = 0
            text.withUnsafeBytes { buffer in
                while let match = try? scratch.firstMatch(pattern, in: buffer, from: start, group: 1), let group = match.group {
                    ranges.append(group)
                    start = match.range.upperBound
                }
            }
            found.withLock { $0.append(ranges) }
        }
        XCTAssertTrue(pattern.jitRequested)
        XCTAssertTrue(pattern.isJIT)
        let results = found.withLock { $0 }
        XCTAssertEqual(results.count, threads)
        XCTAssertEqual(results.first?.count, 64)
        XCTAssertTrue(results.allSatisfy { $0 == results.first })
    }

    func testLookbehindSeesBytesBeforeStartOffset() throws {
        let pattern = try Pattern("(?<![a-z])tok")
        let scratch = MatchScratch()
        let text = Array("atok tok".utf8)
        let match = try text.withUnsafeBytes { try scratch.firstMatch(pattern, in: $0, from: 1) }
        XCTAssertEqual(match?.range, 5..<8, "'tok' at 1 is preceded by 'a' even though the search starts there")
    }

    func testMatchLimitIsReported() throws {
        let pattern = try Pattern("(a+)+$")
        var limits = MatchLimits()
        limits.matchLimit = 1000
        let scratch = MatchScratch(limits: limits)
        let text = Array((String(repeating: "a", count: 40) + "b").utf8)
        XCTAssertThrowsError(try text.withUnsafeBytes { try scratch.firstMatch(pattern, in: $0, from: 0) }) { error in
            guard case MatchFailure.limitExceeded = error else { return XCTFail("\(error)") }
        }
    }
}
