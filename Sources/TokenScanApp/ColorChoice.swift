/// `--color auto|always|never`, and what `auto` decides.
///
/// Why these rules: no-color.org says `NO_COLOR` counts only when it is set *and not empty*
/// (`NO_COLOR=` in a CI template must not switch colour off), and a flag given on the command line
/// wins over it; a `dumb` terminal (Emacs shells, some CI log viewers) shows escape codes as text.
public enum ColorChoice: String, Sendable, CaseIterable {
    case auto, always, never

    /// Whether the text report is coloured. `toTerminal`: the report goes to a terminal.
    public func enabled(toTerminal: Bool, environment: [String: String]) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
            if environment["TERM"] == "dumb" { return false }
            return toTerminal
        }
    }
}
