import XCTest
@testable import TokenScanCore

final class KeywordAutomatonTests: XCTestCase {
    /// Every occurrence of every keyword, overlapping and nested ones included, case-insensitively,
    /// exactly as a naive search finds them.
    func testAgreesWithNaiveSearch() {
        let keywords = ["eyj", "bearer", "access_token", "token", "ghp_", "sk-", "sk-ant-", "1//", "ab", "bc", "abc", "a"].map { Array($0.utf8) }
        let automaton = KeywordAutomaton(keywords: keywords)!
        var generator = SplitMix(seed: 9)
        let alphabet = Array("abcEYJeyjBEARERtokenTOKEN_access-skANT1/ghp ".utf8)
        for round in 0..<300 {
            let text = (0..<Int(generator.next() % 200)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let start = text.isEmpty ? 0 : Int(generator.next() % UInt64(text.count))
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
            XCTAssertEqual(found.count, expected.count, "round \(round): each occurrence once")
        }
    }
}
