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
import FoundationEssentials

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
    private static let lock = Lock()

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

/// Where a report goes: stdout; a regular file (or a new path), written to a temporary file and
/// renamed into place when complete, so an interrupted run never leaves a half-written SARIF for CI
/// to upload; or anything else (a device, a FIFO, `/dev/stdout`, the pipe of `--output >(jq …)`),
/// which is opened and written directly: replacing it would put a regular file where the user's
/// device or pipe was (as root, over `/dev/null`).
public final class ReportOutput {
    private let descriptor: Int32
    private let finalPath: String?
    /// Where the finished temporary file is renamed to: `finalPath`, or the regular file a
    /// symbolic link `finalPath` points to (the link is kept, its target replaced).
    private let renameTarget: String?
    private let temporaryPath: String?
    /// The mode the finished file gets (the temporary file is the owner's only until then).
    private let mode: mode_t
    private var buffer: [UInt8] = []
    /// Closed by `commit` or `abandon`, once (a second close could close a descriptor number
    /// reused by then).
    private var isClosed = false
    private let flushThreshold = 64 * 1024
    /// Flush after every write (streaming formats on a terminal or into a pipe).
    public var lineBuffered = false

    /// Standard output.
    public init() {
        descriptor = STDOUT_FILENO
        finalPath = nil
        renameTarget = nil
        temporaryPath = nil
        mode = 0
    }

    /// A file. With `private: true` (the report holds unredacted secrets) it is readable by the
    /// owner only.
    public convenience init(path: String, private isPrivate: Bool) throws(OutputError) {
        try self.init(path: path, mode: isPrivate ? 0o600 : 0o644)
    }

    /// A file given the mode `mode` when complete (e.g. the mode of a file being replaced in place).
    public init(path: String, mode: mode_t) throws(OutputError) {
        // Found now, not at the final rename: a scan must not run for an hour and then fail.
        switch try OutputTarget.resolve(path) {
        case .direct(let fd):
            descriptor = fd
            renameTarget = nil
            temporaryPath = nil
        case .replace(let target):
            let (fd, temporary) = try OutputTarget.createTemporary(beside: target, reportPath: path)
            descriptor = fd
            renameTarget = target
            temporaryPath = temporary
        }
        finalPath = path
        self.mode = mode
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
        guard let finalPath else { return }
        guard let temporaryPath, let renameTarget else {
            closeOnce()
            return
        }
        // The mode is set last and not narrowed by the umask: a replaced file keeps its mode. A
        // file system without modes (vfat) refuses; the file then stays the owner's only.
        _ = fchmod(descriptor, mode)
        let failed = fsync(descriptor) != 0
        let code = errno
        closeOnce()
        // Pending until renamed: a signal in between still removes it.
        defer { PendingFiles.remove(temporaryPath) }
        if failed || rename(temporaryPath, renameTarget) != 0 {
            let reason = String(cString: strerror(failed ? code : errno))
            unlink(temporaryPath)
            throw OutputError(path: finalPath, reason: "cannot write the report file: \(reason)")
        }
    }

    /// Removes a partial file report (on error or interruption).
    public func abandon() {
        guard finalPath != nil else { return }
        closeOnce()
        guard let temporaryPath else { return }
        unlink(temporaryPath)
        PendingFiles.remove(temporaryPath)
    }

    private func closeOnce() {
        guard !isClosed else { return }
        isClosed = true
        close(descriptor)
    }
}
