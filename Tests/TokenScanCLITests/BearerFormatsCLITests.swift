import Foundation
import XCTest
import TokenFormats

/// Bearer formats other than JWT (issue #21), as a user meets them through the binary: found by
/// their own rule, judged by their own claims (design §5), masked, decoded by `tokenscan decode`,
/// and the look-alikes of each left alone.
final class BearerFormatsCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    private func scan(_ text: String, extra: [String] = ["--show-secrets"]) throws -> StdinScan { try scanStdin(text, now: now, extra: extra) }

    private func codes(_ finding: [String: Any]?) -> [String] { reasonCodes(finding) }

    /// PASETO `public`: the claims are read and judged like a JWT's; `local`: medium.
    func testPASETOIsJudgedByItsClaims() throws {
        let cases: [(token: String, severity: String, code: String)] = [
            (TokenMinter.paseto(version: 4, purpose: .public, claims: [
                "sub": "svc", "exp": "2026-06-01T00:00:00+00:00", "scope": "read:orders"], seed: "narrow"), "medium", "scope-narrow"),
            (TokenMinter.paseto(version: 2, purpose: .public, claims: ["sub": "ops", "roles": ["admin"]], seed: "admin"), "critical", "scope-broad"),
            (TokenMinter.paseto(version: 3, purpose: .public, claims: [
                "sub": "ci", "exp": "2025-05-01T12:00:00Z", "scope": "deploy:write"], seed: "expired"), "low", "expired"),
            (TokenMinter.paseto(version: 1, purpose: .public, claims: [
                "sub": "svc", "exp": "2030-01-01T00:00:00Z", "typ": "refresh"], seed: "refresh"), "high", "refresh-token"),
            (TokenMinter.paseto(version: 4, purpose: .local, claims: ["sub": "u"], footer: #"{"kid":"k4.lid.x"}"#, seed: "local"),
             "medium", "encrypted-claims"),
        ]
        for item in cases {
            let found = try scan("Authorization: Bearer \(item.token)\n").findings
            XCTAssertEqual(found.count, 1, item.token)
            XCTAssertEqual(found.first?["ruleId"] as? String, "paseto", item.token)
            XCTAssertEqual(found.first?["kind"] as? String, "paseto")
            XCTAssertEqual(found.first?["secret"] as? String, item.token)
            XCTAssertEqual(found.first?["severity"] as? String, item.severity, item.token)
            XCTAssertTrue(codes(found.first).contains(item.code), "\(item.code) in \(codes(found.first))")
            let decoded = found.first?["decoded"] as? [String: Any]
            XCTAssertEqual(decoded?["format"] as? String, "paseto")
        }
    }

    /// A report shows the registered and scope claims, masks the others, and never the token.
    func testPASETOIsMaskedInReportsAndByRedact() throws {
        let token = TokenMinter.paseto(version: 4, purpose: .public, claims: [
            "sub": "svc", "exp": "2030-01-01T00:00:00Z", "password": "hunter2-Pa55w0rd-claim"], seed: "masked")
        let masked = try scan("token: \(token)\n", extra: [])
        XCTAssertFalse(masked.stdout.contains(token))
        XCTAssertFalse(masked.stdout.contains("hunter2"), "a claim the risk model does not read is masked")
        let claims = ((masked.findings.first?["decoded"] as? [String: Any])?["claims"] as? [String: Any])
        XCTAssertEqual(claims?["sub"] as? String, "svc")
        let redacted = try run(["redact"], stdin: Data("token: \(token) end\n".utf8))
        XCTAssertFalse(redacted.stdout.contains(token), redacted.stdout)
        XCTAssertTrue(redacted.stdout.hasPrefix("token: "))
        XCTAssertTrue(redacted.stdout.hasSuffix(" end\n"))
    }

    /// The specification's own test vectors are documentation samples: info, doc-sample.
    func testPASETOTestVectorIsADocSample() throws {
        // paseto-standard/test-vectors, v4.json, 4-S-1.
        let vector = "v4.public.eyJkYXRhIjoidGhpcyBpcyBhIHNpZ25lZCBtZXNzYWdlIiwiZXhwIjoiMjAyMi0wMS0wMVQwMDowMDowMCswMDowMCJ9bg_XBBzds8lTZShVlwwKSgeKpLT3yukTw6JUz3W4h_ExsQV-P0V54zemZDcAxFaSeef1QlXEFtkqxT1ciiQEDA"
        let found = try scan("const sample = \"\(vector)\"\n").findings
        XCTAssertEqual(found.first?["severity"] as? String, "info")
        XCTAssertEqual(codes(found.first), ["doc-sample"])
    }

    func testPASETOLookAlikesAreNotFindings() throws {
        let texts = [
            // PASERK public key and key id, also after Bearer.
            "Authorization: Bearer k4.public.cHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo8",
            #"footer = {"kid":"k4.pid.9ShR3xc8-qVJ_di0tc9nx0IDIqbatdeM2mqLFBJsKRHs"}"#,
            // Cut short, and a signed message that is not claims, also after Bearer.
            "Authorization: Bearer " + String(TokenMinter.paseto(version: 4, purpose: .public, claims: ["sub": "x"], seed: "cut").prefix(70)),
            "Authorization: Bearer v4.public." + Base64.urlEncode(Array("not claims at all, only a message".utf8) + [UInt8](repeating: 7, count: 64)),
            "token = v4.local." + String(repeating: "x", count: 120),
        ]
        for text in texts {
            let result = try scan(text + "\n")
            XCTAssertEqual(result.findings.count, 0, "\(text): \(result.stdout)")
        }
    }

    /// `tokenscan decode` shows a PASETO token's claims and the assessment.
    func testDecodeShowsPASETOClaimsAndAssessment() throws {
        let token = TokenMinter.paseto(version: 4, purpose: .public, claims: [
            "sub": "ops", "iss": "https://auth.example", "roles": ["admin"], "exp": "2026-01-01T00:30:00Z"], footer: #"{"kid":"key-7"}"#,
            seed: "decode")
        // Broad scope with an expiry is high; less than an hour left makes it one level lower.
        let finding = try assertDecodes(
            token, now: now,
            shows: ["Token (PASETO)", "https://auth.example", "(2026-01-01T00:30:00Z, in 30 minutes)", "key-7", "Risk          MEDIUM", "[expires-soon]"],
            rule: "paseto", refuses: "v4.public.c2hvcnQ", jsonInput: "Authorization: Bearer \(token)")
        let decoded = finding["decoded"] as? [String: Any]
        XCTAssertEqual((decoded?["expiry"] as? [String: Any])?["status"] as? String, "active")
        XCTAssertEqual((decoded?["scopes"] as? [[String: Any]])?.first?["value"] as? String, "admin")
    }

    /// Fernet and Keystone tokens: encrypted, so medium, with the time they were made.
    func testFernetIsMediumWithItsCreationTime() throws {
        let keystone = TokenMinter.fernet(timestamp: 1_767_139_200, blocks: 9, padded: false, seed: "keystone")
        let python = TokenMinter.fernet(timestamp: 1_764_547_200, seed: "python")
        let found = try scan("X-Subject-Token: \(keystone)\nprint(b'\(python)')\n").findings
        XCTAssertEqual(found.compactMap { $0["secret"] as? String }, [keystone, python])
        for finding in found {
            XCTAssertEqual(finding["ruleId"] as? String, "fernet")
            XCTAssertEqual(finding["severity"] as? String, "medium")
            XCTAssertEqual(codes(finding), ["encrypted-claims"])
        }
        let reason = (found.first?["reasons"] as? [[String: Any]])?.first?["message"] as? String ?? ""
        XCTAssertTrue(reason.contains("It was made 1 day ago (2025-12-31T00:00:00Z)"), reason)
        let decoded = try run(["decode", keystone, "--now", now])
        XCTAssertTrue(decoded.stdout.contains("Token (FERNET)"), decoded.stdout)
        XCTAssertTrue(decoded.stdout.contains("2025-12-31T00:00:00Z"), decoded.stdout)
        XCTAssertTrue(decoded.stdout.contains("Claims        encrypted"), decoded.stdout)
        // The specification's test vector is a documentation sample; a token cut inside its
        // ciphertext, or a placeholder, is none.
        let vector = "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA=="
        let sample = try scan("token = '\(vector)'\n").findings
        XCTAssertEqual(sample.first?["severity"] as? String, "info")
        let cut = String(TokenMinter.fernet(timestamp: 1_767_139_200, blocks: 2, padded: false, seed: "cut").dropLast(5))
        XCTAssertEqual(try scan("X-Auth-Token: \(cut)\nX-Auth-Token: gAAAAA\(String(repeating: "x", count: 120))\n").findings.count, 0)
    }

    /// RFC 9449: `Authorization: DPoP <token>` carries an access token as `Bearer` does.
    func testDPoPSchemeCarriesAnOpaqueToken() throws {
        let token = TokenMinter.opaque(length: 40, seed: "dpop-opaque")
        let found = try scan("Authorization: DPoP \(token)\nDPoP: proofs bind the token to a key\n").findings
        XCTAssertEqual(found.compactMap { $0["ruleId"] as? String }, ["authorization-bearer"])
        XCTAssertEqual(found.first?["secret"] as? String, token)
    }
}
