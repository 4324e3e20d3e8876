import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch

/// Inline allow comments: `tokenscan:allow` (or gitleaks' `gitleaks:allow`, so that a repository
/// moving from gitleaks keeps its markers) on a secret's line accepts that secret, there only.
public enum InlineAllow {
    /// The markers, matched exactly (case-sensitive), anywhere on the line.
    public static let markers = ["tokenscan:allow", "gitleaks:allow"]
    private static let markerBytes = markers.map { Array($0.utf8) }

    /// Whether `line` (a secret's line, as the searcher cut it) carries a marker.
    package static func covers(_ line: [UInt8]) -> Bool {
        markerBytes.contains { Matcher.contains(line, $0) }
    }
}
