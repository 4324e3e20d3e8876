import Foundation
import XCTest
import FixtureKit
import TokenFormats
import TokenScanModel

/// Command-line conventions users of git, ripgrep and gitleaks expect (clig.dev): enum values in
/// any case, a token pasted with its header, a typo named as one, colour that respects NO_COLOR and
/// dumb terminals, one error style, help with examples and exit codes.
final class ConventionsCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    let live = TokenMinter.jwt(claims: ["sub": "ci", "scope": "repo"])
    let expired = TokenMinter.jwt(claims: ["sub": "old", "exp": 1_600_000_000])

    func testEnumValuesAreCaseInsensitive() throws {
        let directory = try temporaryDirectory()
        try "t=\(live)\n".write(to: directory.appendingPathComponent("a.env"), atomically: true, encoding: .utf8)
        let high = try run(["scan", ".", "--now", now, "--fail-on", "HIGH", "--format", "JSONL", "--color", "Never"], directory: directory)
        XCTAssertEqual(high.status, 1, high.stderr)
        XCTAssertTrue(high.stdout.hasPrefix("{"), high.stdout)
        XCTAssertEqual(try run(["scan", ".", "--now", now, "--fail-on", "Never"], directory: directory).status, 0)
    }

    func testDecodeTakesABearerHeader() throws {
        // RFC 9449: a DPoP-bound access token travels as `Authorization: DPoP …`, the proof as `DPoP: …`.
        for text in ["Bearer \(live)", "Authorization: Bearer \(live)", "authorization:bearer  \(live)", "  BEARER \(live)\n",
                     "Authorization: DPoP \(live)", "DPoP: \(live)"] {
            let result = try run(["decode", text, "--now", now, "--format", "json"])
            XCTAssertEqual(result.status, 1, "\(text.prefix(24)): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains(#""sub" : "ci""#), result.stdout)
        }
        let stdin = try run(["decode", "--now", now, "--format", "json"], stdin: Data("Authorization: Bearer \(live)\n".utf8))
        XCTAssertEqual(stdin.status, 1, stdin.stderr)
    }

    func testMistypedCommandIsNamed() throws {
        let directory = try temporaryDirectory()
        let typo = try run(["sacn", "."], directory: directory)
        XCTAssertEqual(typo.status, 2)
        XCTAssertEqual(typo.stderr, "tokenscan: error: unknown command 'sacn', did you mean 'scan'?\n")
        let version = try run(["version"], directory: directory)
        XCTAssertEqual(version.status, 2)
        XCTAssertEqual(version.stderr, "tokenscan: error: unknown command 'version', did you mean '--version'?\n")
        let decode = try run(["decod", "x"], directory: directory)
        XCTAssertTrue(decode.stderr.contains("did you mean 'decode'?"), decode.stderr)
        // A path still works bare (scan is the default command), and a missing file is named as one.
        try "t=\(live)\n".write(to: directory.appendingPathComponent("sacn"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try run(["sacn", "--now", now], directory: directory).status, 1, "an existing path is scanned")
        let missing = try run(["missing.env"], directory: directory)
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "tokenscan: error: missing.env: no such file or directory\n")
    }

    func testOneErrorStyle() throws {
        for arguments in [["scan", "--format", "xml"], ["scan", "--bogus"], ["decode", "not-a-token"], ["git", "--staged", "HEAD"],
                          ["rules", "check", "/nonexistent.toml"], ["frobnicate"], ["scan", "--jobs"]] {
            let result = try run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("tokenscan: error: "), "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("Error: "), "\(arguments): \(result.stderr)")
        }
    }

    func testEveryCommandsHelpHasExamplesAndExitCodes() throws {
        for command in [["scan"], ["git"], ["hook"], ["demo"], ["decode"], ["redact"], ["ignore"], ["rules"], ["rules", "list"], ["rules", "check"]] {
            let help = try run(command + ["--help"])
            XCTAssertEqual(help.status, 0, "\(command)")
            XCTAssertTrue(help.stdout.contains("Examples:"), "\(command): \(help.stdout)")
            XCTAssertTrue(help.stdout.contains("Exit status:"), "\(command): \(help.stdout)")
            XCTAssertTrue(help.stdout.contains("  2    usage or fatal error"), "\(command): \(help.stdout)")
        }
    }

    /// Colour on a terminal unless NO_COLOR is set and not empty, or TERM is dumb; `--color
    /// always` wins over both (no-color.org).
    func testColorRespectsNoColorAndDumbTerminals() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("script(1) is needed for a terminal") }
        let directory = try temporaryDirectory()
        let file = directory.appendingPathComponent("a.env")
        try "t=\(live)\n".write(to: file, atomically: true, encoding: .utf8)
        func onTerminal(_ extra: String, environment: [String: String?]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qec", "'\(CLITests.binary.path)' scan '\(file.path)' --now \(now) \(extra)", "/dev/null"]
            var merged = ProcessInfo.processInfo.environment
            merged["TERM"] = "xterm"
            merged["NO_COLOR"] = nil
            // A crash on a terminal would wait for a key in the interactive backtracer.
            merged["SWIFT_BACKTRACE"] = "interactive=no"
            for (name, value) in environment { merged[name] = value }
            process.environment = merged
            let output = Pipe()
            process.standardOutput = output
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        let escape = "\u{1B}["
        XCTAssertTrue(try onTerminal("", environment: [:]).contains(escape), "colour on a terminal")
        XCTAssertTrue(try onTerminal("", environment: ["NO_COLOR": ""]).contains(escape), "an empty NO_COLOR does not count")
        XCTAssertFalse(try onTerminal("", environment: ["NO_COLOR": "1"]).contains(escape))
        XCTAssertFalse(try onTerminal("", environment: ["TERM": "dumb"]).contains(escape))
        XCTAssertTrue(try onTerminal("--color always", environment: ["NO_COLOR": "1"]).contains(escape), "the flag wins")
    }
}
