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
import FixtureKit

/// Golden-file tests: the fixture corpus scanned with a fixed clock must render byte for byte as
/// `Golden/report.*`. Run with `UPDATE_GOLDEN=1` to rewrite them after an intended change, and
/// review the diff.
final class ReporterGoldenTests: XCTestCase {
    func render(_ format: ReportFormat, showSecrets: Bool = false) throws -> String {
        try Self.render(format, showSecrets: showSecrets)
    }

    /// The fixture corpus in `format` (other suites validate these reports against their formats' schemas).
    static func render(_ format: ReportFormat, showSecrets: Bool = false) throws -> String {
        let (files, _) = try FixtureCorpus.generate(templates: TestSupport.repositoryRoot.appendingPathComponent("Fixtures/templates"))
        let settings = AnalysisSettings(now: FixtureCorpus.now, showSecrets: showSecrets)
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("report").path
        var request = ScanRequest(inputs: files.map { .memory(name: "fixtures/" + $0.path, bytes: $0.bytes) }, settings: settings)
        request.format = format
        request.outputPath = path
        request.failOn = .never
        var messages: [String] = []
        let (status, _) = ScanSession.run(request) { messages.append($0) }
        XCTAssertEqual(status, .clean)
        XCTAssertEqual(messages, [])
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    func assertGolden(_ format: ReportFormat, file: StaticString = #filePath, line: UInt = #line) throws {
        let actual = try render(format)
        let golden = TestSupport.repositoryRoot.appendingPathComponent("Tests/TokenScanCoreTests/Golden/report.\(format.rawValue)")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
            try actual.write(to: golden, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        if actual != expected {
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }
            XCTFail("""
                \(format.rawValue) report differs from \(golden.lastPathComponent) \
                (first difference at line \((first?.offset ?? min(actualLines.count, expectedLines.count)) + 1)):
                - \(first.map { String($0.element.1) } ?? "")
                + \(first.map { String($0.element.0) } ?? "")
                Run UPDATE_GOLDEN=1 swift test --filter ReporterGoldenTests if the change is intended.
                """, file: file, line: line)
        }
    }

    func testTextGolden() throws { try assertGolden(.text) }
    func testJSONGolden() throws { try assertGolden(.json) }
    func testJSONLinesGolden() throws { try assertGolden(.jsonl) }
    func testSARIFGolden() throws { try assertGolden(.sarif) }
    func testGitLabSecretDetectionGolden() throws { try assertGolden(.gitlabSecretDetection) }
    func testGitLabCodeQualityGolden() throws { try assertGolden(.gitlabCodeQuality) }

    /// Redaction holds in every format: no minted token appears in any report unless asked.
    func testNoSecretInAnyReportByDefault() throws {
        let secrets = FixtureCorpus.tokens().values.map(\.token)
        for format in ReportFormat.allCases {
            let report = try render(format)
            for secret in secrets {
                XCTAssertFalse(report.contains(secret), "\(format.rawValue) report leaks a secret")
                XCTAssertFalse(report.contains(String(secret.dropFirst(4).prefix(16))), "\(format.rawValue) report leaks part of a secret")
            }
        }
        let shown = try render(.json, showSecrets: true)
        XCTAssertTrue(secrets.allSatisfy { shown.contains($0) }, "--show-secrets shows them")
    }

    /// Claim and header values the risk model does not use (a password, a client secret, the keys
    /// of embedded JWKs) are masked in every format, and shown with --show-secrets.
    func testNoPrivateClaimInAnyReportByDefault() throws {
        for format in ReportFormat.allCases {
            let report = try render(format)
            for value in FixtureCorpus.privateClaimValues {
                XCTAssertFalse(report.contains(value), "\(format.rawValue) report shows the claim value \(value)")
            }
        }
        let json = try render(.json)
        XCTAssertTrue(json.contains(#""password" : "*** (string, 26 characters)""#), "the claim is named, its value masked")
        let shown = try render(.json, showSecrets: true)
        XCTAssertTrue(FixtureCorpus.privateClaimValues.allSatisfy { shown.contains($0) }, "--show-secrets shows them")
    }

    func testJSONContract() throws {
        let data = Data(try render(.json).utf8)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        XCTAssertEqual(object["version"] as? Int, 1)
        XCTAssertEqual((object["tool"] as? [String: Any])?["name"] as? String, "tokenscan")
        XCTAssertEqual(object["now"] as? String, "2026-01-01T00:00:00Z")
        let summary = object["summary"] as! [String: Any]
        for key in ["files", "bytes", "findings", "bySeverity", "skipped"] { XCTAssertNotNil(summary[key], key) }
        let findings = object["findings"] as! [[String: Any]]
        let keys = ["ruleId", "kind", "severity", "score", "path", "line", "column", "endLine", "endColumn", "secret",
                    "fingerprint", "encodings", "reasons"]
        for finding in findings {
            for key in keys { XCTAssertNotNil(finding[key], key) }
        }
        let tokens = object["tokens"] as! [[String: Any]]
        XCTAssertLessThan(tokens.count, findings.count, "repeated tokens are grouped")
        XCTAssertEqual(tokens.map { $0["count"] as! Int }.reduce(0, +), findings.count)
        for token in tokens {
            XCTAssertNotNil(token["reasons"], "each token entry carries the token's facts")
            for key in ["fingerprint", "count", "first", "last", "severity"] { XCTAssertNotNil(token[key], key) }
        }
        XCTAssertTrue(tokens.contains { ($0["jwt"] as? [String: Any])?["expiry"] != nil })
    }

    /// The SARIF passes the official schema and GitHub's upload checks (shared/tools/validate-sarif).
    func testSARIFValidates() throws {
        let validator = TestSupport.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/tools/validate-sarif")
        guard FileManager.default.isExecutableFile(atPath: validator.path) else {
            throw XCTSkip("validate-sarif is not available at \(validator.path)")
        }
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("report.sarif")
        try render(.sarif).write(to: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = validator
        process.arguments = ["--spec", "--github", "--strict", path.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, output)
        XCTAssertTrue(output.contains("VALID"), output)
    }
}
