import Foundation
import XCTest
import TokenScanCore

/// Bounded memory on a large stream: stdin is read in chunks and findings are handed to the
/// streaming reporter as they are found, so peak RSS does not grow with the input.
final class StreamTests: XCTestCase {
    func testGigabyteStreamStaysUnder64MB() throws {
        let token = TokenMinter.jwt(claims: ["sub": "stream", "scope": "read:x", "exp": 1_900_000_000])
        // 1 MiB blocks of access-log lines, each block with two tokens (one in a query, one in a header).
        var block = ""
        var line = 0
        while block.utf8.count < (1 << 20) - 400 {
            line += 1
            if line % 2000 == 0 {
                block += "10.0.0.1 - - [24/Nov/2026:10:00:00 +0000] \"GET /a?access_token=\(token) HTTP/1.1\" 200 1\n"
            } else {
                block += "10.0.0.\(line % 250) - - [24/Nov/2026:10:00:00 +0000] \"GET /api/v1/items/\(line)?page=2 HTTP/1.1\" 200 \(line)\n"
            }
        }
        let run = try streamThroughScan(Data(block.utf8), times: 1024)
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.lines, 1024 * (line / 2000), "every token in the stream is reported")
        XCTAssertGreaterThan(run.peakKB, 0, "VmHWM was read")
        XCTAssertLessThan(run.peakKB / 1024, 64, "peak RSS (MB) of the scan of a 1024 MiB stream")
    }
}

/// What a large stream piped through `tokenscan scan -` produced.
struct StreamRun {
    var status: Int32
    /// JSON Lines written, i.e. findings.
    var lines: Int
    /// The kernel's high-water mark of the scan's RSS (VmHWM), sampled while it ran.
    var peakKB: Int
}

extension XCTestCase {
    /// Writes `block` `times` times to `tokenscan scan - --format jsonl`, counting output lines on
    /// a reader thread and sampling the process's peak RSS while it runs.
    func streamThroughScan(_ block: Data, times: Int) throws -> StreamRun {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["scan", "-", "--format", "jsonl", "--fail-on", "never", "--now", "2026-01-01T00:00:00Z"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let counter = LineCounter()
        let reader = Thread {
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                counter.add(chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) })
            }
        }
        reader.start()
        let pid = process.processIdentifier
        var peakKB = 0
        for index in 0..<times {
            input.fileHandleForWriting.write(block)
            if index % 64 == 0 { peakKB = max(peakKB, peakRSS(pid)) }
        }
        try input.fileHandleForWriting.close()
        while process.isRunning {
            peakKB = max(peakKB, peakRSS(pid))
            usleep(20_000)
        }
        while !reader.isFinished { usleep(10_000) }
        return StreamRun(status: process.terminationStatus, lines: counter.value, peakKB: peakKB)
    }

    private func peakRSS(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}

final class LineCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ n: Int) { lock.lock(); count += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
