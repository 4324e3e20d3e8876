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
        // With bytes no keyword holds, next to the letters' (`@` `[` `` ` `` `{`) and above ASCII:
        // the automaton's byte classes put them all in one class.
        let alphabet = Array("abcEYJeyjBEARERtokenTOKEN_access-skANT1/ghp ".utf8) + [0x00, 0x40, 0x5B, 0x60, 0x7B, 0xC3, 0xFF]
        for round in 0..<400 {
            // Long texts too, so that the lanes' walk and its cuts are exercised.
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
        let lanes = KeywordAutomaton.laneCount
        let count = KeywordAutomaton.laneMinimum * lanes + lanes - 1
        for shift in -25...5 {
            var text = [UInt8](repeating: UInt8(ascii: "."), count: count)
            var expected: [[Int]] = []
            for cut in (1..<lanes).map({ count / lanes * $0 }) {
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

extension KeywordAutomatonTests {
    /// The automaton of the built-in rules' keywords (the one every scan uses, about 930 states,
    /// built in place by `init`) finds what a naive search finds, in text made of those keywords'
    /// pieces in both cases, so that partial matches fall back through many failure links.
    func testBuiltinKeywordsAgreeWithNaiveSearch() throws {
        let automaton = Matcher.builtinAutomaton
        let keywords = Matcher.builtinKeywords
        XCTAssertEqual(automaton.keywords, keywords)
        XCTAssertGreaterThan(keywords.count, 50)
        var generator = SplitMix(seed: 31)
        for round in 0..<60 {
            var text: [UInt8] = []
            let pieces = round % 3 == 2 ? 400 : 40
            for _ in 0..<pieces {
                let keyword = keywords[Int(generator.next() % UInt64(keywords.count))]
                let cut = Int(generator.next() % UInt64(keyword.count + 1))
                var piece = generator.next() % 2 == 0 ? Array(keyword[..<cut]) : keyword
                if generator.next() % 2 == 0 { piece = piece.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 } }
                text += piece
                if generator.next() % 4 == 0 { text.append(UInt8(ascii: " ")) }
            }
            var found: [[Int]] = []
            text.withUnsafeBytes { automaton.scan($0, from: 0) { found.append([$0, $1]) } }
            let lowered = text.map(KeywordAutomaton.lower)
            var expected: [[Int]] = []
            for position in lowered.indices {
                for (index, keyword) in keywords.enumerated() where position + keyword.count <= lowered.count
                    && lowered[position..<(position + keyword.count)].elementsEqual(keyword) {
                    expected.append([index, position])
                }
            }
            XCTAssertEqual(Set(found), Set(expected), "round \(round)")
            XCTAssertEqual(found.count, expected.count, "round \(round): each occurrence once")
        }
    }

    /// `Matcher.rulesForKeyword`, built from a keyword index, lists for each keyword exactly the
    /// rules that name it (any case), ascending, as comparing every pair would.
    func testRulesForKeywordOfTheBuiltinRules() throws {
        let rules = try RuleCatalog.builtin()
        let matcher = try Matcher(rules: rules, markers: ["tokenscan:allow"])
        let keywords = Matcher.keywordList(rules: rules, markers: [Array("tokenscan:allow".utf8)])
        XCTAssertEqual(matcher.rulesForKeyword.count, keywords.count)
        for (index, keyword) in keywords.enumerated() {
            let expected = rules.indices.filter { rules[$0].keywords.contains { Array($0.lowercased().utf8) == keyword } }
            XCTAssertEqual(matcher.rulesForKeyword[index], expected, String(decoding: keyword, as: UTF8.self))
        }
    }

    /// The built-in rules unchanged share the layout built ahead of need; any other list (here
    /// the same rules in another order, or one fewer) gets its own, from its own rule indices.
    func testOnlyTheBuiltinRulesUnchangedShareTheBuiltinKeywordLayout() throws {
        let rules = try RuleCatalog.builtin()
        func storage(_ array: [[Int]]) -> UnsafeRawPointer? { array.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }
        XCTAssertEqual(Matcher.builtinLayout, Matcher.KeywordLayout(rules: rules, markers: []))
        // Shared, not rebuilt: the same array storage as the built-in layout's.
        XCTAssertEqual(storage(try Matcher(rules: rules).rulesForKeyword), storage(Matcher.builtinLayout.rulesForKeyword))
        XCTAssertNotEqual(storage(try Matcher(rules: rules, markers: ["tokenscan:allow"]).rulesForKeyword),
                          storage(Matcher.builtinLayout.rulesForKeyword))
        for other in [Array(rules.reversed()), Array(rules.dropFirst())] {
            let matcher = try Matcher(rules: other)
            XCTAssertNotEqual(storage(matcher.rulesForKeyword), storage(Matcher.builtinLayout.rulesForKeyword))
            let own = Matcher.KeywordLayout(rules: other, markers: [])
            XCTAssertEqual(matcher.rulesForKeyword, own.rulesForKeyword)
            XCTAssertEqual(matcher.keywordsForRule, own.keywordsForRule)
            XCTAssertNotEqual(matcher.keywordsForRule, Matcher.builtinLayout.keywordsForRule)
        }
    }
}
