import ArgumentParser
import FoundationEssentials
import TokenFormats
import TokenScanModel
import TokenScanSources
import TokenScanApp

struct IgnoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ignore",
        abstract: "Accept findings: add their fingerprints, with a reason, to the repository's .tokenscanignore.",
        discussion: """
            Appends one line per fingerprint to the .tokenscanignore at the top of the git work tree \
            (outside git: in the current directory), e.g. `fingerprint:3f9a…  # test fixture (jwt at \
            test/app.env:3)`. Fingerprints already listed are left alone. Only fingerprints, rule ids \
            and paths are written, never a secret. A blocked commit prints this command with the \
            full fingerprints; review and commit the file like any change.

            Examples:
              tokenscan ignore 3f9a1c2e5d7b4a6c8e0f1a2b3c4d5e6f --reason "test fixture, never deployed"
              tokenscan scan --format json -o findings.json
              tokenscan ignore --from findings.json --reason "revoked 2026-03-01"

            Exit status:
              0    the fingerprints are listed (added now or before)
              2    usage or fatal error (no --reason, not a fingerprint, no report)
            """)

    @Argument(help: ArgumentHelp("Fingerprints to accept, as reports print them in full.", valueName: "FINGERPRINT"))
    var fingerprints: [String] = []

    @Option(help: ArgumentHelp("Accept every finding of this report (--format json, jsonl or sarif).", valueName: "REPORT"))
    var from: String?

    @Option(help: "Why the findings are safe to accept (written as the lines' comment).")
    var reason: String

    func validate() throws {
        if fingerprints.isEmpty && from == nil { throw ValidationError("name fingerprints to accept, or a report with --from") }
        if reason.trimming(.whitespacesAndNewlines).isEmpty { throw ValidationError("--reason must say why") }
    }

    func run() throws {
        var entries: [IgnoreFileEditor.Entry] = []
        let path = IgnoreFileEditor.ignoreFilePath(near: ".", environment: ProcessEnvironment.current)
        do {
            for fingerprint in fingerprints { entries.append(.init(fingerprint: try IgnoreFileEditor.parseFingerprint(fingerprint))) }
            if let from { entries += try IgnoreFileEditor.entries(fromReport: from) }
            let existing = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let lines = IgnoreFileEditor.lines(for: entries, reason: reason, existing: existing)
            try IgnoreFileEditor.append(lines, to: path, existing: existing)
            let already = Set(entries.map(\.fingerprint)).count - lines.count
            printError("added \(lines.count) fingerprint\(lines.count == 1 ? "" : "s") to \(path)"
                + (already > 0 ? " (\(already) already listed)" : ""))
        } catch {
            try fail("\(error)")
        }
    }
}
