import FixtureKit
import Foundation
import XCTest
import TokenFormats
import TokenScanModel

/// A token found inside a JWT's decoded claims is reported as a finding of its own, at the JWT's
/// place (issue "Hardening, round two": reports mask the claims they do not need, so a token
/// there would otherwise be neither shown nor reported).
final class ClaimTokensCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    func testTokensInClaimsAreFindingsOfTheirOwn() throws {
        let inner = TokenMinter.jwt(claims: ["sub": "upstream", "scope": "admin", "exp": 1_900_000_000])
        let github = TokenMinter.provider(.githubPersonal, seed: "claims")
        let outer = TokenMinter.jwt(claims: [
            "sub": "gateway", "exp": 1_900_000_000, "upstream_token": .string(inner), "ci": .object(["key": .string("x \(github) y")]),
        ])
        let directory = try temporaryDirectory()
        try "first line\nAuthorization: Bearer \(outer)\n".write(to: directory.appendingPathComponent("app.log"), atomically: true, encoding: .utf8)
        let result = try run(["scan", directory.path, "--now", now, "--format", "jsonl"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let findings = try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(Finding.self, from: Data($0.utf8)) }
        XCTAssertEqual(findings.count, 3, result.stdout)
        let nested = findings.filter { $0.encodings.contains("jwt-claims") }
        XCTAssertEqual(Set(nested.map(\.kind)), ["jwt", "github"], "\(nested.map(\.ruleId))")
        XCTAssertTrue(nested.allSatisfy { $0.line == 2 && $0.column == findings[0].column }, "at the JWT's place")
        XCTAssertEqual(nested.first { $0.kind == "jwt" }?.jwt?.claims["sub"], .string("upstream"))
        for secret in [inner, github] { XCTAssertFalse(result.stdout.contains(secret), "no nested token in clear in the report") }
    }
}
