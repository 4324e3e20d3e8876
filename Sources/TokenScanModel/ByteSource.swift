import TokenFormats

#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials

/// Why an input could not be read. Carries the input's display name so every message names it.
public struct InputError: Error, Sendable, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    /// The `errno` behind it, when a system call failed (callers word some cases better: a file
    /// that is gone by the time it is opened vanished during the scan).
    public var code: Int32?
    public init(path: String, reason: String, code: Int32? = nil) {
        self.path = path
        self.reason = reason
        self.code = code
    }
    public var description: String { "\(path): \(reason)" }

    package static func posix(_ path: String, _ operation: String, _ code: Int32 = errno) -> InputError {
        InputError(path: path, reason: "\(operation): \(String(cString: strerror(code)))", code: code)
    }
}

/// Bytes read in order, in pieces. The searcher never needs more than one chunk of any source in
/// memory, which is what bounds memory for multi-gigabyte inputs.
public protocol ByteSource {
    /// Reads up to `buffer.count` bytes; returns 0 at the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int
    /// Waits up to `milliseconds` for input to read; false: none arrived (a live pipe is idle).
    /// Why: a stream that never closes (`kubectl logs -f | tokenscan scan -`) must still have what
    /// it sent judged; a reader that only ever blocks in `read` cannot tell idle from slow.
    mutating func waitForInput(milliseconds: Int) -> Bool
    /// All of the input still to read, when it is in memory already and stays where it is until
    /// the search ends (a stream's segment): the searcher then searches it in place instead of
    /// copying it into its window, and says with `release(before:)` how far it is done with it.
    /// nil (the default): the input is read with `read(into:)`.
    ///
    /// Why: a stream's bytes are copied once out of the pipe into a segment; a second copy into
    /// the searcher's window was 3 % of a piped stream's CPU (`perf record`, one worker).
    mutating func residentBytes() -> UnsafeRawBufferPointer?
    /// The search will not look at the bytes before `offset` (counted from where the resident
    /// bytes begin) again: it has searched them, with their context. Called with offsets that only
    /// grow, last with where the search ended (the input's end, unless binary content stopped it).
    mutating func release(before offset: Int)
}

/// How a live stream (a pipe that stays open) is read.
public enum LiveInput {
    /// Without new input for this long, what has arrived is judged (design §8: "the chunk loop
    /// judges the held-back tail after about 200 ms without new input").
    public static let idleMilliseconds = 200

    /// A clock for these waits that the wall clock's steps do not move (`CLOCK_MONOTONIC`).
    public static func monotonicMilliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
    }
}

extension ByteSource {
    /// Sources that never wait (memory, files) always have input or their end ready.
    public mutating func waitForInput(milliseconds: Int) -> Bool { true }
    /// Read, not searched in place.
    public mutating func residentBytes() -> UnsafeRawBufferPointer? { nil }
    public mutating func release(before offset: Int) {}
}

/// A file descriptor (a regular file, or stdin). Opened read-only, never written.
public struct FileDescriptorSource: ByteSource {
    public let descriptor: Int32
    public let path: String
    package let ownsDescriptor: Bool
    /// A regular file is read up to the size it had when it was opened: a file that another
    /// process appends to as fast as we read (a live log) would otherwise never end. `nil`: no
    /// bound (streams, and files whose size says nothing, such as `/proc` files of size 0).
    public let sizeAtOpen: Int?
    private var remaining: Int?

    package init(descriptor: Int32, path: String, ownsDescriptor: Bool, sizeAtOpen: Int? = nil) {
        self.descriptor = descriptor
        self.path = path
        self.ownsDescriptor = ownsDescriptor
        self.sizeAtOpen = sizeAtOpen
        remaining = sizeAtOpen
    }

    /// Opens `path` read-only without following a final symlink (the walker decides about links)
    /// and without blocking on FIFOs.
    public static func open(_ path: String, displayPath: String, followSymlink: Bool = false) throws(InputError) -> FileDescriptorSource {
        try open(RawPath(path), displayPath: displayPath, followSymlink: followSymlink)
    }

    /// As ``open(_:displayPath:followSymlink:)`` for a path of any bytes (a name that is not UTF-8).
    public static func open(_ path: RawPath, displayPath: String, followSymlink: Bool = false) throws(InputError) -> FileDescriptorSource {
        var flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK
        if !followSymlink { flags |= O_NOFOLLOW }
        let fd = path.withCString { Glibc.open($0, flags) }
        guard fd >= 0 else { throw .posix(displayPath, "cannot open") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = InputError.posix(displayPath, "cannot stat")
            Glibc.close(fd)
            throw error
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(fd)
            throw InputError(path: displayPath, reason: "not a regular file")
        }
        // Regular files never block; clear O_NONBLOCK so reads behave normally.
        _ = fcntl(fd, F_SETFL, O_RDONLY)
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        let size = Int(info.st_size)
        return FileDescriptorSource(descriptor: fd, path: displayPath, ownsDescriptor: true, sizeAtOpen: size > 0 ? size : nil)
    }

    /// Standard input. Raises the pipe buffer so that large streams need fewer reads.
    public static func standardInput() -> FileDescriptorSource {
        _ = fcntl(STDIN_FILENO, 1031 /* F_SETPIPE_SZ */, 1 << 20)
        return FileDescriptorSource(descriptor: STDIN_FILENO, path: "-", ownsDescriptor: false)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        var wanted = buffer.count
        if let remaining {
            guard remaining > 0 else {
                // Everything it had when opened is read; say so if more arrived meanwhile.
                if let sizeAtOpen, let error = Self.growth(of: descriptor, path: path, sizeAtOpen: sizeAtOpen) { throw error }
                return 0
            }
            wanted = min(wanted, remaining)
        }
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, wanted)
            if count >= 0 {
                if let remaining { self.remaining = remaining - count }
                return count
            }
            if errno == EINTR { continue }
            throw .posix(path, "read failed")
        }
    }

    public func close() {
        if ownsDescriptor { _ = Glibc.close(descriptor) }
    }

    /// A regular file that is larger now than when it was opened: what was added is not scanned,
    /// and the user is told (nil: it did not grow). Also for a file read in segments.
    package static func growth(of descriptor: Int32, path: String, sizeAtOpen: Int) -> InputError? {
        var info = stat()
        guard fstat(descriptor, &info) == 0, Int(info.st_size) > sizeAtOpen else { return nil }
        return InputError(path: path, reason: "grew while it was read (\(sizeAtOpen) bytes when opened, \(info.st_size) now): what was added is not scanned")
    }

    public mutating func waitForInput(milliseconds: Int) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&entry, 1, Int32(clamping: milliseconds))
            if ready >= 0 { return ready > 0 }
            // An error is for `read` to report.
            if errno != EINTR { return true }
        }
    }
}

/// An in-memory input (demo set, decoded layers, tests).
public struct MemorySource: ByteSource {
    package let bytes: [UInt8]
    package var position = 0
    /// Reads at most this many bytes per call; tests use small values to exercise chunk boundaries.
    package let maxRead: Int

    public init(_ bytes: [UInt8], maxRead: Int = .max) {
        self.bytes = bytes
        self.maxRead = maxRead
    }

    public init(_ text: String) { self.init(Array(text.utf8)) }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let count = min(buffer.count, bytes.count - position, maxRead)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }
}
