import Foundation
import XCTest
import FixtureKit
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanEngine
@testable import TokenScanSearch
@testable import TokenScanJudge
@testable import TokenScanSuppression
@testable import TokenScanSources
@testable import TokenScanReport
@testable import TokenScanApp

/// Every limit that stops work on an input says so in the report, naming the input and the limit,
/// while the input's other findings are kept. (Decoding limits of JWTs: `OverlongTokenTests`;
/// the zip's declared size and corrupt archives: the CLI's `ArchiveTests`.)
final class LimitReportTests: XCTestCase {
    let token = TokenMinter.jwt(claims: ["sub": "limits", "scope": "repo"])

    func scan(_ inputs: [ScanInput], matcher: Matcher = TestSupport.matcher(), configure: (inout ScanOptions) -> Void = { _ in }) -> ([Finding], ScanSummary, Collector) {
        var options = ScanOptions()
        options.jobs = 2
        configure(&options)
        let collector = Collector()
        let summary = Scanner(matcher: matcher, settings: TestSupport.settings(), options: options).scan(inputs, observer: collector)
        return (collector.findings, summary, collector)
    }

    func python(_ script: String, in directory: URL) throws {
        guard try Command.run(["python3", "-c", script], in: directory).status == 0 else { throw XCTSkip("python3 could not build the archives") }
    }

    /// PCRE2's match limit (not the time budget: it is set far away) stops a backtracking rule
    /// on one input; the summary's `ruleErrors` and stderr name rule, input, offset and limit.
    func testMatchLimitIsNamedPerRuleAndInput() {
        var rules = TestSupport.builtinRules()
        rules.append(Rule(id: "backtracks", kind: "generic", regex: "(?<secret>(a|aa)+$)", keywords: ["aaaa"], maxLength: 65536, origin: "test"))
        var limits = MatchLimits()
        limits.matchLimit = 1000
        let matcher = TestSupport.matcher(rules, limits: limits, timeBudget: .seconds(600))
        let text = String(repeating: "a", count: 5000) + "!\nt=\(token)\n"
        let (findings, summary, collector) = scan([.memory(name: "slow.txt", bytes: Array(text.utf8))], matcher: matcher)
        XCTAssertEqual(findings.map(\.ruleId), ["jwt"], "the other rules still report")
        XCTAssertEqual(summary.ruleErrors.map(\.ruleId), ["backtracks"])
        XCTAssertEqual(summary.ruleErrors.first?.path, "slow.txt")
        XCTAssertTrue(summary.ruleErrors.first?.reason.hasPrefix("match limit exceeded (match limit exceeded)") ?? false,
                      summary.ruleErrors.first?.reason ?? "")
        XCTAssertTrue(collector.diagnostics.contains { $0.hasPrefix("rule 'backtracks' stopped on slow.txt at byte ") }, "\(collector.diagnostics)")
    }

    /// A zip entry that inflates past the expansion ratio (its declared size honest) is cut off,
    /// named with the ratio; the archive's other entries are scanned.
    func testExpansionRatioIsNamed() throws {
        let directory = try TestSupport.temporaryDirectory()
        try python("""
            import zipfile
            with zipfile.ZipFile("honest.zip", "w", compression=zipfile.ZIP_DEFLATED) as z:
                z.writestr("zeros.bin", b"0" * (5 << 20))
                z.writestr("app.env", "T=\(token)\\n")
            """, in: directory)
        let (findings, summary, _) = scan([.path(directory.path)]) { $0.maxExpansionRatio = 100 }
        XCTAssertEqual(findings.map { ($0.path as NSString).lastPathComponent }, ["honest.zip!app.env"])
        XCTAssertEqual(summary.skipped.count, 1)
        XCTAssertTrue(summary.skipped.first?.path.hasSuffix("honest.zip!zeros.bin") ?? false)
        let reason = summary.skipped.first?.reason ?? ""
        XCTAssertTrue(reason.hasPrefix("expands to more than 100× its compressed size ("), reason)
        XCTAssertTrue(reason.contains("declared \(5 << 20) uncompressed): possible zip bomb"), reason)
        XCTAssertEqual(scan([.path(directory.path)]) { $0.maxExpansionRatio = 2000 }.1.skipped.count, 0, "deflate stays under 2000×")
    }

    /// Archives nested deeper than `maxArchiveDepth` are named, not entered; shallower entries
    /// are scanned.
    func testArchiveDepthIsNamed() throws {
        let directory = try TestSupport.temporaryDirectory()
        try python("""
            import tarfile, io
            def tar(entries):
                out = io.BytesIO()
                with tarfile.open(fileobj=out, mode="w") as t:
                    for name, data in entries:
                        info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
                return out.getvalue()
            token = b"T=\(token)\\n"
            innermost = tar([("deep.env", token)])
            middle = tar([("middle.env", token), ("innermost.tar", innermost)])
            open("outer.tar", "wb").write(tar([("outer.env", token), ("middle.tar", middle)]))
            """, in: directory)
        let (findings, summary, collector) = scan([.path(directory.path)]) { $0.maxArchiveDepth = 2 }
        XCTAssertEqual(findings.map { ($0.path as NSString).lastPathComponent }, ["outer.tar!middle.tar!middle.env", "outer.tar!outer.env"])
        XCTAssertEqual(summary.skipped.map { ($0.path as NSString).lastPathComponent }, ["outer.tar!middle.tar!innermost.tar"])
        XCTAssertEqual(summary.skipped.first?.reason, "archive nested deeper than 2 levels: not entered")
        XCTAssertTrue(collector.diagnostics.contains { $0.contains("innermost.tar: archive nested deeper than 2 levels") })
        XCTAssertEqual(scan([.path(directory.path)]).0.count, 3, "the default depth (3) enters all of them")
    }
}
