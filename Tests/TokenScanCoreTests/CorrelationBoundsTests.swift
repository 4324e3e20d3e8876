import Foundation
import XCTest
import FixtureKit
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanEngine
@testable import TokenScanSearch
@testable import TokenScanJudge
@testable import TokenScanApp

/// Each correlation across one input's findings keeps a bounded number of items
/// (`CorrelationBounds`); past its bound a credential is judged on its own though its other half is
/// in the input. That is named, never silent: a `summary.limits` entry naming the input, where the
/// first item left out stands and what was not correlated, and the same line on stderr. The
/// bounds are made small here; `CorrelationBoundsCLITests` hits a real one through the binary.
///
/// Values are minted from a seeded generator, never written here (the repository scans itself).
final class CorrelationBoundsTests: XCTestCase {
    func scan(_ text: String, name: String, bounds: CorrelationBounds) -> ([Finding], ScanSummary, Collector) {
        var settings = TestSupport.settings()
        settings.correlationBounds = bounds
        let collector = Collector()
        let summary = Scanner(matcher: TestSupport.matcher(), settings: settings, options: ScanOptions())
            .scan([.memory(name: name, bytes: Array(text.utf8))], observer: collector)
        return (collector.findings, summary, collector)
    }

    static func random(_ seed: UInt64, _ count: Int) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(random.below(256)) }
    }

    /// Base64 of an HMAC-SHA256 (Azure's `sig`), percent-encoded as a URL carries it.
    static func azureSignature(_ seed: UInt64) -> String {
        Data(random(seed, 32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(of: "/", with: "%2F").replacingOccurrences(of: "=", with: "%3D")
    }

    /// A HAR entry: the signed URL, then its signature again as a `queryString` pair.
    static func harEntry(_ seed: UInt64) -> String {
        let signature = azureSignature(seed)
        return """
            {"startedDateTime": "2025-12-31T12:00:00.000Z", "request": {"method": "GET",
              "url": "https://acct.blob.core.windows.net/c/\(seed).txt?sp=r&se=2026-06-30&sv=2022-11-02&sr=b&sig=\(signature)",
              "queryString": [
                {
                  "name": "sig",
                  "value": "\(signature.removingPercentEncoding!)"
                }
              ]}}
            """
    }

    func testSignedURLsPastTheBoundLeaveTheirPairsAloneAndSaySo() throws {
        let har = "{\"log\": {\"entries\": [\n" + (1...3).map { Self.harEntry($0) }.joined(separator: ",\n") + "\n]}}\n"
        let (whole, wholeSummary, _) = scan(har, name: "session.har", bounds: CorrelationBounds())
        XCTAssertEqual(whole.map(\.ruleId), ["azure-sas-url", "azure-sas-url", "azure-sas-url"], "each pair folds into its URL")
        XCTAssertNil(wholeSummary.limits)

        var bounds = CorrelationBounds()
        bounds.signedURLs = 2
        let (findings, summary, collector) = scan(har, name: "session.har", bounds: bounds)
        XCTAssertEqual(findings.map(\.ruleId), ["azure-sas-url", "azure-sas-url", "azure-sas-url", "named-pair"],
                       "the third URL's pair is judged alone")
        let offset = try XCTUnwrap(har.utf8.firstRange(of: "sig=\(Self.azureSignature(3))".utf8)).lowerBound
        let expected = LimitReport(
            limit: "signed-url-pairs", path: "session.har", offset: har.utf8.distance(from: har.utf8.startIndex, to: offset) + 4,
            detail: "1 signed URL past the first 2 not correlated: such a signature pair (a HAR `queryString` `sig`, `X-Amz-Signature` …) is reported as a finding of its own, beside its URL's finding or though its URL has expired")
        XCTAssertEqual(summary.limits, [expected])
        XCTAssertEqual(collector.diagnostics.filter { $0.hasPrefix("limit ") }, ["limit signed-url-pairs hit in session.har at byte \(expected.offset): \(expected.detail)"])

        bounds = CorrelationBounds()
        bounds.signaturePairs = 1
        let (pairs, pairSummary, _) = scan(har, name: "session.har", bounds: bounds)
        XCTAssertEqual(pairs.filter { $0.ruleId == "named-pair" }.count, 2, "pairs past the bound are judged alone")
        XCTAssertEqual(pairSummary.limits?.map(\.limit), ["signed-url-pairs"])
        XCTAssertTrue(pairSummary.limits?.first?.detail.hasPrefix("2 signature pairs past the first 1 not correlated") == true, "\(pairSummary.limits ?? [])")
    }

    /// A live stream's pairs that went out before their URL are remembered so that the URL names
    /// them (`signature-pair-reported`), up to the pairs' bound; past it the URL cannot, and that
    /// is counted with the stream's other correlation bounds, not dropped quietly.
    func testPairsRememberedForALateURLAreBoundedAndSaySo() {
        var bounds = CorrelationBounds()
        bounds.signaturePairs = 1
        var pairs = SignedURLPairs(bounds: bounds)
        func pair(_ line: Int, _ value: String) {
            var finding = Finding(ruleId: "named-pair", kind: "opaque", severity: .medium, score: 50, path: "-", line: line,
                                  column: 1, endLine: line, endColumn: 2, secret: value, fingerprint: "f\(line)", reasons: [])
            finding.request = RequestContext(field: "sig")
            pairs.notePair(finding, value: Array(value.utf8), at: line * 100)
            var findings = [finding]
            _ = pairs.apply(to: &findings)
            XCTAssertEqual(findings.count, 1, "no URL yet: the pair goes out alone")
        }
        pair(1, "first-signature-value")
        pair(2, "second-signature-value")
        XCTAssertEqual(pairs.reportedPair(for: Array("first-signature-value".utf8)), "`sig` at line 1")
        XCTAssertNil(pairs.reportedPair(for: Array("second-signature-value".utf8)), "past the bound")
        var none: [Finding] = []
        XCTAssertEqual(pairs.apply(to: &none)?.detail.hasPrefix("1 reported signature pair past the first 1 not correlated"), true)
    }

    /// An STS session token: base64 after STS's header, several hundred characters.
    static func stsToken(_ seed: UInt64) -> String { "IQoJb3JpZ2luX2VjE" + Data(random(seed, 300)).base64EncodedString() }

    func testAWSSessionTokensPastTheBoundAreJudgedAloneAndSaySo() throws {
        let first = Self.stsToken(1), second = Self.stsToken(2), key = Data(Self.random(3, 30)).base64EncodedString()
        let text = "AWS_SESSION_TOKEN=\(first)\nAWS_SESSION_TOKEN=\(second)\nAWS_SECRET_ACCESS_KEY=\(key)\n"
        let (whole, _, _) = scan(text, name: "creds.env", bounds: CorrelationBounds())
        XCTAssertEqual(whole.map(\.severity), [.high, .high], "both tokens pair with the key")

        var bounds = CorrelationBounds()
        bounds.awsSessionTokens = 1
        let (findings, summary, collector) = scan(text, name: "creds.env", bounds: bounds)
        XCTAssertEqual(findings.map(\.secret), [first, second], "the key folds into the first token's set")
        XCTAssertEqual(findings.map(\.severity), [.high, .low], "the second token is judged alone")
        let offset = text.utf8.distance(from: text.utf8.startIndex, to: try XCTUnwrap(text.utf8.firstRange(of: second.utf8)).lowerBound)
        XCTAssertEqual(summary.limits?.map(\.limit), ["aws-credential-sets"])
        XCTAssertEqual(summary.limits?.first?.offset, offset)
        XCTAssertTrue(summary.limits?.first?.detail.hasPrefix("1 AWS session token past the first 1 not correlated: such a session token is judged alone") == true,
                      "\(summary.limits ?? [])")
        XCTAssertTrue(collector.diagnostics.contains { $0.hasPrefix("limit aws-credential-sets hit in creds.env at byte \(offset): ") }, "\(collector.diagnostics)")

        bounds = CorrelationBounds()
        bounds.awsSecretAccessKeys = 0
        let (unpaired, keySummary, _) = scan(text, name: "creds.env", bounds: bounds)
        XCTAssertEqual(unpaired.map(\.severity), [.low, .low, .medium], "no key noted: nothing pairs")
        XCTAssertTrue(keySummary.limits?.first?.detail.hasPrefix("1 AWS secret access key past the first 0 not correlated") == true, "\(keySummary.limits ?? [])")
    }

    func testHMACTokensAndSigningKeysPastTheBoundAreNotCheckedAndSaySo() throws {
        let key = "corr-bound-" + Base64.urlEncode(Self.random(7, 18))
        let tokens = (1...2).map { TokenMinter.jwt(claims: ["sub": .string("user-\($0)"), "scope": .string("read")], key: key) }
        let assignment = "JWT_" + "SECRET=" + key
        let text = "a=\(tokens[0])\nb=\(tokens[1])\n\(assignment)\n"
        let (whole, _, _) = scan(text, name: "app.log", bounds: CorrelationBounds())
        let forged = whole.filter { $0.reasons.contains { $0.code == "weak-hmac-secret" } }.map(\.secret)
        XCTAssertEqual(forged, tokens, "the key beside them makes both forgeable: \(whole.map(\.reasons))")

        var bounds = CorrelationBounds()
        bounds.hmacTokens = 1
        let (findings, summary, collector) = scan(text, name: "app.log", bounds: bounds)
        XCTAssertEqual(findings.filter { $0.reasons.contains { $0.code == "weak-hmac-secret" } }.map(\.secret), [tokens[0]])
        XCTAssertEqual(summary.limits?.map(\.limit), ["signing-key-tokens"])
        XCTAssertEqual(summary.limits?.first?.offset, text.utf8.distance(from: text.utf8.startIndex, to: try XCTUnwrap(text.utf8.firstRange(of: tokens[1].utf8)).lowerBound))
        XCTAssertEqual(summary.limits?.first?.detail,
                       "1 HMAC-signed token past the first 1 not correlated: a token not noted, or signed by a key not noted, is not reported as forgeable though its key is in this input")
        XCTAssertEqual(collector.diagnostics.filter { $0.hasPrefix("limit signing-key-tokens hit in app.log at byte ") }.count, 1, "\(collector.diagnostics)")

        // A key repeated on many lines is one key; a second distinct key past the bound is named.
        let other = "corr-bound-" + Base64.urlEncode(Self.random(8, 18))
        let signedByOther = TokenMinter.jwt(claims: ["sub": "other"], key: other)
        let keys = String(repeating: assignment + "\n", count: 3) + "JWT_" + "SECRET=" + other + "\n"
        bounds = CorrelationBounds()
        bounds.signingKeys = 1
        let (keyed, keySummary, _) = scan("a=\(tokens[0])\nc=\(signedByOther)\n" + keys, name: "app.log", bounds: bounds)
        XCTAssertEqual(keyed.filter { $0.reasons.contains { $0.code == "weak-hmac-secret" } }.map(\.secret), [tokens[0]])
        XCTAssertEqual(keySummary.limits?.count, 1)
        XCTAssertTrue(keySummary.limits?.first?.detail.hasPrefix("1 signing key past the first 1 not correlated") == true, "\(keySummary.limits ?? [])")
    }
}
