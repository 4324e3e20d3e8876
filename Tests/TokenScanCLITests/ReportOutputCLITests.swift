import Foundation
import XCTest
import TokenFormats
import TokenScanModel

/// `--output` as users point it (issue 17): at devices, FIFOs, pipes (`>(jq …)`) and symlinks,
/// which are written directly (never replaced), at regular files, which are replaced atomically
/// through a temporary file nobody else can have opened, and interrupted by any signal.
final class ReportOutputCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    let token = TokenMinter.jwt(claims: ["sub": "out", "scope": "repo"])

    func fileType(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
    }

    /// Files of `directory` that look like a report's temporary file.
    func leftovers(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("tokenscan") }
    }

    /// Starts `executable` with `stdin` written and closed; the caller reads the pipes and waits.
    func start(_ executable: URL, _ arguments: [String], in directory: URL? = nil, stdin: Data) throws -> (Process, stdout: Pipe, stderr: Pipe) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
        return (process, output, errors)
    }

    /// A character device made with `mknod` in a temporary directory (the null device's numbers:
    /// what is written is discarded, and no real /dev node is involved). As root, the old code
    /// renamed a regular file over it.
    func testCharacterDeviceIsWrittenNotReplaced() throws {
        let directory = try temporaryDirectory()
        let device = directory.appendingPathComponent("sink").path
        // makedev(1, 3)
        guard mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 else {
            throw XCTSkip("mknod is not permitted here: \(String(cString: strerror(errno)))")
        }
        let result = try run(["scan", "-", "--now", now, "--format", "json", "--output", device], stdin: Data("t=\(token)\n".utf8))
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(fileType(device), S_IFCHR, "the device is still a device")
        XCTAssertEqual(try leftovers(in: directory), [], "no temporary file beside the device")
        XCTAssertEqual(result.stdout, "")
    }

    /// A FIFO with a reader gets the report through the FIFO; the FIFO stays.
    func testFIFOIsWrittenNotReplaced() throws {
        let directory = try temporaryDirectory()
        let fifo = directory.appendingPathComponent("fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // Non-blocking: the reader holds the FIFO open without waiting for a writer, and the test
        // cannot hang if the FIFO is never opened for writing.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        XCTAssertGreaterThanOrEqual(reader, 0)
        defer { close(reader) }
        let (process, _, errors) = try start(CLITests.binary, ["scan", "-", "--now", now, "--format", "jsonl", "--output", fifo],
                                             stdin: Data("t=\(token)\n".utf8))
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let count = read(reader, &buffer, buffer.count)
            if count > 0 { received.append(contentsOf: buffer[0..<count]); continue }
            if count == 0 && !process.isRunning { break }
            usleep(10_000)
        }
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 1, stderr)
        XCTAssertEqual(fileType(fifo), S_IFIFO, "the FIFO is still a FIFO")
        let report = String(decoding: received, as: UTF8.self)
        XCTAssertTrue(report.contains(#""ruleId":"jwt""#), "the report came through the FIFO: \(report) \(stderr)")
        XCTAssertEqual(try leftovers(in: directory), [])
    }

    /// `--output >(jq …)`: the shell passes `/dev/fd/N`, a pipe; it is written, not replaced
    /// (the old code tried to create a temporary file in /dev/fd and failed).
    func testProcessSubstitutionPipeIsWritten() throws {
        // The report pipe is fd 3; the binary's own stdout goes to stderr.
        let (process, output, errors) = try start(
            URL(fileURLWithPath: "/bin/sh"), ["-c", #"exec "$0" scan - --now "$1" --format jsonl --output /dev/fd/3 3>&1 1>&2"#,
                                              CLITests.binary.path, now], stdin: Data("t=\(token)\n".utf8))
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1, stderr)
        XCTAssertTrue(report.contains(#""ruleId":"jwt""#), "report: \(report) stderr: \(stderr)")
    }

    /// A symlink to a regular file: its target is replaced atomically; the link stays a link.
    func testSymlinkToRegularFileReplacesItsTarget() throws {
        let directory = try temporaryDirectory()
        let target = directory.appendingPathComponent("real.json").path
        let link = directory.appendingPathComponent("report.json").path
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink("real.json", link), 0)
        let result = try run(["scan", "-", "--now", now, "--format", "json", "--output", link], stdin: Data("t=\(token)\n".utf8))
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(fileType(link), S_IFLNK, "the link is kept")
        XCTAssertTrue(try String(contentsOfFile: target, encoding: .utf8).contains(#""ruleId" : "jwt""#))
        XCTAssertEqual(try leftovers(in: directory), [])
    }

    /// The temporary file is created exclusively under a random name: a file planted at the old
    /// predictable name (`.NAME.tokenscan-PID`, here hard-linked by the "attacker" beforehand) is
    /// never opened, so the report (with `--show-secrets`, the secrets) does not land in it.
    func testPlantedTemporaryFileIsNotWrittenThrough() throws {
        let directory = try temporaryDirectory()
        // `exec` keeps the shell's PID, so `$$` is the PID tokenscan runs with.
        let script = #"""
            : > ".report.json.tokenscan-$$" && chmod 666 ".report.json.tokenscan-$$" && ln ".report.json.tokenscan-$$" spy &&
            exec "$0" scan - --now "$1" --format json --show-secrets --output report.json
            """#
        let (process, _, errors) = try start(URL(fileURLWithPath: "/bin/sh"), ["-c", script, CLITests.binary.path, now],
                                             in: directory, stdin: Data("t=\(token)\n".utf8))
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 1, stderr)
        let spy = try String(contentsOf: directory.appendingPathComponent("spy"), encoding: .utf8)
        XCTAssertEqual(spy, "", "nothing was written into the planted file")
        let report = directory.appendingPathComponent("report.json").path
        XCTAssertTrue(try String(contentsOfFile: report, encoding: .utf8).contains(token))
        let mode = (try FileManager.default.attributesOfItem(atPath: report)[.posixPermissions] as? NSNumber)?.intValue
        XCTAssertEqual(mode, 0o600, "a report with secrets is the owner's only")
    }

    /// Every terminating signal removes the temporary report file, then the process dies by that
    /// signal (so a shell sees 128 + N). SIGINT and SIGTERM keep their exit statuses 130 / 143.
    func testTerminatingSignalsLeaveNoTemporaryFile() throws {
        for signalNumber in [SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGINT, SIGTERM] {
            let directory = try temporaryDirectory()
            let process = Process()
            process.executableURL = CLITests.binary
            process.arguments = ["scan", "-", "--format", "sarif", "-o", directory.appendingPathComponent("out.sarif").path]
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = Pipe()
            process.standardError = Pipe()
            try process.run()
            input.fileHandleForWriting.write(Data(String(repeating: "log line without tokens\n", count: 1000).utf8))
            // The temporary file exists once the scan runs.
            let deadline = Date().addingTimeInterval(20)
            while try leftovers(in: directory).isEmpty && Date() < deadline { usleep(20_000) }
            XCTAssertEqual(try leftovers(in: directory).count, 1, "signal \(signalNumber): the temporary file was created")
            usleep(100_000) // the signal sources are armed long before; a margin for a loaded machine
            kill(process.processIdentifier, signalNumber)
            process.waitUntilExit()
            try? input.fileHandleForWriting.close()
            if signalNumber == SIGINT || signalNumber == SIGTERM {
                XCTAssertEqual(process.terminationReason, .exit, "signal \(signalNumber)")
                XCTAssertEqual(process.terminationStatus, 128 + signalNumber, "signal \(signalNumber)")
            } else {
                XCTAssertEqual(process.terminationReason, .uncaughtSignal, "signal \(signalNumber): dies by the signal")
                XCTAssertEqual(process.terminationStatus, signalNumber, "signal \(signalNumber)")
            }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [],
                           "signal \(signalNumber): no report, no temporary file")
        }
    }
}
