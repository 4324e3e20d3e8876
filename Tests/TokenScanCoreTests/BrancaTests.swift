import XCTest
@testable import TokenFormats
@testable import TokenScanJudge
@testable import TokenScanModel

/// Base62 and Branca taken apart (`Base62`, `Branca`, `BrancaDecoder`) against the specification's
/// test vectors, and the rule file's examples checked against the minter they claim to come from.
final class BrancaTests: XCTestCase {
    /// Every test of github.com/tuupola/branca-spec, test_vectors.json (commit c8b0ba5), in its
    /// order: id, token, what decoding the header without the key gives (the creation time and the
    /// payload's length, or the error), and whether the specification calls the token valid.
    /// Tests 19–24 have an intact header and are refused by the specification only when the AEAD
    /// tag fails (a modified nonce, timestamp, ciphertext or tag; a wrong or invalid key): without
    /// the key they decode like valid ones, which is why they are documentation samples.
    static let vectors: [(Int, String, Result<Branca, Branca.DecodeError>, Bool)] = [
        (0, "870S4BYxgHw0KnP3W9fgVUHEhT5g86vJ17etaC5Kh5uIraWHCI1psNQGv298ZmjPwoYbjDQ9chy2z", .success(Branca(timestamp: 0, ciphertextLength: 12)), true),
        (1, "89i7YCwu5tWAJNHUDdmIqhzOi5hVHOd4afjZcGMcVmM4enl4yeLiDyYv41eMkNmTX6IwYEFErCSqr", .success(Branca(timestamp: 4_294_967_295, ciphertextLength: 12)), true),
        (2, "875GH23U0Dr6nHFA63DhOyd9LkYudBkX8RsCTOMz5xoYAMw9sMd5QwcEqLDRnTDHPenOX7nP2trlT", .success(Branca(timestamp: 123_206_400, ciphertextLength: 12)), true),
        (3, "1jIBheHbDdkCDFQmtgw4RUZeQoOJgGwTFJSpwOAk3XYpJJr52DEpILLmmwYl4tjdSbbNqcF1", .success(Branca(timestamp: 0, ciphertextLength: 8)), true),
        (4, "1jrx6DUu5q06oxykef2e2ZMyTcDRTQot9ZnwgifUtzAphGtjsxfbxXNhQyBEOGtpbkBgvIQx", .success(Branca(timestamp: 4_294_967_295, ciphertextLength: 8)), true),
        (5, "1jJDJOEjuwVb9Csz1Ypw1KBWSkr0YDpeBeJN6NzJWx1VgPLmcBhu2SbkpQ9JjZ3nfUf7Aytp", .success(Branca(timestamp: 123_206_400, ciphertextLength: 8)), true),
        (6, "4sfD0vPFhIif8cy4nB3BQkHeJqkOkDvinI4zIhMjYX4YXZU5WIq9ycCVjGzB5", .success(Branca(timestamp: 0, ciphertextLength: 0)), true),
        (7, "K9u6d0zjXp8RXNUGDyXAsB9AtPo60CD3xxQ2ulL8aQoTzXbvockRff0y1eXoHm", .success(Branca(timestamp: 123_206_400, ciphertextLength: 1)), true),
        (8, "870S4BYxgHw0KnP3W9fgVUHEhT5g86vJ17etaC5Kh5uIraWHCI1psNQGv298ZmjPwoYbjDQ9chy2z", .success(Branca(timestamp: 0, ciphertextLength: 12)), true),
        (9, "89i7YCwu5tWAJNHUDdmIqhzOi5hVHOd4afjZcGMcVmM4enl4yeLiDyYv41eMkNmTX6IwYEFErCSqr", .success(Branca(timestamp: 4_294_967_295, ciphertextLength: 12)), true),
        (10, "875GH23U0Dr6nHFA63DhOyd9LkYudBkX8RsCTOMz5xoYAMw9sMd5QwcEqLDRnTDHPenOX7nP2trlT", .success(Branca(timestamp: 123_206_400, ciphertextLength: 12)), true),
        (11, "1jIBheHbDdkCDFQmtgw4RUZeQoOJgGwTFJSpwOAk3XYpJJr52DEpILLmmwYl4tjdSbbNqcF1", .success(Branca(timestamp: 0, ciphertextLength: 8)), true),
        (12, "1jrx6DUu5q06oxykef2e2ZMyTcDRTQot9ZnwgifUtzAphGtjsxfbxXNhQyBEOGtpbkBgvIQx", .success(Branca(timestamp: 4_294_967_295, ciphertextLength: 8)), true),
        (13, "1jJDJOEjuwVb9Csz1Ypw1KBWSkr0YDpeBeJN6NzJWx1VgPLmcBhu2SbkpQ9JjZ3nfUf7Aytp", .success(Branca(timestamp: 123_206_400, ciphertextLength: 8)), true),
        (14, "4sfD0vPFhIif8cy4nB3BQkHeJqkOkDvinI4zIhMjYX4YXZU5WIq9ycCVjGzB5", .success(Branca(timestamp: 0, ciphertextLength: 0)), true),
        (15, "K9u6d0zjXp8RXNUGDyXAsB9AtPo60CD3xxQ2ulL8aQoTzXbvockRff0y1eXoHm", .success(Branca(timestamp: 123_206_400, ciphertextLength: 1)), true),
        (16, "89mvl3RkwXjpEj5WMxK7GUDEHEeeeZtwjMIOogTthvr44qBfYtQSIZH5MHOTC0GzoutDIeoPVZk3w", .failure(.version(0xBB)), false),
        (17, "875GH23U0Dr6nHFA63DhOyd9LkYudBkX8RsCTOMz5xoYAMw9sMd5QwcEqLDRnTDHPenOX7nP2trlT_", .failure(.badBase62), false),
        (18, "89mvl3S0BE0UCMIY94xxIux4eg1w5oXrhvCEXrDAjusSbO0Yk7AU6FjjTnbTWTqogLfNPJLzecHVb", .failure(.version(0xBB)), false),
        (19, "875GH233SUysT7fQ711EWd9BXpwOjB72ng3ZLnjWFrmOqVy49Bv93b78JU5331LbcY0EEzhLfpmSx", .success(Branca(timestamp: 123_206_400, ciphertextLength: 12)), false),
        (20, "870g1RCk4lW1YInhaU3TP8u2hGtfol16ettLcTOSoA0JIpjCaQRW7tQeP6dQmTvFIB2s6wL5deMXr", .success(Branca(timestamp: 5_765_888, ciphertextLength: 12)), false),
        (21, "875GH23U0Dr6nHFA63DhOyd9LkYudBkX8RsCTOMz5xoYAMw9sMd5Qw6Jpo96myliI3hHD7VbKZBYh", .success(Branca(timestamp: 123_206_400, ciphertextLength: 12)), false),
        (22, "875GH23U0Dr6nHFA63DhOyd9LkYudBkX8RsCTOMz5xoYAMw9sMd5QwcEqLDRnTDHPenOX7nP2trk0", .success(Branca(timestamp: 123_206_400, ciphertextLength: 12)), false),
        (23, "870S4BYxgHw0KnP3W9fgVUHEhT5g86vJ17etaC5Kh5uIraWHCI1psNQGv298ZmjPwoYbjDQ9chy2z", .success(Branca(timestamp: 0, ciphertextLength: 12)), false),
        (24, "870S4BYxgHw0KnP3W9fgVUHEhT5g86vJ17etaC5Kh5uIraWHCI1psNQGv298ZmjPwoYbjDQ9chy2z", .success(Branca(timestamp: 0, ciphertextLength: 12)), false),
    ]

    func testBase62AgreesWithAnIndependentBigNumberEncoding() throws {
        // Computed with Python's integers (int.from_bytes, then divmod by 62), not with this code.
        XCTAssertEqual(Base62.encode(Array("Hello world!".utf8)), "T8dgcjRGuYUueWht")
        XCTAssertEqual(Base62.encode([0, 0, 1]), "001", "a leading zero byte is a leading 0")
        XCTAssertEqual(Base62.encode([UInt8](repeating: 0xFF, count: 8)), "LygHa16AHYF")
        XCTAssertEqual(Base62.encode([0xBA] + [UInt8](repeating: 0, count: 44)), "4sfD0vOzeAfOta6HgLoOW4h5rhT53Gtbo0sAUh3qg0Z6VM9DWCkUSi8jjxmC0")
        XCTAssertEqual(Base62.decode(Array("T8dgcjRGuYUueWht".utf8)), Array("Hello world!".utf8))
        XCTAssertEqual(Base62.decode(Array("001".utf8)), [0, 0, 1])
        XCTAssertEqual(Base62.decode(Array("".utf8)), [])
        XCTAssertNil(Base62.decode(Array("abc_def".utf8)))
        XCTAssertNil(Base62.decode(Array("abc=".utf8)))
        XCTAssertFalse(Base62.isBase62(Array("abc-def".utf8)))
    }

    func testBase62RoundTripsEveryLength() {
        for count in 0...200 {
            var bytes = TokenMinter.bytes(count: count, seed: "base62/\(count)")
            if count % 7 == 0, count > 2 { bytes[0] = 0; bytes[1] = 0 }
            let text = Base62.encode(bytes)
            XCTAssertTrue(Base62.isBase62(Array(text.utf8)))
            XCTAssertEqual(Base62.decode(Array(text.utf8)), bytes, "\(count) bytes")
        }
    }

    func testDecodesEveryTestVectorAndRefusesTheMalformedOnes() {
        XCTAssertEqual(Self.vectors.count, 25, "numberOfTests")
        for (id, token, expected, _) in Self.vectors {
            XCTAssertEqual(Branca.decode(Array(token.utf8)), expected, "test \(id)")
        }
        // A token cut short: version 0xBA but fewer bytes than version, timestamp, nonce and tag.
        let short = Base62.encode([0xBA] + [UInt8](repeating: 0x11, count: 40))
        XCTAssertEqual(Branca.decode(Array(short.utf8)), .failure(.length(41)))
        // Cut at the end (as a log line's limit cuts it): the number it spells starts elsewhere.
        let cut = String(Self.vectors[2].1.dropLast(5))
        guard case .failure(.version(let byte)) = Branca.decode(Array(cut.utf8)) else { return XCTFail("a cut token decoded") }
        XCTAssertNotEqual(byte, Branca.version)
        XCTAssertEqual(Branca.decode(Array("0".utf8)), .failure(.version(0)))
        XCTAssertEqual(Branca.decode([UInt8](repeating: UInt8(ascii: "z"), count: Branca.maximumLength + 1)), .failure(.badBase62))
    }

    /// The decoder turns a token into the facts the risk model reads: encrypted, made at its
    /// timestamp; and says why a value is not one, `shapeOnly` where it only had base62's shape.
    func testDecoderGivesTheCreationTimeAndRefusesWithReasons() throws {
        let decoder = BrancaDecoder()
        let vector = Array(Self.vectors[2].1.utf8)
        XCTAssertTrue(decoder.recognises(vector))
        let decoded = try decoder.decode(vector).get()
        XCTAssertEqual(decoded.format, "branca")
        XCTAssertTrue(decoded.encrypted)
        XCTAssertEqual(decoded.claims, [:])
        XCTAssertEqual(decoded.issuedAt, Date(timeIntervalSince1970: 123_206_400))
        XCTAssertEqual(decoded.header["created"], "1973-11-27T00:00:00Z")
        XCTAssertEqual(decoded.header["payloadBytes"], .number(12))

        let wrongVersion = try XCTUnwrap(decoder.decode(Array(Self.vectors[16].1.utf8)).failure)
        XCTAssertTrue(wrongVersion.shapeOnly)
        XCTAssertTrue(wrongVersion.message.contains("0xBB"), wrongVersion.message)
        let short = try XCTUnwrap(decoder.decode(Array(Base62.encode([0xBA] + [UInt8](repeating: 0x11, count: 40)).utf8)).failure)
        XCTAssertEqual(short.dismissal, .truncated)
        XCTAssertFalse(short.shapeOnly, "a value with Branca's version byte is this format's to refuse")
        // Too short for a whole token, or not base62: not this format's shape at all.
        XCTAssertFalse(decoder.recognises(Array(Self.vectors[6].1.dropLast().utf8)))
        XCTAssertFalse(decoder.recognises(Array(Self.vectors[17].1.utf8)))
    }

    func testMintedTokensHaveTheLayout() throws {
        for payload in [0, 1, 12, 40, 200] {
            for timestamp: UInt32 in [0, 1_767_139_200, .max] {
                let token = TokenMinter.branca(timestamp: timestamp, payloadLength: payload, seed: "\(payload)/\(timestamp)")
                XCTAssertTrue(Base62.isBase62(Array(token.utf8)))
                XCTAssertGreaterThanOrEqual(token.utf8.count, BrancaDecoder.minimumLength)
                XCTAssertEqual(try Branca.decode(Array(token.utf8)).get(), Branca(timestamp: timestamp, ciphertextLength: payload))
            }
        }
    }

    /// Rules/branca.toml says its examples were made with `TokenMinter.branca`.
    func testRuleExamplesAreMinted() throws {
        let rule = try XCTUnwrap(TestSupport.builtinRules().first { $0.id == "branca" })
        XCTAssertEqual(rule.examples.compactMap(\.secret), [
            TokenMinter.branca(timestamp: 1_699_990_000, payloadLength: 40, seed: "rule-1"),
            TokenMinter.branca(timestamp: 1_699_900_000, payloadLength: 64, seed: "rule-2"),
            TokenMinter.branca(timestamp: 1_699_996_400, payloadLength: 24, seed: "rule-3"),
            TokenMinter.branca(timestamp: 1_699_000_000, payloadLength: 90, seed: "rule-4"),
        ])
    }

    /// Every token of the specification's tests is a documentation sample, with its source.
    func testEveryTestVectorIsADocumentationSample() {
        for (id, token, _, _) in Self.vectors {
            let source = PublishedTokens.builtin.match(Array(token.utf8))
            XCTAssertTrue(source?.contains("github.com/tuupola/branca-spec") == true, "test \(id): \(source ?? "not listed")")
        }
    }
}

private extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
