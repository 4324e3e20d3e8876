import XCTest
@testable import TokenFormats
@testable import TokenScanJudge

/// Fernet taken apart (`Fernet`) and the rule file's examples checked against the minter they
/// claim to come from.
final class FernetTests: XCTestCase {
    func testDecodesTheSpecificationsVectorAndRefusesItsInvalidOnes() throws {
        // github.com/fernet/spec, generate.json: made at 1985-10-26T01:20:00-07:00.
        let vector = "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA=="
        let fernet = try Fernet.decode(Array(vector.utf8)).get()
        XCTAssertEqual(fernet.timestamp, 499_162_800)
        XCTAssertEqual(fernet.blocks, 1)
        // invalid.json: "too short", "payload size not multiple of block size", "invalid base64".
        XCTAssertEqual(Fernet.decode(Array("gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==".utf8)), .failure(.length(40)))
        XCTAssertEqual(Fernet.decode(Array("gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm".utf8)),
                       .failure(.length(72)))
        XCTAssertEqual(Fernet.decode(Array("%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1".utf8)), .failure(.badBase64))
        XCTAssertEqual(Fernet.decode(Array(Base64.urlEncode([0x81] + [UInt8](repeating: 1, count: 72)).utf8)), .failure(.version))
    }

    func testMintedTokensHaveTheLayout() throws {
        for blocks in 1...12 {
            for padded in [true, false] {
                let token = TokenMinter.fernet(timestamp: 1_767_139_200, blocks: blocks, padded: padded, seed: "\(blocks)")
                XCTAssertTrue(token.hasPrefix("gAAAAA"))
                XCTAssertEqual(token.hasSuffix("="), padded && (57 + 16 * blocks) % 3 != 0, token)
                let fernet = try Fernet.decode(Array(token.utf8)).get()
                XCTAssertEqual(fernet, Fernet(timestamp: 1_767_139_200, blocks: blocks))
            }
        }
    }

    /// Rules/fernet.toml says its examples were made with `TokenMinter.fernet`.
    func testRuleExamplesAreMinted() throws {
        let rule = try XCTUnwrap(TestSupport.builtinRules().first { $0.id == "fernet" })
        XCTAssertEqual(rule.examples.compactMap(\.secret), [
            TokenMinter.fernet(timestamp: 1_767_139_200, blocks: 9, padded: false, seed: "rule-1"),
            TokenMinter.fernet(timestamp: 1_767_200_000, blocks: 12, padded: false, seed: "rule-2"),
            TokenMinter.fernet(timestamp: 1_764_547_200, seed: "rule-3"),
            TokenMinter.fernet(timestamp: 1_766_000_000, blocks: 2, seed: "rule-4"),
        ])
    }
}
