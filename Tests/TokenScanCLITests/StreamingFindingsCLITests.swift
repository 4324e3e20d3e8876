import FixtureKit
import Foundation
import XCTest
import TokenFormats

/// `scan -` on a pipe that stays open (`kubectl logs -f … | tokenscan scan - --format jsonl`):
/// each finding is written as soon as it is judged, a line without its newline is judged after a
/// pause (design §8), and no finding is written twice when more data arrives. Stdin is read into
/// segments that two workers search (`StreamSegments`): a segment goes out when the pipe pauses or
/// its lines wait, not only when it is full.
final class StreamingFindingsCLITests: XCTestCase {
    let first = TokenMinter.jwt(claims: ["sub": "stream-1", "scope": "admin", "exp": 1_900_000_000])
    let second = TokenMinter.jwt(claims: ["sub": "stream-2", "scope": "admin", "exp": 1_900_000_000])

    /// Reads from `handle` until `count` newlines arrived or `seconds` passed.
    func lines(_ handle: FileHandle, count: Int, within seconds: TimeInterval, into received: inout Data) -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        while received.filter({ $0 == 0x0A }).count < count && Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            received += chunk
        }
        return received.filter { $0 == 0x0A }.count
    }

    func startScan(_ format: String, _ extra: String...) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["scan", "-", "--format", format, "--now", "2026-01-01T00:00:00Z"] + extra
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, input, output)
    }

    func testJSONLinesFindingsArriveWhileThePipeStaysOpen() throws {
        let (process, input, output) = try startScan("jsonl")
        defer { if process.isRunning { process.terminate() } }
        input.fileHandleForWriting.write(Data("GET /a HTTP/1.1 Authorization: Bearer \(first)\n".utf8))
        var received = Data()
        XCTAssertEqual(lines(output.fileHandleForReading, count: 1, within: 10, into: &received), 1,
                       "the first finding must be written while stdin is still open")
        XCTAssertTrue(process.isRunning)
        // A line whose newline has not come yet is judged after a pause.
        input.fileHandleForWriting.write(Data("GET /b Authorization: Bearer \(second)".utf8))
        XCTAssertEqual(lines(output.fileHandleForReading, count: 2, within: 10, into: &received), 2,
                       "a token on a line without its newline is reported after a pause")
        input.fileHandleForWriting.write(Data(" HTTP/1.1\nGET /c Authorization: Bearer \(first)\n".utf8))
        try input.fileHandleForWriting.close()
        received += output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1)
        let findings = String(decoding: received, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(findings.count, 3, "each token once per line, none twice: \(findings)")
        XCTAssertEqual(findings.map { $0.contains("\"line\":1,") }, [true, false, false], findings.joined(separator: "\n"))
    }

    func testTextFindingsArriveWhileThePipeStaysOpen() throws {
        let (process, input, output) = try startScan("text")
        defer { if process.isRunning { process.terminate() } }
        input.fileHandleForWriting.write(Data("token=\(first)\n".utf8))
        var received = Data()
        _ = lines(output.fileHandleForReading, count: 1, within: 10, into: &received)
        XCTAssertTrue(String(decoding: received, as: UTF8.self).contains("jwt"), String(decoding: received, as: UTF8.self))
        XCTAssertTrue(process.isRunning, "stdin is still open")
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// After more than a segment of plain lines (the segments are searched on two threads), a
    /// token written to a pipe that stays open is reported while it is still open.
    func testATokenAfterSeveralSegmentsIsReportedWhileThePipeStaysOpen() throws {
        let (process, input, output) = try startScan("jsonl", "--jobs", "2")
        defer { if process.isRunning { process.terminate() } }
        let block = Data(String(repeating: "10.0.0.1 \"GET /api/v1/items?page=2 HTTP/1.1\" 200 512\n", count: (1 << 20) / 52).utf8)
        for _ in 0..<18 { input.fileHandleForWriting.write(block) }
        let token = TokenMinter.jwt(claims: ["sub": "open", "scope": "admin", "exp": 1_900_000_000])
        input.fileHandleForWriting.write(Data("GET /b Authorization: Bearer \(token)\n".utf8))
        var received = Data()
        XCTAssertEqual(lines(output.fileHandleForReading, count: 1, within: 30, into: &received), 1,
                       "the finding must be written while stdin is still open")
        XCTAssertTrue(process.isRunning, "stdin is still open")
        XCTAssertTrue(String(decoding: received, as: UTF8.self).contains("\"line\":\(18 * ((1 << 20) / 52) + 1),"),
                      String(decoding: received, as: UTF8.self))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1)
    }

    /// A gzip stream whose writer flushes (zlib's sync flush, as log shippers write compressed
    /// streams) on a pipe that stays open: what it sent is decompressed, judged and written while
    /// the pipe is open (the decompressor used to claim input was always ready, so the pause that
    /// judges a live stream blocked until more compressed bytes came).
    func testAFlushedGzipStreamHasItsFindingsWrittenWhileThePipeStaysOpen() throws {
        let (process, input, output) = try startScan("jsonl", "--jobs", "2")
        defer { if process.isRunning { process.terminate() } }
        let compress = Process()
        compress.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compress.arguments = ["python3", "-c", """
            import sys, zlib
            c = zlib.compressobj(6, zlib.DEFLATED, 31)
            sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read()) + c.flush(zlib.Z_SYNC_FLUSH))
            """]
        let plain = Pipe(), compressed = Pipe()
        compress.standardInput = plain
        compress.standardOutput = compressed
        try compress.run()
        plain.fileHandleForWriting.write(Data("GET /a HTTP/1.1 Authorization: Bearer \(first)\n".utf8))
        try plain.fileHandleForWriting.close()
        let bytes = compressed.fileHandleForReading.readDataToEndOfFile()
        compress.waitUntilExit()
        XCTAssertEqual(bytes.prefix(2), Data([0x1F, 0x8B]), "a gzip stream")
        input.fileHandleForWriting.write(bytes)
        var received = Data()
        XCTAssertEqual(lines(output.fileHandleForReading, count: 1, within: 10, into: &received), 1,
                       "the finding must be written while the compressed stream is still open")
        XCTAssertTrue(process.isRunning, "stdin is still open")
        try input.fileHandleForWriting.close()
        received += output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // The stream ends without the gzip trailer: named as truncated, the finding kept.
        XCTAssertEqual(String(decoding: received, as: UTF8.self).split(separator: "\n").count, 1,
                       String(decoding: received, as: UTF8.self))
    }

    /// A pipe that never pauses for long (a line every 50 ms, as `tail -f` of a busy log): its
    /// complete lines are judged within about 200 ms, not when a segment fills.
    func testATrickleThatNeverPausesStillHasItsFindingsWritten() throws {
        let (process, input, output) = try startScan("jsonl", "--jobs", "2")
        defer { if process.isRunning { process.terminate() } }
        let token = TokenMinter.jwt(claims: ["sub": "trickle", "scope": "admin", "exp": 1_900_000_000])
        input.fileHandleForWriting.write(Data("GET /a Authorization: Bearer \(token)\n".utf8))
        let writer = Trickle(input.fileHandleForWriting)
        let thread = Thread { writer.run() }
        thread.start()
        var received = Data()
        let found = lines(output.fileHandleForReading, count: 1, within: 20, into: &received)
        let stillTrickling = !writer.finished
        writer.stop()
        while !writer.finished { usleep(10_000) }
        XCTAssertEqual(found, 1, "the finding is written while lines keep arriving")
        XCTAssertTrue(stillTrickling, "the finding came before the trickle ended")
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// Writes a plain line every 50 ms for at most 25 s, until stopped.
private final class Trickle: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private var stopped = false
    private var done = false

    init(_ handle: FileHandle) { self.handle = handle }

    var finished: Bool { lock.withLock { done } }

    func stop() { lock.withLock { stopped = true } }

    func run() {
        for index in 0..<500 where !lock.withLock({ stopped }) {
            handle.write(Data("10.0.0.1 \"GET /health/\(index) HTTP/1.1\" 200 2\n".utf8))
            usleep(50_000)
        }
        lock.withLock { done = true }
    }
}
