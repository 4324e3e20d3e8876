import FixtureKit
import Foundation
import XCTest
import TokenScanModel

/// The repository scans itself clean with the freshly built binary, at every gate: its rule
/// examples, fuzz regressions and test literals are accepted by the committed `.tokenscan.toml`,
/// each entry with its reason, and anything else fails the suite (and so CI, which runs it).
final class SelfScanCLITests: XCTestCase {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testWorkTreeScansClean() throws {
        let scan = try run(["scan", ".", "--fail-on", "info", "--format", "json"], directory: root)
        XCTAssertEqual(scan.status, 0, "findings in the repository itself: \(scan.stdout.prefix(4000)) \(scan.stderr)")
        let summary = try summary(scan)
        XCTAssertGreaterThan(summary.accepted?["allow-rule"] ?? 0, 0, "the samples are accepted by the configuration, not missed")
        XCTAssertEqual(summary.configuration?.files.map { URL(fileURLWithPath: $0.path).lastPathComponent }, [".tokenscan.toml"])
    }

    func testHistoryScansClean() throws {
        guard GitFixture.executable != nil, FileManager.default.fileExists(atPath: root.appendingPathComponent(".git").path) else {
            throw XCTSkip("not a git checkout")
        }
        let history = try run(["git", "--repo", root.path, "--fail-on", "info", "--format", "json"])
        XCTAssertEqual(history.status, 0, "findings in the repository's history: \(history.stdout.prefix(4000)) \(history.stderr)")
    }
}
