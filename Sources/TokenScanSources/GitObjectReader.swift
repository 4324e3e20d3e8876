import Glibc
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
    private let process: ChildProcess
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0

    package init(runner: GitRunner) throws(GitError) {
        do {
            process = try ChildProcess(executable: runner.executable, arguments: runner.commandLine(["cat-file", "--batch"]),
                                       environment: runner.environment, stdin: .pipe, stdout: .pipe, stderr: .nullDevice)
        } catch {
            throw .launchFailed(error.description)
        }
    }

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
        process.wait()
    }

    private func send(_ bytes: [UInt8]) throws(GitError) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { write(process.input, $0.baseAddress, $0.count) }
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
            let count = buffer.withUnsafeMutableBytes { read(process.output, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw .unexpectedOutput("git cat-file --batch ended early") }
            start = 0
            end = count
            return
        }
    }
}
