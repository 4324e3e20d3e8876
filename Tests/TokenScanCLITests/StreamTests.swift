import Foundation
import XCTest
import TokenFormats
import TokenScanModel
import TokenScanEngine
import TokenScanSearch
import TokenScanJudge
import TokenScanSuppression
import TokenScanSources
import TokenScanReport
import TokenScanApp

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
        run.assertPeakRSS(belowMB: 64, "peak RSS (MB) of the scan of a 1024 MiB stream")
    }

    /// One worker reads the stream into the same two mappings over and over, not into fresh
    /// pages: a page fault for each page of the stream cost 0.4 s of system time per 415 MB, most
    /// of a one-worker stream scan's regression against 955d3d3 (`SegmentBufferPool`).
    func testOneWorkerReusesItsSegmentMemory() throws {
        try assertFewPageFaults(jobs: 1)
    }

    /// A 256 MiB stream of access-log lines scanned with `jobs` workers faults in fewer than a
    /// quarter of its pages, and stays under the memory bound.
    private func assertFewPageFaults(jobs: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let text = "10.0.0.7 - - [24/Nov/2026:10:00:00 +0000] \"GET /api/v1/items/42?page=2 HTTP/1.1\" 200 512\n"
        let block = Data(String(repeating: text, count: (1 << 20) / text.utf8.count).utf8)
        let run = try streamThroughScan(times: 256, arguments: ["--jobs", "\(jobs)"]) { _ in block }
        XCTAssertEqual(run.status, 0, file: file, line: line)
        XCTAssertLessThan(run.minorFaults, 256 * (1 << 20) / 4096 / 4,
                          "minor page faults of a 256 MiB stream with \(jobs) worker(s) (one per page would be 65,536)", file: file, line: line)
        run.assertPeakRSS(belowMB: 64, "peak RSS (MB) of a 256 MiB stream with \(jobs) worker(s)", file: file, line: line)
    }

    /// Two workers map each segment afresh and give its pages back as they search it (kept whole,
    /// three segments in flight went over the memory bound above); in 4 KiB pages every page of
    /// the stream faulted in once: 106,000 faults for 415 MB, and two workers were slower than
    /// one on a piped stream (`scripts/bench`). The mappings ask for transparent huge pages.
    func testTwoWorkersFaultTheirSegmentsInHugePages() throws {
        let setting = (try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8)) ?? ""
        let defrag = (try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/defrag", encoding: .utf8)) ?? ""
        guard setting.contains("[always]") || setting.contains("[madvise]"), !defrag.contains("[never]") else {
            throw XCTSkip("transparent huge pages are off here (enabled: \(setting.trimmingCharacters(in: .whitespacesAndNewlines)), "
                          + "defrag: \(defrag.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        try assertFewPageFaults(jobs: 2)
    }

    /// One line of 1 GiB without a newline, a token near its start, one in the middle and one at
    /// its very end: all three found at their columns, memory bounded.
    func testGigabyteSingleLineWithTokensAtStartMiddleAndEnd() throws {
        let tokens = ["start", "middle", "end"].map { TokenMinter.jwt(claims: ["sub": .string($0), "scope": "read:x", "exp": 1_900_000_000]) }
        let blockSize = 1 << 20, blocks = 1024
        let filler = Data(repeating: UInt8(ascii: "x"), count: blockSize)
        func block(_ index: Int, with token: String, at offset: Int) -> Data {
            var data = filler
            data.replaceSubrange(offset..<(offset + token.utf8.count + 2), with: Data(" \(token) ".utf8))
            return data
        }
        let places = [(0, 100), (blocks / 2, 1000), (blocks - 1, blockSize - tokens[2].utf8.count - 2)]
        let run = try streamThroughScan(times: blocks) { index in
            guard let place = places.firstIndex(where: { $0.0 == index }) else { return filler }
            return block(index, with: tokens[place], at: places[place].1)
        }
        XCTAssertEqual(run.status, 0)
        let findings = try run.findings()
        XCTAssertEqual(findings.map(\.line), [1, 1, 1])
        XCTAssertEqual(findings.map(\.column), places.map { $0.0 * blockSize + $0.1 + 2 }, "columns count from the start of the line")
        XCTAssertEqual(findings.compactMap { $0.jwt?.claims["sub"]?.string }, ["start", "middle", "end"])
        run.assertPeakRSS(belowMB: 64, "peak RSS (MB) of a 1 GiB line")
    }

    /// A 50 MB JWT (claims nested millions deep) streamed to `scan -` between two ordinary
    /// tokens: reported with the limit it hit as its reason, its neighbours found, memory bounded;
    /// `decode -` of the same token explains it instead of calling it "not a JWT".
    func testFiftyMegabyteJWTOnStdin() throws {
        let header = Base64.urlEncode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let open = Base64.urlEncode(Array(#"{"a":{"a":{"a":"#.utf8)), close = Base64.urlEncode(Array("}}}".utf8))
        let units = 2_100_000
        var huge = Data((header + "." + Base64.urlEncode(Array(#"{"sub":"x","a":"#.utf8))).utf8)
        huge.append(Data(String(repeating: open, count: units).utf8))
        huge.append(Data((Base64.urlEncode(Array("1}}".utf8)) + String(repeating: close, count: units - 1)
            + Base64.urlEncode(Array("}}".utf8)) + "." + Base64.urlEncode([UInt8](repeating: 7, count: 32))).utf8))
        let around = ["before", "after"].map { TokenMinter.jwt(claims: ["sub": .string($0), "exp": 1_900_000_000]) }
        let pieces = [Data("a=\(around[0])\nb=".utf8)] + stride(from: 0, to: huge.count, by: 1 << 20).map {
            huge.subdata(in: $0..<min(huge.count, $0 + (1 << 20)))
        } + [Data("\nc=\(around[1])\n".utf8)]
        let scan = try streamThroughScan(times: pieces.count) { pieces[$0] }
        XCTAssertEqual(scan.status, 0)
        let findings = try scan.findings()
        XCTAssertEqual(findings.map(\.line), [1, 2, 3])
        XCTAssertEqual(findings[1].reasons.map(\.code), ["token-too-long"])
        XCTAssertEqual(findings[1].severity, .medium)
        scan.assertPeakRSS(belowMB: 64, "peak RSS (MB) with a 50 MB token")

        let decoded = try run(["decode", "-", "--now", "2026-01-01T00:00:00Z"], stdin: huge)
        XCTAssertEqual(decoded.status, 1, decoded.stderr)
        XCTAssertTrue(decoded.stdout.contains("Claims        not decoded"), decoded.stdout)
        XCTAssertTrue(decoded.stdout.contains("[claims-too-large]"), decoded.stdout)
    }
}

/// What a large stream piped through `tokenscan scan -` produced.
struct StreamRun {
    var status: Int32
    /// JSON Lines written, i.e. findings.
    var lines: Int
    /// The kernel's high-water mark of the scan's RSS (VmHWM), sampled while it ran.
    var peakKB: Int
    /// The report (JSON Lines).
    var output: Data
    /// Minor page faults of the scan (children's `ru_minflt` before and after it).
    var minorFaults = 0

    func findings() throws -> [Finding] {
        try output.split(separator: 0x0A).map { try JSONDecoder().decode(Finding.self, from: Data($0)) }
    }

    /// Peak RSS bounds hold for the real binary only: under a sanitizer (`scripts/sanitize`)
    /// shadow memory and quarantine are not the scan's.
    func assertPeakRSS(belowMB limit: Int, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        guard ProcessInfo.processInfo.environment["TOKENSCAN_SANITIZER"] == nil else { return }
        XCTAssertLessThan(peakKB / 1024, limit, message, file: file, line: line)
    }
}

extension XCTestCase {
    /// Writes `block` `times` times to `tokenscan scan - --format jsonl`, counting output lines on
    /// a reader thread and sampling the process's peak RSS while it runs.
    func streamThroughScan(_ block: Data, times: Int) throws -> StreamRun {
        try streamThroughScan(times: times) { _ in block }
    }

    /// Writes `block(0)`, `block(1)` … `block(times - 1)` to `tokenscan scan - --format jsonl`
    /// (generated one at a time: the stream is never held whole), collecting the report on a
    /// reader thread and sampling the process's peak RSS while it runs.
    func streamThroughScan(times: Int, arguments: [String] = [], block: (Int) -> Data) throws -> StreamRun {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["scan", "-", "--format", "jsonl", "--fail-on", "never", "--now", "2026-01-01T00:00:00Z"] + arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        let faultsBefore = childMinorFaults()
        try process.run()
        let counter = LineCounter()
        let reader = Thread {
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                counter.add(chunk)
            }
        }
        reader.start()
        let pid = process.processIdentifier
        var peakKB = 0
        for index in 0..<times {
            input.fileHandleForWriting.write(block(index))
            if index % 64 == 0 { peakKB = max(peakKB, peakRSS(pid)) }
        }
        try input.fileHandleForWriting.close()
        while process.isRunning {
            peakKB = max(peakKB, peakRSS(pid))
            usleep(20_000)
        }
        while !reader.isFinished { usleep(10_000) }
        process.waitUntilExit()
        return StreamRun(status: process.terminationStatus, lines: counter.value, peakKB: peakKB, output: counter.data,
                         minorFaults: childMinorFaults() - faultsBefore)
    }

    /// Minor page faults of this process's waited-for children so far.
    private func childMinorFaults() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return usage.ru_minflt
    }

    private func peakRSS(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}

/// The report read back on another thread: its lines counted, its bytes kept (findings are few
/// compared with the stream: at most a few megabytes).
final class LineCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var collected = Data()
    func add(_ chunk: Data) {
        lock.lock()
        count += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        collected.append(chunk)
        lock.unlock()
    }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    var data: Data { lock.lock(); defer { lock.unlock() }; return collected }
}
