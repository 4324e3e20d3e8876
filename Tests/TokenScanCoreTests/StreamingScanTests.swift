import XCTest
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanEngine
@testable import TokenScanSearch
@testable import TokenScanJudge
@testable import TokenScanSuppression
@testable import TokenScanSources
@testable import TokenScanReport
@testable import TokenScanApp

/// `Scanner.scan(observer:producer:)`: inputs arrive while the scan runs.
final class StreamingScanTests: XCTestCase {
    struct SourceBroke: Error, Equatable {}

    func token(_ subject: String) -> String { TokenMinter.jwt(claims: ["sub": .string(subject), "scope": "repo"]) }

    func testProducedInputsAreReportedInEmitOrderWithSkipsInTheSummary() throws {
        var options = ScanOptions()
        options.jobs = 2
        let scanner = Scanner(matcher: TestSupport.matcher(), settings: TestSupport.settings(), options: options)
        let collector = Collector()
        let names = (0..<300).map { "f\($0).env" }
        let summary = scanner.scan(observer: collector) { emit in
            for (index, name) in names.enumerated() {
                // Uneven sizes, so workers finish out of order.
                let padding = String(repeating: "x\n", count: (index * 7919) % 1000)
                emit(.blob(Blob(name: name, bytes: Array("\(padding)T=\(token(name))\n".utf8))))
                if index == 150 { emit(.skipped(SkippedInput(path: "image.png", reason: "binary file (test)"))) }
            }
        }
        XCTAssertEqual(collector.findings.map(\.path), names)
        XCTAssertEqual(summary.files, 300)
        XCTAssertEqual(summary.skipped, [SkippedInput(path: "image.png", reason: "binary file (test)")])
    }

    func testAFailingProducerStillReportsWhatItEmittedAndRethrows() {
        let scanner = Scanner(matcher: TestSupport.matcher(), settings: TestSupport.settings())
        let collector = Collector()
        XCTAssertThrowsError(try scanner.scan(observer: collector) { emit throws(SourceBroke) in
            emit(.memory(name: "before.env", bytes: Array("T=\(token("before"))\n".utf8)))
            throw SourceBroke()
        }) { XCTAssertEqual($0 as? SourceBroke, SourceBroke()) }
        XCTAssertEqual(collector.findings.map(\.path), ["before.env"])
    }

    func testContinuationBlobsAreNotCountedAsFiles() {
        let scanner = Scanner(matcher: TestSupport.matcher(), settings: TestSupport.settings())
        let collector = Collector()
        let summary = scanner.scan([
            .blob(Blob(name: "big.txt", bytes: Array("T=\(token("a"))\n".utf8), lineMap: [3])),
            .blob(Blob(name: "big.txt", bytes: Array("T=\(token("b"))\n".utf8), lineMap: [900], isContinuation: true)),
        ], observer: collector)
        XCTAssertEqual(summary.files, 1)
        XCTAssertEqual(collector.findings.map(\.line), [3, 900])
    }

    func testReportRepeatsOnceKeepsTheFirstOfTheSamePathSecretAndLine() {
        var options = ScanOptions()
        options.reportRepeatsOnce = true
        let scanner = Scanner(matcher: TestSupport.matcher(), settings: TestSupport.settings(), options: options)
        let collector = Collector()
        let secret = token("repeat")
        let first = CommitInfo(sha: "a", author: "A <a@example.com>", date: "2026-01-01T00:00:00+00:00")
        let later = CommitInfo(sha: "b", author: "B <b@example.com>", date: "2026-01-02T00:00:00+00:00")
        let summary = scanner.scan([
            .blob(Blob(name: "a.env", bytes: Array("T=\(secret)\n".utf8), lineMap: [1], commit: first)),
            .blob(Blob(name: "a.env", bytes: Array("T=\(secret)\n".utf8), lineMap: [7], commit: later)),
            .blob(Blob(name: "a.env", bytes: Array("U=\(secret)\n".utf8), lineMap: [8], commit: later)),
            .blob(Blob(name: "b.env", bytes: Array("T=\(secret)\n".utf8), lineMap: [1], commit: later)),
        ], observer: collector)
        XCTAssertEqual(collector.findings.map { "\($0.path):\($0.line)@\($0.commit?.sha ?? "")" }, ["a.env:1@a", "a.env:8@b", "b.env:1@b"])
        XCTAssertEqual(summary.dismissed["repeated"], 1)
        XCTAssertEqual(summary.findings, 3)
    }
}

/// The work queue bounds what waits for a worker by count and by bytes, and lets go of what it
/// handed out (a git history's blobs must not pile up in memory).
final class WorkQueueTests: XCTestCase {
    final class Payload: @unchecked Sendable {}

    func testPoppedElementsAreReleased() {
        let queue = WorkQueue<Payload>(capacity: 8)
        weak var released: Payload?
        do {
            let payload = Payload()
            released = payload
            queue.push(payload, weight: 1)
        }
        XCTAssertNotNil(released)
        _ = queue.pop()
        XCTAssertNil(released, "the queue still holds a popped element")
    }

    /// A producer that found the queue full goes on when it is half empty, not at the first pop:
    /// woken by every pop, a walker and a worker switched threads once per file.
    func testAProducerThatFoundTheQueueFullWaitsUntilItIsHalfEmpty() {
        let queue = WorkQueue<Int>(capacity: 4)
        for value in 0..<4 { queue.push(value) }
        let pushed = DispatchSemaphore(value: 0)
        Thread {
            queue.push(4)
            pushed.signal()
        }.start()
        waitUntil { queue.waiting.producers == 1 }
        XCTAssertEqual(queue.pop(), 0)
        XCTAssertEqual(pushed.wait(timeout: .now() + 0.3), .timedOut, "three of four are still queued")
        XCTAssertEqual(queue.pop(), 1)
        XCTAssertEqual(pushed.wait(timeout: .now() + 5), .success, "half empty: the producer goes on")
        XCTAssertEqual((2...4).map { _ in queue.pop() }, [2, 3, 4])
        // A consumer waiting on an empty queue is woken by the next push.
        let popped = DispatchSemaphore(value: 0)
        Thread {
            XCTAssertEqual(queue.pop(), 5)
            popped.signal()
        }.start()
        waitUntil { queue.waiting.consumers == 1 }
        queue.push(5)
        XCTAssertEqual(popped.wait(timeout: .now() + 5), .success)
        queue.close()
        XCTAssertNil(queue.pop())
    }

    /// Polls `condition` (another thread's state) for up to 10 s.
    private func waitUntil(_ condition: () -> Bool, file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(10)
        while !condition() && Date() < deadline { usleep(1000) }
        XCTAssertTrue(condition(), "timed out", file: file, line: line)
    }

    func testAPushWaitsWhileTheWeightLimitIsReached() {
        let queue = WorkQueue<Int>(capacity: 100, weightLimit: 15)
        queue.push(1, weight: 10)
        let pushed = DispatchSemaphore(value: 0)
        Thread {
            queue.push(2, weight: 10)
            pushed.signal()
        }.start()
        XCTAssertEqual(pushed.wait(timeout: .now() + 0.3), .timedOut, "10 + 10 exceeds the limit of 15")
        XCTAssertEqual(queue.pop(), 1)
        XCTAssertEqual(pushed.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(queue.pop(), 2)
        // A single element above the limit passes when nothing else waits.
        queue.push(3, weight: 1000)
        XCTAssertEqual(queue.pop(), 3)
        queue.close()
        XCTAssertNil(queue.pop())
    }
}

final class SegmentBufferPoolTests: XCTestCase {
    /// Bytes this process has mapped (`/proc/self/maps`).
    private func mappedBytes() throws -> Int {
        let maps = try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
        return maps.split(separator: "\n").reduce(0) { total, line in
            let range = line.prefix { $0 != " " }.split(separator: "-")
            guard range.count == 2, let low = Int(range[0], radix: 16), let high = Int(range[1], radix: 16) else { return total }
            return total + (high - low)
        }
    }

    /// A segment's mapping is made a huge page longer and trimmed to an aligned start; for a length
    /// that is not a multiple of the page size, the trimmed tail started off a page boundary,
    /// `munmap` refused it, and about 1 MiB of address space stayed mapped per segment (a long
    /// stream with two workers maps a segment every 8 MiB).
    func testAMappingOfAnyLengthLeavesNothingMappedOnceReleased() throws {
        let before = try mappedBytes()
        for extra in [0, 1, 4095, 4097, 12_345, 600_001] {
            for _ in 0..<8 {
                let mapping = SegmentBufferPool.map((8 << 20) + extra)
                XCTAssertEqual(Int(bitPattern: mapping.baseAddress) % SegmentBufferPool.hugePage, 0)
                XCTAssertEqual(mapping.count, (8 << 20) + extra)
                munmap(mapping.baseAddress, mapping.count)
            }
        }
        XCTAssertLessThan(try mappedBytes() - before, 4 << 20, "48 mappings made and released")
    }
}

