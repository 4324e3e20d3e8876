import ArgumentParser
import Foundation
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
        abstract: "Decode one JWT (argument or stdin) and print its claims and risk assessment.")

    @Argument(help: "The token; omit or \"-\" to read it from stdin.")
    var token: String?

    @OptionGroup var report: ReportOptions

    func run() throws {
        var text = token ?? "-"
        if text == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        let request = try report.request(inputs: [], discoverConfig: false)
        let rules: [Rule]
        do {
            rules = try ScanSession.loadRules(request.ruleSources, disabled: request.disabledRules)
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.error.rawValue)
        }
        var finding: Finding
        do {
            finding = try TokenDecoder.finding(for: text, settings: request.settings, rules: rules)
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.error.rawValue)
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
        case .text, .sarif:
            body = TokenDecoder.describe(finding, now: request.settings.now)
        }
        print(body, terminator: "")
        var summary = ScanSummary()
        summary.bySeverity[finding.severity.rawValue] = 1
        try finish(request.failOn.fails(summary) ? .findings : .clean)
    }
}
