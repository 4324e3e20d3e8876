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

final class KeywordAutomatonTests: XCTestCase {
    /// Every occurrence of every keyword, overlapping and nested ones included, case-insensitively,
    /// exactly as a naive search finds them.
    func testAgreesWithNaiveSearch() {
        let keywords = ["eyj", "bearer", "access_token", "token", "ghp_", "sk-", "sk-ant-", "1//", "ab", "bc", "abc", "a"].map { Array($0.utf8) }
        let automaton = KeywordAutomaton(keywords: keywords)!
        var generator = SplitMix(seed: 9)
        let alphabet = Array("abcEYJeyjBEARERtokenTOKEN_access-skANT1/ghp ".utf8)
        for round in 0..<400 {
            // Long texts too, so that the four-lane walk and its cuts are exercised.
            let length = round % 4 == 3 ? KeywordAutomaton.laneMinimum + Int(generator.next() % 4000) : Int(generator.next() % 200)
            let text = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let start = text.isEmpty ? 0 : Int(generator.next() % UInt64(round % 4 == 3 ? 40 : text.count))
            var found: [[Int]] = []
            text.withUnsafeBytes { automaton.scan($0, from: start) { found.append([$0, $1]) } }
            var expected: [[Int]] = []
            let lowered = text.map(KeywordAutomaton.lower)
            for position in start..<max(start, text.count) {
                for (index, keyword) in keywords.enumerated() where position + keyword.count <= text.count
                    && lowered[position..<(position + keyword.count)].elementsEqual(keyword) {
                    expected.append([index, position])
                }
            }
            XCTAssertEqual(Set(found), Set(expected), "round \(round)")
            let ends = found.map { $0[1] + keywords[$0[0]].count }
            XCTAssertEqual(ends, ends.sorted(), "round \(round): in order of their ends")
            XCTAssertEqual(found.count, expected.count, "round \(round): each occurrence once")
        }
    }
}

extension KeywordAutomatonTests {
    /// A keyword cut by each lane boundary is found exactly once, by the lane it ends in.
    func testKeywordsAcrossLaneCuts() {
        let keywords = ["bearer", "pypi-AgEIcHlwaS5vcmc", "x"].map { Array($0.utf8) }
        let automaton = KeywordAutomaton(keywords: keywords)!
        let count = KeywordAutomaton.laneMinimum * 4 + 3
        for shift in -25...5 {
            var text = [UInt8](repeating: UInt8(ascii: "."), count: count)
            var expected: [[Int]] = []
            for cut in [count / 4, count / 4 * 2, count / 4 * 3] {
                let at = cut + shift
                text.replaceSubrange(at..<(at + 20), with: Array("pypi-AgEIcHlwaS5vcmc".utf8))
                expected.append([1, at])
            }
            var found: [[Int]] = []
            text.withUnsafeBytes { automaton.scan($0, from: 0) { found.append([$0, $1]) } }
            XCTAssertEqual(found, expected, "shift \(shift)")
        }
    }
}
