/// Inline allow comments: `tokenscan:allow` (or gitleaks' `gitleaks:allow`, so that a repository
/// moving from gitleaks keeps its markers) on a secret's line accepts that secret, there only.
public enum InlineAllow {
    /// The markers, matched exactly (case-sensitive), anywhere on the line.
    public static let markers = ["tokenscan:allow", "gitleaks:allow"]
    private static let markerBytes = markers.map { Array($0.utf8) }

    /// Whether `line` (a secret's line, as the searcher cut it) carries a marker.
    static func covers(_ line: [UInt8]) -> Bool {
        markerBytes.contains { Matcher.contains(line, $0) }
    }
}

/// An inline allow comment that accepted nothing: no secret that would have been reported stands
/// on its line (`--report-unused`). Safe to remove.
public struct UnusedInlineAllow: Sendable, Codable, Equatable {
    public var path: String
    public var line: Int
    public var column: Int
    /// `tokenscan:allow` or `gitleaks:allow`.
    public var marker: String
    /// The commit that added the line (`tokenscan git`).
    public var commit: String?

    public init(path: String, line: Int, column: Int, marker: String, commit: String? = nil) {
        self.path = path
        self.line = line
        self.column = column
        self.marker = marker
        self.commit = commit
    }
}
