import ArgumentParser
import FoundationEssentials
import Glibc
import TokenFormats
import TokenScanModel
import TokenScanEngine
import TokenScanSearch
import TokenScanJudge
import TokenScanSuppression
import TokenScanSources
import TokenScanReport
import TokenScanApp

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode one JWT, PASETO, Fernet, macaroon, Biscuit or Branca token or SAML assertion (argument or stdin) and print its claims and risk assessment.",
        discussion: """
            The token may be given as copied from a request: `Bearer eyJ…` or `Authorization: Bearer eyJ…`.

            Examples:
              tokenscan decode eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl
              tokenscan decode "Authorization: Bearer $TOKEN" --now 2026-01-01T00:00:00Z
              pbpaste | tokenscan decode --format json

            Exit status:
              0    the token is below --fail-on (default: medium)
              1    the token is at or above --fail-on
              2    usage or fatal error (not a JWT, a rule file that does not load)
            """)

    @Argument(help: "The token; omit or \"-\" to read it from stdin.")
    var token: String?

    @OptionGroup var report: ReportOptions

    func run() throws {
        var text = token ?? "-"
        if text == "-" {
            guard let input = StandardStreams.readInput() else { try fail("cannot read standard input: \(String(cString: strerror(errno)))") }
            text = String(decoding: input, as: UTF8.self)
        }
        let request = try report.request(inputs: [], discoverConfig: false)
        let rules: [Rule]
        do {
            rules = try ScanSession.loadRules(request.ruleSources, disabled: request.disabledRules)
        } catch {
            try fail("\(error)")
        }
        var finding: Finding
        do {
            finding = try TokenDecoder.finding(for: text, settings: request.settings, rules: rules)
        } catch {
            try fail("\(error)")
        }
        // Shown as a scan's report shows it: claim values the risk model does not read are masked.
        finding = ClaimDisclosure(taxonomy: request.settings.taxonomy, showSecrets: request.settings.showSecrets).apply(finding)
        let body: String
        switch request.format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            body = String(decoding: try encoder.encode(finding), as: UTF8.self) + "\n"
        case .jsonl:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            body = String(decoding: try encoder.encode(finding), as: UTF8.self) + "\n"
        default:
            // One token is no scan: the report documents (SARIF, GitLab's) have nothing to say
            // about it that the text description does not, so a new format needs nothing here.
            body = TokenDecoder.describe(finding, now: request.settings.now)
        }
        print(body, terminator: "")
        var summary = ScanSummary()
        summary.bySeverity[finding.severity.rawValue] = 1
        try finish(request.failOn.fails(summary) ? .findings : .clean)
    }
}
