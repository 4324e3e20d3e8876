import ArgumentParser
import FoundationEssentials
import TokenFormats
import TokenScanModel
import TokenScanEngine
import TokenScanSearch
import TokenScanJudge
import TokenScanSuppression
import TokenScanSources
import TokenScanReport
import TokenScanApp

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the rules, or check a rule file's examples.",
        discussion: """
            Examples:
              tokenscan rules list --rules my-rules.toml
              tokenscan rules check my-rules.toml

            Exit status:
              0    success (check: every example and counterexample passes)
              1    check: an example or counterexample fails
              2    usage or fatal error (a rule file that does not load)
            """,
        subcommands: [List.self, Check.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the built-in rules and those added with --rules.",
            discussion: """
                Examples:
                  tokenscan rules list
                  tokenscan rules list --gitleaks-config .gitleaks.toml

                Exit status:
                  0    listed
                  2    usage or fatal error (a rule file that does not load)
                """)

        @Option(name: .customLong("rules"), help: "Add rules from a TOML file or a directory of them (repeatable).")
        var ruleSources: [String] = []

        @Option(name: .customLong("gitleaks-config"), help: ArgumentHelp("Add the rules of a gitleaks configuration, as tokenscan imports them.", valueName: "FILE"))
        var gitleaksConfig: String?

        func run() throws {
            let rules: [Rule]
            do {
                var imported: [Rule] = []
                if let gitleaksConfig {
                    let result = try GitleaksConfig.load(path: gitleaksConfig)
                    for warning in result.warnings { printError("warning: \(warning)") }
                    imported = result.rules
                }
                rules = try ScanSession.loadRules(ruleSources, imported: imported)
            } catch {
                try fail("\(error)")
            }
            let width = rules.map(\.id.count).max() ?? 0
            // Pad to the longest kind: padding(toLength:) also truncates (`anthropic`, `atlassian`).
            let kindWidth = rules.map(\.kind.count).max() ?? 0
            for rule in rules {
                let keywords = rule.keywords.isEmpty ? "(everywhere)" : rule.keywords.joined(separator: ",")
                // Rule files can come from the scanned repository: escaped for the terminal.
                print(TerminalText.escape("\(rule.id.padded(toLength: width))  \(rule.kind.padded(toLength: kindWidth))  \(rule.description)  [keywords: \(keywords); \(rule.origin)]"))
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Run the examples and counterexamples of rule files (exit 1 if any fails).",
            discussion: """
                Examples:
                  tokenscan rules check                 # the built-in rules
                  tokenscan rules check rules/          # every *.toml in a directory

                Exit status:
                  0    every example is found and no counterexample is
                  1    an example or counterexample fails
                  2    usage or fatal error (a rule file that does not load)
                """)

        @Argument(help: "Rule files or directories; none: the built-in rules.")
        var files: [String] = []

        func run() throws {
            var rules: [Rule] = []
            do {
                if files.isEmpty { rules = try RuleCatalog.builtin() }
                for file in files { rules += try RuleCatalog.load(path: file) }
            } catch {
                try fail("\(error)")
            }
            // A user's rules are checked beside the built-in ones, as a scan runs them.
            let failures = RuleChecker.check(rules, context: files.isEmpty ? [] : ((try? RuleCatalog.builtin()) ?? []))
            for failure in failures { print(TerminalText.escape("FAIL \(failure)")) }
            let examples = rules.reduce(0) { $0 + $1.examples.count + $1.counterexamples.count }
            print("\(rules.count) rules, \(examples) examples: \(failures.isEmpty ? "all pass" : "\(failures.count) failed")")
            if !failures.isEmpty { throw ExitCode(1) }
        }
    }
}
