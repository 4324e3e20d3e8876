import Foundation
import XCTest
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanJudge
@testable import TokenScanApp
import FixtureKit

/// Issue #20's acceptance for signed URLs on their labelled corpus: per log format (access logs,
/// JSON logs, HAR, curl -v and CLI traces, CI logs) at least 50 signed URLs and 50 look-alikes
/// (expired, placeholder, cut, masked or stripped signatures), recall at least 99 %, at most 1 %
/// of look-alikes reported, and each found URL at the severity design §5 gives it. The issue #4
/// and #15 corpora still pass whole: nothing found before is lost.
///
/// `SIGNED_URL_CORPUS_REPORT=1` prints the per-category table the README quotes.
final class SignedURLCorpusTests: XCTestCase {
    static let corpus = SignedURLCorpus.generate()

    func testEveryFormatHasFiftySignedURLsAndFiftyLookAlikes() {
        let figures = SignedURLCorpus.figures(LabelledCorpus.evaluate(Self.corpus, findings: []), corpus: Self.corpus)
        for category in SignedURLCorpus.Category.allCases {
            let counts = figures[category] ?? NamedValueCorpus.Figures()
            XCTAssertGreaterThanOrEqual(counts.tokens, 50, "\(category) signed URLs")
            XCTAssertGreaterThanOrEqual(counts.lookAlikes, 50, "\(category) look-alikes")
        }
        let labels = Set(Self.corpus.tokens.map(\.label))
        for label in ["signed:azure-sas-write", "signed:azure-sas-read", "signed:azure-connection-string-write", "signed:azure-connection-string-read",
                      "signed:aws-presigned", "signed:aws-presigned-session-token", "signed:gcs-v4", "signed:gcs-v2"] {
            XCTAssertTrue(labels.contains(label), "no \(label) URL")
        }
        let kinds = Set(Self.corpus.lookAlikes.map(\.kind))
        for kind in ["expired-signed-url", "placeholder", "truncated-signature", "masked", "url"] {
            XCTAssertTrue(kinds.contains(kind), "no \(kind) look-alike")
        }
        XCTAssertEqual(SignedURLCorpus.generate().tokens, Self.corpus.tokens, "deterministic")
    }

    func testRecallLookAlikesAndSeverityPerFormat() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FixtureCorpus.write(Self.corpus.files, to: directory)
        var options = ScanOptions()
        options.jobs = 2
        let (findings, summary, _) = TestSupport.scan(
            paths: [directory.path], options: options, settings: AnalysisSettings(now: LabelledCorpus.now))
        XCTAssertEqual(summary.skipped.map(\.path), [])
        let prefix = directory.path + "/"
        let reported = findings.map {
            LabelledCorpus.Reported(
                path: String($0.path.dropFirst(prefix.count)), line: $0.line, column: $0.column, endLine: $0.endLine,
                endColumn: $0.endColumn, kind: $0.kind, ruleId: $0.ruleId, encodings: $0.encodings)
        }
        let evaluation = LabelledCorpus.evaluate(Self.corpus, findings: reported, strictness: LabelledCorpusTests.strictness)
        let figures = SignedURLCorpus.figures(evaluation, corpus: Self.corpus)
        var table = ["| log format | signed URLs found | recall | look-alikes reported |", "|---|---|---|---|"]
        for category in SignedURLCorpus.Category.allCases {
            let f = figures[category] ?? NamedValueCorpus.Figures()
            let recall = String(format: "%.1f", f.recall * 100), flagged = String(format: "%.1f", f.flaggedRate * 100)
            table.append("| \(category.rawValue) | \(f.found) / \(f.tokens) | \(recall) % | \(f.flagged) / \(f.lookAlikes) (\(flagged) %) |")
        }
        let report = table.joined(separator: "\n") + "\n" + LabelledCorpus.report(evaluation, corpus: Self.corpus)
        if ProcessInfo.processInfo.environment["SIGNED_URL_CORPUS_REPORT"] != nil { print(report) }
        let details = (evaluation.missed.map { "missed \($0)" }
            + evaluation.wrong.map { "wrong \($0.token): reported \($0.reported): \($0.why)" }
            + evaluation.unexpected.map { "unexpected \($0.reported) — \($0.at)" }).joined(separator: "\n")
        for category in SignedURLCorpus.Category.allCases {
            let f = try XCTUnwrap(figures[category])
            XCTAssertGreaterThanOrEqual(f.recall, 0.99, "\(category) recall\n\(report)\n\(details)")
            XCTAssertLessThanOrEqual(f.flaggedRate, 0.01, "\(category) look-alikes\n\(report)\n\(details)")
        }
        let elsewhere = evaluation.unexpected.filter { !$0.at.hasPrefix("look-alike") }
        XCTAssertLessThanOrEqual(elsewhere.count * 100, Self.corpus.lookAlikes.count, details)

        // Severity per design §5: high with a write-type permission, medium otherwise.
        var wrongSeverity: [String] = []
        for token in Self.corpus.tokens {
            let e = token.expectation
            guard let finding = findings.first(where: { String($0.path.dropFirst(prefix.count)) == e.path && $0.line == e.line && $0.column == e.column })
            else { continue }
            let expected = SignedURLCorpus.expectedSeverity(label: token.label)
            if finding.severity.rawValue != expected { wrongSeverity.append("\(token): \(finding.severity.rawValue), expected \(expected)") }
        }
        XCTAssertEqual(wrongSeverity, [], wrongSeverity.joined(separator: "\n"))
        // Every expired URL is counted, and nothing else is.
        let expired = Self.corpus.lookAlikes.filter { $0.kind == "expired-signed-url" }.count
        XCTAssertEqual(summary.expiredSignedURLs, expired)
    }
}
