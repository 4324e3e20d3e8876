import Foundation
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
    private let condition = NSCondition()
    private var stopped = false
    private var drawn = false
    private var thread: Thread?

    public init(counter: ProgressCounter, write: @escaping @Sendable (String) -> Void) {
        self.counter = counter
        self.write = write
    }

    public func start(delay: Duration = .milliseconds(500), interval: Duration = .milliseconds(250)) {
        let thread = Thread { [self] in
            condition.lock()
            var wait = delay
            while !stopped {
                let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
                if condition.wait(until: Date().addingTimeInterval(seconds)) && stopped { break }
                if stopped { break }
                write("\r\u{1B}[K" + line())
                drawn = true
                wait = interval
            }
            if drawn { write("\r\u{1B}[K") }
            condition.unlock()
        }
        self.thread = thread
        thread.start()
    }

    /// Stops and clears the line (before the report or diagnostics are printed).
    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        while let thread, !thread.isFinished { usleep(1000) }
    }

    package func line() -> String {
        let elapsed = ContinuousClock.now - started
        let seconds = max(0.001, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        let bytes = counter.bytes.load(ordering: .relaxed)
        let rate = Double(bytes) / seconds
        return "tokenscan: \(counter.inputs.load(ordering: .relaxed)) inputs · \(TextReporter.formatBytes(bytes)) · "
            + "\(TextReporter.formatBytes(Int(rate)))/s · \(counter.findings.load(ordering: .relaxed)) findings"
    }
}
