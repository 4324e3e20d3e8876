import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanReport
import TokenScanSearch
import TokenScanSources
import TokenScanSuppression

/// Runs rules' examples and counterexamples through the pipeline a scan uses: the `Scanner` with
/// the whole rule set a scan would run (the rules checked plus `context`, e.g. the built-in rules
/// beside a user's rule file), so hit grouping, the provider-prefix check and suppression decide
/// as they do in a scan. An example passes only when a scan reports it, by its own rule.
public enum RuleChecker {
    public struct Failure: Sendable, CustomStringConvertible, Equatable {
        public var ruleID: String
        public var origin: String
        public var message: String
        public var description: String { "\(origin): rule '\(ruleID)': \(message)" }
    }

    /// A fixed clock: examples must not change verdict as time passes.
    public static let exampleClock = Date(timeIntervalSince1970: 1_700_000_000)

    public static func check(_ rules: [Rule], context: [Rule] = [], settings: AnalysisSettings? = nil) -> [Failure] {
        var failures: [Failure] = []
        let settings = settings ?? AnalysisSettings(now: exampleClock, showSecrets: true)
        let checked = Set(rules.map(\.id))
        // A rule that does not compile is named below, rule by rule; the scan runs without it.
        let candidates = rules + context.filter { !checked.contains($0.id) }
        var compileErrors: [String: String] = [:]
        for rule in candidates {
            do { _ = try Matcher(rules: [rule]) } catch { compileErrors[rule.id] = error.message }
        }
        let everyRule = candidates.filter { compileErrors[$0.id] == nil }
        var options = ScanOptions()
        options.jobs = 1
        options.scanBinary = true
        options.archives = false
        let scanner = (try? Matcher(rules: everyRule)).map { Scanner(matcher: $0, settings: settings, options: options) }
        for rule in rules {
            func fail(_ message: String) { failures.append(Failure(ruleID: rule.id, origin: rule.origin, message: message)) }
            if let message = compileErrors[rule.id] {
                fail(message)
                continue
            }
            if rule.examples.isEmpty { fail("has no examples; every rule must show what it finds") }
            func findings(_ text: String) -> [Finding] {
                guard let scanner else { return [] }
                let collector = FindingCollector()
                _ = scanner.scan([.memory(name: "example", bytes: Array(text.utf8))], observer: collector)
                return collector.findings.filter { $0.ruleId == rule.id }
            }
            for (index, example) in rule.examples.enumerated() {
                let (text, expected) = instantiate(example, rule: rule, number: index + 1)
                let found = findings(text)
                if found.isEmpty {
                    fail("example \(index + 1) is not found: \(abbreviate(text))")
                } else if let secret = expected, !found.contains(where: { $0.secret == secret }) {
                    fail("example \(index + 1) reports \(found.map { abbreviate($0.secret) }) instead of \(abbreviate(secret))")
                }
                // A minted token of a checksummed format proves the other half too: the same token
                // with a wrong checksum is not reported (the rule validates it, as design §5 asks).
                if let format = example.mint, let checksum = format.checksum, let token = expected {
                    let corrupted = TokenMinter.corruptingChecksum(of: token, checksum)
                    let wrong = findings(text.replacing(token, with: corrupted))
                    if !wrong.isEmpty {
                        fail("example \(index + 1): the minted \(format.rawValue) token with a wrong checksum is still reported; add validate = [\"\(checksum.rawValue)\"]")
                    }
                }
            }
            for (index, counterexample) in rule.counterexamples.enumerated() {
                let found = findings(counterexample)
                if !found.isEmpty {
                    fail("counterexample \(index + 1) is reported (\(found.map { abbreviate($0.secret) })): \(abbreviate(counterexample))")
                }
            }
        }
        return failures
    }

    /// The text an example is checked on and the secret it must report: for a `mint` example, a
    /// token minted (deterministically, seeded by rule and example) at the `{{token}}` marker.
    public static func instantiate(_ example: RuleExample, rule: Rule, number: Int) -> (text: String, secret: String?) {
        guard let format = example.mint else { return (example.text, example.secret) }
        let token = TokenMinter.provider(format, seed: "\(rule.id)#\(number)")
        return (example.text.replacing(RuleExample.tokenMarker, with: token), token)
    }

    package static func abbreviate(_ text: String) -> String {
        // By scalar, so the newline of a CRLF pair is marked too.
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(scalar == "\n" ? "⏎" : scalar) }
        let flat = String(scalars)
        return flat.count > 90 ? "\"\(flat.prefix(87))…\"" : "\"\(flat)\""
    }
}

/// Keeps what a scan reports, for `RuleChecker`.
private final class FindingCollector: ScanObserver {
    var findings: [Finding] = []
    func scanned(path: String, findings: [Finding]) { self.findings += findings }
    func diagnostic(_ message: String) {}
}
