import Foundation
import XCTest
import TokenFormats
import TokenScanModel

/// What a report discloses by default (issue 17): claim values the risk model does not use are
/// masked, and a token longer than its rule's `maxLength` is redacted whole in snippets.
final class DisclosureCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    static let password = "hunter2-Pa55w0rd-claim"
    static let clientSecret = "cs-7f1e9b2c4d5a6e8f0a1b"
    static let jwkKey = "GawgguFyGrWKav7AX4VKUg-jwk-secret"
    static let headerJWK = "hdr-jwk-n-1b2c3d4e5f60718293"

    var token: String {
        TokenMinter.jwt(header: ["jwk": ["kty": "oct", "k": .string(DisclosureCLITests.headerJWK)]], claims: [
            "iss": "https://auth.example", "sub": "svc", "scope": "read:x", "exp": 1_900_000_000,
            "password": .string(DisclosureCLITests.password), "client_secret": .string(DisclosureCLITests.clientSecret),
            "cnf": ["jwk": ["kty": "oct", "k": .string(DisclosureCLITests.jwkKey)]],
            "realm_access": ["roles": ["reader"], "note": "hidden-note-value"],
        ])
    }

    func testClaimsOutsideTheRiskModelAreMaskedByDefault() throws {
        let secrets = [DisclosureCLITests.password, DisclosureCLITests.clientSecret, DisclosureCLITests.jwkKey,
                       DisclosureCLITests.headerJWK, "hidden-note-value"]
        let input = Data("t=\(token)\n".utf8)
        for format in ["text", "json", "jsonl", "sarif"] {
            let result = try run(["scan", "-", "--now", now, "--format", format], stdin: input)
            XCTAssertEqual(result.status, 1, result.stderr)
            for secret in secrets {
                XCTAssertFalse(result.stdout.contains(secret), "\(format) shows \(secret)")
                XCTAssertFalse(result.stderr.contains(secret), "\(format) stderr shows \(secret)")
            }
        }
        let jsonl = try run(["scan", "-", "--now", now, "--format", "jsonl"], stdin: input)
        // The password and client secret in the claims are findings of their own (design §4).
        let objects = try jsonl.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let object = try XCTUnwrap(objects.first { $0["kind"] as? String == "jwt" }, jsonl.stdout)
        let jwt = object["jwt"] as! [String: Any]
        let claims = jwt["claims"] as! [String: Any]
        XCTAssertEqual(claims["sub"] as? String, "svc", "registered claims are kept")
        XCTAssertEqual(claims["scope"] as? String, "read:x", "scope claims are kept")
        XCTAssertEqual(claims["iss"] as? String, "https://auth.example")
        XCTAssertEqual(claims["password"] as? String, "*** (string, \(DisclosureCLITests.password.count) characters)", "the key stays, the value is masked")
        XCTAssertEqual(claims["cnf"] as? String, "*** (object, 1 key)")
        XCTAssertEqual((claims["realm_access"] as? [String: Any])?["roles"] as? [String], ["reader"], "a scope path inside an object is kept")
        XCTAssertEqual((claims["realm_access"] as? [String: Any])?["note"] as? String, "*** (string, 17 characters)")
        let header = jwt["header"] as! [String: Any]
        XCTAssertEqual(header["alg"] as? String, "HS256")
        XCTAssertEqual(header["jwk"] as? String, "*** (object, 2 keys)")

        let shown = try run(["scan", "-", "--now", now, "--format", "json", "--show-secrets"], stdin: input)
        for secret in secrets { XCTAssertTrue(shown.stdout.contains(secret), "--show-secrets shows \(secret)") }

        let decoded = try run(["decode", token, "--now", now, "--format", "json"])
        for secret in secrets { XCTAssertFalse(decoded.stdout.contains(secret), "decode --format json shows \(secret)") }
        let decodedText = try run(["decode", token, "--now", now])
        for secret in secrets { XCTAssertFalse(decodedText.stdout.contains(secret), "decode shows \(secret)") }
        XCTAssertTrue(decodedText.stdout.contains("password"), decodedText.stdout)
    }

    /// A JWT longer than the `jwt` rule's 16 KiB is reported from its start; its snippet must not
    /// show the part after the cut (the end of the claims and the signature).
    func testTokenLongerThanMaxLengthIsRedactedWhole() throws {
        let long = TokenMinter.jwt(claims: ["sub": "long", "exp": 1_900_000_000,
                                            "pad": .string(TokenMinter.opaque(length: 20_000, seed: "long-claims"))])
        XCTAssertGreaterThan(long.utf8.count, 16_384)
        let tail = String(long.suffix(60))
        // Right after the cut: what the snippet used to show.
        let middle = String(long.dropFirst(16_390).prefix(30))
        for format in ["text", "json", "jsonl", "sarif"] {
            let result = try run(["scan", "-", "--now", now, "--format", format], stdin: Data("before \(long) after\n".utf8))
            XCTAssertEqual(result.status, 1, result.stderr)
            XCTAssertFalse(result.stdout.contains(tail), "\(format) shows the end of the token")
            XCTAssertFalse(result.stdout.contains(middle), "\(format) shows the part after the cut")
            if format == "jsonl" {
                let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
                let snippet = object["snippet"] as? String ?? ""
                XCTAssertTrue(snippet.hasPrefix("before eyJh…["), snippet.prefix(200).description)
                // Nothing of the token follows its redaction (the line's context may end before "after").
                let rest = snippet.components(separatedBy: " chars redacted]").last ?? snippet
                XCTAssertTrue(rest.isEmpty || rest.hasPrefix(" "), snippet.suffix(200).description)
            }
        }
    }
}
