import Foundation
import XCTest
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanReport
import FixtureKit

/// The two GitLab formats against what GitLab reads: the secret-detection report against the
/// published schema (a copy in Schemas/gitlab, with its source in README there), the Code
/// Quality report against the fields GitLab's documentation requires (it publishes no schema).
final class GitLabReportTests: XCTestCase {
    let golden = ReporterGoldenTests.self

    func testSecretDetectionReportValidatesAgainstGitLabSchema() throws {
        for showSecrets in [false, true] {
            let report = try golden.render(.gitlabSecretDetection, showSecrets: showSecrets)
            try assertValid(report, schema: "secret-detection-report-format-\(GitLabSecretDetectionReporter.schemaVersion).json")
        }
    }

    /// The validator is not a rubber stamp: a report without the commit the schema requires fails.
    func testSchemaValidationRejectsAReportWithoutACommit() throws {
        let report = try golden.render(.gitlabSecretDetection)
        let broken = report.replacingOccurrences(of: #""commit" : {"#, with: #""kommit" : {"#)
        XCTAssertNotEqual(broken, report)
        let (status, output) = try validate(broken, schema: "secret-detection-report-format-\(GitLabSecretDetectionReporter.schemaVersion).json")
        XCTAssertNotEqual(status, 0, output)
        XCTAssertTrue(output.contains("'commit' is a required property"), output)
    }

    func testSecretDetectionReportContract() throws {
        let object = try JSONSerialization.jsonObject(with: Data(golden.render(.gitlabSecretDetection).utf8)) as! [String: Any]
        XCTAssertEqual(object["version"] as? String, GitLabSecretDetectionReporter.schemaVersion)
        let scan = object["scan"] as! [String: Any]
        XCTAssertEqual(scan["type"] as? String, "secret_detection")
        XCTAssertEqual(scan["status"] as? String, "success")
        XCTAssertEqual(scan["start_time"] as? String, "2026-01-01T00:00:00", "a fixed clock gives reproducible times")
        XCTAssertEqual(scan["end_time"] as? String, "2026-01-01T00:00:00")
        let vulnerabilities = object["vulnerabilities"] as! [[String: Any]]
        XCTAssertFalse(vulnerabilities.isEmpty)
        let ids = vulnerabilities.map { $0["id"] as! String }
        XCTAssertEqual(Set(ids).count, ids.count, "ids are unique within a report, repeated secrets included")
        for vulnerability in vulnerabilities {
            XCTAssertEqual(vulnerability["category"] as? String, "secret_detection")
            XCTAssertTrue(["Critical", "High", "Medium", "Low", "Info"].contains(vulnerability["severity"] as! String))
            XCTAssertNil(vulnerability["raw_source_code_extract"], "no secret without --show-secrets")
            let location = vulnerability["location"] as! [String: Any]
            let commit = location["commit"] as! [String: Any]
            XCTAssertEqual(commit["sha"] as? String, "0000000", "files outside git: GitLab's placeholder commit")
            XCTAssertNil(commit["message"], "commit messages are not scanned, so never written")
            XCTAssertNotNil(location["file"])
            XCTAssertNotNil(location["start_line"])
        }
        let shown = try JSONSerialization.jsonObject(with: Data(golden.render(.gitlabSecretDetection, showSecrets: true).utf8)) as! [String: Any]
        let extracts = (shown["vulnerabilities"] as! [[String: Any]]).compactMap { $0["raw_source_code_extract"] as? String }
        XCTAssertEqual(extracts.count, vulnerabilities.count, "--show-secrets adds the secret, as GitLab's analyzer writes it")
        let secrets = Set(FixtureCorpus.tokens().values.map(\.token))
        XCTAssertTrue(extracts.contains { secrets.contains($0) })
    }

    /// Ids follow the secret, not the line: the same report renders the same ids, and they are
    /// derived from the keyed fingerprint, never the secret.
    func testStableIDsAreDerivedFromTheFingerprint() throws {
        let id = GitLabReporting.stableID("tokenscan-gitlab-secret", "v2:abc", "a.env", "1")
        XCTAssertEqual(id, GitLabReporting.stableID("tokenscan-gitlab-secret", "v2:abc", "a.env", "1"))
        XCTAssertNotEqual(id, GitLabReporting.stableID("tokenscan-gitlab-secret", "v2:abc", "a.env", "2"))
        XCTAssertNotNil(UUID(uuidString: id), id)
        XCTAssertEqual(Array(id)[14], "8", "UUID version 8: application-defined")
        XCTAssertTrue("89ab".contains(Array(id)[19]), "RFC 9562 variant")
    }

    /// GitLab reads `description`, `check_name`, `fingerprint`, `severity` (info, minor, major,
    /// critical, blocker) and `location.path` with `location.lines.begin`; fingerprints must be
    /// unique, or GitLab shows one issue for several.
    func testCodeQualityReportHasTheFieldsGitLabRequires() throws {
        let report = try golden.render(.gitlabCodeQuality)
        let issues = try JSONSerialization.jsonObject(with: Data(report.utf8)) as! [[String: Any]]
        XCTAssertFalse(issues.isEmpty)
        for issue in issues {
            for key in ["description", "check_name", "fingerprint", "severity"] {
                XCTAssertFalse((issue[key] as? String ?? "").isEmpty, key)
            }
            XCTAssertTrue(["info", "minor", "major", "critical", "blocker"].contains(issue["severity"] as! String))
            let location = issue["location"] as! [String: Any]
            XCTAssertFalse((location["path"] as? String ?? "").isEmpty)
            XCTAssertGreaterThanOrEqual((location["lines"] as? [String: Any])?["begin"] as? Int ?? 0, 1)
        }
        let fingerprints = issues.map { $0["fingerprint"] as! String }
        XCTAssertEqual(Set(fingerprints).count, fingerprints.count)
        XCTAssertTrue(issues.contains { $0["severity"] as? String == "blocker" }, "a critical finding blocks")
    }

    func testEmptyCodeQualityReportIsAnEmptyArray() throws {
        let output = try TestSupport.temporaryDirectory().appendingPathComponent("cq.json")
        let reporter = GitLabCodeQualityReporter(output: try ReportOutput(path: output.path, private: false))
        try reporter.finish(ScanSummary())
        try (reporter.output).commit()
        let value = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [Any]
        XCTAssertEqual(value?.count, 0)
    }

    // MARK: - Schema validation with python3 jsonschema (installed by scripts/bootstrap --test)

    func assertValid(_ report: String, schema: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (status, output) = try validate(report, schema: schema)
        XCTAssertEqual(status, 0, output, file: file, line: line)
    }

    func validate(_ report: String, schema: String) throws -> (Int32, String) {
        let directory = try TestSupport.temporaryDirectory()
        guard (try? Command.run(["python3", "-c", "import jsonschema"], in: directory).status) == 0 else {
            throw XCTSkip("python3 with jsonschema is needed to validate against GitLab's schema (scripts/bootstrap --test installs it)")
        }
        let path = directory.appendingPathComponent("report.json")
        try report.write(to: path, atomically: true, encoding: .utf8)
        let schemaPath = TestSupport.repositoryRoot.appendingPathComponent("Tests/TokenScanCoreTests/Schemas/gitlab/\(schema)").path
        let program = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            report = json.load(open(sys.argv[2]))
            errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(report), key=lambda e: list(e.path))
            for error in errors:
                print("/".join(str(p) for p in error.path) + ": " + error.message)
            sys.exit(1 if errors else 0)
            """
        return try Command.run(["python3", "-c", program, schemaPath, path.path], in: directory)
    }
}
