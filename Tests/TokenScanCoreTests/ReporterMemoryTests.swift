import Foundation
import XCTest
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanJudge
@testable import TokenScanReport

/// Reports do not hold every finding (issue "Hardening, round two": 200,000 distinct JWTs took
/// 2.8 GB with --format json, 14 KB per token). Counted, not timed: the bytes the `tokens` table
/// keeps per token. (That the JSON and SARIF documents written piecewise are the documents
/// encoded whole is what the golden files check.)
final class ReporterMemoryTests: XCTestCase {
    /// A finding as the pipeline writes it (claims, reasons, snippet), distinct per index.
    func findings(_ count: Int) throws -> [Finding] {
        let token = TokenMinter.jwt(claims: ["sub": "user", "scope": "read write", "iss": "https://auth.example.com/", "exp": 1_900_000_000])
        let (found, _) = TestSupport.scan([("app.log", Array("Authorization: Bearer \(token)\n".utf8))], settings: TestSupport.settings(showSecrets: false))
        let template = try XCTUnwrap(found.first { $0.kind == "jwt" })
        return (0..<count).map { index in
            var finding = template
            finding.fingerprint = "v2:" + String(format: "%032x", index)
            finding.line = index + 1
            finding.endLine = index + 1
            return finding
        }
    }

    func testTokenTableKeepsAboutAKilobytePerToken() throws {
        var table = TokenTable()
        let all = try findings(2_000)
        for finding in all { table.add(finding) }
        XCTAssertEqual(table.count, 2_000)
        XCTAssertLessThan(table.detailBytes / table.count, 1_024, "compact details per token")
        XCTAssertEqual(Array(table.summaries()).map(\.fingerprint), all.map(\.fingerprint), "first-seen order")
    }
}
