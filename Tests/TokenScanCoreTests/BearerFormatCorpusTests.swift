import Foundation
import XCTest
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanJudge
@testable import TokenScanApp
import FixtureKit

/// Issue #21's acceptance on its labelled corpus: per format at least 50 tokens and 50
/// look-alikes, recall at least 99 %, at most 1 % of look-alikes reported, and every token found
/// with the severity design §5 gives it. The issue #4 and #15 corpora still pass whole
/// (`LabelledCorpusTests`, `NamedValueCorpusTests`): nothing found before is lost.
///
/// `BEARER_FORMAT_CORPUS_REPORT=1` prints the per-format table the README quotes.
final class BearerFormatCorpusTests: XCTestCase {
    static let corpus = BearerFormatCorpus.generate()

    func testEveryFormatHasFiftyTokensAndFiftyLookAlikesInEveryPlace() {
        for format in BearerFormatCorpus.Format.allCases {
            let tokens = Self.corpus.tokens.filter { BearerFormatCorpus.format(ofPath: $0.expectation.path) == format }
            let lookAlikes = Self.corpus.lookAlikes.filter { BearerFormatCorpus.format(ofPath: $0.path) == format }
            XCTAssertGreaterThanOrEqual(tokens.count, 50, "\(format) tokens")
            XCTAssertGreaterThanOrEqual(lookAlikes.count, 50, "\(format) look-alikes")
            let places = Set(tokens.map { $0.expectation.path.split(separator: "/")[1] })
            XCTAssertEqual(places, ["logs", "http", "config", "postman", "notebooks"], "\(format)")
            let severities = Set(tokens.map(BearerFormatCorpus.severity(of:)))
            XCTAssertEqual(severities, format.severities, "\(format): every row of §5 its claims can reach")
        }
        let labels = Set(Self.corpus.tokens.map { String($0.label.split(separator: "/")[0]) })
        for version in 1...4 {
            for purpose in ["local", "public"] {
                XCTAssertTrue(labels.contains("paseto:v\(version).\(purpose)"), "no v\(version).\(purpose) token")
            }
        }
        XCTAssertTrue(labels.isSuperset(of: ["fernet:padded", "fernet:keystone"]))
        XCTAssertTrue(labels.contains("branca:token"))
        XCTAssertTrue(labels.isSuperset(of: ["macaroon:lnd-admin", "macaroon:lnd-readonly", "macaroon:lnd-invoice", "macaroon:lnd-expired", "macaroon:v1", "macaroon:v2"]))
        XCTAssertTrue(labels.isSuperset(of: [
            "biscuit:admin", "biscuit:write", "biscuit:write-expiring", "biscuit:write-attenuated", "biscuit:read-attenuated",
            "biscuit:expired", "biscuit:no-rights",
        ]))
        XCTAssertTrue(labels.isSuperset(of: ["saml:aws-admin", "saml:admin-group", "saml:read-only", "saml:expired", "saml:encrypted", "saml:entitlement"]))
        let samlLookAlikes = Set(Self.corpus.lookAlikes.filter { BearerFormatCorpus.format(ofPath: $0.path) == .saml }.map(\.kind))
        XCTAssertTrue(samlLookAlikes.isSuperset(of: ["saml-message", "x5c", "truncated-signature", "base64-of-text"]), "\(samlLookAlikes)")
        XCTAssertEqual(BearerFormatCorpus.generate().tokens, Self.corpus.tokens, "deterministic")
    }

    func testRecallLookAlikesAndSeverityPerFormat() throws {
        let (findings, summary) = try TestSupport.scanLabelled(Self.corpus)
        XCTAssertEqual(summary.skipped.map(\.path), [])
        let reported = findings.map {
            LabelledCorpus.Reported(
                path: $0.path, line: $0.line, column: $0.column, endLine: $0.endLine, endColumn: $0.endColumn, kind: $0.kind,
                ruleId: $0.ruleId, encodings: $0.encodings)
        }
        let evaluation = LabelledCorpus.evaluate(Self.corpus, findings: reported, strictness: LabelledCorpus.Strictness(end: true))
        let details = (evaluation.missed.map { "missed \($0)" }
            + evaluation.wrong.map { "wrong \($0.token): reported \($0.reported): \($0.why)" }
            + evaluation.unexpected.map { "unexpected \($0.reported) — \($0.at)" }).joined(separator: "\n")
        // Severity of each token found, by where it starts.
        var severityAt: [String: String] = [:]
        for finding in findings {
            severityAt["\(finding.path):\(finding.line):\(finding.column)"] = finding.severity.rawValue
        }
        var table = ["| format | tokens found | recall | look-alikes reported | severity as §5 |", "|---|---|---|---|---|"]
        for format in BearerFormatCorpus.Format.allCases {
            let tokens = Self.corpus.tokens.filter { BearerFormatCorpus.format(ofPath: $0.expectation.path) == format }
            let lookAlikes = Self.corpus.lookAlikes.filter { BearerFormatCorpus.format(ofPath: $0.path) == format }
            let found = tokens.filter(Set(evaluation.found).contains)
            let flagged = lookAlikes.filter(Set(evaluation.reportedLookAlikes).contains)
            let wrongSeverity = found.filter { token in
                let place = "\(token.expectation.path):\(token.expectation.line):\(token.expectation.column)"
                return severityAt[place] != BearerFormatCorpus.severity(of: token)
            }
            let recall = Double(found.count) / Double(tokens.count), flaggedRate = Double(flagged.count) / Double(lookAlikes.count)
            table.append("| \(format.rawValue) | \(found.count) / \(tokens.count) | \(String(format: "%.1f", recall * 100)) % | "
                + "\(flagged.count) / \(lookAlikes.count) (\(String(format: "%.1f", flaggedRate * 100)) %) | \(found.count - wrongSeverity.count) / \(found.count) |")
            XCTAssertGreaterThanOrEqual(recall, 0.99, "\(format) recall\n\(details)")
            XCTAssertLessThanOrEqual(flaggedRate, 0.01, "\(format) look-alikes\n\(details)")
            XCTAssertEqual(wrongSeverity.map(\.description), [], "\(format): severity differs from design §5")
        }
        if ProcessInfo.processInfo.environment["BEARER_FORMAT_CORPUS_REPORT"] != nil { print(table.joined(separator: "\n")) }
        XCTAssertEqual(evaluation.unexpected.count, 0, details)
    }
}
