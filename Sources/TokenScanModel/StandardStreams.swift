import Glibc

/// Standard error and standard input through `write(2)` and `read(2)`, in place of Foundation's
/// `FileHandle` (full Foundation only).
public enum StandardStreams {
    /// Writes `text` to standard error whole (partial writes and EINTR continue). A failed write
    /// is dropped: a diagnostic that cannot be shown must not end the run (stderr may be a closed
    /// pipe).
    public static func writeError(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            bytes = bytes.dropFirst(count)
        }
    }

    /// Standard input to its end (nil after a read error other than EINTR).
    public static func readInput() -> [UInt8]? {
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return nil }
            if count == 0 { return collected }
            collected += buffer[..<count]
        }
    }
}
