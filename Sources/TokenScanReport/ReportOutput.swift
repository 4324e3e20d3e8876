import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSources
import TokenScanSuppression

#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Why a report could not be written.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    /// The reader went away (`tokenscan … | head`): not an error worth a message.
    public var isBrokenPipe = false
    public var description: String { "\(path): \(reason)" }
}

/// Temporary report files of this process, removed when it is interrupted (Ctrl-C, SIGTERM) so
/// that no half-written report is left behind.
public enum PendingFiles {
    nonisolated(unsafe) private static var paths: Set<String> = []
    private static let lock = NSLock()

    package static func add(_ path: String) {
        lock.lock()
        paths.insert(path)
        lock.unlock()
    }

    package static func remove(_ path: String) {
        lock.lock()
        paths.remove(path)
        lock.unlock()
    }

    /// Unlinks every pending file (called from the interrupt handler).
    public static func removeAll() {
        lock.lock()
        for path in paths { unlink(path) }
        paths.removeAll()
        lock.unlock()
    }
}

/// Where a report goes: stdout, or a file written to a temporary name and renamed into place when
/// complete, so an interrupted run never leaves a half-written SARIF for CI to upload.
public final class ReportOutput {
    private let descriptor: Int32
    private let finalPath: String?
    private let temporaryPath: String?
    private var buffer: [UInt8] = []
    private let flushThreshold = 64 * 1024
    /// Flush after every write (streaming formats on a terminal or into a pipe).
    public var lineBuffered = false

    /// Standard output.
    public init() {
        descriptor = STDOUT_FILENO
        finalPath = nil
        temporaryPath = nil
    }

    /// A file. With `private: true` (the report holds unredacted secrets) it is readable by the
    /// owner only.
    public convenience init(path: String, private isPrivate: Bool) throws(OutputError) {
        try self.init(path: path, mode: isPrivate ? 0o600 : 0o644)
    }

    /// A file created with `mode` (e.g. the mode of a file being replaced in place).
    public init(path: String, mode: mode_t) throws(OutputError) {
        // Found now, not at the final rename: a scan must not run for an hour and then fail.
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            throw OutputError(path: path, reason: "is a directory: name a file for the report")
        }
        let directory = PathName.parent(of: path)
        let name = PathName.lastComponent(of: path)
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).tokenscan-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else {
            throw OutputError(path: path, reason: "cannot create the report file: \(String(cString: strerror(errno)))")
        }
        fchmod(fd, mode) // not narrowed by the umask: a replaced file keeps its mode
        descriptor = fd
        finalPath = path
        temporaryPath = temporary
        PendingFiles.add(temporary)
    }

    public func write(_ text: String) throws(OutputError) {
        buffer.append(contentsOf: text.utf8)
        if lineBuffered || buffer.count >= flushThreshold { try flush() }
    }

    public func write(bytes: UnsafeRawBufferPointer) throws(OutputError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { try flush() }
    }

    public func flush() throws(OutputError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let code = errno
                buffer.removeAll()
                throw OutputError(path: finalPath ?? "stdout", reason: String(cString: strerror(code)), isBrokenPipe: code == EPIPE)
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and, for a file, moves it into place.
    public func commit() throws(OutputError) {
        try flush()
        guard let finalPath, let temporaryPath else { return }
        let syncFailed = fsync(descriptor) != 0
        close(descriptor)
        PendingFiles.remove(temporaryPath)
        if syncFailed || rename(temporaryPath, finalPath) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw OutputError(path: finalPath, reason: "cannot write the report file: \(reason)")
        }
    }

    /// Removes a partial file report (on error or interruption).
    public func abandon() {
        guard let temporaryPath else { return }
        close(descriptor)
        unlink(temporaryPath)
        PendingFiles.remove(temporaryPath)
    }
}
