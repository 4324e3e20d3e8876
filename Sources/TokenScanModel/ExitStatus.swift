import FoundationEssentials
import TokenFormats

/// The exit status contract of design §3.
public enum ExitStatus: Int32, Sendable {
    /// Nothing at or above `--fail-on`.
    case clean = 0
    /// Findings at or above `--fail-on`.
    case findings = 1
    /// Usage or fatal error.
    case error = 2
}

/// The threshold of `--fail-on`.
public enum FailThreshold: Sendable, Equatable {
    case severity(Severity)
    case never

    public init?(_ text: String) {
        if text == "never" {
            self = .never
        } else if let severity = Severity(rawValue: text) {
            self = .severity(severity)
        } else {
            return nil
        }
    }

    public func fails(_ summary: ScanSummary) -> Bool {
        guard case .severity(let threshold) = self else { return false }
        return Severity.allCases.contains { $0 >= threshold && (summary.bySeverity[$0.rawValue] ?? 0) > 0 }
    }
}
