import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSuppression

/// What to scan.
public enum ScanInput: Sendable, Equatable {
    /// A file or directory as the user named it.
    case path(String)
    /// Standard input, streamed.
    case standardInput
    /// In-memory content (the demo set, tests), reported under `name`.
    case memory(name: String, bytes: [UInt8])
    /// Content assembled from somewhere else (a git diff's added lines): findings are moved to the
    /// original line numbers and carry the commit.
    case blob(Blob)
    /// Something a source found but cannot scan (a binary file in a commit): listed in the summary
    /// in input order, so nothing is skipped silently.
    case skipped(SkippedInput)
}

/// Text that is not a file as it stands: e.g. the lines a commit adds to a file, concatenated.
public struct Blob: Sendable, Equatable {
    public var name: String
    public var bytes: [UInt8]
    /// `lineMap[i]` is the original line number of line `i + 1` of `bytes`; `nil`: unchanged.
    public var lineMap: [Int]?
    public var commit: CommitInfo?
    /// A later part of content that was split to bound memory (a huge file in one commit): its
    /// findings are reported, but it is not counted again in `summary.files`.
    public var isContinuation: Bool
    /// The exact name, when it is not valid UTF-8 (`name` is then its `RawPath.display`):
    /// findings carry it as `Finding.pathBytes`.
    public var exactName: RawPath?

    public init(name: String, bytes: [UInt8], lineMap: [Int]? = nil, commit: CommitInfo? = nil, isContinuation: Bool = false) {
        self.name = name
        self.bytes = bytes
        self.lineMap = lineMap
        self.commit = commit
        self.isContinuation = isContinuation
    }

    /// The original line number of line `line` of `bytes`.
    package func originalLine(_ line: Int) -> Int {
        guard let lineMap, line - 1 < lineMap.count, line >= 1 else { return line }
        return lineMap[line - 1]
    }

    /// Moves a finding from `bytes`' line numbers to the original ones and attaches the commit.
    package func place(_ finding: Finding) -> Finding {
        var finding = finding
        if let lineMap {
            if finding.line - 1 < lineMap.count { finding.line = lineMap[finding.line - 1] }
            if finding.endLine - 1 < lineMap.count { finding.endLine = lineMap[finding.endLine - 1] }
        }
        finding.commit = commit
        return finding
    }
}
