import ArgumentParser

/// Parses a command line with the subcommand's own parser when that gives the same command the
/// root's would, and says nil otherwise (then the caller runs the root's parse).
///
/// Why: ArgumentParser's root parse reflects every subcommand's options before it parses any
/// (its completion-script check asks each one whether it takes passthrough arguments), and
/// reflection is where a one-file scan's start-up went: type metadata built from mangled names,
/// each new conformance check a walk over the binary's 5,000 conformance records. Parsing `scan`
/// (or `hook`, `git` …) as its own root reflects that one command. It is a shortcut, not a second
/// parser: the same ArgumentParser declarations parse the same words, and everything that is not
/// a plain successful parse — help, the version, completion scripts, an unknown word, a
/// validation error — goes the root's way, so its messages and exit codes are exactly the root's.
/// `DirectParseTests` holds the two parses of a list of command lines equal.
enum DirectParse {
    /// Words the root answers itself (or treats as a subcommand) wherever they stand.
    static let rootWords: Set<String> = [
        "-h", "--help", "-help", "--help-hidden", "help", "--version", "--experimental-dump-help",
    ]

    /// The parsed command, or nil when the root's parse must decide.
    static func parse(_ arguments: [String], root: ParsableCommand.Type = TokenScanCommand.self) -> ParsableCommand? {
        for argument in arguments {
            if rootWords.contains(argument) || argument.hasPrefix("--generate-completion-script") { return nil }
        }
        let configuration = root.configuration
        let command: ParsableCommand.Type
        let rest: [String]
        if let first = arguments.first,
           let named = configuration.subcommands.first(where: { $0.configuration.commandName == first }) {
            command = named
            rest = Array(arguments.dropFirst())
        } else if let fallback = configuration.defaultSubcommand {
            command = fallback
            rest = arguments
        } else {
            return nil
        }
        // A help request ArgumentParser answers without throwing (`-qh`: a cluster of short
        // flags) comes back as its own help command, not one of this tree: the root's to answer.
        guard let parsed = try? command.parseAsRoot(rest), isInTree(type(of: parsed), of: command) else { return nil }
        return parsed
    }

    /// Whether `type` is `command` or one of its subcommands, at any depth.
    private static func isInTree(_ type: ParsableCommand.Type, of command: ParsableCommand.Type) -> Bool {
        ObjectIdentifier(type) == ObjectIdentifier(command)
            || command.configuration.subcommands.contains { isInTree(type, of: $0) }
    }
}
