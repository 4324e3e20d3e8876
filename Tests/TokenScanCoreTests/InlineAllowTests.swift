import Foundation
import XCTest
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanEngine
@testable import TokenScanSearch
@testable import TokenScanJudge
@testable import TokenScanSuppression
@testable import TokenScanSources
@testable import TokenScanReport
@testable import TokenScanApp

/// `--report-unused` for inline allow comments: markers found in the keyword pass, once each,
/// and judged used only where they accept a secret that would otherwise be reported.
final class InlineAllowTests: XCTestCase {
    func scan(_ files: [(String, String)], markers: [String] = InlineAllow.markers) throws -> ([Finding], ScanSummary) {
        let matcher = try Matcher(rules: TestSupport.builtinRules(), markers: markers)
        var options = ScanOptions()
        options.jobs = 2
        let collector = Collector()
        let summary = Scanner(matcher: matcher, settings: TestSupport.settings(), options: options)
            .scan(files.map { .memory(name: $0.0, bytes: Array($0.1.utf8)) }, observer: collector)
        return (collector.findings, summary)
    }

    func testUnusedMarkersAreNamedAndUsedOnesAreNot() throws {
        let live = TokenMinter.jwt(claims: ["sub": "allowed", "scope": "repo"])
        let text = """
            ACCEPTED=\(live)  # tokenscan:allow
            # tokenscan:allow left behind after the token was removed
            Authorization: Bearer your-token-here-please  # gitleaks:allow (a placeholder needs no marker)
            TOKENSCAN:ALLOW is not a marker, nor is tokenscan : allow
            REPORTED=\(live)
            """
        let (findings, summary) = try scan([("app/settings.env", text), ("clean.txt", "nothing\n")])
        XCTAssertEqual(findings.map(\.line), [5])
        XCTAssertEqual(summary.unusedInlineAllow, [
            UnusedInlineAllow(path: "app/settings.env", line: 2, column: 3, marker: "tokenscan:allow"),
            UnusedInlineAllow(path: "app/settings.env", line: 3, column: 49, marker: "gitleaks:allow"),
        ])
        XCTAssertEqual(summary.dismissed["inline-allow"], 2, "both markers still dismiss what stands on their line")
    }

    /// Without markers in the matcher (no `--report-unused`) nothing is tracked or reported.
    func testNothingIsTrackedWithoutMarkers() throws {
        let (_, summary) = try scan([("a.txt", "# tokenscan:allow\n")], markers: [])
        XCTAssertNil(summary.unusedInlineAllow)
        let encoded = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        XCTAssertFalse(encoded.contains("unusedInlineAllow"), "the JSON summary is unchanged without the flag")
    }

    /// Each marker is reported once, at its line, however the chunks cut the input.
    func testMarkersAcrossChunkBoundaries() throws {
        let matcher = try Matcher(rules: TestSupport.smallWindowRules(), markers: InlineAllow.markers)
        let lines = (1...400).map { $0 % 3 == 0 ? "line \($0) gitleaks:allow" : "line \($0) x tokenscan:allow" }
        for chunkSize in [700, 1024, 4096] {
            var options = SearchOptions()
            options.chunkSize = chunkSize
            options.skipBinary = false
            let searcher = Searcher(matcher: matcher, options: options)
            var source = MemorySource(Array((lines.joined(separator: "\n") + "\n").utf8))
            var seen: [(Int, Int, Int)] = []
            _ = searcher.search(&source, onMarker: { seen.append(($0.position.line, $0.position.column, $0.marker)) }) { _ in }
            XCTAssertEqual(seen.map(\.0), Array(1...400), "chunk size \(chunkSize)")
            for (line, column, marker) in seen {
                XCTAssertEqual(marker, line % 3 == 0 ? 1 : 0)
                XCTAssertEqual(column, "line \(line) ".count + (line % 3 == 0 ? 1 : 3))
            }
        }
    }
}
