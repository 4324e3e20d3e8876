import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSuppression

/// One file's section of a diff, as far as its header tells.
public struct DiffFile: Sendable, Equatable {
    public enum Change: String, Sendable {
        case added, modified, deleted, renamed, copied
    }

    /// Repository-relative path on the new side (for a deletion: the path that was deleted), as
    /// `RawPath.display` shows it (`\xNN` for bytes outside UTF-8).
    public var path: String
    /// The path's exact bytes when they are not valid UTF-8 (git's quoting undone).
    public var exactPath: RawPath?
    /// The path before a rename or copy.
    public var oldPath: String?
    public var change: Change
    /// The new side's blob (from the `index` line; nil when the header has none: a rename
    /// without changes, a mode change).
    public var newObject: String?
    /// The old side's blobs: one per parent (two or more for a merge's combined diff).
    public var oldObjects: [String]

    public init(path: String, oldPath: String? = nil, change: Change, newObject: String? = nil, oldObjects: [String] = []) {
        self.path = path
        self.oldPath = oldPath
        self.change = change
        self.newObject = newObject
        self.oldObjects = oldObjects
    }
}

/// What a diff says, piece by piece, in the order of the text.
public enum DiffEvent: Equatable {
    /// A commit header (only in `git log` output made with `UnifiedDiffParser.commitFormat`).
    case commit(CommitInfo)
    /// A file's header is complete and its hunks follow.
    case file(DiffFile)
    /// A file whose content git shows as binary: no hunks follow.
    case binary(DiffFile)
    /// A line the diff adds, without its prefix and newline, and its 1-based number in the new file.
    /// The slice is only valid during the `emit` call.
    case added(ArraySlice<UInt8>, line: Int)
}

/// A diff line that does not have the shape tokenscan asked git for.
public struct DiffParseError: Error, Equatable, CustomStringConvertible {
    public var reason: String
    public var line: String
    public var description: String { "\(reason): \(line.prefix(200))" }
}

/// A streaming parser of unified diffs as `git diff` and `git log -p` write them with tokenscan's
/// options (`GitRunner.diffOptions`): two-way hunks and, for merge commits, dense combined hunks
/// (`--cc`), rename and copy headers, quoted paths, binary markers.
///
/// Why streaming: `git log -p` of a long history is larger than memory. Text is fed in chunks of any
/// size (a line may span chunks) and events are emitted as soon as a line is complete; the parser
/// holds at most one line.
///
/// Why added lines only: a finding belongs to the change that introduced it. Removed lines were
/// reported when they were added; context lines are unchanged. In a combined diff, a line counts as
/// added only when it is absent from every parent (`++`): a line one parent already had was
/// reported at that parent's commit, so a merge that brings in already-scanned commits reports
/// nothing, and a token typed into a conflict resolution ("evil merge") is still found.
public struct UnifiedDiffParser {
    /// `git log --format` value whose output this parser reads as a commit header: one line that
    /// starts with a NUL byte (no diff line can), fields separated by NULs. Author is
    /// `Name <email>`, the date strict ISO 8601.
    public static let commitFormat = "tformat:%x00tokenscan-commit%x00%H%x00%an <%ae>%x00%aI"
    package static let commitMarker = Array("tokenscan-commit".utf8)

    private enum State { case between, header, hunk }

    /// What the current file's header lines said so far.
    private struct Header {
        var gitPath: [UInt8]?
        var minusPath: [UInt8]?
        var plusPath: [UInt8]?
        var renameFrom: [UInt8]?
        var renameTo: [UInt8]?
        var copyFrom: [UInt8]?
        var copyTo: [UInt8]?
        var isNew = false
        var isDeleted = false
        var newObject: String?
        var oldObjects: [String] = []
    }

    private var state = State.between
    private var header = Header()
    private var parents = 1
    private var nextLine = 1
    private var carry: [UInt8] = []
    private static let prefixes = (old: Array("a/".utf8), new: Array("b/".utf8))

    public init() {}

    /// Parses the complete lines in `chunk` (with what earlier chunks left over) and keeps the rest.
    public mutating func feed(_ chunk: ArraySlice<UInt8>, emit: (DiffEvent) -> Void) throws(DiffParseError) {
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: 0x0A) {
            if carry.isEmpty {
                try process(chunk[start..<newline], emit: emit)
            } else {
                var line = carry
                carry = []
                line += chunk[start..<newline]
                try process(line[...], emit: emit)
            }
            start = newline + 1
        }
        carry += chunk[start...]
    }

    /// Parses a last line without a newline.
    public mutating func finish(emit: (DiffEvent) -> Void) throws(DiffParseError) {
        guard !carry.isEmpty else { return }
        let line = carry
        carry = []
        try process(line[...], emit: emit)
    }

    private mutating func process(_ line: ArraySlice<UInt8>, emit: (DiffEvent) -> Void) throws(DiffParseError) {
        guard let first = line.first else { return }
        if first == 0 {
            state = .between
            emit(.commit(try UnifiedDiffParser.commit(line)))
            return
        }
        if state == .hunk {
            switch first {
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: " "):
                content(line, emit: emit)
                return
            case UInt8(ascii: "\\"):
                return // "\ No newline at end of file"
            case UInt8(ascii: "@"):
                try hunkHeader(line)
                return
            default:
                break
            }
        }
        if line.starts(with: "diff --git ".utf8) {
            begin()
            header.gitPath = GitPathQuoting.newPathOfGitHeader(line.dropFirst(11), prefixes: UnifiedDiffParser.prefixes)
            return
        }
        for combined in ["diff --cc ", "diff --combined "] where line.starts(with: combined.utf8) {
            begin()
            header.gitPath = GitPathQuoting.path(line.dropFirst(combined.utf8.count))
            return
        }
        guard state == .header else { return } // blank lines between commits
        if first == UInt8(ascii: "@") {
            emit(.file(try file(line)))
            try hunkHeader(line)
            state = .hunk
        } else if line.starts(with: "+++ ".utf8) {
            header.plusPath = try label(line.dropFirst(4), prefix: UnifiedDiffParser.prefixes.new, line: line)
        } else if line.starts(with: "--- ".utf8) {
            header.minusPath = try label(line.dropFirst(4), prefix: UnifiedDiffParser.prefixes.old, line: line)
        } else if line.starts(with: "rename from ".utf8) {
            header.renameFrom = try field(line.dropFirst(12), line: line)
        } else if line.starts(with: "rename to ".utf8) {
            header.renameTo = try field(line.dropFirst(10), line: line)
        } else if line.starts(with: "copy from ".utf8) {
            header.copyFrom = try field(line.dropFirst(10), line: line)
        } else if line.starts(with: "copy to ".utf8) {
            header.copyTo = try field(line.dropFirst(8), line: line)
        } else if line.starts(with: "new file mode".utf8) {
            header.isNew = true
        } else if line.starts(with: "deleted file mode".utf8) {
            header.isDeleted = true
        } else if line.starts(with: "index ".utf8) {
            // "index OLD..NEW[ MODE]", or "index OLD1,OLD2..NEW" in a combined diff.
            let objects = line.dropFirst(6).prefix { $0 != UInt8(ascii: " ") }
            if let dots = objects.firstRange(of: "..".utf8) {
                header.oldObjects = objects[..<dots.lowerBound].split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) }
                header.newObject = String(decoding: objects[dots.upperBound...], as: UTF8.self)
            }
        } else if line.starts(with: "Binary files ".utf8) || line.starts(with: "GIT binary patch".utf8) {
            emit(.binary(try file(line)))
        }
        // mode and similarity lines: nothing to know.
    }

    private mutating func begin() {
        state = .header
        header = Header()
    }

    /// One hunk line: prefix columns (one per parent), then the text.
    private mutating func content(_ line: ArraySlice<UInt8>, emit: (DiffEvent) -> Void) {
        guard line.count >= parents else { return }
        let prefix = line.prefix(parents)
        if prefix.contains(UInt8(ascii: "-")) { return } // not in the new file
        if prefix.allSatisfy({ $0 == UInt8(ascii: "+") }) {
            emit(.added(line.dropFirst(parents), line: nextLine))
        }
        nextLine += 1
    }

    /// `@@ -a,b +c,d @@` (or `@@@ -a,b -c,d +e,f @@@` for two parents): the new side's first line.
    private mutating func hunkHeader(_ line: ArraySlice<UInt8>) throws(DiffParseError) {
        let markers = line.prefix { $0 == UInt8(ascii: "@") }.count
        guard markers >= 2 else { throw DiffParseError(reason: "malformed hunk header", line: String(decoding: line, as: UTF8.self)) }
        let fields = line.dropFirst(markers).split(separator: UInt8(ascii: " "), maxSplits: markers, omittingEmptySubsequences: true)
        guard let range = fields.first(where: { $0.first == UInt8(ascii: "+") }),
            let start = Int(String(decoding: range.dropFirst().prefix { $0 != UInt8(ascii: ",") }, as: UTF8.self))
        else { throw DiffParseError(reason: "malformed hunk header", line: String(decoding: line, as: UTF8.self)) }
        parents = markers - 1
        nextLine = start
    }

    /// The file the current header describes.
    private func file(_ line: ArraySlice<UInt8>) throws(DiffParseError) -> DiffFile {
        let change: DiffFile.Change
        var oldPath: [UInt8]? = nil
        if let from = header.renameFrom {
            change = .renamed
            oldPath = from
        } else if let from = header.copyFrom {
            change = .copied
            oldPath = from
        } else if header.isNew {
            change = .added
        } else if header.isDeleted {
            change = .deleted
        } else {
            change = .modified
        }
        let path = header.renameTo ?? header.copyTo ?? header.plusPath ?? header.gitPath ?? header.minusPath
        guard let path else { throw DiffParseError(reason: "file header without a path", line: String(decoding: line, as: UTF8.self)) }
        let exact = RawPath(bytes: path)
        var file = DiffFile(path: exact.display, oldPath: oldPath.map { RawPath(bytes: $0).display }, change: change,
                            newObject: header.newObject, oldObjects: header.oldObjects)
        if !exact.isUTF8 { file.exactPath = exact }
        return file
    }

    /// A `---` / `+++` label: `/dev/null` (nil) or a prefixed path. git appends a tab to a label
    /// that contains a space (for patch(1)); an unquoted path cannot contain a tab itself.
    private func label(_ text: ArraySlice<UInt8>, prefix: [UInt8], line: ArraySlice<UInt8>) throws(DiffParseError) -> [UInt8]? {
        var text = text
        if text.last == 0x09 { text = text.dropLast() }
        if text.elementsEqual("/dev/null".utf8) { return nil }
        guard let path = GitPathQuoting.path(text) else {
            throw DiffParseError(reason: "malformed path", line: String(decoding: line, as: UTF8.self))
        }
        guard path.starts(with: prefix) else {
            throw DiffParseError(reason: "path without its \(String(decoding: prefix, as: UTF8.self)) prefix", line: String(decoding: line, as: UTF8.self))
        }
        return Array(path.dropFirst(prefix.count))
    }

    private func field(_ text: ArraySlice<UInt8>, line: ArraySlice<UInt8>) throws(DiffParseError) -> [UInt8] {
        guard let path = GitPathQuoting.path(text) else {
            throw DiffParseError(reason: "malformed path", line: String(decoding: line, as: UTF8.self))
        }
        return path
    }

    /// `\0tokenscan-commit\0<sha>\0<author>\0<date>`.
    package static func commit(_ line: ArraySlice<UInt8>) throws(DiffParseError) -> CommitInfo {
        let fields = line.dropFirst().split(separator: 0, omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0].elementsEqual(commitMarker), !fields[1].isEmpty else {
            throw DiffParseError(reason: "malformed commit header", line: String(decoding: line, as: UTF8.self))
        }
        return CommitInfo(
            sha: String(decoding: fields[1], as: UTF8.self),
            author: String(decoding: fields[2], as: UTF8.self),
            date: String(decoding: fields[3], as: UTF8.self))
    }
}
