import Foundation
import XCTest
import TokenFormats

/// Biscuit tokens (issue #21) as a user meets them through the binary: found under a name that
/// says biscuit, after `biscuit:` or `Bearer `, judged by their Datalog (design §5: a `time` check
/// is the expiry, the authority's rights narrowed by later checks the scope), masked in reports
/// and by `redact`, decoded by `tokenscan decode`; cut tokens, public keys and other protobufs
/// left alone; the specification's samples are documentation samples.
final class BiscuitCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    static let now: UInt64 = 1_767_225_600

    static let read = Biscuit.Predicate("right", [.string("/srv/reports"), .string("read")])
    static let write = Biscuit.Predicate("right", [.string("/srv/reports"), .string("write")])

    private func scan(_ text: String, extra: [String] = ["--show-secrets"]) throws -> StdinScan { try scanStdin(text, now: now, extra: extra) }

    private func codes(_ finding: [String: Any]?) -> [String] { reasonCodes(finding) }

    func testBiscuitsAreJudgedByRightsAndTimeChecks() throws {
        let admin = TokenMinter.biscuit(blocks: [Biscuit.Block(facts: [Biscuit.Predicate("role", [.string("admin")])])], seed: "admin")
        let expiring = TokenMinter.biscuit(blocks: [Biscuit.Block(facts: [Self.read, Self.write], checks: [Biscuit.expiryCheck(Self.now + 7 * 86_400)])], seed: "exp")
        let attenuated = TokenMinter.biscuit(blocks: [
            Biscuit.Block(facts: [Self.read, Self.write]), Biscuit.Block(checks: [Biscuit.operationCheck(["read"])]),
        ], sealed: true, seed: "att")
        let expired = TokenMinter.biscuit(blocks: [Biscuit.Block(facts: [Self.write]), Biscuit.Block(checks: [Biscuit.expiryCheck(Self.now - 60)])], seed: "old")
        let noRights = TokenMinter.biscuit(blocks: [Biscuit.Block(facts: [Biscuit.Predicate("user", [.string("u-7")])])], seed: "none")
        let soon = TokenMinter.biscuit(blocks: [Biscuit.Block(facts: [Self.write], checks: [Biscuit.expiryCheck(Self.now + 600)])], seed: "soon")
        let cases: [(text: String, token: String, severity: String, code: String)] = [
            ("BISCUIT_TOKEN=\(admin)\n", admin, "critical", "scope-broad"),
            ("Authorization: Bearer \(expiring)\n", expiring, "high", "scope-broad"),
            ("curl -H 'Authorization: Bearer biscuit:\(attenuated)' https://reports.example\n", attenuated, "medium", "scope-narrow"),
            ("{\"token\": \"\(expired)\"}\n", expired, "low", "expired"),
            ("x-biscuit: \(noRights)\n", noRights, "medium", "no-scope"),
            ("token = biscuit:\(soon)\n", soon, "medium", "expires-soon"),
        ]
        for item in cases {
            let found = try scan(item.text).findings
            XCTAssertEqual(found.count, 1, item.text)
            XCTAssertEqual(found.first?["kind"] as? String, "biscuit", item.text)
            XCTAssertEqual(found.first?["secret"] as? String, item.token, item.text)
            XCTAssertEqual(found.first?["severity"] as? String, item.severity, item.text)
            XCTAssertTrue(codes(found.first).contains(item.code), "\(item.code) in \(codes(found.first)) for \(item.text)")
            XCTAssertEqual((found.first?["decoded"] as? [String: Any])?["format"] as? String, "biscuit")
        }
    }

    /// The token is in no report and not in `redact`'s output; its Datalog (claims the risk model
    /// does not read) is masked, its rights and expiry shown.
    func testBiscuitIsMaskedInReportsAndByRedact() throws {
        let token = TokenMinter.biscuit(blocks: [
            Biscuit.Block(facts: [Biscuit.Predicate("user", [.string("alice@corp.example")]), Self.read], checks: [Biscuit.expiryCheck(Self.now + 86_400 * 3)]),
        ], seed: "masked")
        let masked = try scan("BISCUIT=\(token)\n", extra: [])
        XCTAssertEqual(masked.findings.count, 1)
        XCTAssertFalse(masked.stdout.contains(token))
        XCTAssertFalse(masked.stdout.contains("alice@corp.example"), masked.stdout)
        let claims = (masked.findings.first?["decoded"] as? [String: Any])?["claims"] as? [String: Any]
        XCTAssertEqual(claims?["permissions"] as? [String], ["/srv/reports:read"])
        XCTAssertEqual(claims?["exp"] as? String, "2026-01-04T00:00:00Z")
        for format in ["sarif", "text", "json"] {
            let result = try run(["scan", "-", "--now", now, "--format", format, "--fail-on", "never"], stdin: Data("BISCUIT=\(token)\n".utf8))
            XCTAssertFalse(result.stdout.contains(token), format)
        }
        let redacted = try run(["redact"], stdin: Data("Authorization: Bearer \(token) end\n".utf8))
        XCTAssertFalse(redacted.stdout.contains(token), redacted.stdout)
        XCTAssertTrue(redacted.stdout.hasPrefix("Authorization: Bearer "))
        XCTAssertTrue(redacted.stdout.hasSuffix(" end\n"))
    }

    /// `tokenscan decode` shows the blocks' Datalog (with `--show-secrets`: it is the token's
    /// claims), the expiry, the scope and the assessment.
    func testDecodeShowsDatalogExpiryScopeAndAssessment() throws {
        let token = TokenMinter.biscuit(blocks: [
            Biscuit.Block(facts: [Self.read, Self.write]),
            Biscuit.Block(checks: [Biscuit.operationCheck(["read"]), Biscuit.expiryCheck(Self.now + 86_400)]),
        ], seed: "decode")
        for input in [token, "biscuit:\(token)", "Authorization: Bearer \(token)"] {
            let result = try run(["decode", input, "--now", now, "--show-secrets", "--fail-on", "never"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let out = result.stdout
            XCTAssertTrue(out.contains("Token (BISCUIT)"), out)
            XCTAssertTrue(out.contains("right(\"/srv/reports\", \"write\")"), out)
            XCTAssertTrue(out.contains("check if operation(\"read\")"), out)
            XCTAssertTrue(out.contains("check if time($time), $time <= 2026-01-02T00:00:00Z"), out)
            XCTAssertTrue(out.contains("/srv/reports:read"), out)
            XCTAssertFalse(out.contains("/srv/reports:write"), "narrowed away: \(out)")
            XCTAssertTrue(out.contains("Risk          MEDIUM"), out)
        }
        // Without --show-secrets the Datalog is masked, the expiry and rights are not.
        let masked = try run(["decode", token, "--now", now, "--fail-on", "never"])
        XCTAssertEqual(masked.status, 0, masked.stderr)
        XCTAssertFalse(masked.stdout.contains("check if operation"), masked.stdout)
        XCTAssertTrue(masked.stdout.contains("/srv/reports:read"), masked.stdout)
        // A cut token is refused with the reason.
        let cut = try run(["decode", String(token.dropLast(20)), "--now", now])
        XCTAssertNotEqual(cut.status, 0)
        XCTAssertTrue(cut.stderr.contains("cut short"), cut.stderr)
    }

    func testBiscuitLookAlikesAreNotFindings() throws {
        let token = TokenMinter.biscuit(blocks: [Biscuit.Block(facts: [Self.write])], seed: "fake")
        let key = "ed25519/acdd6d5b53bfee478bf689f8e012fe7988bf755e3d7c5152947abc149bc20189"
        let afterProof = Base64.urlEncode(Biscuit.bytes(of: Array(token.utf8))! + Protobuf.encode(9, varint: 7))
        let texts = [
            "BISCUIT_TOKEN=\(token.dropLast(8))",
            "Authorization: Bearer \(token.prefix(150))",
            "{\"token\": \"\(token.dropLast(30))\"}",
            "BISCUIT_ROOT_PUBLIC_KEY=\(key)",
            "Authorization: Bearer \(key)",
            "root_public_key: \(key)",
            "biscuit_token: \(afterProof)",
            "Authorization: Bearer \(afterProof)",
            "BISCUIT_TOKEN=En" + String(repeating: "x", count: 120),
            "biscuit = \(Base64.urlEncode(TokenMinter.bytes(count: 120, seed: "random")))",
        ]
        for text in texts {
            let result = try scan(text + "\n")
            XCTAssertEqual(result.findings.count, 0, "\(text): \(result.stdout)")
        }
    }

    /// Every sample of the specification (Rules/doc-samples.txt) is reported as info, doc-sample.
    func testSpecificationSamplesAreDocSamples() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let samples = try String(contentsOf: root.appendingPathComponent("Rules/doc-samples.txt"), encoding: .utf8)
            .split(separator: "\n").filter { $0.contains("Biscuit specification sample ") }.map { String($0.split(separator: " ")[0]) }
        XCTAssertEqual(samples.count, 28)
        let text = samples.map { "Authorization: Bearer \($0)\n" }.joined()
        let found = try scan(text).findings
        XCTAssertEqual(found.count, samples.count)
        for finding in found {
            XCTAssertEqual(finding["severity"] as? String, "info", "\(finding["secret"] ?? "")")
            XCTAssertEqual(codes(finding), ["doc-sample"])
        }
        // A third-party block is named with the key that signed it; a block that does not read, too.
        let thirdParty = try XCTUnwrap(samples.first { Biscuit.decode(Array($0.utf8)).map { $0.blocks.count == 2 && $0.blocks[1].externalKey != nil } == .success(true) })
        let decoded = try run(["decode", thirdParty, "--now", now, "--fail-on", "never"])
        XCTAssertTrue(decoded.stdout.contains("block 1 (ed25519/acdd6d5b53bfee478bf689f8e012fe7988bf755e3d7c5152947abc149bc20189)"), decoded.stdout)
        let random = try XCTUnwrap(samples.first { Biscuit.decode(Array($0.utf8)).map { $0.blocks.contains { $0.unreadable != nil } } == .success(true) })
        let unread = try run(["decode", random, "--now", now, "--fail-on", "never"])
        XCTAssertTrue(unread.stdout.contains("unreadable   block 1"), unread.stdout)
    }
}
