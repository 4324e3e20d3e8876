import FoundationEssentials
import Glibc
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSources
import TokenScanSuppression

/// `--format text`: findings grouped by file for a person at a terminal, streamed as inputs finish.
public final class TextReporter: Reporter {
    package let context: ReportContext
    package let output: ReportOutput

    public init(context: ReportContext, output: ReportOutput) {
        self.context = context
        self.output = output
    }

    /// A long input's findings can arrive in several batches; its header is written once.
    private var currentPath: String?
    /// Occurrences per fingerprint: a token repeated in thousands of log lines is shown once, then
    /// counted (unless every occurrence is asked for).
    private var occurrences: [String: (count: Int, first: String, last: String, secret: String, severity: Severity)] = [:]
    private var repeatOrder: [String] = []
    /// Every token's fingerprint in first-seen order, with what the closing advice says about it.
    private var tokenOrder: [(fingerprint: String, ruleId: String, place: String)] = []

    public func add(_ findings: [Finding]) throws(OutputError) {
        var text = ""
        for finding in findings {
            let place = "\(e(finding.path)):\(finding.line):\(finding.column)"
            if var seen = occurrences[finding.fingerprint] {
                seen.count += 1
                seen.last = place
                if seen.count == 2 { repeatOrder.append(finding.fingerprint) }
                occurrences[finding.fingerprint] = seen
                if !context.allOccurrences { continue }
            } else {
                occurrences[finding.fingerprint] = (1, place, place, finding.secret, finding.severity)
                tokenOrder.append((finding.fingerprint, finding.ruleId, place))
            }
            if finding.path != currentPath {
                if currentPath != nil { text += "\n" }
                text += paint(e(finding.path), "1") + "\n"
                currentPath = finding.path
            }
            let location = "\(finding.line):\(finding.column)"
            let severity = finding.severity.rawValue.uppercased()
            text += "  \(location.padded(toLength: max(8, location.count))) "
            text += paint(severity.padded(toLength: 8), color(finding.severity))
            text += " \(String(finding.score).leftPadded(3))  \(e(finding.ruleId))  \(e(finding.secret))  "
            text += paint("fp \(TextReporter.shortFingerprint(finding.fingerprint))", "2") + "\n"
            if let commit = finding.commit {
                text += "      commit \(e(String(commit.sha.prefix(12)))) by \(e(commit.author)) on \(e(commit.date))\n"
            }
            if let jwt = finding.jwt {
                var facts: [String] = []
                if let alg = jwt.header["alg"]?.string { facts.append("alg \(alg)") }
                if let provider = jwt.provider { facts.append(provider) } else if let iss = jwt.claims["iss"]?.string { facts.append("iss \(iss)") }
                if let sub = jwt.claims["sub"]?.string { facts.append("sub \(sub)") }
                if !jwt.scopes.isEmpty { facts.append("scopes \(jwt.scopes.prefix(6).map(\.value).joined(separator: " "))") }
                facts.append(jwt.expiry.status.rawValue)
                text += "      " + paint(e(facts.joined(separator: " · ")), "2") + "\n"
            }
            if let decoded = finding.decoded {
                var facts = [[decoded.format, decoded.header["version"]?.string, decoded.header["purpose"]?.string].compactMap { $0 }.joined(separator: " ")]
                if let iss = decoded.claims["iss"]?.string { facts.append("iss \(iss)") }
                if let sub = decoded.claims["sub"]?.string { facts.append("sub \(sub)") }
                if !decoded.scopes.isEmpty { facts.append("scopes \(decoded.scopes.prefix(6).map(\.value).joined(separator: " "))") }
                facts.append(decoded.encrypted ? "claims encrypted" : decoded.expiry.status.rawValue)
                text += "      " + paint(e(facts.joined(separator: " · ")), "2") + "\n"
            }
            if let request = finding.request {
                let label = request.method == nil && request.path == nil ? "in" : "request:"
                let parts = [request.method, request.path, request.field.map { request.method == nil && request.path == nil ? $0 : "in \($0)" }]
                text += "      " + paint(e(label + " " + parts.compactMap { $0 }.joined(separator: " ")), "2") + "\n"
            }
            for reason in finding.reasons {
                text += "      - \(e(reason.message)) [\(reason.code)]\n"
            }
        }
        if !text.isEmpty { try output.write(text) }
    }

    public func finish(_ summary: ScanSummary) throws(OutputError) {
        var parts: [String] = []
        for severity in Severity.allCases.reversed() {
            if let count = summary.bySeverity[severity.rawValue], count > 0 {
                parts.append(paint("\(count) \(severity.rawValue)", color(severity)))
            }
        }
        let noun = summary.findings == 1 ? "finding" : "findings"
        var line = "\(summary.findings) \(noun)"
        if !parts.isEmpty { line += " (\(parts.joined(separator: ", ")))" }
        line += " in \(summary.files) \(summary.files == 1 ? "input" : "inputs") (\(TextReporter.formatBytes(summary.bytes)))"
        if !summary.skipped.isEmpty {
            line += "; \(summary.skipped.count) skipped"
        }
        // What the scanned tree's own .tokenscanignore files hid is counted on the same line.
        let excluded = summary.excludedByIgnoreFiles ?? [:]
        let excludedCount = excluded.values.reduce(0, +)
        if excludedCount > 0 {
            line += "; \(excludedCount) left out by .tokenscanignore"
        }
        // Accepted findings are real credentials someone accepted: named by who accepted them, never
        // lumped with the placeholders and look-alikes that are not credentials at all.
        let accepted = summary.accepted ?? [:]
        let acceptedCount = accepted.values.reduce(0, +)
        if acceptedCount > 0 {
            let sources = accepted.sorted { $0.key < $1.key }.map { "\(TextReporter.acceptanceName($0.key)) \($0.value)" }
            line += "; \(acceptedCount) accepted (\(sources.joined(separator: ", ")))"
        }
        // Expired signed URLs are real URLs that no longer open anything: counted by their own name.
        let expired = summary.expiredSignedURLs ?? 0
        let dismissed = summary.dismissed.filter { accepted[$0.key] == nil }.values.reduce(0, +) - expired
        if dismissed > 0 { line += "; \(dismissed) placeholder\(dismissed == 1 ? "" : "s") or look-alike\(dismissed == 1 ? "" : "s") ignored" }
        if expired > 0 { line += "; \(SignedURLCount.phrase(expired))" }
        if !summary.ruleErrors.isEmpty { line += "; \(summary.ruleErrors.count) rule error\(summary.ruleErrors.count == 1 ? "" : "s")" }
        if let limits = summary.limits, !limits.isEmpty { line += "; \(limits.count) limit\(limits.count == 1 ? "" : "s") hit" }
        var text = currentPath == nil ? "" : "\n"
        if !repeatOrder.isEmpty {
            text += context.allOccurrences ? "Repeated tokens:\n" : "Repeated tokens (each shown once above; --all-occurrences lists every one):\n"
            for fingerprint in repeatOrder {
                let seen = occurrences[fingerprint]!
                text += "  \(paint(seen.severity.rawValue.uppercased().padded(toLength: 8), color(seen.severity))) "
                text += "\(e(seen.secret))  ×\(seen.count)  first \(seen.first)  last \(seen.last)\n"
            }
            text += "\n"
        }
        text += unusedSection(summary)
        text += configurationSection(summary.configuration)
        for accepted in summary.acceptedInChange ?? [] {
            text += paint("Accepted in this change", "33") + " (review before merging): \(e(accepted.path)):\(accepted.line) \(e(accepted.ruleId)) "
            text += "\(accepted.severity.rawValue.uppercased()) \(TextReporter.acceptanceName(accepted.acceptedBy)), fingerprint \(accepted.fingerprint)\n"
        }
        if excludedCount > 0 {
            let files = excluded.sorted { $0.key < $1.key }.map { "\(e($0.key)) \($0.value)" }
            text += "left out by .tokenscanignore (files, or directories not entered): \(files.joined(separator: ", "))\n"
        }
        // The advice comes last but for the summary line: a blocked developer reads what to do
        // right above the count.
        text += advice()
        // Before the summary line, which stays the last: nothing printed after it can overwrite it.
        let binary = summary.skipped.filter { $0.reason.hasPrefix("binary file") }
        if !binary.isEmpty {
            text += "skipped as binary: \(binary.prefix(5).map { e($0.path) }.joined(separator: ", "))\(binary.count > 5 ? " and \(binary.count - 5) more" : "")\n"
        }
        text += line + "\n"
        try output.write(text)
    }

    /// How many tokens the closing advice names one by one; `tokenscan ignore --from` takes the rest.
    package static let adviceLimit = 10

    /// The fingerprint as the text report shows it: enough to tell tokens apart and to find one in
    /// a JSON report or a `.tokenscanignore`, short enough for a terminal line: the first 8 hex
    /// digits, as `redact` masks show them.
    package static func shortFingerprint(_ fingerprint: String) -> String { String(Fingerprinter.digits(of: fingerprint).prefix(8)) }

    /// The closing advice for a developer whose commit or job was just stopped: how to fix (take
    /// the token out, revoke or rotate it where its provider does that, from the rule's `rotate`)
    /// and how to accept a token that is no live credential (the exact `.tokenscanignore` line,
    /// the `tokenscan ignore` command, or an inline comment). Only fingerprints, paths and rule
    /// ids: the advice never repeats a secret.
    private func advice() -> String {
        guard !tokenOrder.isEmpty else { return "" }
        var text = "How to fix: take the token out of the file, then revoke or rotate it (once committed or pushed, deleting it is not enough):\n"
        var seenRules = Set<String>()
        for token in tokenOrder where seenRules.insert(token.ruleId).inserted {
            let rule = context.rules.first { $0.id == token.ruleId }
            let what = [rule?.provider, rule?.tokenClass].compactMap { $0 }.joined(separator: " ")
            let label = e(what.isEmpty ? token.ruleId : "\(token.ruleId) (\(what))")
            if let rotate = rule?.rotate {
                text += "  \(label): \(e(rotate))\n"
            } else if rule?.kind == "jwt" {
                text += "  \(label): revoke it where it was issued (its iss claim); rotate the signing key if that leaked too\n"
            } else {
                text += "  \(label): revoke or rotate it where it was issued\n"
            }
        }
        let named = tokenOrder.prefix(TextReporter.adviceLimit)
        text += "How to accept a token that is no live credential (a test fixture, a revoked token), with the reason why:\n"
        text += "  tokenscan ignore \(named.map(\.fingerprint).joined(separator: " ")) --reason \"…\"\n"
        text += "  or add to the .tokenscanignore at the repository root:\n"
        for token in named {
            text += "    fingerprint:\(token.fingerprint)  # \(e(token.ruleId)) at \(e(token.place)): why it is safe\n"
        }
        if tokenOrder.count > named.count {
            text += "    (\(tokenOrder.count - named.count) more: write a JSON report with --format json -o FILE and run tokenscan ignore --from FILE --reason \"…\")\n"
        }
        text += "  or add a comment with tokenscan:allow to the token's line\n"
        return text + "\n"
    }

    /// `--report-unused`: suppressions that accepted nothing, safe to remove.
    /// What shaped the result, in a line, and the configuration a range changes (not applied).
    /// Nothing when the run read no configuration, so a plain scan's report stays short.
    private func configurationSection(_ configuration: ConfigurationReport?) -> String {
        guard let configuration else { return "" }
        var text = ""
        if let changes = configuration.changedInRange, !changes.isEmpty {
            text += paint("Not applied", "33") + " (changed by the scanned commits; takes effect once merged): "
            text += changes.map { "\(e($0.path)) (\($0.change))" }.joined(separator: ", ") + "\n"
        }
        var parts = configuration.files.map { "\(e($0.path)) (\(e($0.source)), sha256 \($0.sha256.prefix(12)))" }
        if !configuration.disabledRules.isEmpty { parts.append("disabled rules: \(e(configuration.disabledRules.joined(separator: ", ")))") }
        if configuration.repositoryConfigurationIgnored == true { parts.append("in-tree configuration not read") }
        if !parts.isEmpty { text += "Configuration: " + parts.joined(separator: "; ") + "\n" }
        return text
    }

    private func unusedSection(_ summary: ScanSummary) -> String {
        guard context.reportsUnused else { return "" }
        let baseline = summary.unusedBaseline ?? []
        let inline = summary.unusedInlineAllow ?? []
        guard !baseline.isEmpty || !inline.isEmpty else { return "No unused suppressions.\n\n" }
        var text = "Unused suppressions (they accept nothing; remove them):\n"
        for allow in inline {
            let commit = allow.commit.map { "  commit \($0.prefix(12))" } ?? ""
            text += "  \(e(allow.path)):\(allow.line):\(allow.column)  \(e(allow.marker))\(e(commit))\n"
        }
        for entry in baseline {
            text += "  baseline entry \(e(entry.path))  \(e(entry.fingerprint))  (\(e(entry.ruleId)))\n"
        }
        return text + "\n"
    }

    private func color(_ severity: Severity) -> String {
        switch severity {
        case .critical: "1;31"
        case .high: "31"
        case .medium: "33"
        case .low: "36"
        case .info: "2"
        }
    }

    /// Everything printed that the scanned tree or a token controls goes through here.
    private func e(_ text: String) -> String { TerminalText.escape(text) }

    private func paint(_ text: String, _ code: String) -> String {
        context.colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// How the summary line names a source of acceptance.
    package static func acceptanceName(_ code: String) -> String {
        switch code {
        case Dismissal.baseline.rawValue: "by the baseline"
        case Dismissal.inlineAllow.rawValue: "by inline allow comments"
        case Dismissal.ignoredFingerprint.rawValue: "by ignore files"
        case Dismissal.allowRule.rawValue: "by allow rules"
        default: code
        }
    }

    package static func formatBytes(_ bytes: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : oneDecimal(value) + " " + units[unit]
    }

    /// printf's `%.1f` (what `String(format:)` printed before; it is not in FoundationEssentials):
    /// the C library's rounding of the binary value, so every byte count reads as it did.
    static func oneDecimal(_ value: Double) -> String {
        withVaList([value]) { arguments in
            var buffer = [CChar](repeating: 0, count: 64)
            _ = vsnprintf(&buffer, buffer.count, "%.1f", arguments)
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}

extension String {
    package func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
