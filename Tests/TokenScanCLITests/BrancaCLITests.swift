import Foundation
import XCTest
import TokenFormats

/// Branca tokens (issue #21) as a user meets them through the binary: found where something names
/// them (a `branca` name, `Authorization: Bearer`, a `token` key), judged medium with the time they
/// were made (design §5), masked, decoded by `tokenscan decode`; the specification's test vectors
/// are documentation samples, and values that do not decode to a token are left alone or judged
/// as the opaque values they are.
final class BrancaCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    /// 2025-12-31T00:00:00Z, a day before `now`.
    let made: UInt32 = 1_767_139_200

    private func scan(_ text: String, extra: [String] = ["--show-secrets"]) throws -> StdinScan { try scanStdin(text, now: now, extra: extra) }

    private func codes(_ finding: [String: Any]?) -> [String] { reasonCodes(finding) }

    /// Under a Branca name, after `Bearer` and under a `token` key: medium, encrypted claims, made
    /// a day ago; the rule that found it is named, the kind is `branca` wherever it was found.
    func testBrancaIsMediumWithItsCreationTimeWhereverItIsNamed() throws {
        let token = TokenMinter.branca(timestamp: made, payloadLength: 48, seed: "cli")
        let places: [(text: String, rule: String)] = [
            ("BRANCA_TOKEN=\(token)\n", "branca"),
            ("{\"msg\":\"issued\",\"branca\":\"\(token)\"}\n", "branca"),
            ("curl -H 'Authorization: Bearer \(token)' https://api.example/v1/me\n", "authorization-bearer"),
            ("{\"token\": \"\(token)\", \"expires_in\": 3600}\n", "named-value"),
        ]
        for place in places {
            let found = try scan(place.text).findings
            XCTAssertEqual(found.count, 1, place.text)
            let finding = found.first
            XCTAssertEqual(finding?["ruleId"] as? String, place.rule, place.text)
            XCTAssertEqual(finding?["kind"] as? String, "branca", place.text)
            XCTAssertEqual(finding?["secret"] as? String, token)
            XCTAssertEqual(finding?["severity"] as? String, "medium", place.text)
            XCTAssertEqual(codes(finding), ["encrypted-claims"], place.text)
            let reason = (finding?["reasons"] as? [[String: Any]])?.first?["message"] as? String ?? ""
            XCTAssertTrue(reason.contains("A Branca token"), reason)
            XCTAssertTrue(reason.contains("It was made 1 day ago (2025-12-31T00:00:00Z)"), reason)
            XCTAssertEqual((finding?["decoded"] as? [String: Any])?["format"] as? String, "branca")
        }
    }

    /// A base62 value of a token's length that does not decode to version 0xBA is no Branca token:
    /// under a Branca name it is not reported; after `Bearer` it is the opaque bearer token it is.
    func testValuesThatAreNotBrancaTokens() throws {
        let token = TokenMinter.branca(timestamp: made, payloadLength: 48, seed: "not")
        var bytes = try XCTUnwrap(Base62.decode(Array(token.utf8)))
        bytes[0] = 0xBB
        let wrongVersion = Base62.encode(bytes)
        let cut = String(token.dropLast(6))
        for text in [
            "BRANCA_TOKEN=\(wrongVersion)", "branca: \(cut)", "branca_token: <branca-token>", "X-Branca-Token: \(token.prefix(8))****",
            "branca = \(String(repeating: "0", count: 70))",
        ] {
            let result = try scan(text + "\n")
            XCTAssertEqual(result.findings.count, 0, "\(text): \(result.stdout)")
        }
        let opaque = try scan("Authorization: Bearer \(wrongVersion)\n").findings
        XCTAssertEqual(opaque.count, 1)
        XCTAssertEqual(opaque.first?["kind"] as? String, "bearer")
        XCTAssertEqual(opaque.first?["severity"] as? String, "medium")
    }

    /// The specification's test vectors are documentation samples (info, doc-sample), also where a
    /// scan would otherwise judge them (under a Branca name, after `Bearer`).
    func testSpecificationVectorsAreDocSamples() throws {
        // github.com/tuupola/branca-spec, test_vectors.json: test 2 ("Hello world with November 27
        // timestamp") and test 19 (a modified nonce: refused only by the AEAD tag).
        let vectors = ["875GH23U0Dr6nHFA63DhOyd9LkYudBkX8RsCTOMz5xoYAMw9sMd5QwcEqLDRnTDHPenOX7nP2trlT",
                       "875GH233SUysT7fQ711EWd9BXpwOjB72ng3ZLnjWFrmOqVy49Bv93b78JU5331LbcY0EEzhLfpmSx"]
        for vector in vectors {
            for text in ["BRANCA_TOKEN=\(vector)\n", "Authorization: Bearer \(vector)\n"] {
                let found = try scan(text).findings
                XCTAssertEqual(found.count, 1, text)
                XCTAssertEqual(found.first?["severity"] as? String, "info", text)
                XCTAssertEqual(codes(found.first), ["doc-sample"], text)
            }
        }
    }

    func testBrancaIsMaskedInReportsAndByRedact() throws {
        let token = TokenMinter.branca(timestamp: made, payloadLength: 64, seed: "masked")
        let masked = try scan("BRANCA_TOKEN=\(token)\n", extra: [])
        XCTAssertEqual(masked.findings.count, 1)
        XCTAssertFalse(masked.stdout.contains(token))
        for text in ["BRANCA_TOKEN=\(token) end\n", "Authorization: Bearer \(token) end\n"] {
            let redacted = try run(["redact"], stdin: Data(text.utf8))
            XCTAssertFalse(redacted.stdout.contains(token), redacted.stdout)
            XCTAssertTrue(redacted.stdout.hasSuffix(" end\n"), redacted.stdout)
        }
    }

    /// `tokenscan decode` shows when a Branca token was made and the assessment; a value with
    /// another version byte is refused as not a Branca token.
    func testDecodeShowsTheCreationTimeAndAssessment() throws {
        let token = TokenMinter.branca(timestamp: made, payloadLength: 32, seed: "decode")
        var bytes = try XCTUnwrap(Base62.decode(Array(token.utf8)))
        bytes[0] = 0xBB
        let finding = try assertDecodes(
            token, now: now, shows: ["Token (BRANCA)", "2025-12-31T00:00:00Z", "payloadBytes 32", "Claims        encrypted", "Risk          MEDIUM", "[encrypted-claims]"],
            rule: "branca", refuses: Base62.encode(bytes), jsonInput: "Authorization: Bearer \(token)")
        let header = (finding["decoded"] as? [String: Any])?["header"] as? [String: Any]
        XCTAssertEqual(header?["version"] as? String, "0xBA")
        XCTAssertEqual(header?["created"] as? String, "2025-12-31T00:00:00Z")
        let wrong = try run(["decode", Base62.encode(bytes)])
        XCTAssertTrue(wrong.stderr.contains("0xBB"), wrong.stderr)
    }
}
