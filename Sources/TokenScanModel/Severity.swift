import TokenFormats

/// How urgently a finding needs action. Ordered: `info < low < medium < high < critical`.
public enum Severity: String, Sendable, CaseIterable, Comparable, Codable {
    case info, low, medium, high, critical

    private var rank: Int {
        switch self {
        case .info: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    /// The score band of design §5: critical ≥ 90 · high ≥ 70 · medium ≥ 40 · low ≥ 15 · info < 15.
    public var scoreRange: ClosedRange<Int> {
        switch self {
        case .critical: 90...100
        case .high: 70...89
        case .medium: 40...69
        case .low: 15...39
        case .info: 0...14
        }
    }

    /// One level lower, never below `low` (the `expires-soon` modifier).
    public var lowered: Severity {
        switch self {
        case .critical: .high
        case .high: .medium
        case .medium, .low: .low
        case .info: .info
        }
    }

    /// GitHub code scanning's `security-severity` (a CVSS-like number that maps back to this level).
    public var securitySeverity: String {
        switch self {
        case .critical: "9.5"
        case .high: "8.0"
        case .medium: "5.5"
        case .low: "2.0"
        case .info: "0.0"
        }
    }
}
