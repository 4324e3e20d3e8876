import FoundationEssentials
import Glibc
import Synchronization
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanReport
import TokenScanSearch
import TokenScanSources
import TokenScanSuppression

/// The progress line on stderr (`12,345 files · 1.2 GB · 430 MB/s · 7 findings`), redrawn a few
/// times a second, for scans that run longer than a moment at a terminal. Never used when stderr
/// is a pipe or a CI log unless forced.
public final class ProgressLine: @unchecked Sendable {
    package let counter: ProgressCounter
    package let write: @Sendable (String) -> Void
    package let started = ContinuousClock.now
    private let condition = Condition()
    private var stopped = false
    private var drawn = false
    private var thread: NativeThread?

    /// `stream`: the scan reads one stream (stdin), so inputs are not counted, bytes are.
    package let stream: Bool

    public init(counter: ProgressCounter, stream: Bool = false, write: @escaping @Sendable (String) -> Void) {
        self.counter = counter
        self.stream = stream
        self.write = write
    }

    /// Takes the line off the terminal while something else is written there (a diagnostic,
    /// a streamed finding); the next tick draws it again below. The clear and the write are one
    /// critical section with the ticker: a tick between them would put the progress text in
    /// front of the finding on the same line.
    public func clearing<T>(_ output: () throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        if drawn && !stopped {
            write("\r\u{1B}[K")
            drawn = false
        }
        return try output()
    }

    public func start(delay: Duration = .milliseconds(500), interval: Duration = .milliseconds(250)) {
        thread = NativeThread { [self] in
            condition.lock()
            var wait = delay
            while !stopped {
                if condition.wait(timeout: wait) && stopped { break }
                if stopped { break }
                write("\r\u{1B}[K" + line())
                drawn = true
                wait = interval
            }
            if drawn { write("\r\u{1B}[K") }
            condition.unlock()
        }
    }

    /// Stops and clears the line (before the report or diagnostics are printed).
    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        thread?.join()
    }

    package func line() -> String {
        let elapsed = ContinuousClock.now - started
        let seconds = max(0.001, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        let bytes = counter.bytes.load(ordering: .relaxed)
        let rate = Double(bytes) / seconds
        let done = counter.inputs.load(ordering: .relaxed)
        let total = counter.total.load(ordering: .relaxed)
        let findings = counter.findings.load(ordering: .relaxed)
        let position: String
        if stream {
            position = "stdin"
        } else if total > 0 {
            // The walk is complete: how far along the scan is.
            position = "\(done)/\(total) files (\(min(100, done * 100 / total))%)"
        } else {
            position = "\(done) files"
        }
        return "tokenscan: \(position) · \(TextReporter.formatBytes(bytes)) · \(TextReporter.formatBytes(Int(rate)))/s · "
            + "\(findings) finding\(findings == 1 ? "" : "s")"
    }
}
