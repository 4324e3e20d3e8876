import FixtureKit
import Foundation
import XCTest
import TokenFormats

/// The progress line, as a person at a terminal sees it (run in a pseudo-terminal by `script`,
/// stdout and stderr on one screen): it counts what happens on stdin, shows how far a tree scan
/// is once the walk is complete, and never shares a line with a finding or the report.
final class ProgressCLITests: XCTestCase {
    let token = TokenMinter.jwt(claims: ["sub": "progress", "scope": "admin", "exp": 1_900_000_000])

    /// Runs `shell` in a pseudo-terminal; returns what the terminal received.
    func terminal(_ shell: String, environment: [String: String] = [:]) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("script (util-linux) is missing") }
        let directory = try temporaryDirectory()
        let typescript = directory.appendingPathComponent("typescript")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-q", "-e", "-c", shell, typescript.path]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return String(decoding: try Data(contentsOf: typescript), as: UTF8.self)
    }

    func testStdinCountsBytesAndFindingsAndIsClearedBeforeEachFinding() throws {
        let binary = CLITests.binary.path
        let shell = "(sleep 0.6; printf 'GET / Authorization: Bearer \(token)\\n'; sleep 0.6) | '\(binary)' scan - --progress --format jsonl --now 2026-01-01T00:00:00Z"
        let screen = try terminal(shell, environment: ["TOKENSCAN_PROGRESS_INTERVAL_MS": "50"])
        XCTAssertTrue(screen.contains("tokenscan: stdin · 0 B"), "before input arrives: \(screen.debugDescription)")
        XCTAssertTrue(screen.contains("· 1 finding"), "the finding is counted as it happens: \(screen.debugDescription)")
        // The finding's line starts on a cleared line, never after the progress text.
        let finding = try XCTUnwrap(screen.range(of: "{\"column\""), screen.debugDescription)
        XCTAssertTrue(screen[..<finding.lowerBound].hasSuffix("\r\u{1B}[K"), screen[..<finding.lowerBound].suffix(80).debugDescription)
        // The line is cleared at the end: the last progress text is followed by a clear.
        let last = try XCTUnwrap(screen.range(of: "tokenscan: stdin", options: .backwards))
        XCTAssertTrue(screen[last.upperBound...].contains("\r\u{1B}[K"), screen[last.lowerBound...].debugDescription)
    }

    func testTreeShowsFilesDoneOfTheTotalOnceTheWalkIsComplete() throws {
        let directory = try temporaryDirectory()
        for index in 0..<300 {
            try "line \(index)\n".write(to: directory.appendingPathComponent("f\(index).txt"), atomically: false, encoding: .utf8)
        }
        try "T=\(token)\n".write(to: directory.appendingPathComponent("z.env"), atomically: false, encoding: .utf8)
        let screen = try terminal("'\(CLITests.binary.path)' scan '\(directory.path)' --progress --jobs 1 --now 2026-01-01T00:00:00Z --color never",
                                  environment: ["TOKENSCAN_PROGRESS_INTERVAL_MS": "1"])
        XCTAssertNotNil(screen.range(of: #"tokenscan: \d+/301 files \(\d+%\)"#, options: .regularExpression), screen.suffix(2000).debugDescription)
        // The report comes after the line was cleared, on a clean line.
        let summary = try XCTUnwrap(screen.range(of: "1 finding (1 critical)") ?? screen.range(of: "1 finding ("), screen.suffix(600).debugDescription)
        let lastProgress = try XCTUnwrap(screen.range(of: "tokenscan: ", options: .backwards))
        XCTAssertLessThan(lastProgress.lowerBound, summary.lowerBound, "no progress text after the report")
    }
}
