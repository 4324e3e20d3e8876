/// How much a run says on stderr besides errors (`--quiet`, `--verbose`).
public enum Verbosity: Sendable, Equatable {
    /// Errors only.
    case quiet
    case normal
    /// Also the configuration files and suppression sources read.
    case verbose
}
