import FoundationEssentials
import Glibc
import TokenScanModel

/// An anonymous temporary file that holds a report's middle while the scan runs, and gives it
/// back once, in order, at the end.
///
/// Why: SARIF puts `invocations` (what was skipped, which limits were hit: known only at the
/// end) before `results` in its sorted keys, so results cannot go to the output as they come.
/// Held in memory they cost kilobytes each; here they cost nothing until they are copied out.
/// The file is unlinked as soon as it is created (mode 0600, in `TMPDIR`), so nothing is left
/// behind whatever ends the process, and no other user can read it.
package final class SpillFile {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private static let flushThreshold = 1 << 20

    package init() throws(OutputError) {
        let directory = ProcessEnvironment.current["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/tokenscan-spill-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw OutputError(path: directory, reason: "cannot create a temporary file: \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    package func write(_ text: String) throws(OutputError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= SpillFile.flushThreshold { try flush() }
    }

    private func flush() throws(OutputError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: "temporary file", reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Everything written, from the start, in chunks of at most 1 MiB.
    package func copy(to output: ReportOutput) throws(OutputError) {
        try flush()
        guard lseek(descriptor, 0, SEEK_SET) == 0 else {
            throw OutputError(path: "temporary file", reason: String(cString: strerror(errno)))
        }
        var chunk = [UInt8](repeating: 0, count: SpillFile.flushThreshold)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: "temporary file", reason: String(cString: strerror(errno)))
            }
            if count == 0 { return }
            let failure: OutputError? = chunk.withUnsafeBytes { bytes in
                do throws(OutputError) {
                    try output.write(bytes: UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw failure }
        }
    }
}
