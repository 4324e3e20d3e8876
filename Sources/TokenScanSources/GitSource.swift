import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSuppression

/// Produces scan inputs from a git repository: the lines the staged index or a range of commits
/// adds, one blob per file and commit.
///
/// Why added lines only: a pre-commit or CI gate must judge the change, not the whole tree again,
/// and a token deleted by a later commit is still leaked by the commit that added it. Each blob
/// holds only a file's added lines; its `lineMap` puts findings back on the line numbers of the new
/// file, and its `commit` names who introduced the token and when. History is read oldest first
/// (`--reverse --topo-order`), so the introducing commit is the first to report a token; with
/// `ScanOptions.reportRepeatsOnce` a later commit that adds the same line again at the same path
/// (a revert of a revert, a cherry-pick) does not report it twice.
///
/// Merge commits are read as dense combined diffs (`--cc`): only lines that no parent had count as
/// added, so a merge that brings in commits which were scanned on their own reports nothing, and a
/// token introduced while resolving a conflict is reported at the merge. (`--first-parent` would
/// instead attribute a whole side branch to its merge commit.) Shallow clones work: the boundary
/// commit has no parent and shows its whole tree as added.
///
/// Binary content is not scanned; each binary file is emitted as `.skipped` so the summary names it.
/// Every file is diffed as text (`--text`), so neither a NUL in the old version nor a `-diff`
/// attribute (both under the control of the commits scanned) hides added lines. A file whose added
/// lines hold no NUL byte is text and scanned, whatever the rest of the file holds: a NUL put at a
/// file's start in one commit does not hide what the next commits add to it. A file whose added
/// lines hold a NUL byte is judged, at the first such line, by its new content the way the walker
/// judges a file (a NUL byte in the first 8 KiB, unless it reads as UTF-16) and skipped when
/// binary (what more than `maximumBlobBytes` of added lines before that line already handed over
/// stays scanned); a file that turns from text to binary is named on stderr too. Judging only
/// then, not every changed file, is also what keeps a history scan near `git log -p`'s own time:
/// the verdict reads each new blob whole through `git cat-file`, which doubled git's work.
/// git's output is read incrementally and never held whole; one blob is bounded by
/// `maximumBlobBytes` (a larger file's added lines are split at a line boundary into continuation
/// blobs).
public struct GitSource: InputSource {
    public enum Selection: Sendable, Equatable {
        /// What is staged for the next commit (`git diff --cached`): blobs carry no commit.
        case staged
        /// The commits of a revision range (`origin/main..HEAD`, `v1.0..`, a single revision for all
        /// its history); nil: all history reachable from HEAD.
        case history(range: String?)
    }

    public let runner: GitRunner
    public let selection: Selection
    /// The largest blob handed to the scanner at once.
    public var maximumBlobBytes = 8 << 20
    /// History only: read just these commits, in this order (a shard's part of `orderedCommits`),
    /// so that git diffs only them; nil: the whole selection.
    public var commits: [String]?

    public init(runner: GitRunner, selection: Selection) {
        self.runner = runner
        self.selection = selection
    }

    /// The git arguments for the selection; nil when there is nothing to read (an empty repository).
    package func arguments() throws(GitError) -> [String]? {
        switch selection {
        case .staged:
            // In a bare repository `diff --cached` compares HEAD with an empty index and reports
            // nothing added: a silent pass that must be an error instead.
            if String(decoding: try runner.output(["rev-parse", "--is-bare-repository"]), as: UTF8.self).hasPrefix("true") {
                throw .bareRepository(path: runner.repository)
            }
            return ["diff", "--cached"] + GitRunner.diffOptions
        case .history(let range):
            let patches = ["-p", "--cc", "--root", "--no-show-signature", "--no-use-mailmap", "--no-notes", "--encoding=UTF-8",
                           "--format=\(UnifiedDiffParser.commitFormat)"] + GitRunner.diffOptions
            // Given commits: each diffed against its parents, in the order given (read from stdin).
            if let commits { return commits.isEmpty ? nil : ["log", "--no-walk=unsorted"] + patches + ["--stdin"] }
            if range == nil, try !hasCommits() { return nil }
            return ["log", "--reverse", "--topo-order"] + patches + ["--end-of-options", range ?? "HEAD", "--"]
        }
    }

    /// The commits of a history selection, oldest first, in the order a scan of all of them
    /// reads them (`--reverse --topo-order`): what `--shard` splits.
    public func orderedCommits() throws(GitError) -> [String] {
        guard case .history(let range) = selection else { return [] }
        if range == nil, try !hasCommits() { return [] }
        return try runner.output(["rev-list", "--reverse", "--topo-order", "--end-of-options", range ?? "HEAD", "--"])
            .split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The `.tokenscanignore` files that accept findings for this selection, with their
    /// repository-relative paths. For `--staged`, the work tree's (what the developer sees); for a
    /// range, the base revision's (`A` of `A..B`, or `--since A`), else HEAD's, so that the commits
    /// being scanned cannot accept their own findings before they are merged (design §8). Read
    /// with `ls-files`/`ls-tree` and `cat-file`: nothing of the repository runs.
    public func ignoreFiles() throws(GitError) -> [(path: String, contents: String)] {
        let name = ".tokenscanignore"
        func isIgnoreFile(_ path: String) -> Bool { path == name || path.hasSuffix("/" + name) }
        func list(_ arguments: [String]) throws(GitError) -> [String] {
            try runner.output(arguments).split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.filter(isIgnoreFile)
        }
        switch selection {
        case .staged:
            let top = String(decoding: try runner.output(["rev-parse", "--show-toplevel"]), as: UTF8.self)
                .trimming(.newlines)
            return try list(["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name", "--", ":/"])
                .compactMap { path in
                    guard let text = Walker.readSmallFile(Walker.join(top, path)) else { return nil }
                    return (path, text)
                }
        case .history(let range):
            guard try hasCommits() else { return [] }
            return try ignoreFiles(at: GitSource.baseRevision(of: range) ?? "HEAD")
        }
    }

    /// The `.tokenscanignore` files of a revision, repository-relative.
    public func ignoreFiles(at revision: String) throws(GitError) -> [(path: String, contents: String)] {
        let name = ".tokenscanignore"
        let paths = try runner.output(["ls-tree", "-r", "-z", "--name-only", "--full-tree", "--end-of-options", revision])
            .split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.filter { $0 == name || $0.hasSuffix("/" + name) }
        return try paths.map { path throws(GitError) in
            (path, String(decoding: try runner.output(["cat-file", "blob", "\(revision):\(path)"]), as: UTF8.self))
        }
    }

    /// The base and tip of a range selection (`A..B`, `A...B`; an empty side is HEAD; `--since A`
    /// arrives as `A..HEAD`); nil for `--staged`, all history, or a single revision.
    public var rangeEnds: (base: String, tip: String)? {
        guard case .history(let range?) = selection, let dots = range.firstRange(of: "..") else { return nil }
        let base = String(range[..<dots.lowerBound])
        var tip = String(range[dots.upperBound...])
        if tip.hasPrefix(".") { tip.removeFirst() }
        return (base.isEmpty ? "HEAD" : base, tip.isEmpty ? "HEAD" : tip)
    }

    /// The commit a revision names (full id).
    public func commitID(_ revision: String) throws(GitError) -> String {
        String(decoding: try runner.output(["rev-parse", "--verify", "--end-of-options", "\(revision)^{commit}"]), as: UTF8.self)
            .trimming(.whitespacesAndNewlines)
    }

    /// The files of `revision` at `path` (a file, or every file below a directory), with their
    /// repository-relative paths and bytes; empty when the revision has nothing there. Read with
    /// `ls-tree` and `cat-file`: nothing of the repository runs.
    public func files(at revision: String, under path: String) throws(GitError) -> [(path: String, contents: [UInt8])] {
        let listing = try runner.output(["ls-tree", "-r", "-z", "--full-tree", "--end-of-options", revision, "--", path])
        var files: [(path: String, contents: [UInt8])] = []
        for entry in listing.split(separator: 0) {
            // "<mode> <type> <object>\t<path>"
            guard let tab = entry.firstIndex(of: 0x09) else { continue }
            let fields = entry[..<tab].split(separator: 0x20)
            guard fields.count == 3, fields[1].elementsEqual("blob".utf8) else { continue }
            let object = String(decoding: fields[2], as: UTF8.self)
            files.append((String(decoding: entry[(tab + 1)...], as: UTF8.self), try runner.output(["cat-file", "blob", object])))
        }
        return files
    }

    /// The files among `paths` (exact paths, or directories by prefix) and every `.tokenscanignore`
    /// that the commits of `base..tip` change: what the tip has compared with where it forked
    /// from the base (`git diff base...tip`), so that the base branch's own later changes are not
    /// blamed on the range.
    public func changes(from base: String, to tip: String, touching paths: [String]) throws(GitError) -> [ConfigurationChange] {
        let output = try runner.output(["diff", "--name-status", "-z", "--no-renames", "--no-ext-diff", "--no-textconv",
                                        "--end-of-options", "\(base)...\(tip)", "--"])
        let fields = output.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        var changes: [ConfigurationChange] = []
        var index = 0
        while index + 1 < fields.count {
            let status = fields[index], path = fields[index + 1]
            index += 2
            let watched = path == ".tokenscanignore" || path.hasSuffix("/.tokenscanignore")
                || paths.contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
            guard watched else { continue }
            let change = switch status.first {
            case "A": "added"
            case "D": "deleted"
            default: "modified"
            }
            changes.append(ConfigurationChange(path: path, change: change))
        }
        return changes
    }

    /// The revision a range starts from: `A` of `A..B` or `A...B`; nil for a single revision
    /// (all of its history) or no range.
    package static func baseRevision(of range: String?) -> String? {
        guard let range, let dots = range.firstRange(of: "..") else { return nil }
        let base = String(range[..<dots.lowerBound])
        return base.isEmpty ? "HEAD" : base
    }

    /// Whether HEAD names a commit (not so in a repository without commits).
    private func hasCommits() throws(GitError) -> Bool {
        do {
            _ = try runner.output(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])
            return true
        } catch {
            if case .failed(_, 1, _) = error { return false }
            throw error
        }
    }

    public func produce(into sink: InputSink) throws(GitError) {
        let emit = sink.add
        guard let arguments = try arguments() else { return }
        var parser = UnifiedDiffParser()
        var assembler = BlobAssembler(staged: selection == .staged, maximumBytes: maximumBlobBytes)
        // Started at the first file with added lines: a scan that adds nothing starts no process.
        var objects: GitObjectReader?
        var objectError: GitError?
        defer { objects?.close() }
        let runner = runner
        assembler.classify = { file in
            guard objectError == nil else { return .text }
            do throws(GitError) {
                if objects == nil { objects = try GitObjectReader(runner: runner) }
                return try ContentVerdict.of(file, reader: objects!)
            } catch {
                objectError = error
                return .text
            }
        }
        var parseError: DiffParseError?
        let input = commits.map { Array($0.map { $0 + "\n" }.joined().utf8) }
        try runner.stream(arguments, input: input) { chunk in
            guard parseError == nil else { return }
            do throws(DiffParseError) {
                try parser.feed(chunk) { assembler.take($0, emit: emit) }
            } catch {
                parseError = error
            }
        }
        if parseError == nil {
            do throws(DiffParseError) {
                try parser.finish { assembler.take($0, emit: emit) }
            } catch {
                parseError = error
            }
        }
        assembler.flush(emit: emit)
        if let parseError { throw .unexpectedOutput(parseError.description) }
        if let objectError { throw objectError }
    }
}

/// Whether a changed file's new content is text, judged as the walker judges a file.
package enum ContentVerdict: Equatable {
    case text
    /// A NUL byte at `offset` of the new content's first 8 KiB.
    case binary(offset: Int)
    /// Binary now, text before (in the first parent): the change hides what it adds.
    case turnedBinary(offset: Int)

    /// The verdict on `file`'s new blob (and, when that is binary, its first old one).
    package static func of(_ file: DiffFile, reader: GitObjectReader) throws(GitError) -> ContentVerdict {
        let length = SearchOptions().binarySniffLength
        guard let new = file.newObject, !isNull(new), let head = try reader.head(of: new, count: length),
              let offset = binaryOffset(head) else { return .text }
        if let old = file.oldObjects.first, !isNull(old), let before = try reader.head(of: old, count: length),
           binaryOffset(before) == nil {
            return .turnedBinary(offset: offset)
        }
        return .binary(offset: offset)
    }

    /// The walker's rule: UTF-16 text is text; otherwise a NUL byte in `head` makes it binary.
    package static func binaryOffset(_ head: [UInt8]) -> Int? {
        guard let offset = head.firstIndex(of: 0) else { return nil }
        return UTF16ByteOrder.detect(Array(head.prefix(512))) == nil ? offset : nil
    }

    /// The all-zero id git writes for a side that does not exist.
    private static func isNull(_ object: String) -> Bool { object.utf8.allSatisfy { $0 == UInt8(ascii: "0") } }
}

/// Collects one file's added lines into a blob and hands it over when the file ends.
package struct BlobAssembler {
    package let staged: Bool
    package let maximumBytes: Int
    /// Judges a file's new content at its first added line that holds a NUL byte (`GitSource` asks
    /// git for the blob).
    package var classify: (DiffFile) -> ContentVerdict = { _ in .text }

    private var commit: CommitInfo?
    private var file: DiffFile?
    private var verdict: ContentVerdict?
    private var path: String?
    private var bytes: [UInt8] = []
    private var lineMap: [Int] = []
    private var continuation = false

    package init(staged: Bool, maximumBytes: Int) {
        self.staged = staged
        self.maximumBytes = maximumBytes
    }

    package mutating func take(_ event: DiffEvent, emit: (ScanInput) -> Void) {
        switch event {
        case .commit(let info):
            flush(emit: emit)
            commit = info
        case .file(let file):
            flush(emit: emit)
            path = file.change == .deleted ? nil : file.path
            self.file = file
            verdict = nil
        case .binary(let file):
            flush(emit: emit)
            path = nil
            emit(.skipped(SkippedInput(path: file.path, reason: "binary file (\(place)); git shows no text to scan")))
        case .added(let text, let number):
            guard let path, let file else { return }
            // Only a NUL byte can make added text unscannable: until an added line holds one,
            // no verdict is asked for (the round trip reads the whole new blob).
            if verdict == nil && text.contains(0) {
                let judged = classify(file)
                verdict = judged
                switch judged {
                case .text:
                    break
                case .binary(let offset):
                    self.path = nil
                    return emit(.skipped(SkippedInput(
                        path: path, reason: "binary file (\(place)): NUL byte at offset \(offset) of the new content; not scanned")))
                case .turnedBinary(let offset):
                    self.path = nil
                    let whereChanged = staged ? "in the staged changes" : "in \(place)"
                    return emit(.skipped(SkippedInput(
                        path: path, reason: "changed from text to binary \(whereChanged) (NUL byte at offset \(offset)); its added content is not scanned")))
                }
            }
            // Added lines that are not adjacent in the file get an empty line between them, so that
            // rules joining continued lines never join text from two different places.
            if let last = lineMap.last, number != last + 1 {
                bytes.append(0x0A)
                lineMap.append(last)
            }
            bytes += text
            bytes.append(0x0A)
            lineMap.append(number)
            if bytes.count >= maximumBytes {
                flush(emit: emit)
                continuation = true
            }
        }
    }

    /// Where the current file's change is: "staged" or "commit <sha>".
    private var place: String { staged ? "staged" : "commit \(commit.map { String($0.sha.prefix(12)) } ?? "?")" }

    /// Hands over the current blob, if it has any added lines.
    package mutating func flush(emit: (ScanInput) -> Void) {
        defer {
            bytes = []
            lineMap = []
            continuation = false
        }
        guard let path, !bytes.isEmpty else { return }
        var blob = Blob(name: path, bytes: bytes, lineMap: lineMap, commit: staged ? nil : commit, isContinuation: continuation)
        blob.exactName = file?.exactPath
        emit(.blob(blob))
    }
}
