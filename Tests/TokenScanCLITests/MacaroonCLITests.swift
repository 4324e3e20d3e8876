import Foundation
import XCTest
import TokenFormats

/// Macaroons (issue #21) as a user meets them through the binary: LND's hex and base64 macaroons
/// and libmacaroons' version 1, found by their own rules, judged by their caveats and an LND
/// identifier's permissions (design §5), masked, decoded by `tokenscan decode`; cut ones and
/// look-alikes left alone; libmacaroons' published examples are documentation samples.
final class MacaroonCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    static let admin: [(entity: String, actions: [String])] =
        ["address", "info", "invoices", "message", "offchain", "onchain", "peers", "signer"].map { ($0, ["read", "write"]) }
        + [("macaroon", ["generate", "read", "write"])]
    static let readOnly: [(entity: String, actions: [String])] =
        ["address", "info", "invoices", "message", "offchain", "onchain", "peers", "signer", "macaroon"].map { ($0, ["read"]) }

    private func scan(_ text: String, extra: [String] = ["--show-secrets"]) throws -> StdinScan { try scanStdin(text, now: now, extra: extra) }

    private func codes(_ finding: [String: Any]?) -> [String] { reasonCodes(finding) }

    /// Permissions are the scope (a write is broad), `time-before` / `time <` the expiry.
    func testMacaroonsAreJudgedByPermissionsAndCaveats() throws {
        let cases: [(text: String, token: String, severity: String, code: String)] = {
            let admin = TokenMinter.lndMacaroon(permissions: Self.admin, seed: "admin")
            let readOnly = TokenMinter.lndMacaroon(permissions: Self.readOnly, seed: "readonly")
            let invoice = TokenMinter.lndMacaroon(
                permissions: [("address", ["read", "write"]), ("invoices", ["read", "write"])],
                caveats: ["time-before 2026-03-01T00:00:00Z", "ipaddr 10.0.0.7"], encoding: .base64, seed: "invoice")
            let expired = TokenMinter.lndMacaroon(permissions: Self.admin, caveats: ["time-before 2025-06-01T00:00:00Z"], seed: "expired")
            let v1 = TokenMinter.macaroon(
                version: 1, location: "https://charm.example/", identifier: Array("user-42".utf8),
                caveats: ["time < 2026-06-01T00:00:00Z"], seed: "v1")
            let v2 = TokenMinter.macaroon(location: "https://api.example/", identifier: Array("key-9".utf8), caveats: [], seed: "v2")
            return [
                ("LND_MACAROON=\(admin)\n", admin, "critical", "scope-broad"),
                ("curl -H \"Grpc-Metadata-macaroon: \(readOnly)\" https://localhost:8080/v1/getinfo\n", readOnly, "medium", "scope-narrow"),
                ("macaroon: \(invoice)\n", invoice, "high", "scope-broad"),
                ("{\"macaroon\": \"\(expired)\"}\n", expired, "low", "expired"),
                ("Cookie: macaroon-charm=\(v1)\n", v1, "medium", "no-scope"),
                ("Authorization: L402 \(v2):\(String(repeating: "ab", count: 32))\n", v2, "medium", "no-scope"),
                ("Authorization: Bearer \(v2)\n", v2, "medium", "no-scope"),
            ]
        }()
        for item in cases {
            let found = try scan(item.text).findings
            XCTAssertEqual(found.count, 1, item.text)
            XCTAssertEqual(found.first?["kind"] as? String, "macaroon", item.text)
            XCTAssertEqual(found.first?["secret"] as? String, item.token, item.text)
            XCTAssertEqual(found.first?["severity"] as? String, item.severity, item.text)
            XCTAssertTrue(codes(found.first).contains(item.code), "\(item.code) in \(codes(found.first)) for \(item.text)")
            XCTAssertEqual((found.first?["decoded"] as? [String: Any])?["format"] as? String, "macaroon")
        }
    }

    /// The token is never in a report or `redact`'s output; caveats (claims the risk model does
    /// not read) are masked, permissions shown.
    func testMacaroonIsMaskedInReportsAndByRedact() throws {
        let token = TokenMinter.lndMacaroon(permissions: Self.readOnly, caveats: ["ipaddr 203.0.113.77"], seed: "masked")
        let masked = try scan("macaroon_hex = \"\(token)\"\n", extra: [])
        XCTAssertEqual(masked.findings.count, 1)
        XCTAssertFalse(masked.stdout.contains(token))
        XCTAssertFalse(masked.stdout.contains("203.0.113.77"), masked.stdout)
        let claims = (masked.findings.first?["decoded"] as? [String: Any])?["claims"] as? [String: Any]
        XCTAssertEqual((claims?["permissions"] as? [String])?.first, "address:read")
        let redacted = try run(["redact"], stdin: Data("Grpc-Metadata-macaroon: \(token) end\n".utf8))
        XCTAssertFalse(redacted.stdout.contains(token), redacted.stdout)
        XCTAssertTrue(redacted.stdout.hasPrefix("Grpc-Metadata-macaroon: "))
        XCTAssertTrue(redacted.stdout.hasSuffix(" end\n"))
    }

    /// libmacaroons' README example and pymacaroons' serialisation note are documentation samples.
    func testLibmacaroonsExamplesAreDocSamples() throws {
        let vectors = [
            "MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNlY3JldCBrZXkKMDAyZnNpZ25hdHVyZSDj2eApCFJsTAA5rhURQRXZf91ovyujebNCqvD2F9BVLwo",
            "MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNlY3JldCBrZXkKMDAxNmNpZCB0ZXN0ID0gY2F2ZWF0CjAwMmZzaWduYXR1cmUgGXusegRK8zMyhluSZuJtSTvdZopmDkTYjOGpmMI9vWcK",
        ]
        for vector in vectors {
            let found = try scan("m.serialize()\n'\(vector)'\n").findings
            XCTAssertEqual(found.first?["severity"] as? String, "info", vector)
            XCTAssertEqual(codes(found.first), ["doc-sample"])
        }
    }

    func testMacaroonLookAlikesAreNotFindings() throws {
        let admin = TokenMinter.lndMacaroon(permissions: Self.admin, seed: "cut")
        let v1 = TokenMinter.macaroon(version: 1, location: "https://charm.example/", identifier: Array("u".utf8), caveats: [], seed: "cut1")
        let texts = [
            "LND_MACAROON=\(admin.dropLast(12))",
            "Grpc-Metadata-macaroon: \(admin.prefix(200))",
            "Authorization: Bearer \(v1.dropLast(6))",
            "macaroon_hex: 0201036c6e6402f801030a10...",
            "macaroonpath = /home/lnd/.lnd/data/chain/bitcoin/mainnet/admin.macaroon",
            "macaroon_root_key = \(String(repeating: "7a2116dc75be34ca", count: 8))",
            "LND_MACAROON=0201036c6e6402" + String(repeating: "x", count: 120),
        ]
        for text in texts {
            let result = try scan(text + "\n")
            XCTAssertEqual(result.findings.count, 0, "\(text): \(result.stdout)")
        }
    }

    /// A value after `Bearer ` or under a token name that only begins like a version 2 macaroon
    /// (base64 `AgE`/`AgI`, hex `0201`) but holds no macaroon header is the opaque token it is:
    /// judged as one, not dismissed as a macaroon cut short.
    func testValueThatOnlyBeginsLikeAMacaroonIsJudgedAsOpaque() throws {
        let base64 = "Xq7vR2mT9kLw4ZpB8cNd3FgHs6JyUe1aVo5iKt0Qb-Wx2Lr8Tn4Pz6Dy0Mc9Hf3Jg"
        let hex = "9c4e1b7a2f60d83e5a1c47b29f0e6d8a3b5c7e9f1a2b4c6d8e0f13579bdf2468ace0"
        let texts = [
            ("Authorization: Bearer AgI\(base64)\n", "AgI\(base64)"),
            ("Authorization: Bearer AgE\(base64)\n", "AgE\(base64)"),
            ("Authorization: Bearer 0201\(hex)\n", "0201\(hex)"),
            ("ACCESS_TOKEN=AgE\(base64)\n", "AgE\(base64)"),
        ]
        for (text, token) in texts {
            let found = try scan(text).findings
            XCTAssertEqual(found.count, 1, text)
            XCTAssertEqual(found.first?["secret"] as? String, token, text)
            XCTAssertNotEqual(found.first?["kind"] as? String, "macaroon", text)
            XCTAssertNil(found.first?["decoded"], text)
        }
    }

    /// A macaroon without a time caveat is told so in a macaroon's terms, under the stable code.
    func testMacaroonWithoutTimeCaveatSaysSo() throws {
        let token = TokenMinter.macaroon(location: "https://api.example/", identifier: Array("key-3".utf8), caveats: ["ipaddr 10.0.0.7"], seed: "forever")
        let found = try scan("macaroon: \(token)\n").findings
        let reason = (found.first?["reasons"] as? [[String: Any]])?.first { $0["code"] as? String == "no-expiry" }
        let message = reason?["message"] as? String ?? ""
        XCTAssertTrue(message.contains("time caveat"), message)
        XCTAssertFalse(message.contains("exp claim"), message)
    }

    /// The header LND's REST proxy reads, pasted whole, decodes as the macaroon it carries.
    func testDecodeAcceptsGrpcMetadataMacaroonHeader() throws {
        let token = TokenMinter.lndMacaroon(permissions: Self.readOnly, seed: "header")
        for line in ["Grpc-Metadata-macaroon: \(token)", "grpc-metadata-macaroon:\(token)"] {
            let result = try run(["decode", line, "--now", now, "--format", "json", "--fail-on", "never"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let finding = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            XCTAssertEqual(finding?["ruleId"] as? String, "macaroon", line)
            XCTAssertEqual(finding?["severity"] as? String, "medium", line)
        }
    }

    /// `tokenscan decode` shows the caveats, permissions and the assessment.
    func testDecodeShowsMacaroonPermissionsAndAssessment() throws {
        let token = TokenMinter.lndMacaroon(permissions: Self.admin, caveats: ["time-before 2026-02-01T00:00:00Z"], seed: "decode")
        try assertDecodes(
            token, now: now, shows: ["Token (MACAROON)", "lnd", "invoices:write", "(2026-02-01T00:00:00Z, in 31 days)", "Risk          HIGH"],
            rule: "macaroon", refuses: String(token.dropLast(20)))
    }
}
