import XCTest
@testable import TokenFormats
@testable import TokenScanJudge

/// Macaroons taken apart (`Macaroon`): libmacaroons' published serialisations, LND's identifier
/// permissions, time caveats, cut macaroons; and the rule file's examples checked against the
/// minter they claim to come from.
final class MacaroonTests: XCTestCase {
    /// github.com/rescrv/libmacaroons README ("Creating Your First Macaroon") and
    /// github.com/ecordell/pymacaroons tests/test_notes.md ("Serializing"): version 1.
    func testDecodesLibmacaroonsExamples() throws {
        let readme = "MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNlY3JldCBrZXkKMDAyZnNpZ25hdHVyZSDj2eApCFJsTAA5rhURQRXZf91ovyujebNCqvD2F9BVLwo"
        let macaroon = try Macaroon.decode(Array(readme.utf8)).get()
        XCTAssertEqual(macaroon.version, 1)
        XCTAssertEqual(macaroon.location, "http://mybank/")
        XCTAssertEqual(String(decoding: macaroon.identifier, as: UTF8.self), "we used our secret key")
        XCTAssertEqual(macaroon.caveats, [])
        let caveated = "MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNlY3JldCBrZXkKMDAxNmNpZCB0ZXN0ID0gY2F2ZWF0CjAwMmZzaWduYXR1cmUgGXusegRK8zMyhluSZuJtSTvdZopmDkTYjOGpmMI9vWcK"
        XCTAssertEqual(try Macaroon.decode(Array(caveated.utf8)).get().caveats.map { String(decoding: $0.identifier, as: UTF8.self) }, ["test = caveat"])
        XCTAssertEqual(Macaroon.decode(Array(caveated.dropLast(8).utf8)), .failure(.truncated))
        XCTAssertTrue(Macaroon.hasShape(Array(readme.utf8)))
    }

    /// The layout LND's macaroons have (0201036c6e6402…: location `lnd`, a bakery v3 identifier).
    func testLNDPermissionsAndTimeCaveats() throws {
        let token = TokenMinter.lndMacaroon(
            permissions: [("info", ["read"]), ("invoices", ["read", "write"])],
            caveats: ["ipaddr 10.0.0.7", "time-before 2026-03-01T00:00:00Z", "time-before 2026-02-01T00:00:00.5Z"], seed: "t")
        XCTAssertTrue(token.hasPrefix("0201036c6e6402"))
        let macaroon = try Macaroon.decode(Array(token.utf8)).get()
        XCTAssertEqual(macaroon.encoding, .hex)
        XCTAssertEqual(macaroon.location, "lnd")
        XCTAssertEqual(macaroon.bakeryPermissions, ["info:read", "invoices:read", "invoices:write"])
        XCTAssertEqual(macaroon.expiry, 1_769_904_000.5, "the earliest time-before")
        XCTAssertEqual(try Macaroon.decode(Array(token.uppercased().utf8)).get().bakeryPermissions?.count, 3)
        let base64 = TokenMinter.lndMacaroon(permissions: [("info", ["read"])], caveats: ["time < 2030-01-01T00:00:00Z"], encoding: .base64, seed: "t")
        XCTAssertTrue(base64.hasPrefix("AgEDbG5k"))
        XCTAssertEqual(try Macaroon.decode(Array(base64.utf8)).get().expiry, 1_893_456_000)
        for cut in [1, 2, 33, 100] {
            XCTAssertEqual(Macaroon.decode(Array(token.dropLast(cut * 2).utf8)), .failure(.truncated), "\(cut)")
        }
        XCTAssertEqual(Macaroon.decode(Array((token + "00").utf8)), .failure(.truncated), "data after the signature")
        // A value that is not a macaroon at all.
        XCTAssertEqual(Macaroon.decode(Array("7a2116dc75be34cadbe0b7b43b9582f14646cf75".utf8)), .failure(.notMacaroon))
        XCTAssertFalse(Macaroon.hasShape(Array("eyJhbGciOiJIUzI1NiJ9eyJhbGciOiJIUzI1NiJ9".utf8)))
    }

    /// Other macaroons state no permissions; a third-party caveat's time is not the holder's.
    func testOtherMacaroonsStateNoPermissions() throws {
        for version in [1, 2] {
            let token = TokenMinter.macaroon(
                version: version, location: nil, identifier: [3, 0x0a, 1, 0x41], caveats: ["account = 3735928559"], seed: "o\(version)")
            let macaroon = try Macaroon.decode(Array(token.utf8)).get()
            XCTAssertEqual(macaroon.version, version)
            XCTAssertNil(macaroon.location)
            XCTAssertNil(macaroon.bakeryPermissions)
            XCTAssertNil(macaroon.expiry)
        }
        var third = try Macaroon.decode(Array(TokenMinter.macaroon(location: "x", identifier: [1], caveats: ["time < 2030-01-01T00:00:00Z"], seed: "3").utf8)).get()
        third.caveats[0].isThirdParty = true
        XCTAssertNil(third.expiry)
    }

    /// PyPI tokens (package-registries.toml) still tell whole from cut through the same parser.
    func testPyPITokensStillValidate() {
        let token = TokenMinter.pypiMacaroon(location: "pypi.org", seed: "p")
        XCTAssertTrue(Macaroon.isWholePyPIToken(Array(token.utf8)))
        XCTAssertFalse(Macaroon.isWholePyPIToken(Array(token.dropLast(4).utf8)))
    }

    /// Rules/macaroon.toml says its examples were made with `TokenMinter`.
    func testRuleExamplesAreMinted() throws {
        let rules = TestSupport.builtinRules()
        let admin = ["address", "info", "invoices", "message", "offchain", "onchain", "peers", "signer"].map { ($0, ["read", "write"]) }
            + [("macaroon", ["generate", "read", "write"])]
        let readOnly = ["address", "info", "invoices", "message", "offchain", "onchain", "peers", "signer", "macaroon"].map { ($0, ["read"]) }
        let invoice = [("address", ["read", "write"]), ("invoices", ["read", "write"]), ("onchain", ["read"])]
        let rule = try XCTUnwrap(rules.first { $0.id == "macaroon" })
        XCTAssertEqual(rule.examples.compactMap(\.secret), [
            TokenMinter.lndMacaroon(permissions: admin, seed: "rule/admin"),
            TokenMinter.lndMacaroon(permissions: readOnly, seed: "rule/readonly"),
            TokenMinter.lndMacaroon(permissions: invoice, caveats: ["time-before 2030-01-01T00:00:00Z", "ipaddr 10.0.0.7"], seed: "rule/invoice"),
            TokenMinter.lndMacaroon(permissions: readOnly, caveats: ["time-before 2027-06-01T00:00:00Z"], encoding: .base64, seed: "rule/b64"),
            TokenMinter.lndMacaroon(permissions: invoice, seed: "rule/upper").uppercased(),
            TokenMinter.macaroon(
                version: 1, location: "https://charm.example/", identifier: Array("user-42 2023-11-01".utf8),
                caveats: ["time < 2030-01-01T00:00:00Z", "declared username alice"], seed: "rule/v1"),
        ])
        let named = try XCTUnwrap(rules.first { $0.id == "macaroon-named" })
        XCTAssertEqual(named.examples.compactMap(\.secret), [
            TokenMinter.macaroon(location: "https://api.example/", identifier: Array("key-17/9f2c".utf8), caveats: ["time < 2030-01-01T00:00:00Z"], seed: "rule/v2"),
            TokenMinter.macaroon(
                location: "https://api.example/", identifier: [3] + Array("l402-service-7f3a9".utf8),
                caveats: ["services=articles:0", "articles_capabilities=read", "valid_until=1893456000"], seed: "rule/l402b"),
        ])
    }
}
