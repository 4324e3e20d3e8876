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

final class JWTTests: XCTestCase {
    func testDecodesHeaderClaimsAndSignature() throws {
        let token = TokenMinter.jwt(claims: ["sub": "a", "exp": 1_900_000_000, "aud": ["x", "y"]])
        let jwt = try JWT.decode(Array(token.utf8)).get()
        XCTAssertEqual(jwt.form, .jws)
        XCTAssertEqual(jwt.algorithm, "HS256")
        XCTAssertEqual(jwt.claims["sub"], "a")
        XCTAssertEqual(jwt.claims["aud"]?.strings, ["x", "y"])
        XCTAssertEqual(jwt.signature.count, 32)
        XCTAssertFalse(jwt.isUnsigned)
    }

    func testUnsignedTokens() throws {
        let token = TokenMinter.jwt(alg: "none", claims: ["sub": "a"])
        XCTAssertTrue(token.hasSuffix("."))
        XCTAssertTrue(try JWT.decode(Array(token.utf8)).get().isUnsigned)
        let mixedCase = TokenMinter.jwt(alg: "nOnE", claims: ["sub": "a"])
        XCTAssertTrue(try JWT.decode(Array(mixedCase.utf8)).get().isUnsigned)
    }

    func testLookAlikesAreNotJWTs() {
        let cases: [(String, JWT.DecodeError)] = [
            ("eyJhbGciOiJIUzI1NiJ9.eyJub3QganNvbg.c2ln", .notJSONObject(segment: 1)),
            ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln!", .badBase64(segment: 2)),
            ("eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.c2ln", .missingAlgorithm),
            ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0", .segmentCount(2)),
            ("eyJhbGciOiJIUzI1NiJ9..c2ln", .badBase64(segment: 1)),
            ("WyJhbGciXQ.eyJzdWIiOiJ4In0.c2ln", .notJSONObject(segment: 0)),
        ]
        for (token, expected) in cases {
            XCTAssertEqual(JWT.decode(Array(token.utf8)), .failure(expected), token)
        }
    }

    func testJWE() throws {
        let header = Base64.urlEncode(Array(#"{"alg":"dir","enc":"A128GCM"}"#.utf8))
        let jwe = "\(header)..AAAAAAAAAAAAAAAA.Y2lwaGVydGV4dA.dGFndGFndGFndGFn"
        let decoded = try JWT.decode(Array(jwe.utf8)).get()
        XCTAssertEqual(decoded.form, .jwe)
        XCTAssertEqual(decoded.header["enc"], "A128GCM")
    }

    func testBase64AcceptsBothAlphabetsAndOptionalPadding() {
        XCTAssertEqual(Base64.decode(Array("-_8".utf8)), [0xFB, 0xFF])
        XCTAssertEqual(Base64.decode(Array("+/8=".utf8)), [0xFB, 0xFF])
        XCTAssertNil(Base64.decode(Array("abcde".utf8)))
        XCTAssertNil(Base64.decode(Array("ab=c".utf8)))
        XCTAssertEqual(Base64.urlEncode([0xFB, 0xFF]), "-_8")
    }

    func testNumericStringsAndFloatsInTimeClaims() throws {
        let token = TokenMinter.jwt(claims: ["exp": "1900000000", "nbf": .number(1_700_000_000.5)])
        let jwt = try JWT.decode(Array(token.utf8)).get()
        let facts = TokenFacts.from(jwt: jwt, kind: "jwt", baseSeverity: .medium, taxonomy: .builtin, scratch: MatchScratch())
        XCTAssertEqual(facts.expiresAt?.timeIntervalSince1970, 1_900_000_000)
        XCTAssertEqual(facts.notBefore?.timeIntervalSince1970, 1_700_000_000.5)
    }
}

final class PlaceholderTests: XCTestCase {
    func testPlaceholders() {
        for text in ["<token>", "${TOKEN}", "$TOKEN", "{{token}}", "%TOKEN%", "xxxxxxxxxxxxxxxx", "****************",
                     "your-token-here", "YOUR_ACCESS_TOKEN", "REPLACE_ME_1234567", "1234567890123456", "abcabcabcabcabc1",
                     "example-token-000001", "0000000000000000000000"] {
            XCTAssertTrue(Placeholder.isPlaceholder(Array(text.utf8)), text)
        }
    }

    func testRealLookingTokensAreNotPlaceholders() {
        for seed in 0..<200 {
            let token = TokenMinter.opaque(length: 32, seed: "p\(seed)")
            XCTAssertFalse(Placeholder.isPlaceholder(Array(token.utf8)), token)
        }
    }
}
