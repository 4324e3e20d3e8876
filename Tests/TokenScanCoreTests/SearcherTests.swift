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
import FixtureKit

final class SearcherTests: XCTestCase {
    let token = TokenMinter.jwt(claims: ["sub": "chunk-test", "exp": 1_900_000_000])

    /// A token that straddles a chunk boundary is found exactly once, at the right line and column,
    /// whatever the chunk size and however the source splits its reads.
    func testChunkBoundariesFindEveryTokenOnce() throws {
        var text = ""
        var expected: [(Int, Int)] = []
        for line in 1...60 {
            let prefix = String(repeating: "é", count: line % 7) + "line \(line) token="
            if line % 3 == 0 {
                expected.append((line, prefix.unicodeScalars.count + 1))
                text += prefix + token + "&x\n"
            } else {
                text += prefix + "nothing here\n"
            }
        }
        let bytes = Array(text.utf8)
        let matcher = TestSupport.matcher(TestSupport.smallWindowRules())
        XCTAssertGreaterThan(bytes.count, 4 * matcher.maxMatchLength, "the input must span many chunks")
        let (reference, _) = try TestSupport.hits(bytes, matcher: matcher)
        XCTAssertEqual(reference.map { [$0.start.line, $0.start.column] }, expected.map { [$0.0, $0.1] })
        for chunkSize in [1, 7, 64, 100, 333, 1000, 4096] {
            for maxRead in [1, 13, 4096, Int.max] {
                let (hits, outcome) = try TestSupport.hits(bytes, matcher: matcher, chunkSize: chunkSize, maxRead: maxRead)
                XCTAssertEqual(outcome.bytes, bytes.count)
                XCTAssertEqual(hits.map { [$0.start.line, $0.start.column, $0.end.line, $0.end.column] },
                               reference.map { [$0.start.line, $0.start.column, $0.end.line, $0.end.column] },
                               "chunk \(chunkSize), reads of \(maxRead)")
                XCTAssertEqual(hits.map(\.byteRange), reference.map(\.byteRange))
                XCTAssertTrue(hits.allSatisfy { String(decoding: $0.secret, as: UTF8.self) == token })
            }
        }
    }

    /// Two rules can report the same secret from matches that start a few bytes apart (the
    /// bearer rule's at `Bearer`, the jwt rule's at `eyJ`); when a chunk boundary falls between
    /// the two starts, the span is still reported once, by the higher-priority rule, as within one
    /// chunk (the fuzzer found it reported twice, first by the bearer rule).
    func testSameSecretFromTwoRulesAcrossAChunkBoundaryIsReportedOnce() throws {
        let text = (0..<12).map { "line \($0) Authorization: Bearer \(token)\n" }.joined()
        let bytes = Array(text.utf8)
        let matcher = TestSupport.matcher(TestSupport.smallWindowRules())
        // The lines are 160 characters, a wrap width: each line's token is also tried joined to
        // the next line (a hit with encodings, in the same group, judged later). Hits as written:
        let reference = try TestSupport.hits(bytes, matcher: matcher).0.filter { $0.encodings.isEmpty }
        XCTAssertEqual(reference.count, 12)
        XCTAssertTrue(reference.allSatisfy { matcher.rules[$0.ruleIndex].rule.id == "jwt" })
        for chunkSize in [5, 21, 50, 97, 200] {
            for maxRead in [10, 333, Int.max] {
                let hits = try TestSupport.hits(bytes, matcher: matcher, chunkSize: chunkSize, maxRead: maxRead).0.filter { $0.encodings.isEmpty }
                XCTAssertEqual(hits.map(\.byteRange), reference.map(\.byteRange), "chunk \(chunkSize), reads of \(maxRead)")
                XCTAssertEqual(hits.map { matcher.rules[$0.ruleIndex].rule.id }, reference.map { _ in "jwt" })
            }
        }
    }

    func testRandomLayoutsMatchWholeBufferScan() throws {
        var generator = SplitMix(seed: 42)
        let matcher = TestSupport.matcher(TestSupport.smallWindowRules())
        for round in 0..<40 {
            let bytes = randomLayout(&generator, round: round, pieces: 30)
            let (reference, _) = try TestSupport.hits(bytes, matcher: matcher)
            let chunk = Int(generator.next() % 200) + 1
            let (hits, _) = try TestSupport.hits(bytes, matcher: matcher, chunkSize: chunk, maxRead: Int(generator.next() % 300) + 1)
            XCTAssertEqual(hits.map(\.byteRange), reference.map(\.byteRange), "round \(round), chunk \(chunk)")
            XCTAssertEqual(hits.map(\.start), reference.map(\.start))
            XCTAssertEqual(hits.map(\.end), reference.map(\.end))
        }
    }

    /// 100 MB on one line: streamed in chunks, the token at its end found with the right column.
    func testHundredMegabyteLineWithoutNewline() throws {
        let filler = 100 * 1024 * 1024
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: filler)
        bytes += Array(" token=\(token)".utf8)
        let (hits, outcome) = try TestSupport.hits(bytes, matcher: TestSupport.matcher())
        XCTAssertEqual(outcome.bytes, bytes.count)
        XCTAssertEqual(hits.count, 1)
        XCTAssertEqual(hits.first?.start, TextPosition(line: 1, column: filler + 8))
    }

    func testCatastrophicRuleIsStoppedAndOthersStillReport() throws {
        let evil = Rule(id: "evil", kind: "generic", regex: "(?<secret>(a|aa)+$)", keywords: ["a"], maxLength: 65536, origin: "test")
        var rules = TestSupport.builtinRules()
        rules.append(evil)
        var limits = MatchLimits()
        limits.matchLimit = 100_000
        let matcher = TestSupport.matcher(rules, limits: limits, timeBudget: .milliseconds(200))
        let text = String(repeating: "a", count: 60_000) + "!\nid=" + token + "\n"
        let started = ContinuousClock.now
        let (hits, outcome) = try TestSupport.hits(Array(text.utf8), matcher: matcher)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(30))
        XCTAssertEqual(outcome.failures.map(\.ruleID), ["evil"])
        XCTAssertEqual(hits.filter { matcher.rules[$0.ruleIndex].rule.id == "jwt" }.count, 1)
    }

    func testBinaryDetection() throws {
        var options = SearchOptions()
        options.skipBinary = true
        let searcher = Searcher(matcher: TestSupport.matcher(), options: options)
        var source = MemorySource([0x50, 0x4B, 0x03, 0x04, 0x00, 0x01] + Array("x=\(token)".utf8))
        let outcome = searcher.search(&source) { _ in XCTFail("binary input must not be searched") }
        XCTAssertEqual(outcome.binaryAt, 4)
    }

    func testLineTrackerCountsScalarsAndCRLF() throws {
        let text = "a\r\nÄ東🙂 x=\(token)\n"
        let (hits, _) = try TestSupport.hits(Array(text.utf8), matcher: TestSupport.matcher())
        // Ä 東 🙂 are one column each however many bytes they take; "\r" ends nothing.
        XCTAssertEqual(hits.first?.start, TextPosition(line: 2, column: 7))
        XCTAssertEqual(hits.first?.end, TextPosition(line: 2, column: 7 + token.count))
    }
}

/// Deterministic pseudo-random numbers (SplitMix64), so a failing random round can be replayed.
typealias SplitMix = SplitMix64

extension SearcherTests {
    /// Up to `pieces` random pieces: bearer headers, JWTs, named values, long non-ASCII runs, CRLF
    /// and prose with keywords but no token.
    private func randomLayout(_ generator: inout SplitMix, round: Int, pieces: Int) -> [UInt8] {
        var text = ""
        for _ in 0..<Int(generator.next() % UInt64(pieces)) {
            switch generator.next() % 6 {
            case 0: text += "Authorization: Bearer " + TokenMinter.opaque(length: 30, seed: "r\(round)-\(text.count)") + "9\n"
            case 1: text += "x=" + token + "\n"
            case 2: text += String(repeating: "ü", count: Int(generator.next() % 50))
            case 3: text += "api_token = \"" + TokenMinter.opaque(length: 40, seed: "n\(round)-\(text.count)") + "\"\n"
            case 4: text += "\r\n"
            default: text += "plain text with eyJ and bearer words "
            }
        }
        return Array(text.utf8)
    }

    /// Bytes in memory that the searcher searches in place (`ByteSource.residentBytes`), as a
    /// stream's segment is; what it releases is recorded.
    private struct ResidentSource: ByteSource {
        let storage: UnsafeRawBufferPointer
        var released: [Int] = []

        mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
            XCTFail("resident bytes are not read")
            return 0
        }

        mutating func residentBytes() -> UnsafeRawBufferPointer? { storage }
        mutating func release(before offset: Int) { released.append(offset) }
    }

    /// Searched in place, an input gives the hits, positions, groups and byte count that reading
    /// it into the searcher's window gives, whatever the chunk size; the searcher releases its
    /// bytes in order and, at the end, all of them.
    func testResidentBytesAreSearchedInPlaceWithTheSameHits() throws {
        var generator = SplitMix(seed: 7)
        let matcher = TestSupport.matcher(TestSupport.smallWindowRules())
        for round in 0..<30 {
            let bytes = randomLayout(&generator, round: round, pieces: 40)
            let chunk = [1, 7, 64, 333, 1000, 4096, 1 << 20][round % 7]
            let (expected, expectedOutcome) = try TestSupport.hits(bytes, matcher: matcher, chunkSize: chunk)
            var options = SearchOptions()
            options.chunkSize = chunk
            options.skipBinary = false
            let searcher = Searcher(matcher: matcher, options: options)
            var hits: [SearchHit] = []
            let (outcome, released) = bytes.withUnsafeBytes { storage in
                var source = ResidentSource(storage: storage)
                let outcome = searcher.search(&source) { hits.append($0) }
                return (outcome, source.released)
            }
            let label = "round \(round), chunk \(chunk)"
            XCTAssertEqual(hits.map(\.byteRange), expected.map(\.byteRange), label)
            XCTAssertEqual(hits.map(\.start), expected.map(\.start), label)
            XCTAssertEqual(hits.map(\.end), expected.map(\.end), label)
            XCTAssertEqual(hits.map(\.group), expected.map(\.group), label)
            XCTAssertEqual(hits.map(\.secret), expected.map(\.secret), label)
            XCTAssertEqual(outcome.bytes, expectedOutcome.bytes, label)
            XCTAssertEqual(outcome.bytes, bytes.count, label)
            XCTAssertEqual(released, released.sorted(), label)
            XCTAssertEqual(released.last, bytes.count, label)
        }
    }
}
