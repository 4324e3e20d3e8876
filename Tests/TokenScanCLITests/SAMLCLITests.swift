import Foundation
import XCTest
import TokenFormats

/// SAML 2.0 bearer assertions (issue #21) as a user meets them through the binary: HTTP-POST
/// `SAMLResponse` values (base64, percent-encoded form bodies, HAR name/value pairs), RFC 7522
/// assertion grants and raw assertion XML, judged by their conditions and role attributes (design
/// §5), masked in reports and by `redact`, decoded by `tokenscan decode`; messages without an
/// assertion and hostile XML left alone.
final class SAMLCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    /// `now` in Unix seconds.
    let clock = 1_767_225_600.0

    private func scan(_ text: String, extra: [String] = ["--show-secrets"]) throws -> StdinScan { try scanStdin(text, now: now, extra: extra) }

    private func codes(_ finding: [String: Any]?) -> [String] { reasonCodes(finding) }

    private func assertion(
        roles: [String], attribute: String = "https://aws.amazon.com/SAML/Attributes/Role", until: Double?, style: TokenMinter.SAMLStyle = .saml2,
        seed: String
    ) -> String {
        TokenMinter.samlAssertion(
            issuer: "https://idp.example.com/saml2/idp", audience: "urn:amazon:webservices", subject: "alice@example.com", issued: clock - 60,
            notBefore: clock - 120, notOnOrAfter: until, confirmedUntil: until.map { $0 - 60 },
            attributes: [(attribute, roles), ("email", ["alice@example.com"])], style: style, seed: seed)
    }

    /// Role attributes are the scope (an administrator's role is broad), `NotOnOrAfter` the expiry.
    func testAssertionsAreJudgedByRolesAndConditions() throws {
        let adminRole = "arn:aws:iam::123456789012:role/OrgAdmin,arn:aws:iam::123456789012:saml-provider/ExampleIdP"
        let admin = assertion(roles: [adminRole], until: nil, seed: "admin")
        let adminHour = assertion(roles: [adminRole], until: clock + 3 * 3600, style: .saml, seed: "hours")
        let reader = assertion(roles: ["ReadOnly"], attribute: "Role", until: clock + 3600 * 5, style: .unprefixed, seed: "reader")
        let expired = assertion(roles: [adminRole], until: clock - 86_400, seed: "expired")
        let post = TokenMinter.samlEncode(TokenMinter.samlResponse(assertion: admin, issued: clock - 60, seed: "r1"), .formEncoded)
        let har = TokenMinter.samlEncode(TokenMinter.samlResponse(assertion: adminHour, issued: clock - 60, style: .saml, seed: "r2"), .base64)
        let grant = TokenMinter.samlEncode(reader, .base64url)
        let json = TokenMinter.samlEncode(TokenMinter.samlResponse(assertion: expired, issued: clock - 90_000, xmlDeclaration: false, seed: "r3"), .base64)
        let encrypted = TokenMinter.samlEncode(
            TokenMinter.samlResponse(assertion: TokenMinter.samlEncryptedAssertion(seed: "e"), issued: clock, seed: "r4"), .base64)
        let cases: [(text: String, token: String, rule: String, severity: String, code: String)] = [
            ("POST /saml/acs HTTP/1.1 body: SAMLResponse=\(post)&RelayState=%2Fconsole\n", post, "saml-response", "critical", "scope-broad"),
            ("{\"postData\": {\"params\": [{\"name\": \"SAMLResponse\", \"value\": \"\(har)\"}]}}\n", har, "saml-response", "high", "scope-broad"),
            ("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Asaml2-bearer&assertion=\(grant)&client_id=s6BhdRkqt3\n", grant, "saml-response", "medium", "scope-narrow"),
            ("{\"payload\": \"\(json)\"}\n", json, "saml-encoded", "low", "expired"),
            ("SAMLResponse: \(encrypted)\n", encrypted, "saml-response", "medium", "encrypted-claims"),
            ("2026-01-01T00:00:00Z DEBUG received\n\(admin)\n", admin, "saml-assertion", "critical", "no-expiry"),
        ]
        for item in cases {
            let found = try scan(item.text).findings
            XCTAssertEqual(found.count, 1, item.text)
            XCTAssertEqual(found.first?["ruleId"] as? String, item.rule, item.text)
            XCTAssertEqual(found.first?["kind"] as? String, "saml", item.text)
            XCTAssertEqual(found.first?["secret"] as? String, item.token, item.text)
            XCTAssertEqual(found.first?["severity"] as? String, item.severity, item.text)
            XCTAssertTrue(codes(found.first).contains(item.code), "\(item.code) in \(codes(found.first)) for \(item.text)")
            XCTAssertEqual((found.first?["decoded"] as? [String: Any])?["format"] as? String, "saml")
        }
    }

    /// Pretty-printed XML over many lines is one assertion, reported from its start tag to its end tag.
    func testPrettyPrintedAssertionIsOneFinding() throws {
        let xml = assertion(roles: ["Admins"], attribute: "groups", until: clock + 86_400, seed: "pretty")
            .replacing("><", with: ">\n  <")
        let found = try scan("<!-- fixture -->\n\(xml)\n").findings
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?["line"] as? Int, 2)
        XCTAssertEqual(found.first?["severity"] as? String, "high")
    }

    /// Neither the encoded value nor personal attributes are in a report; `redact` masks the whole
    /// encoded value and nothing around it.
    func testSAMLIsMaskedInReportsAndByRedact() throws {
        let xml = assertion(roles: ["ReadOnly"], attribute: "Role", until: clock + 7200, seed: "masked")
        let response = TokenMinter.samlEncode(TokenMinter.samlResponse(assertion: xml, issued: clock, seed: "masked"), .formEncoded)
        let masked = try scan("SAMLResponse=\(response)&RelayState=x\n", extra: [])
        XCTAssertEqual(masked.findings.count, 1)
        XCTAssertFalse(masked.stdout.contains(response))
        XCTAssertFalse(masked.stdout.contains(String(response.prefix(40))), masked.stdout)
        let claims = (masked.findings.first?["decoded"] as? [String: Any])?["claims"] as? [String: Any]
        let attributes = claims?["attributes"] as? [String: Any]
        XCTAssertEqual(attributes?["Role"] as? [String], ["ReadOnly"])
        XCTAssertFalse(masked.stdout.contains("alice@example.com\"]"), "the email attribute is masked")
        XCTAssertEqual(claims?["iss"] as? String, "https://idp.example.com/saml2/idp")
        let redacted = try run(["redact"], stdin: Data("body SAMLResponse=\(response)&RelayState=x\n".utf8))
        XCTAssertFalse(redacted.stdout.contains(String(response.prefix(30))), redacted.stdout)
        XCTAssertTrue(redacted.stdout.hasPrefix("body SAMLResponse="))
        XCTAssertTrue(redacted.stdout.hasSuffix("&RelayState=x\n"), redacted.stdout)
    }

    /// Messages that carry no assertion, and XML that declares entities, are no findings; they
    /// are counted as dismissed.
    func testMessagesWithoutAssertionAreNotFindings() throws {
        let failed = TokenMinter.samlResponse(assertion: nil, issued: clock, status: "Requester", subStatus: "AuthnFailed", seed: "failed")
        let logout = TokenMinter.samlOtherMessage("LogoutResponse", issued: clock, seed: "logout")
        let request = TokenMinter.samlOtherMessage("AuthnRequest", style: .saml, issued: clock, seed: "request")
        let metadata = TokenMinter.samlOtherMessage("EntityDescriptor", issued: clock, seed: "metadata")
        let cut = TokenMinter.samlEncode(
            TokenMinter.samlResponse(assertion: assertion(roles: ["Admin"], until: nil, seed: "cut"), issued: clock, seed: "cut"), .base64)
        let texts = [
            "SAMLResponse=\(TokenMinter.samlEncode(failed, .formEncoded))&RelayState=x",
            "SAMLResponse=\(TokenMinter.samlEncode(logout, .formEncoded))",
            "SAMLRequest=\(TokenMinter.samlEncode(request, .formEncoded))",
            "{\"SAMLResponse\": \"\(TokenMinter.samlEncode(failed, .base64))\"}",
            failed,
            metadata,
            "metadata: \(TokenMinter.samlEncode(metadata, .base64))",
            "SAMLResponse=\(cut.prefix(cut.count / 2))",
            #"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_x" IssueInstant="2025-12-31T00:00:00Z" Version="2.0"><saml:Issuer>&lol2;</saml:Issuer><saml:Subject><saml:NameID>bob</saml:NameID></saml:Subject></saml:Assertion>"#,
        ]
        for text in texts {
            let result = try scan(text + "\n")
            XCTAssertEqual(result.findings.count, 0, "\(text.prefix(120)): \(result.stdout)")
        }
        let summary = try run(["scan", "-", "--now", now, "--format", "json", "--fail-on", "never"], stdin: Data("SAMLResponse=\(TokenMinter.samlEncode(failed, .formEncoded))\n".utf8))
        XCTAssertTrue(summary.stdout.contains("\"no-assertion\""), summary.stdout)
    }

    /// `tokenscan decode` shows the issuer, subject, audience, times, roles and the assessment.
    func testDecodeShowsAssertionClaimsAndAssessment() throws {
        let xml = assertion(roles: ["arn:aws:iam::123456789012:role/OrgAdmin"], until: clock + 2 * 86_400, seed: "decode")
        let response = TokenMinter.samlEncode(TokenMinter.samlResponse(assertion: xml, issued: clock, seed: "decode"), .base64)
        try assertDecodes(
            response, now: now,
            shows: ["Token (SAML)", "https://idp.example.com/saml2/idp", "alice@example.com", "urn:amazon:webservices", "role/OrgAdmin",
                    "Success", "Risk          HIGH"],
            rule: "saml-response", refuses: String(response.prefix(response.count - 200)))
    }

    /// The OneLogin toolkits' published test response (Rules/doc-samples.txt, read from there so
    /// that no copy sits in this file) is a documentation sample where it is the field's value.
    func testPublishedTestResponseIsDocSample() throws {
        let samples = try String(contentsOf: RepositorySnapshot.repositoryRoot.appendingPathComponent("Rules/doc-samples.txt"), encoding: .utf8)
        let line = try XCTUnwrap(samples.split(separator: "\n").first { $0.hasSuffix("unsigned_response.xml.base64)") })
        let vector = String(line.prefix { $0 != " " })
        let found = try scan("SAMLResponse=\(vector)&RelayState=\n").findings
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?["severity"] as? String, "info")
        XCTAssertEqual(codes(found.first), ["doc-sample"])
    }

    /// A response longer than the rules' maxLength (hundreds of group values) is whole in the
    /// text: reported from its first bytes without its claims (medium, `token-too-long`), as a JWT
    /// past the same limit is, never dismissed as cut short.
    func testResponseLongerThanMaxLengthIsReportedUndecoded() throws {
        let groups = (0..<400).map { "group-\($0)" }
        let xml = assertion(roles: groups, attribute: "groups", until: clock + 3600 * 5, seed: "long")
        let response = TokenMinter.samlEncode(TokenMinter.samlResponse(assertion: xml, issued: clock, seed: "long"), .base64)
        XCTAssertGreaterThan(response.utf8.count, 16384)
        let found = try scan("SAMLResponse=\(response)&RelayState=x\n").findings
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?["severity"] as? String, "medium")
        XCTAssertEqual(codes(found.first), ["token-too-long"])
        XCTAssertTrue(response.hasPrefix(found.first?["secret"] as? String ?? "-"))
        let redacted = try run(["redact"], stdin: Data("SAMLResponse=\(response)&RelayState=x\n".utf8))
        XCTAssertFalse(redacted.stdout.contains(String(response.suffix(200))), "the whole value is masked, past maxLength too")
        XCTAssertTrue(redacted.stdout.hasSuffix("&RelayState=x\n"), redacted.stdout.suffix(80).description)
    }
}
