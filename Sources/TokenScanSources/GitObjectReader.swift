import Foundation
import TokenScanModel

/// Reads the start of git objects through one long-running `git cat-file --batch`.
///
/// Why: a range scan decides whether a changed file is binary from its new content, as the
/// walker does (a NUL byte in the first 8 KiB), not from git's diff, which calls a file binary
/// when its *old* side has a NUL or when `.gitattributes` says so — both under the control of
/// the commits being scanned. One process answers every file of the scan (a process per file
/// would cost milliseconds each over a long history). It is started through `GitRunner`, with
/// its safety configuration: `cat-file` without `--textconv`/`--filters` runs nothing of the
/// repository.
package final class GitObjectReader {
    private let process: Process
    private let input: Int32
    private let output: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0

    package init(runner: GitRunner) throws(GitError) {
        process = Process()
        process.executableURL = URL(fileURLWithPath: runner.executable)
        process.arguments = runner.commandLine(["cat-file", "--batch"])
        process.environment = runner.environment
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .launchFailed("\(runner.executable): \(error.localizedDescription)")
        }
        input = stdin.fileHandleForWriting.fileDescriptor
        output = stdout.fileHandleForReading.fileDescriptor
        // Keep the descriptors open as long as this reader lives (the handles close on deinit).
        handles = (stdin.fileHandleForWriting, stdout.fileHandleForReading)
    }

    private let handles: (FileHandle, FileHandle)

    /// The first `count` bytes of blob `object`; nil when the object is not a blob (a
    /// submodule's commit) or git does not have it.
    package func head(of object: String, count: Int) throws(GitError) -> [UInt8]? {
        try send(Array((object + "\n").utf8))
        // "<oid> <type> <size>" or "<object> missing" / "ambiguous".
        let header = try line().split(separator: UInt8(ascii: " "))
        guard header.count == 3, let size = Int(String(decoding: header[2], as: UTF8.self)) else { return nil }
        var head: [UInt8] = []
        head.reserveCapacity(min(size, count))
        var remaining = size + 1 // the content, then a newline
        while remaining > 0 {
            if start == end { try fill() }
            let take = min(remaining, end - start)
            if head.count < count { head += buffer[start..<(start + min(take, count - head.count))] }
            start += take
            remaining -= take
        }
        return header[1].elementsEqual("blob".utf8) ? head : nil
    }

    /// Ends `git cat-file` (end of its input) and waits for it.
    package func close() {
        try? handles.0.close()
        process.waitUntilExit()
    }

    private func send(_ bytes: [UInt8]) throws(GitError) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw .unexpectedOutput("git cat-file --batch stopped reading") }
            sent += count
        }
    }

    private func line() throws(GitError) -> ArraySlice<UInt8> {
        var collected: [UInt8] = []
        while true {
            if start == end { try fill() }
            if let newline = buffer[start..<end].firstIndex(of: 0x0A) {
                collected += buffer[start..<newline]
                start = newline + 1
                return collected[...]
            }
            collected += buffer[start..<end]
            start = end
            guard collected.count < 4096 else { throw .unexpectedOutput("git cat-file --batch: overlong header line") }
        }
    }

    private func fill() throws(GitError) {
        while true {
            let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw .unexpectedOutput("git cat-file --batch ended early") }
            start = 0
            end = count
            return
        }
    }
}
