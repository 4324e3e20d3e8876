import Foundation
import XCTest
import FixtureKit
import TokenFormats
import TokenScanModel

/// Issue #20: the exact example values the OAuth 2.0 and HTTP authentication RFCs print, and the
/// keys vendors publish for local development (Rules/doc-samples.txt), are info with the reason
/// `doc-sample`, as jwt.io's sample is; the same shapes with other values stay findings.
///
/// The values below are the published ones, written whole on purpose: the repository's self-scan
/// reports them as info only.
final class PublishedExamplesCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    func findings(_ run: CLIRun) throws -> [Finding] {
        try run.stdout.split(separator: "\n").map { try JSONDecoder().decode(Finding.self, from: Data($0.utf8)) }
    }

    func testRFCExamplesAndVendorDevelopmentKeysAreDocSamples() throws {
        var random = SplitMix64(seed: 2020)
        let liveKey = Data((0..<64).map { _ in UInt8(random.below(256)) }).base64EncodedString()
        let lines = [
            // RFC 6749 §5.1's token response, as a log line.
            #"{"msg":"token response","body":{"access_token":"2YotnFZFEjr1zCsicMWpAA","token_type":"Bearer","expires_in":3600,"refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA"}}"#,
            // RFC 7009 §2.1's revocation request body and RFC 8693 §2.3's subject token.
            "token=45ghiukldjahdnhzdauz&token_type_hint=refresh_token",
            "subject_token=accVkjcJyb4BWCxGsndESCJQbdFMogUC5PbRDqceLTC&subject_token_type=urn:ietf:params:oauth:token-type:access_token",
            // Azurite's well-known development connection string.
            "AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
            // AWS's documentation key pair.
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            // The same shape with another key: a finding.
            "AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=prodlogs;AccountKey=\(liveKey);EndpointSuffix=core.windows.net",
        ]
        let directory = try temporaryDirectory()
        try (lines.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("audit.log"), atomically: true, encoding: .utf8)
        let run = try run(["scan", ".", "--now", now, "--format", "jsonl", "--fail-on", "info"], directory: directory)
        let found = try findings(run)
        let byLine = Dictionary(grouping: found, by: \.line)
        // Every published value that a rule reads is info, with the reason that names its source.
        for line in 1...5 {
            for finding in byLine[line] ?? [] {
                XCTAssertEqual(finding.severity, .info, "line \(line): \(finding.reasons)")
                XCTAssertTrue(finding.reasons.contains { $0.code == "doc-sample" }, "line \(line): \(finding.reasons)")
            }
        }
        XCTAssertEqual(byLine[1]?.count, 2, "RFC 6749's access and refresh tokens are read, and judged samples:\n\(run.stdout)")
        XCTAssertTrue(byLine[1]?.contains { $0.reasons.contains { $0.message.contains("RFC 6749") } } == true, run.stdout)
        XCTAssertEqual(byLine[4]?.count, 1, "Azurite's key is read as the AccountKey it is:\n\(run.stdout)")
        XCTAssertEqual(byLine[6]?.map(\.severity), [.medium], "another account key stays a finding:\n\(run.stdout)")
    }

    /// Discord's developer documentation prints a realistic webhook URL (OAuth2, "Webhook Token
    /// Response Example"): info, doc-sample, where a minted one is medium. (Slack, Microsoft and
    /// Google print placeholders only, which the webhook rules already refuse.)
    func testVendorsDocumentedWebhookURLIsADocSample() throws {
        // Assembled at run time so that this file holds no webhook URL (SelfScanCLITests).
        let documented = "https://discord.com/api/webhooks/347114750880120863/" + "kKDdjXa1g9tKNs0-_yOwLyALC9gydEWP6gr9sHabuK1vuofjhQDDnlOclJeRIvYK-pj_"
        let minted = "https://discord.com/api/webhooks/347114750880120863/" + TokenMinter.provider(.discordWebhook, seed: "doc-sample-control")
        for (url, severity, codes) in [(documented, Severity.info, ["doc-sample"]), (minted, .medium, ["opaque-token"])] {
            let scan = try run(["scan", "-", "--now", now, "--format", "jsonl", "--fail-on", "never"], stdin: Data("\"url\": \"\(url)\",\n".utf8))
            let found = try findings(scan)
            XCTAssertEqual(found.map(\.ruleId), ["discord-webhook-url"], scan.stderr)
            XCTAssertEqual(found.first?.severity, severity)
            XCTAssertEqual(found.first?.reasons.map(\.code), codes)
        }
    }
}
