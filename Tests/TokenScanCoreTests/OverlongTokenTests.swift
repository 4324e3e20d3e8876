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

/// JWTs beyond a limit — longer than the rule's window, claims too large or nested too deep — are
/// reported with a reason naming the limit instead of vanishing as "not a JWT", cost bounded time
/// and stack, and come out the same whatever the chunking.
final class OverlongTokenTests: XCTestCase {
    /// A JWS whose claims nest `{"a":` objects `units * 3` deep, built directly in base64url (each
    /// unit is 15 bytes of JSON, so the pieces stay aligned): about 24 bytes of token per unit.
    static func nestedJWT(units: Int, alg: String = "HS256") -> String {
        let header = Base64.urlEncode(Array(#"{"alg":"\#(alg)","typ":"JWT"}"#.utf8))
        let open = Base64.urlEncode(Array(#"{"a":{"a":{"a":"#.utf8))
        let close = Base64.urlEncode(Array("}}}".utf8))
        let payload = Base64.urlEncode(Array(#"{"sub":"x","a":"#.utf8)) + String(repeating: open, count: units)
            + Base64.urlEncode(Array("1}}".utf8)) + String(repeating: close, count: units - 1) + Base64.urlEncode(Array("}}".utf8))
        return header + "." + payload + "." + Base64.urlEncode([UInt8](repeating: 7, count: 32))
    }

    func testNestedJWTDecodesWhenShallowAndIsCheckedLinearly() throws {
        let shallow = Self.nestedJWT(units: 3)
        XCTAssertNotNil(try? JWT.decode(Array(shallow.utf8)).get(), "the builder makes valid tokens")
        // 100,000 and more nested brackets: turned away by a counting pass, no recursion.
        for (units, depth) in [(20, 61), (40_000, 120_001)] {
            guard case .failure(.limitExceeded(.depth(segment: 1, limit: JWT.maxDepth), let header)) = JWT.decode(Array(Self.nestedJWT(units: units).utf8))
            else { return XCTFail("depth \(depth) must hit the depth limit") }
            XCTAssertEqual(header?["alg"], "HS256", "the header is decoded before the claims")
        }
        let brackets = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertTrue(JSONValue.exceedsDepth(Array("{\"a\":\(brackets)}".utf8), JSONValue.maxDepth))
        XCTAssertNil(JSONValue.parse(Array("{\"a\":\(brackets)}".utf8)))
        XCTAssertFalse(JSONValue.exceedsDepth(Array(#"{"a":"[[[[[[[[[[[[\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}"#.utf8), 2),
                       "brackets inside strings do not nest")
        XCTAssertNil(JSONValue.parse(Array("{\"a\":1}\u{0}junk".utf8)), "a NUL byte ends nothing: not JSON (fuzz-decoders)")
        XCTAssertEqual(JSONValue.parse(Array("{\"a\":1} ".utf8)), ["a": 1])
    }

    func testLargeClaimsAndHeadersHitTheSizeLimit() {
        let header = Base64.urlEncode(Array(#"{"alg":"HS256"}"#.utf8))
        let big = Base64.urlEncode(Array(#"{"pad":""#.utf8) + [UInt8](repeating: 0x61, count: JWT.maxSegmentBytes) + Array(#""}"#.utf8))
        let claims = "\(header).\(big).c2ln"
        guard case .failure(.limitExceeded(.size(segment: 1, let bytes, JWT.maxSegmentBytes), let decoded)) = JWT.decode(Array(claims.utf8)) else {
            return XCTFail("claims over the size limit")
        }
        XCTAssertGreaterThan(bytes, JWT.maxSegmentBytes)
        XCTAssertEqual(decoded?["alg"], "HS256")
        guard case .failure(.limitExceeded(.size(segment: 0, _, _), nil)) = JWT.decode(Array("\(big).\(big).c2ln".utf8)) else {
            return XCTFail("a header over the size limit")
        }
        XCTAssertEqual(JWT.decode(Array("\(header).\(Base64.urlEncode([UInt8](repeating: 0x5B, count: 2 << 20))).c2ln".utf8)),
                       .failure(.notJSONObject(segment: 1)), "a large part that is not a JSON object is no JWT")
    }

    /// The analyzer reports a JWT whose claims nest too deep with the limit as its reason; before
    /// such a token was dropped as "not a JWT".
    func testDeepClaimsInsideTheWindowAreReportedWithTheirLimit() {
        let token = Self.nestedJWT(units: 300) // 901 levels, 7 KB: inside the jwt rule's window
        XCTAssertLessThan(token.utf8.count, 16_384)
        let (findings, summary) = TestSupport.scan([("deep.env", Array("T=\(token)\n".utf8))])
        XCTAssertEqual(findings.count, 1, "\(summary.dismissed)")
        XCTAssertEqual(findings.first?.kind, "jwt")
        XCTAssertEqual(findings.first?.severity, .medium)
        XCTAssertEqual(findings.first?.reasons.map(\.code), ["claims-too-deep"])
        XCTAssertTrue(findings.first?.reasons.first?.message.contains("deeper than \(JWT.maxDepth) levels") ?? false)
        XCTAssertNil(summary.dismissed["not-a-jwt"])
    }

    /// A token longer than its rule's `maxLength` is reported once, from its start, truncated to
    /// `maxLength` bytes, with the same span whatever the chunk size and read pattern; the rest of
    /// it is skipped (nothing inside it is reported), and a token after it is still found.
    func testOverlongTokenIsTruncatedIdenticallyWhateverTheChunking() throws {
        let long = Self.nestedJWT(units: 1200, alg: "none") // ~29 KB
        let after = TokenMinter.jwt(claims: ["sub": "after", "exp": 1_900_000_000])
        let text = "x=1\nlong=\(long) and \(after)\n"
        let bytes = Array(text.utf8)
        let matcher = TestSupport.matcher()
        let jwt = matcher.rules.firstIndex { $0.rule.id == "jwt" }!
        let maxLength = matcher.rules[jwt].rule.maxLength
        let (reference, _) = try TestSupport.hits(bytes, matcher: matcher)
        XCTAssertEqual(reference.map(\.truncated), [true, false])
        XCTAssertEqual(reference.first?.secret, Array(long.utf8.prefix(maxLength)))
        XCTAssertEqual(reference.first?.start, TextPosition(line: 2, column: 6))
        XCTAssertEqual(reference.first?.end, TextPosition(line: 2, column: 6 + maxLength))
        XCTAssertEqual(reference.last?.secret, Array(after.utf8))
        for (chunkSize, maxRead) in [(1000, Int.max), (4096, 777), (20_000, 3001), (33_000, .max), (1 << 20, 5)] {
            let (hits, _) = try TestSupport.hits(bytes, matcher: matcher, chunkSize: chunkSize, maxRead: maxRead)
            XCTAssertEqual(hits.map(\.byteRange), reference.map(\.byteRange), "chunk \(chunkSize), reads of \(maxRead)")
            XCTAssertEqual(hits.map(\.truncated), reference.map(\.truncated))
        }
        let (findings, _) = TestSupport.scan([("long.txt", bytes)])
        XCTAssertEqual(findings.map(\.line), [2, 2])
        XCTAssertEqual(findings.first?.reasons.map(\.code), ["token-too-long", "alg-none"], "an unsigned header still says forgeable")
        XCTAssertEqual(findings.first?.severity, .high)
        XCTAssertTrue(findings.first?.reasons.first?.message.contains("maxLength (\(maxLength) bytes)") ?? false)
        XCTAssertEqual(findings.last?.jwt?.claims["sub"], "after")
    }

    /// A JWE longer than the jwe rule's window (a large ciphertext) is reported truncated, as a
    /// JWE, whatever the chunking: its tag may lie beyond the window.
    func testOverlongJWEIsReportedAsJWE() throws {
        let header = Base64.urlEncode(Array(#"{"alg":"dir","enc":"A256GCM"}"#.utf8))
        let jwe = header + "..AAAAAAAAAAAAAAAA." + Base64.urlEncode([UInt8](repeating: 0xA5, count: 30_000)) + ".dGFndGFndGFndGFn"
        let bytes = Array("cookie: session=\(jwe); Path=/\n".utf8)
        let matcher = TestSupport.matcher()
        let (reference, _) = try TestSupport.hits(bytes, matcher: matcher)
        XCTAssertEqual(reference.map { matcher.rules[$0.ruleIndex].rule.id }, ["jwe"])
        XCTAssertEqual(reference.first?.truncated, true)
        for chunkSize in [1000, 16_000, 40_000] {
            XCTAssertEqual(try TestSupport.hits(bytes, matcher: matcher, chunkSize: chunkSize, maxRead: 4093).0.map(\.byteRange),
                           reference.map(\.byteRange), "chunk \(chunkSize)")
        }
        let (findings, _) = TestSupport.scan([("cookies.txt", bytes)])
        XCTAssertEqual(findings.map(\.kind), ["jwe"])
        XCTAssertEqual(findings.first?.reasons.map(\.code), ["token-too-long"])
        XCTAssertTrue(findings.first?.reasons.first?.message.contains(#"alg "dir""#) ?? false)
    }

    /// A 50 MB JWT on a line between two others: found from its start, its claims not decoded
    /// (named as the reason), the tokens around it found, in bounded time (the skip is linear).
    func testFiftyMegabyteJWTIsReportedAndItsNeighboursFound() throws {
        let huge = Self.nestedJWT(units: 2_100_000)
        XCTAssertGreaterThan(huge.utf8.count, 50_000_000)
        let before = TokenMinter.jwt(claims: ["sub": "before", "exp": 1_900_000_000])
        let after = TokenMinter.jwt(claims: ["sub": "after", "exp": 1_900_000_000])
        let bytes = Array("a=\(before)\nb=\(huge)\nc=\(after)\n".utf8)
        let (findings, summary) = TestSupport.scan([("huge.log", bytes)])
        XCTAssertEqual(findings.map(\.line), [1, 2, 3])
        XCTAssertEqual(findings[1].reasons.map(\.code), ["token-too-long"])
        XCTAssertTrue(findings[1].reasons[0].message.contains(#"alg "HS256""#), findings[1].reasons[0].message)
        XCTAssertEqual(findings[1].column, 3)
        XCTAssertEqual(summary.dismissed, [:], "nothing inside the token is taken for another one")
        XCTAssertEqual(findings.compactMap { $0.jwt?.claims["sub"]?.string }, ["before", "after"])
    }

    /// `tokenscan redact` masks an overlong token whole, also its part beyond the rule's window
    /// and beyond the chunk: none of its signature survives.
    func testRedactMasksTheWholeOverlongToken() throws {
        let long = Self.nestedJWT(units: 140_000) // ~3.4 MB: spans several chunks
        let signature = String(long.split(separator: ".").last!)
        let input = Array("before \(long) after\nnext line\n".utf8)
        for (chunkSize, maxRead) in [(1 << 20, Int.max), (100_000, 65_537)] {
            let redactor = StreamRedactor(matcher: TestSupport.matcher(), settings: TestSupport.settings(), chunkSize: chunkSize)
            var source = MemorySource(input, maxRead: maxRead)
            var output: [UInt8] = []
            let statistics = try redactor.run(&source, write: { output += $0 })
            let text = String(decoding: output, as: UTF8.self)
            XCTAssertEqual(statistics.redacted, 1)
            XCTAssertTrue(text.hasPrefix("before [REDACTED:jwt:"), String(text.prefix(80)))
            XCTAssertTrue(text.hasSuffix("] after\nnext line\n"), String(text.suffix(80)))
            XCTAssertFalse(text.contains(signature))
            XCTAssertLessThan(text.utf8.count, 100)
        }
    }
}
