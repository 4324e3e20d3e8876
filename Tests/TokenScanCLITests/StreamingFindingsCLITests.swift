import FixtureKit
import Foundation
import XCTest
import TokenFormats

/// `scan -` on a pipe that stays open (`kubectl logs -f … | tokenscan scan - --format jsonl`):
/// each finding is written as soon as it is judged, a line without its newline is judged after a
/// pause (design §8), and no finding is written twice when more data arrives.
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

    func startScan(_ format: String) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["scan", "-", "--format", format, "--now", "2026-01-01T00:00:00Z"]
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
}
