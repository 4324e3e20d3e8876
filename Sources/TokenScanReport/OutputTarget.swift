#if canImport(Glibc)
import Glibc
#endif
import TokenScanModel

/// What `--output PATH` names, decided before the scan starts: something to write directly, or a
/// regular file to replace atomically.
package enum OutputTarget {
    /// An open descriptor to write the report to as it is: a device, a FIFO, a socket, or a
    /// descriptor this process already holds (`/dev/stdout`, `/dev/fd/N`).
    case direct(Int32)
    /// A regular file (or a path that does not exist yet) to replace by renaming a temporary file
    /// over it; for a symbolic link, the file it points to (the link is kept).
    case replace(String)

    package static func resolve(_ path: String) throws(OutputError) -> OutputTarget {
        // `/dev/stdout`, `/dev/fd/N` (a shell's `>(…)`), `/proc/self/fd/N`: the descriptor itself
        // (duplicated), so that its offset and append mode are the shell's, as with `> FILE`.
        if let inherited = inheritedDescriptor(path) {
            let copy = fcntl(inherited, F_DUPFD_CLOEXEC, 3)
            if copy >= 0 { return .direct(copy) }
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            var link = stat()
            if code == ENOENT && lstat(path, &link) == 0 {
                throw OutputError(path: path, reason: "is a symbolic link to nothing: not followed (name its target)")
            }
            guard code == ENOENT else { throw OutputError(path: path, reason: "cannot write the report file: \(String(cString: strerror(code)))") }
            return .replace(path)
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            throw OutputError(path: path, reason: "is a directory: name a file for the report")
        case S_IFREG:
            // Nothing under /dev or /proc is replaced, whatever it resolves to.
            if path.hasPrefix("/dev/") || path.hasPrefix("/proc/") { return .direct(try openDirectly(path)) }
            return .replace(try resolvedLinks(path))
        default:
            return .direct(try openDirectly(path))
        }
    }

    /// The descriptor number a path names in this process, if it names one of its own.
    private static func inheritedDescriptor(_ path: String) -> Int32? {
        let number: Substring
        switch path {
        case "/dev/stdout": return STDOUT_FILENO
        case "/dev/stderr": return STDERR_FILENO
        case _ where path.hasPrefix("/dev/fd/"): number = path.dropFirst("/dev/fd/".count)
        case _ where path.hasPrefix("/proc/self/fd/"): number = path.dropFirst("/proc/self/fd/".count)
        default: return nil
        }
        guard let descriptor = Int32(number), descriptor >= 0, fcntl(descriptor, F_GETFD) >= 0 else { return nil }
        return descriptor
    }

    /// Opens what is not a regular file for writing, without creating or truncating anything (a
    /// FIFO waits for its reader here, as a shell's `>` does).
    private static func openDirectly(_ path: String) throws(OutputError) -> Int32 {
        while true {
            let descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
            if descriptor >= 0 { return descriptor }
            if errno == EINTR { continue }
            throw OutputError(path: path, reason: "cannot open for writing: \(String(cString: strerror(errno)))")
        }
    }

    /// The regular file `path` ends at once every symbolic link is followed.
    private static func resolvedLinks(_ path: String) throws(OutputError) -> String {
        var link = stat()
        guard lstat(path, &link) == 0, (link.st_mode & S_IFMT) == S_IFLNK else { return path }
        guard let resolved = realpath(path, nil) else {
            throw OutputError(path: path, reason: "cannot resolve the symbolic link: \(String(cString: strerror(errno)))")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Creates the temporary file beside `target`, exclusively (`O_EXCL`, never through a link)
    /// under an unpredictable name and readable by the owner only, before anything is written:
    /// a file planted at a name guessed in advance is never opened, and nobody else can open this
    /// one while the report (perhaps with `--show-secrets`) is written into it.
    package static func createTemporary(beside target: String, reportPath: String) throws(OutputError) -> (Int32, String) {
        let directory = PathName.parent(of: target)
        // Room for the suffix within NAME_MAX (255 bytes).
        let name = String(decoding: Array(PathName.lastComponent(of: target).utf8).prefix(200), as: UTF8.self)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let suffix = String(decoding: (0..<12).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
            let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).tokenscan-\(suffix)"
            let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
            if descriptor >= 0 {
                PendingFiles.add(temporary)
                return (descriptor, temporary)
            }
            if errno == EEXIST || errno == EINTR { continue }
            throw OutputError(path: reportPath, reason: "cannot create the report file: \(String(cString: strerror(errno)))")
        }
        throw OutputError(path: reportPath, reason: "cannot create the report file: no free temporary name after 100 tries")
    }
}
