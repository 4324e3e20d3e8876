import Foundation
import XCTest
import FixtureKit
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanJudge
import FuzzKit

/// SAML 2.0 messages taken apart (`SAML`, `XMLReader`): what each encoding and namespace style
/// states, the earliest `NotOnOrAfter`, role attributes, messages without an assertion, hostile
/// XML (DTDs, entities, depth, size, cut input); the decoder's facts as the risk model judges
/// them; and the rule file's examples checked against the minter they claim to come from.
final class SAMLTests: XCTestCase {
    let clock = 1_767_225_600.0

    func testReadsResponsesInEveryStyleAndEncoding() throws {
        for style in TokenMinter.SAMLStyle.allCases {
            let xml = TokenMinter.samlAssertion(
                issuer: "https://idp.example/\(style)", audience: "https://sp.example/", subject: "bob@example.com", issued: clock,
                notBefore: clock - 60, notOnOrAfter: clock + 3600, confirmedUntil: clock + 300,
                attributes: [("groups", ["Admins", "Users"]), ("email", ["bob@example.com"])], style: style, seed: "\(style)")
            let response = TokenMinter.samlResponse(assertion: xml, issued: clock, style: style, seed: "\(style)")
            for (encoding, text, expected) in [
                (TokenMinter.SAMLEncoding.base64, TokenMinter.samlEncode(response, .base64), SAMLMessage.Encoding.base64),
                (.base64url, TokenMinter.samlEncode(response, .base64url), .base64url),
                (.formEncoded, TokenMinter.samlEncode(response, .formEncoded), .base64),
            ] {
                let message = try SAML.decode(Array(text.utf8)).get()
                XCTAssertEqual(message.root, "Response", "\(style) \(encoding)")
                XCTAssertEqual(message.encoding, expected, "\(style) \(encoding)")
                XCTAssertEqual(message.percentEncoded, encoding == .formEncoded && text.contains("%"))
                XCTAssertEqual(message.status, "Success")
                let assertion = try XCTUnwrap(message.assertion)
                XCTAssertEqual(assertion.issuer, "https://idp.example/\(style)")
                XCTAssertEqual(assertion.subject, "bob@example.com")
                XCTAssertEqual(assertion.audiences, ["https://sp.example/"])
                XCTAssertEqual(assertion.issueInstant, clock)
                XCTAssertEqual(assertion.notBefore, clock - 60)
                XCTAssertEqual(assertion.notOnOrAfter, clock + 300, "the earlier of the conditions' and the confirmation's")
                XCTAssertEqual(assertion.confirmationMethods, ["urn:oasis:names:tc:SAML:2.0:cm:bearer"])
                XCTAssertEqual(assertion.attributes.map(\.name), ["groups", "email"])
                XCTAssertEqual(assertion.attributes.first?.values, ["Admins", "Users"])
                XCTAssertTrue(assertion.signed)
            }
            // The assertion alone, raw and pretty-printed.
            XCTAssertEqual(try SAML.decode(Array(xml.utf8)).get().assertion?.subject, "bob@example.com")
            let pretty = xml.replacing("><", with: ">\n    <")
            XCTAssertEqual(try SAML.decode(Array(pretty.utf8)).get().assertion?.issuer, "https://idp.example/\(style)")
        }
    }

    func testEncryptedAssertionsAndMessagesWithoutOne() throws {
        let encrypted = TokenMinter.samlResponse(assertion: TokenMinter.samlEncryptedAssertion(seed: "e"), issued: clock, seed: "e")
        let message = try SAML.decode(Array(TokenMinter.samlEncode(encrypted, .base64).utf8)).get()
        XCTAssertNil(message.assertion)
        XCTAssertEqual(message.encryptedAssertions, 1)
        let failed = TokenMinter.samlResponse(assertion: nil, issued: clock, status: "Requester", subStatus: "AuthnFailed", seed: "f")
        XCTAssertEqual(SAML.decode(Array(failed.utf8)), .failure(.noAssertion(status: "Requester")))
        for root in ["AuthnRequest", "LogoutRequest", "LogoutResponse", "EntityDescriptor"] {
            let other = TokenMinter.samlOtherMessage(root, issued: clock, seed: root)
            XCTAssertEqual(SAML.decode(Array(TokenMinter.samlEncode(other, .base64).utf8)), .failure(.notAssertion(root, saml: true)), root)
        }
        XCTAssertEqual(SAML.decode(Array("<html><body>Response</body></html>".utf8)), .failure(.notAssertion("html", saml: false)))
        XCTAssertEqual(SAML.decode(Array("PHNhbWxwOlJlc3BvbnNl!!".utf8)), .failure(.notXML))
        XCTAssertEqual(SAML.decode(Array("UGFzc3dvcmQxMjM0NTY3ODkw".utf8)), .failure(.notXML), "base64 of text that is no XML")
    }

    /// Scanned input is hostile: a DTD is never processed, undeclared entities are refused, and
    /// size, depth, element and attribute counts are bounded; cut input is told apart.
    func testHostileXMLIsRefused() {
        let assertionStart = #"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z">"#
        let laughs = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>"#
            + assertionStart + "<saml:Issuer>&lol1;</saml:Issuer></saml:Assertion>"
        XCTAssertEqual(XMLReader.parse(Array(laughs.utf8)), .failure(.declaration))
        let external = #"<!DOCTYPE x SYSTEM "http://attacker.example/x.dtd">"# + assertionStart + "</saml:Assertion>"
        XCTAssertEqual(XMLReader.parse(Array(external.utf8)), .failure(.declaration))
        XCTAssertEqual(XMLReader.parse(Array((assertionStart + "<saml:Issuer>&xxe;</saml:Issuer></saml:Assertion>").utf8)), .failure(.entity("xxe")))
        XCTAssertEqual(
            try XMLReader.parse(Array((assertionStart + "<saml:Issuer>a &amp; b &#x3C;&#60;</saml:Issuer></saml:Assertion>").utf8)).get().children.first?.text,
            "a & b <<")
        let deep = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        XCTAssertEqual(XMLReader.parse(Array(deep.utf8)), .failure(.limit("nested deeper than 32 elements")))
        var limits = XMLReader.Limits()
        limits.maxElements = 50
        let wide = "<a>" + String(repeating: "<b/>", count: 60) + "</a>"
        XCTAssertEqual(XMLReader.parse(Array(wide.utf8), limits: limits), .failure(.limit("more than 50 elements")))
        let attributes = "<a " + (0..<70).map { "x\($0)=\"1\"" }.joined(separator: " ") + "/>"
        XCTAssertEqual(XMLReader.parse(Array(attributes.utf8)), .failure(.limit("more than 64 attributes on one element")))
        XCTAssertEqual(XMLReader.parse([UInt8](repeating: 0x20, count: (1 << 20) + 1)), .failure(.limit("larger than 1048576 bytes")))
        XCTAssertEqual(XMLReader.parse(Array("<a><b>text</a>".utf8)), .failure(.malformed("an end tag that does not match its start tag")))
        XCTAssertEqual(XMLReader.parse(Array("<p:a>x</p:a>".utf8)), .failure(.malformed("the prefix 'p' is not declared")))
        // An assertion printed without the response that declares its prefix reads with SAML's
        // conventional prefixes (OneLogin's and SimpleSAMLphp's responses declare `saml` once).
        let bare = TokenMinter.samlAssertion(issued: clock, style: .saml, seed: "bare").replacing(#" xmlns:saml="\#(SAML.assertionNamespace)""#, with: "")
        XCTAssertFalse(bare.contains("xmlns:saml="))
        XCTAssertEqual(XMLReader.parse(Array(bare.utf8)), .failure(.malformed("the prefix 'saml' is not declared")))
        XCTAssertEqual(try SAML.decode(Array(bare.utf8)).get().assertion?.subject, "alice@example.com")
        XCTAssertEqual(XMLReader.parse(Array(#"<a x="1" x="2"/>"#.utf8)), .failure(.malformed("an attribute given twice")))
        // Cut short, as raw XML and as base64 cut anywhere.
        let response = TokenMinter.samlResponse(
            assertion: TokenMinter.samlAssertion(issued: clock, notOnOrAfter: clock + 60, seed: "cut"), issued: clock, seed: "cut")
        for cut in [1, 7, 100, 1000, response.utf8.count - 40] {
            XCTAssertEqual(SAML.decode(Array(response.utf8.dropLast(cut))), .failure(.xml(.truncated)), "\(cut)")
        }
        let encoded = TokenMinter.samlEncode(response, .base64)
        for cut in [4, 8, 400, 2000] {
            XCTAssertEqual(SAML.decode(Array(encoded.utf8.dropLast(cut))), .failure(.xml(.truncated)), "\(cut)")
        }
        XCTAssertEqual(SAML.decode(Array(encoded.utf8.dropLast(3))), .failure(.notXML), "a length base64 cannot have")
    }

    /// Minted responses damaged at random (bytes changed, cut, spliced, nested): every outcome is
    /// a message or a typed error, never a crash or a tree past the reader's bounds (the fuzz
    /// target `decoders` checks the same on arbitrary bytes).
    func testDamagedResponsesNeverCrashTheReader() {
        let xml = Array(TokenMinter.samlResponse(
            assertion: TokenMinter.samlAssertion(issued: clock, notOnOrAfter: clock + 60, attributes: [("Role", ["admin"])], seed: "d"),
            issued: clock, seed: "d").utf8)
        // Seeded (SplitMix64), so that a failure replays: the same 3000 damaged inputs every run.
        var generator = SplitMix64(seed: 21)
        var outcomes: Set<String> = []
        for round in 0..<3000 {
            var damaged = xml
            switch round % 4 {
            case 0: for _ in 0..<(1 + round % 5) { damaged[Int.random(in: 0..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            case 1: damaged = Array(damaged.prefix(Int.random(in: 0..<damaged.count, using: &generator)))
            case 2:
                let at = Int.random(in: 0..<damaged.count, using: &generator)
                damaged.insert(contentsOf: Array("<a><b x='&#0;'><![CDATA[<!DOCTYPE]]></b>".utf8), at: at)
            default:
                let at = Int.random(in: 0..<damaged.count, using: &generator)
                damaged.insert(contentsOf: Array(String(repeating: "<n>", count: round % 64).utf8), at: at)
            }
            FuzzTargets.run("decoders", damaged) { XCTFail($0) }
            switch SAML.decode(damaged) {
            case .success: outcomes.insert("message")
            case .failure(let error): outcomes.insert("\(error)".prefix { $0 != "(" }.description)
            }
        }
        XCTAssertTrue(outcomes.isSuperset(of: ["message", "xml"]), "damage is told apart as errors: \(outcomes)")
    }

    /// The decoder's facts, judged by the one risk model: role values by `Rules/scopes.toml`.
    func testDecodedAssertionsAreJudgedAsJWTClaimsAre() throws {
        let settings = AnalysisSettings(now: Date(timeIntervalSince1970: clock), showSecrets: true)
        let rules = TestSupport.builtinRules()
        func judge(_ xml: String) throws -> Finding {
            try TokenDecoder.finding(for: TokenMinter.samlEncode(TokenMinter.samlResponse(assertion: xml, issued: clock, seed: "j"), .base64), settings: settings, rules: rules)
        }
        let awsAdmin = "arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/Okta"
        let cases: [(attributes: [(name: String, values: [String])], until: Double?, severity: Severity, code: String)] = [
            ([("https://aws.amazon.com/SAML/Attributes/Role", [awsAdmin])], nil, .critical, "no-expiry"),
            ([("http://schemas.microsoft.com/ws/2008/06/identity/claims/role", ["GlobalAdmin"])], clock + 7200, .high, "scope-broad"),
            ([("memberOf", ["cn=readers,ou=groups,dc=example,dc=com"])], clock + 7200, .medium, "scope-narrow"),
            ([("eduPersonEntitlement", ["urn:mace:dir:entitlement:common-lib-terms"])], clock + 7200, .medium, "scope-narrow"),
            ([("department", ["Engineering"])], clock + 7200, .medium, "no-scope"),
            ([("Role", ["admin"])], clock - 10, .low, "expired"),
            ([("Role", ["admin"])], clock + 600, .medium, "expires-soon"),
        ]
        for item in cases {
            let finding = try judge(TokenMinter.samlAssertion(issued: clock - 60, notOnOrAfter: item.until, attributes: item.attributes, seed: "j"))
            XCTAssertEqual(finding.severity, item.severity, "\(item.attributes)")
            XCTAssertTrue(finding.reasons.contains { $0.code == item.code }, "\(item.code) in \(finding.reasons.map(\.code))")
            XCTAssertEqual(finding.kind, "saml")
        }
        let noExpiry = try judge(TokenMinter.samlAssertion(issued: clock, attributes: [("Role", ["viewer"])], seed: "n"))
        XCTAssertTrue(noExpiry.reasons.contains { $0.code == "no-expiry" && $0.message.contains("NotOnOrAfter") }, "\(noExpiry.reasons)")
        let encrypted = try TokenDecoder.finding(
            for: TokenMinter.samlEncode(TokenMinter.samlResponse(assertion: TokenMinter.samlEncryptedAssertion(seed: "x"), issued: clock, seed: "x"), .base64),
            settings: settings, rules: rules)
        XCTAssertEqual(encrypted.severity, .medium)
        XCTAssertEqual(encrypted.reasons.map(\.code), ["encrypted-claims"])
    }

    /// What Rules/saml.toml's examples were minted from: (rule, comment, text around the value, value).
    static func ruleExamples() -> [(rule: String, comment: String, text: String, secret: String)] {
        let issued = 1_699_999_800.0, until = issued + 300
        let aws = [("https://aws.amazon.com/SAML/Attributes/Role", ["arn:aws:iam::123456789012:role/OrgAdmin,arn:aws:iam::123456789012:saml-provider/ExampleIdP"]),
                   ("https://aws.amazon.com/SAML/Attributes/RoleSessionName", ["alice"])]
        let post = TokenMinter.samlEncode(TokenMinter.samlResponse(
            assertion: TokenMinter.samlAssertion(
                audience: "urn:amazon:webservices", issued: issued, notBefore: issued - 5, notOnOrAfter: until, confirmedUntil: until, attributes: aws,
                seed: "rule/post"),
            destination: "https://signin.aws.amazon.com/saml", issued: issued, seed: "rule/post"), .formEncoded)
        let har = TokenMinter.samlEncode(TokenMinter.samlResponse(
            assertion: TokenMinter.samlAssertion(
                subject: "bob@example.com", issued: issued, notOnOrAfter: until, confirmedUntil: until,
                attributes: [("groups", ["engineering", "on-call"])], style: .saml, signed: false, seed: "rule/har"),
            issued: issued, style: .saml, seed: "rule/har"), .base64)
        let grant = TokenMinter.samlEncode(TokenMinter.samlAssertion(
            issuer: "https://idp.example.com", audience: "https://authz.example.net/token.oauth2", subject: "brian@example.com", issued: issued,
            notOnOrAfter: until, confirmedUntil: until, style: .saml, signed: false, seed: "rule/grant"), .base64url)
        let encrypted = TokenMinter.samlEncode(TokenMinter.samlResponse(
            assertion: TokenMinter.samlEncryptedAssertion(plaintextLength: 600, seed: "rule/encrypted"), issued: issued, seed: "rule/encrypted"), .base64)
        let unprefixed = TokenMinter.samlEncode(TokenMinter.samlResponse(
            assertion: TokenMinter.samlAssertion(
                issuer: "https://sts.windows.net/9188040d-6c67-4c5b-b112-36a304b66dad/", audience: "api://payroll", subject: "carol@example.com",
                issued: issued, notBefore: issued - 300, notOnOrAfter: issued + 3600, confirmedUntil: until,
                attributes: [("http://schemas.microsoft.com/ws/2008/06/identity/claims/role", ["Payroll.Reader"])], style: .unprefixed, signed: false,
                seed: "rule/entra"),
            issued: issued, xmlDeclaration: false, style: .unprefixed, seed: "rule/entra"), .base64)
        let raw = TokenMinter.samlAssertion(
            issuer: "https://idp.example.org/simplesaml/saml2/idp/metadata.php", audience: "https://wiki.example.org/", subject: "dave@example.org",
            issued: issued, notOnOrAfter: until, confirmedUntil: until, attributes: [("eduPersonEntitlement", ["urn:mace:example.org:wiki:admin"])],
            style: .saml, signed: false, seed: "rule/raw")
        let rawEncrypted = TokenMinter.samlEncryptedAssertion(plaintextLength: 300, style: .saml, seed: "rule/raw-encrypted")
        return [
            ("saml-response", "The HTTP-POST binding's form body in an access log, percent-encoded: an AWS administrator role.",
             "POST /saml/acs 302 body=SAMLResponse={}&RelayState=%2Fconsole", post),
            ("saml-response", "A HAR export's postData.params (OneLogin-style saml: prefixes, groups).",
             #"{"postData": {"mimeType": "application/x-www-form-urlencoded", "params": [{"name": "SAMLResponse", "value": "{}"}]}}"#, har),
            ("saml-response", "An RFC 7522 assertion grant (the assertion base64url).",
             "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Asaml2-bearer&assertion={}&client_id=s6BhdRkqt3", grant),
            ("saml-response", "A response with an encrypted assertion in JSON (claims unreadable: medium).",
             #"{"SAMLResponse": "{}", "RelayState": "ss:mem:1f0c"}"#, encrypted),
            ("saml-encoded", "Base64 of a Microsoft Entra ID style response (default namespaces) under another name.",
             "saml_fixture_b64: {}", unprefixed),
            ("saml-assertion", "A raw assertion in a SimpleSAMLphp debug log.",
             "Dec 04 10:12:01 sp php[811]: SimpleSAML DEBUG Received assertion: {}", raw),
            ("saml-assertion", "A raw encrypted assertion in a test fixture (claims unreadable: medium).",
             "    {}", rawEncrypted),
        ]
    }

    /// Rules/saml.toml says its examples were made with `TokenMinter`;
    /// `SAML_PRINT_EXAMPLES=1` prints them as TOML.
    func testRuleExamplesAreMinted() throws {
        let examples = Self.ruleExamples()
        if ProcessInfo.processInfo.environment["SAML_PRINT_EXAMPLES"] != nil {
            for example in examples {
                print("[[rules.examples]] # \(example.rule)\n# \(example.comment)\ntext = '''\(example.text.replacing("{}", with: example.secret))'''\nsecret = '''\(example.secret)'''\n")
            }
        }
        let rules = TestSupport.builtinRules()
        for id in ["saml-response", "saml-encoded", "saml-assertion"] {
            let rule = try XCTUnwrap(rules.first { $0.id == id })
            XCTAssertEqual(rule.examples.compactMap(\.secret), examples.filter { $0.rule == id }.map(\.secret), id)
            XCTAssertEqual(rule.examples.map(\.text), examples.filter { $0.rule == id }.map { $0.text.replacing("{}", with: $0.secret) }, id)
        }
    }
}
