import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSuppression

#if canImport(Glibc)
import Glibc
#endif

/// What the walker found: a file to search, or an input it skipped.
public enum WalkItem: Sendable, Equatable {
    /// `path`: where to open it; `display`: how reports name it; `viaLink`: it was reached through
    /// a symlink the walker chose to follow (otherwise it is opened with `O_NOFOLLOW`, so a file
    /// swapped for a link between walk and open is not followed). Both keep the name's bytes:
    /// a name need not be UTF-8.
    case file(path: RawPath, display: RawPath, viaLink: Bool = false)
    case skipped(SkippedInput)
}

public struct WalkOptions: Sendable {
    /// Respect `.gitignore`, `.git/info/exclude` and `.tokenscanignore`.
    public var respectIgnoreFiles = true
    /// Read `.tokenscanignore` files (paths and accepted fingerprints). `--no-repo-config` turns
    /// it off: the scanned tree then accepts nothing and leaves nothing out by itself.
    public var readsTokenscanIgnore = true
    /// Follow symlinks, also out of the scan root (loops are detected).
    public var followSymlinks = false
    /// Files larger than this many bytes (as they are on disk) are skipped and named; `nil`: no
    /// limit. Streams (stdin) have no size to judge and are never skipped for it.
    public var maxFileSize: Int?
    /// The environment git runs in when the walk asks which files `.gitignore` lists but git
    /// tracks (git ignores `.gitignore` for tracked files, and so does the walk); nil: git is
    /// never asked, `.gitignore` decides alone.
    public var gitEnvironment: [String: String]?
    public init() {}
}

/// Walks directories depth-first in sorted order (so reports are deterministic), applying ignore
/// files, never leaving the scan root through a symlink unless asked, and never entering `.git`.
///
/// It only looks at metadata (`lstat`); it never opens, executes or writes anything it walks.
public struct Walker {
    public let options: WalkOptions
    /// Called with the fingerprints a `.tokenscanignore` lists, before any file below it is
    /// emitted: `scope` is its directory as reported paths name it.
    public var onIgnoredFingerprints: ((fingerprints: [String], scope: String)) -> Void = { _ in }
    /// Called for each path (a file, or a directory not entered) that a `.tokenscanignore`'s
    /// patterns leave out, with that file's path as reports name it: the summary counts them.
    public var onExcluded: (_ ignoreFile: String) -> Void = { _ in }
    /// Warnings for stderr (a `.tokenscanignore` line that leaves out everything; git could not
    /// say which ignored files are tracked).
    public var onWarning: (String) -> Void = { _ in }

    /// The current root's tracked files that git ignore files list: not asked yet, or the answer.
    private var tracked: TrackedIgnoredPaths??
    private var currentRoot = ""

    public init(options: WalkOptions = WalkOptions()) {
        self.options = options
    }

    /// Walks one root (a file or a directory) as the user named it.
    public mutating func walk(root: String, emit: (WalkItem) -> Void) {
        let display = Walker.normalize(root)
        tracked = nil
        currentRoot = root
        var info = stat()
        guard lstat(root, &info) == 0 else {
            emit(.skipped(SkippedInput(path: display, reason: "cannot access: \(String(cString: strerror(errno)))")))
            return
        }
        let rootIsLink = (info.st_mode & S_IFMT) == S_IFLNK
        if rootIsLink {
            // A root the user named explicitly is followed: they asked for it.
            guard stat(root, &info) == 0 else {
                emit(.skipped(SkippedInput(path: display, reason: "dangling symbolic link")))
                return
            }
        }
        if options.respectIgnoreFiles && options.readsTokenscanIgnore {
            announceAncestorIgnoreFiles(of: root, isDirectory: (info.st_mode & S_IFMT) == S_IFDIR, scope: display)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            if let skipped = tooLarge(info, display: display) { return emit(.skipped(skipped)) }
            emit(.file(path: RawPath(root), display: RawPath(display), viaLink: rootIsLink))
        case S_IFDIR:
            let realRoot = Walker.realPath(root) ?? root
            var stack = IgnoreStack()
            if options.respectIgnoreFiles, let exclude = Walker.readSmallFile(Walker.join(root, ".git/info/exclude")) {
                stack = stack.pushing(IgnoreFile(contents: exclude, base: "", collectsFingerprints: false))
            }
            var visited: Set<FileID> = [FileID(info)]
            walkTree(RawPath(root), displayRoot: display, realRoot: realRoot, stack: stack, visited: &visited, emit: emit)
        default:
            emit(.skipped(SkippedInput(path: display, reason: Walker.describeType(info.st_mode))))
        }
    }

    /// The fingerprints of the `.tokenscanignore` files above a root, up to the top of the
    /// repository the root lies in, so that `scan FILE` or `scan sub/` honours what the
    /// repository accepted, as `scan .` does. They cover the whole root (`scope`). Outside a
    /// repository only the directory of a file root is read: a `.tokenscanignore` far up the
    /// file system belongs to no one in particular.
    private func announceAncestorIgnoreFiles(of root: String, isDirectory: Bool, scope: String) {
        let parent = PathName.parent(of: root)
        guard let start = Walker.realPath(isDirectory ? root : (parent.isEmpty ? "." : parent)) else { return }
        // The directories from the root's up to the repository's top (the first with a `.git`);
        // outside a repository, the root's own directory only.
        var chain = Walker.enclosingRepository(of: start) ?? [start]
        // A directory root's own ignore file is read by the walk itself.
        if isDirectory { chain.removeFirst() }
        for directory in chain {
            guard let text = Walker.readSmallFile(Walker.join(directory, ".tokenscanignore")) else { continue }
            let fingerprints = IgnoreFile(contents: text, base: "", collectsFingerprints: true).fingerprints
            if !fingerprints.isEmpty { onIgnoredFingerprints((fingerprints, scope)) }
        }
    }

    /// The directories from `start` (a real path) up to the top of the git work tree it lies
    /// in (the first with a `.git`, a directory or a worktree's file); nil outside one.
    package static func enclosingRepository(of start: String) -> [String]? {
        var chain = [start]
        var probe = stat()
        while lstat(Walker.join(chain[chain.count - 1], ".git"), &probe) != 0 {
            let up = PathName.parent(of: chain[chain.count - 1])
            guard !up.isEmpty, up != chain[chain.count - 1], chain.count < 256 else { return nil }
            chain.append(up)
        }
        return chain
    }

    /// A directory being walked: its entries (sorted) and the next one to look at.
    private struct Frame {
        var directory: RawPath
        var relative: RawPath
        var stack: IgnoreStack
        var entries: [RawPath]
        var next = 0
        /// A directory git ignore files list, entered for the tracked files in it: only those
        /// (and the directories above them) are walked.
        var onlyTracked = false
    }

    /// What the ignore files make of a path.
    private enum Verdict { case walk, walkTrackedOnly, leaveOut }

    /// `.tokenscanignore` leaves out whatever its patterns match, tracked or not, and each path
    /// it leaves out is counted. A git ignore file (`.gitignore`, `.git/info/exclude`) leaves
    /// out untracked paths only, as git does: a tracked file it lists is walked, and so is a
    /// listed directory that holds one (for its tracked files only).
    private mutating func judge(_ relative: String, isDirectory: Bool, stack: IgnoreStack, onlyTracked: Bool) -> Verdict {
        func excludedByTokenscanIgnore() -> Bool {
            guard let decision = stack.decidingFile(for: relative, isDirectory: isDirectory, including: { $0.isTokenscanIgnore }),
                  decision.ignored else { return false }
            onExcluded(decision.file.origin)
            return true
        }
        if !onlyTracked {
            // The allocation-free check first: most paths are not ignored at all.
            guard stack.decision(for: relative, isDirectory: isDirectory) == .ignored,
                  let decision = stack.decidingFile(for: relative, isDirectory: isDirectory), decision.ignored else { return .walk }
            if decision.file.isTokenscanIgnore {
                onExcluded(decision.file.origin)
                return .leaveOut
            }
        }
        guard isTracked(relative, isDirectory: isDirectory), !excludedByTokenscanIgnore() else { return .leaveOut }
        return isDirectory ? .walkTrackedOnly : .walk
    }

    /// Whether git tracks `relative` (a file), or a file below it (a directory), among the paths
    /// its ignore files list. Asked once per root, the first time it matters.
    private mutating func isTracked(_ relative: String, isDirectory: Bool) -> Bool {
        if tracked == nil {
            tracked = .some(nil)
            if let environment = options.gitEnvironment {
                do {
                    tracked = .some(try TrackedIgnoredPaths.load(root: currentRoot, environment: environment))
                } catch {
                    onWarning("warning: cannot ask git which of the files .gitignore lists are tracked (\(error)): they are left out")
                }
            }
        }
        return tracked??.contains(relative, isDirectory: isDirectory) ?? false
    }

    /// Depth-first, in sorted order, with an explicit stack of directories rather than recursion:
    /// a tree thousands of levels deep must not overflow the thread's stack (it did under
    /// AddressSanitizer at 2,000 levels, whose frames are larger; a CI runner's stack may be small).
    private mutating func walkTree(
        _ root: RawPath, displayRoot: String, realRoot: String, stack: IgnoreStack, visited: inout Set<FileID>,
        emit: (WalkItem) -> Void
    ) {
        var frames: [Frame] = []
        let displayRootPath = RawPath(displayRoot)
        if let frame = enter(root, relative: RawPath(""), displayRoot: displayRoot, stack: stack, emit: emit) { frames.append(frame) }
        while let top = frames.indices.last {
            guard frames[top].next < frames[top].entries.count else {
                frames.removeLast()
                continue
            }
            let name = frames[top].entries[frames[top].next]
            frames[top].next += 1
            let directory = frames[top].directory, relative = frames[top].relative, stack = frames[top].stack
            let onlyTracked = frames[top].onlyTracked
            let path = directory.appending(name)
            let childRelativePath = relative.appending(name)
            let childRelative = childRelativePath.display
            let childDisplayPath = displayRoot == "." ? childRelativePath : displayRootPath.appending(childRelativePath)
            let childDisplay = childDisplayPath.display
            // Paths are opened whole; beyond PATH_MAX the system refuses them. Such an entry (a
            // tree nested thousands deep) is named, and the walk's depth stays bounded by it.
            if path.bytes.count >= Int(PATH_MAX) {
                emit(.skipped(SkippedInput(
                    path: childDisplay,
                    reason: "path of \(path.bytes.count) bytes, longer than the system's limit (PATH_MAX \(PATH_MAX)): not read, nor anything below it")))
                continue
            }
            var info = stat()
            guard path.withCString({ lstat($0, &info) }) == 0 else {
                emit(.skipped(SkippedInput(path: childDisplay, reason: "cannot access: \(String(cString: strerror(errno)))")))
                continue
            }
            var type = info.st_mode & S_IFMT
            if name.bytes == Array(".git".utf8) && type == S_IFDIR { continue }
            let isLink = type == S_IFLNK
            if isLink {
                guard path.withCString({ stat($0, &info) }) == 0 else {
                    emit(.skipped(SkippedInput(path: childDisplay, reason: "dangling symbolic link")))
                    continue
                }
                if !options.followSymlinks {
                    // Inside the root, the target is scanned where it really is; outside, we do not go.
                    guard let target = Walker.realPath(path), Walker.isInside(target, realRoot) else {
                        if !(options.respectIgnoreFiles && stack.isIgnored(childRelative, isDirectory: (info.st_mode & S_IFMT) == S_IFDIR)) {
                            emit(.skipped(SkippedInput(path: childDisplay, reason: "symbolic link out of the scan root (not followed; --follow-symlinks to follow)")))
                        }
                        continue
                    }
                    continue
                }
                type = info.st_mode & S_IFMT
            }
            let isDirectory = type == S_IFDIR
            var verdict = Verdict.walk
            if options.respectIgnoreFiles {
                verdict = judge(childRelative, isDirectory: isDirectory, stack: stack, onlyTracked: onlyTracked)
                if verdict == .leaveOut { continue }
            }
            switch type {
            case S_IFREG:
                if let skipped = tooLarge(info, display: childDisplay) {
                    emit(.skipped(skipped))
                    continue
                }
                emit(.file(path: path, display: childDisplayPath, viaLink: isLink))
            case S_IFDIR:
                guard visited.insert(FileID(info)).inserted else {
                    emit(.skipped(SkippedInput(path: childDisplay, reason: "directory loop (already visited through a symlink)")))
                    continue
                }
                if var frame = enter(path, relative: childRelativePath, displayRoot: displayRoot, stack: stack, emit: emit) {
                    frame.onlyTracked = verdict == .walkTrackedOnly
                    frames.append(frame)
                }
            default:
                emit(.skipped(SkippedInput(path: childDisplay, reason: Walker.describeType(info.st_mode))))
            }
        }
    }

    /// Reads a directory's ignore files and lists it; `nil`, after naming it, when it cannot be read.
    private mutating func enter(
        _ directory: RawPath, relative: RawPath, displayRoot: String, stack: IgnoreStack, emit: (WalkItem) -> Void
    ) -> Frame? {
        var stack = stack
        if options.respectIgnoreFiles {
            for name in options.readsTokenscanIgnore ? [".gitignore", ".tokenscanignore"] : [".gitignore"] {
                if let text = Walker.readSmallFile(directory.appending(RawPath(name))) {
                    let isTokenscanIgnore = name == ".tokenscanignore"
                    let origin = Walker.display(displayRoot, relative.appending(RawPath(name)).display)
                    let file = IgnoreFile(contents: text, base: relative.display, collectsFingerprints: isTokenscanIgnore, origin: origin)
                    if isTokenscanIgnore && !file.fingerprints.isEmpty {
                        onIgnoredFingerprints((file.fingerprints, Walker.display(displayRoot, relative.display)))
                    }
                    if isTokenscanIgnore {
                        for (line, pattern) in file.catchAllPatterns {
                            onWarning("warning: \(origin):\(line): '\(pattern)' leaves out everything in \(relative.bytes.isEmpty ? "its directory" : Walker.display(displayRoot, relative.display)) (files below it are not scanned; '!' lines after it may bring some back)")
                        }
                    }
                    stack = stack.pushing(file)
                }
            }
        }
        guard let entries = Walker.listDirectory(directory) else {
            emit(.skipped(SkippedInput(path: Walker.display(displayRoot, relative.display), reason: "cannot read directory: \(String(cString: strerror(errno)))")))
            return nil
        }
        return Frame(directory: directory, relative: relative, stack: stack, entries: entries)
    }

    private func tooLarge(_ info: stat, display: String) -> SkippedInput? {
        guard let maximum = options.maxFileSize, Int(info.st_size) > maximum else { return nil }
        return SkippedInput(path: display, reason: "\(info.st_size) bytes, larger than --max-file-size (\(maximum) bytes): not read")
    }

    package struct FileID: Hashable {
        package let device: UInt
        package let inode: UInt
        package init(_ info: stat) {
            device = UInt(info.st_dev)
            inode = UInt(info.st_ino)
        }
    }

    package static func describeType(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "named pipe (FIFO): not read, it could block forever"
        case S_IFCHR, S_IFBLK: "device file: not read"
        case S_IFSOCK: "socket: not read"
        default: "not a regular file"
        }
    }

    /// The names in a directory as bytes (a name need not be UTF-8), sorted bytewise.
    package static func listDirectory(_ path: RawPath) -> [RawPath]? {
        guard let directory = path.withCString({ opendir($0) }) else { return nil }
        defer { closedir(directory) }
        var names: [RawPath] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            if name != [0x2E] && name != [0x2E, 0x2E] { names.append(RawPath(bytes: name)) }
        }
        return names.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
    }

    /// Reads an ignore file (at most 1 MiB; larger ones are not ignore files).
    package static func readSmallFile(_ path: String) -> String? {
        readSmallFile(RawPath(path))
    }

    package static func readSmallFile(_ path: RawPath) -> String? {
        guard var source = try? FileDescriptorSource.open(path, displayPath: path.display) else { return nil }
        defer { source.close() }
        var bytes = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                (try? source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))) ?? 0
            }
            if count == 0 { break }
            filled += count
        }
        return String(decoding: bytes[0..<filled], as: UTF8.self)
    }

    package static func realPath(_ path: String) -> String? {
        realPath(RawPath(path))
    }

    package static func realPath(_ path: RawPath) -> String? {
        guard let resolved = path.withCString({ realpath($0, nil) }) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    package static func isInside(_ path: String, _ root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    package static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    package static func display(_ root: String, _ relative: String) -> String {
        if relative.isEmpty { return root }
        return root == "." ? relative : join(root, relative)
    }

    /// `./a/b` → `a/b`, `a//b/` → `a/b`, `.` stays `.`.
    package static func normalize(_ path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        while parts.count > 1, parts.first == "." { parts.removeFirst() }
        parts = parts.enumerated().filter { $0.offset == 0 || $0.element != "." }.map(\.element)
        let joined = parts.joined(separator: "/")
        if path.hasPrefix("/") { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
