import FoundationEssentials

/// The process's environment, read once.
///
/// Why: `ProcessInfo.processInfo.environment` builds a new dictionary of every variable at each
/// call, and a scan read it four times before its first byte (about 0.2 ms of a one-file scan).
/// tokenscan never changes its own environment, so one snapshot is the environment.
public enum ProcessEnvironment {
    public static let current: [String: String] = ProcessInfo.processInfo.environment
}
