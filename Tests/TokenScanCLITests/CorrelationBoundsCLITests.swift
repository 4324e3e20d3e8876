import Foundation
import XCTest
import FixtureKit
import TokenFormats
import TokenScanModel

/// A correlation bound hit through the binary, at its real size (`CorrelationBounds`; the others,
/// made small, in `CorrelationBoundsTests`): an input holding more AWS session tokens than the
/// correlation keeps. The tokens past the bound are judged alone, low, though their key is in the
/// input; before, nothing said so. Now every report format and stderr name the input, the byte
/// where the first token left out stands, and what was not correlated.
///
/// Values are minted from a seeded generator, never written here (the repository scans itself).
final class CorrelationBoundsCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    static func stsToken(_ seed: UInt64) -> String {
        var random = SplitMix64(seed: seed + 9000)
        return "IQoJb3JpZ2luX2VjE" + Data((0..<300).map { _ in UInt8(random.below(256)) }).base64EncodedString()
    }

    func testAWSSessionTokensPastTheBoundAreNamedInEveryReport() throws {
        let tokens = (0..<1025).map { Self.stsToken(UInt64($0)) }
        var random = SplitMix64(seed: 9999)
        let key = Data((0..<30).map { _ in UInt8(random.below(256)) }).base64EncodedString()
        let text = tokens.map { "AWS_SESSION_TOKEN=\($0)\n" }.joined() + "AWS_SECRET_ACCESS_KEY=\(key)\n"
        let offset = text.utf8.distance(from: text.utf8.startIndex, to: try XCTUnwrap(text.utf8.firstRange(of: tokens[1024].utf8)).lowerBound)
        let directory = try temporaryDirectory()
        try text.write(to: directory.appendingPathComponent("session.log"), atomically: true, encoding: .utf8)

        let json = try run(["scan", "session.log", "--now", now, "--format", "json", "--show-secrets"], directory: directory)
        XCTAssertEqual(json.status, 1, json.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let findings = try XCTUnwrap(report["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.count, 1025, "one finding per token, the key folded into the sets")
        XCTAssertEqual(findings.filter { $0["severity"] as? String == "high" }.count, 1024)
        XCTAssertEqual(findings.last?["secret"] as? String, tokens[1024])
        XCTAssertEqual(findings.last?["severity"] as? String, "low", "the token past the bound is judged alone")
        let limits = try XCTUnwrap((report["summary"] as? [String: Any])?["limits"] as? [[String: Any]], json.stdout.suffix(2000).description)
        XCTAssertEqual(limits.count, 1)
        XCTAssertEqual(limits.first?["limit"] as? String, "aws-credential-sets")
        XCTAssertEqual(limits.first?["path"] as? String, "session.log")
        XCTAssertEqual(limits.first?["offset"] as? Int, offset)
        let detail = try XCTUnwrap(limits.first?["detail"] as? String)
        XCTAssertTrue(detail.hasPrefix("1 AWS session token past the first 1024 not correlated: "), detail)
        let line = "limit aws-credential-sets hit in session.log at byte \(offset): \(detail)"
        XCTAssertEqual(json.stderr.split(separator: "\n").filter { $0.contains("limit ") }, ["tokenscan: " + line], json.stderr)

        let textRun = try run(["scan", "session.log", "--now", now], directory: directory)
        XCTAssertTrue(textRun.stdout.split(separator: "\n").last?.hasSuffix("; 1 limit hit") == true, String(textRun.stdout.suffix(300)))

        let sarif = try run(["scan", "session.log", "--now", now, "--format", "sarif"], directory: directory)
        XCTAssertTrue(sarif.stdout.contains("Limit aws-credential-sets hit in session.log at byte \(offset): 1 AWS session token past the first 1024"), "no notification")
        let file = directory.appendingPathComponent("report.sarif")
        try sarif.stdout.write(to: file, atomically: true, encoding: .utf8)
        let validator = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/tools/validate-sarif")
        guard FileManager.default.isExecutableFile(atPath: validator.path) else {
            throw XCTSkip("validate-sarif is not available at \(validator.path): the SARIF was not validated")
        }
        let checked = try Command.run([validator.path, "--spec", "--github", file.path], in: directory)
        XCTAssertEqual(checked.status, 0, checked.output)
    }
}
