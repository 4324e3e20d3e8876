import TokenScanEngine

/// The truncated tokens whose rest was still running on where a search stopped: per rule, the
/// bytes that continue the token and where its secret started.
///
/// Why: a search that starts inside such a token (the next segment of a stream cut inside a 50 MB
/// line) cannot see where the token began, so it would match and decode its inside afresh; seeded
/// with these runs it skips the rest of the token as one search of the whole input does
/// (`Searcher.search(seed:)`).
public struct OverlongRuns: Sendable {
    package struct Run: Sendable {
        package var ruleIndex: Int
        /// Where the token's secret starts, in the coordinates of the search that found it.
        package var start: Int
        package var bytes: TokenRun
    }

    package var runs: [Run] = []

    /// No run: a search that starts at the input's beginning.
    public init() {}

    package init(_ runs: [Run]) { self.runs = runs }

    package var isEmpty: Bool { runs.isEmpty }

    /// The same runs with their starts moved by `offset` (from one search's coordinates to another's).
    package func shifted(by offset: Int) -> OverlongRuns {
        OverlongRuns(runs.map { Run(ruleIndex: $0.ruleIndex, start: $0.start + offset, bytes: $0.bytes) })
    }
}
