import Foundation
import XCTest
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanEngine
@testable import TokenScanJudge

/// PASETO taken apart (`Paseto`), its times read (`ClaimTime`), and the rule file's examples and
/// documentation samples checked against the minter and the decoder they claim to match.
final class PasetoTests: XCTestCase {
    func testRFC3339Times() {
        XCTAssertEqual(ClaimTime.rfc3339(Array("2022-01-01T00:00:00+00:00".utf8)), 1_640_995_200)
        XCTAssertEqual(ClaimTime.rfc3339(Array("2022-01-01T01:00:00+01:00".utf8)), 1_640_995_200)
        XCTAssertEqual(ClaimTime.rfc3339(Array("2021-12-31T19:00:00-05:00".utf8)), 1_640_995_200)
        XCTAssertEqual(ClaimTime.rfc3339(Array("2022-01-01T00:00:00.5Z".utf8)), 1_640_995_200.5)
        XCTAssertEqual(ClaimTime.rfc3339(Array("2024-02-29T12:00:00Z".utf8)), 1_709_208_000)
        XCTAssertEqual(ClaimTime.rfc3339(Array("1969-12-31T23:59:59Z".utf8)), -1)
        for bad in ["2022-01-01", "2022-13-01T00:00:00Z", "2022-01-01T00:00:00", "2022-01-01T00:00:00+0000", "x", "2022-01-01T00:00:00Zjunk"] {
            XCTAssertNil(ClaimTime.rfc3339(Array(bad.utf8)), bad)
        }
        XCTAssertEqual(ClaimTime.seconds(.number(12)), 12)
        XCTAssertEqual(ClaimTime.seconds(.string("2022-01-01T00:00:00Z")), 1_640_995_200)
    }

    func testDecodesEachVersionAndPurpose() throws {
        for version in 1...4 {
            let signed = TokenMinter.paseto(version: version, purpose: .public, claims: ["sub": "a", "exp": "2030-01-01T00:00:00Z"],
                                            footer: #"{"kid":"k1"}"#, seed: "v\(version)")
            let paseto = try Paseto.decode(Array(signed.utf8)).get()
            XCTAssertEqual(paseto.version, version)
            XCTAssertEqual(paseto.purpose, .public)
            XCTAssertEqual(paseto.claims["sub"], "a")
            XCTAssertEqual(paseto.footer, ["kid": "k1"])
            let sealed = TokenMinter.paseto(version: version, purpose: .local, claims: ["sub": "a"], footer: "plain", seed: "v\(version)")
            let local = try Paseto.decode(Array(sealed.utf8)).get()
            XCTAssertEqual(local.purpose, .local)
            XCTAssertEqual(local.claims, [:])
            XCTAssertEqual(local.footer, "plain")
        }
        XCTAssertEqual(Paseto.decode(Array("v5.public.AAAA".utf8)), .failure(.notPASETO))
        XCTAssertEqual(Paseto.decode(Array("v4.secret.AAAA".utf8)), .failure(.notPASETO))
        XCTAssertEqual(Paseto.decode(Array("v4.public.c2hvcnQ".utf8)), .failure(.tooShort(bytes: 5, minimum: 66)))
        XCTAssertEqual(Paseto.decode(Array("v4.public.!!!!".utf8)), .failure(.badBase64))
        let notJSON = "v4.public." + Base64.urlEncode(Array("text".utf8) + [UInt8](repeating: 1, count: 64))
        XCTAssertEqual(Paseto.decode(Array(notJSON.utf8)), .failure(.claimsNotJSON))
    }

    func testPublicPASERKIsRecognised() {
        XCTAssertTrue(Paseto.isPublicPASERK(Array("k4.public.cHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo8".utf8)))
        XCTAssertTrue(Paseto.isPublicPASERK(Array("k2.pid.zSxNuQE0SKB2SLdzpKtVWk2rUNUYAVlsz1MuaWRNNczA".utf8)))
        // A local or secret key is a secret.
        XCTAssertFalse(Paseto.isPublicPASERK(Array("k4.local.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".utf8)))
        XCTAssertFalse(Paseto.isPublicPASERK(Array("k4.secret.AAAA".utf8)))
    }

    /// Rules/paseto.toml says its examples were made with `TokenMinter.paseto`: they are exactly
    /// what it mints for the seeds and claims below.
    func testRuleExamplesAreMinted() throws {
        let rule = try XCTUnwrap(TestSupport.builtinRules().first { $0.id == "paseto" })
        let minted = [
            TokenMinter.paseto(version: 4, purpose: .public, claims: [
                "sub": "svc-orders", "iss": "https://auth.example", "exp": "2036-01-01T00:00:00+00:00", "scope": "read:orders"], seed: "rule-1"),
            TokenMinter.paseto(version: 2, purpose: .public, claims: ["sub": "ops", "roles": ["admin"]], footer: #"{"kid":"k2.pid.zSxNuQE0SKB2SLdzpKtVWk2rUNUYAVlsz1MuaWRNNczA"}"#, seed: "rule-2"),
            TokenMinter.paseto(version: 3, purpose: .public, claims: ["sub": "ci", "exp": "2024-05-01T12:00:00Z", "scope": "deploy:write"], seed: "rule-3"),
            TokenMinter.paseto(version: 1, purpose: .public, claims: ["sub": "batch", "iat": "2026-11-01T08:00:00+01:00"], seed: "rule-4"),
            TokenMinter.paseto(version: 4, purpose: .local, claims: ["sub": "u-1042", "exp": "2036-01-01T00:00:00+00:00"], footer: #"{"kid":"k4.lid.bqltbNc4JLUAmc9Xtpok-fBuI0dQN5_m3CD9W_nbh559"}"#, seed: "rule-5"),
            TokenMinter.paseto(version: 2, purpose: .local, claims: ["sub": "u-7"], seed: "rule-6"),
            TokenMinter.paseto(version: 1, purpose: .local, claims: ["sub": "u-8"], seed: "rule-7"),
            TokenMinter.paseto(version: 3, purpose: .local, claims: ["sub": "u-9"], seed: "rule-8"),
        ]
        XCTAssertEqual(rule.examples.compactMap(\.secret), minted)
    }

    /// Every published test vector in Rules/doc-samples.txt decodes, and is judged info.
    func testPublishedTestVectorsDecodeAndAreDocSamples() {
        let vectors = PublishedTokens.builtin.sources.keys.filter { $0.starts(with: Array("v".utf8)) }
        // 48 accepted vectors in v1–v4.json, some of them the same token (4-S-2 and 4-S-3 …).
        XCTAssertEqual(vectors.count, 42)
        let judge = SecretJudge(settings: TestSupport.settings(), prefixes: ProviderPrefixes(rules: []), scratch: MatchScratch())
        let rule = TestSupport.builtinRules().first { $0.id == "paseto" }!
        for vector in vectors {
            let text = String(decoding: vector, as: UTF8.self)
            guard case .success(let finding) = judge.judge(vector, rule: rule) else { return XCTFail("not reported: \(text)") }
            XCTAssertEqual(finding.severity, .info, text)
            XCTAssertEqual(finding.reasons.map(\.code), ["doc-sample"], text)
        }
    }
}
