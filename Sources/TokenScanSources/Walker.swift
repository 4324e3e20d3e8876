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
    /// swapped for a link between walk and open is not followed).
    case file(path: String, display: String, viaLink: Bool = false)
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

    public init(options: WalkOptions = WalkOptions()) {
        self.options = options
    }

    /// Walks one root (a file or a directory) as the user named it.
    public mutating func walk(root: String, emit: (WalkItem) -> Void) {
        let display = Walker.normalize(root)
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
            emit(.file(path: root, display: display, viaLink: rootIsLink))
        case S_IFDIR:
            let realRoot = Walker.realPath(root) ?? root
            var stack = IgnoreStack()
            if options.respectIgnoreFiles, let exclude = Walker.readSmallFile(Walker.join(root, ".git/info/exclude")) {
                stack = stack.pushing(IgnoreFile(contents: exclude, base: "", collectsFingerprints: false))
            }
            var visited: Set<FileID> = [FileID(info)]
            walkTree(root, displayRoot: display, realRoot: realRoot, stack: stack, visited: &visited, emit: emit)
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
        var chain = [start]
        var probe = stat()
        while lstat(Walker.join(chain[chain.count - 1], ".git"), &probe) != 0 {
            let up = PathName.parent(of: chain[chain.count - 1])
            guard !up.isEmpty, up != chain[chain.count - 1], chain.count < 256 else {
                chain = [start]
                break
            }
            chain.append(up)
        }
        // A directory root's own ignore file is read by the walk itself.
        if isDirectory { chain.removeFirst() }
        for directory in chain {
            guard let text = Walker.readSmallFile(Walker.join(directory, ".tokenscanignore")) else { continue }
            let fingerprints = IgnoreFile(contents: text, base: "", collectsFingerprints: true).fingerprints
            if !fingerprints.isEmpty { onIgnoredFingerprints((fingerprints, scope)) }
        }
    }

    /// A directory being walked: its entries (sorted) and the next one to look at.
    private struct Frame {
        var directory: String
        var relative: String
        var stack: IgnoreStack
        var entries: [String]
        var next = 0
    }

    /// Depth-first, in sorted order, with an explicit stack of directories rather than recursion:
    /// a tree thousands of levels deep must not overflow the thread's stack (it did under
    /// AddressSanitizer at 2,000 levels, whose frames are larger; a CI runner's stack may be small).
    private mutating func walkTree(
        _ root: String, displayRoot: String, realRoot: String, stack: IgnoreStack, visited: inout Set<FileID>,
        emit: (WalkItem) -> Void
    ) {
        var frames: [Frame] = []
        if let frame = enter(root, relative: "", displayRoot: displayRoot, stack: stack, emit: emit) { frames.append(frame) }
        while let top = frames.indices.last {
            guard frames[top].next < frames[top].entries.count else {
                frames.removeLast()
                continue
            }
            let name = frames[top].entries[frames[top].next]
            frames[top].next += 1
            let directory = frames[top].directory, relative = frames[top].relative, stack = frames[top].stack
            let path = Walker.join(directory, name)
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            let childDisplay = Walker.display(displayRoot, childRelative)
            // Paths are opened whole; beyond PATH_MAX the system refuses them. Such an entry (a
            // tree nested thousands deep) is named, and the walk's depth stays bounded by it.
            if path.utf8.count >= Int(PATH_MAX) {
                emit(.skipped(SkippedInput(
                    path: childDisplay,
                    reason: "path of \(path.utf8.count) bytes, longer than the system's limit (PATH_MAX \(PATH_MAX)): not read, nor anything below it")))
                continue
            }
            var info = stat()
            guard lstat(path, &info) == 0 else {
                emit(.skipped(SkippedInput(path: childDisplay, reason: "cannot access: \(String(cString: strerror(errno)))")))
                continue
            }
            var type = info.st_mode & S_IFMT
            if name == ".git" && type == S_IFDIR { continue }
            let isLink = type == S_IFLNK
            if isLink {
                guard stat(path, &info) == 0 else {
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
            if options.respectIgnoreFiles && stack.isIgnored(childRelative, isDirectory: isDirectory) { continue }
            switch type {
            case S_IFREG:
                if let skipped = tooLarge(info, display: childDisplay) {
                    emit(.skipped(skipped))
                    continue
                }
                emit(.file(path: path, display: childDisplay, viaLink: isLink))
            case S_IFDIR:
                guard visited.insert(FileID(info)).inserted else {
                    emit(.skipped(SkippedInput(path: childDisplay, reason: "directory loop (already visited through a symlink)")))
                    continue
                }
                if let frame = enter(path, relative: childRelative, displayRoot: displayRoot, stack: stack, emit: emit) {
                    frames.append(frame)
                }
            default:
                emit(.skipped(SkippedInput(path: childDisplay, reason: Walker.describeType(info.st_mode))))
            }
        }
    }

    /// Reads a directory's ignore files and lists it; `nil`, after naming it, when it cannot be read.
    private mutating func enter(
        _ directory: String, relative: String, displayRoot: String, stack: IgnoreStack, emit: (WalkItem) -> Void
    ) -> Frame? {
        var stack = stack
        if options.respectIgnoreFiles {
            for name in options.readsTokenscanIgnore ? [".gitignore", ".tokenscanignore"] : [".gitignore"] {
                if let text = Walker.readSmallFile(Walker.join(directory, name)) {
                    let file = IgnoreFile(contents: text, base: relative, collectsFingerprints: name == ".tokenscanignore")
                    if name == ".tokenscanignore" && !file.fingerprints.isEmpty {
                        onIgnoredFingerprints((file.fingerprints, Walker.display(displayRoot, relative)))
                    }
                    stack = stack.pushing(file)
                }
            }
        }
        guard let entries = Walker.listDirectory(directory) else {
            emit(.skipped(SkippedInput(path: Walker.display(displayRoot, relative), reason: "cannot read directory: \(String(cString: strerror(errno)))")))
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

    package static func listDirectory(_ path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Reads an ignore file (at most 1 MiB; larger ones are not ignore files).
    package static func readSmallFile(_ path: String) -> String? {
        guard var source = try? FileDescriptorSource.open(path, displayPath: path) else { return nil }
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
        guard let resolved = realpath(path, nil) else { return nil }
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
