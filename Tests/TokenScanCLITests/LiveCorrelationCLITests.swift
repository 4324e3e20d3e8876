import FixtureKit
import Foundation
import Glibc
import XCTest
import TokenFormats
import TokenScanModel

/// Correlation on a pipe that stays open (issue #20, design §8 "Streaming"): an AWS session token
/// and its secret access key, or an HMAC-signed token and its signing key, written to a live log
/// are judged together — one finding for an AWS credential set — while the pipe is still open. A
/// partner that comes after its mate was reported is judged knowing it, and no token is reported
/// twice. Values are built at run time (the repository scans itself clean).
final class LiveCorrelationCLITests: XCTestCase {
    let sessionToken = RequestCredentialsCLITests.stsToken(61)
    let secretKey = RequestCredentialsCLITests.secretAccessKey(61)

    /// A live scan of stdin with its stdout read as it streams.
    final class LiveScan {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        var received = Data()

        init(_ arguments: [String], environment: [String: String] = [:]) throws {
            process.executableURL = CLITests.binary
            process.arguments = ["scan", "-", "--now", "2026-01-01T00:00:00Z", "--show-secrets"] + arguments
            if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            try process.run()
        }

        func write(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }

        /// Reads stdout until it holds `count` lines or `seconds` passed; waits with `poll`, so
        /// that a test can also see that nothing more came while the pipe is open.
        @discardableResult
        func lines(_ count: Int, within seconds: Double) -> [String] {
            let deadline = Date().addingTimeInterval(seconds)
            let descriptor = output.fileHandleForReading.fileDescriptor
            while received.filter({ $0 == 0x0A }).count < count {
                let left = Int(deadline.timeIntervalSinceNow * 1000)
                guard left > 0 else { break }
                var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&ready, 1, Int32(left)) > 0 else { break }
                var buffer = [UInt8](repeating: 0, count: 65536)
                let count = read(descriptor, &buffer, buffer.count)
                guard count > 0 else { break }
                received += buffer[..<count]
            }
            return String(decoding: received, as: UTF8.self).split(separator: "\n").map(String.init)
        }

        /// Waits until the stream has written `count` lines while stdin stays open, and decodes
        /// the last of them.
        func finding(at count: Int, file: StaticString = #filePath, line: UInt = #line) throws -> Finding {
            let written = lines(count, within: 10)
            XCTAssertEqual(written.count, count, "line \(count) is written while stdin is open", file: file, line: line)
            return try JSONDecoder().decode(Finding.self, from: Data(try XCTUnwrap(written.last, file: file, line: line).utf8))
        }

        /// Writes `text`, waits until its finding is written as line `count` while stdin is open
        /// (the stream was quiet long enough), then lets that quiet pass again, so that what is
        /// written next comes after this finding went out.
        func reportedAlone(_ text: String, at count: Int, file: StaticString = #filePath, line: UInt = #line) throws -> Finding {
            write(text)
            let alone = try finding(at: count, file: file, line: line)
            usleep(300_000)
            return alone
        }

        /// Closes stdin and returns every line written, and stderr.
        func finish() throws -> (lines: [String], stderr: String) {
            try input.fileHandleForWriting.close()
            received += output.fileHandleForReading.readDataToEndOfFile()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (String(decoding: received, as: UTF8.self).split(separator: "\n").map(String.init), stderr)
        }

        deinit { if process.isRunning { process.terminate() } }
    }

    func finding(_ line: String) throws -> Finding { try JSONDecoder().decode(Finding.self, from: Data(line.utf8)) }

    /// The session token and its key 50 ms apart (as `aws sts assume-role` output reaches a log):
    /// one high finding for the set, written while the pipe is open; the key is no finding of its
    /// own (it used to be low + medium, the two judged apart).
    func testAWSCredentialSetWrittenToALivePipeIsOneHighFindingWhileItStaysOpen() throws {
        let scan = try LiveScan(["--format", "jsonl"])
        scan.write("AWS_SESSION_TOKEN=\(sessionToken)\n")
        usleep(50_000)
        scan.write("AWS_SECRET_ACCESS_KEY=\(secretKey)\n")
        let first = scan.lines(1, within: 10)
        XCTAssertEqual(first.count, 1, "the set's finding is written while stdin is open")
        XCTAssertTrue(scan.process.isRunning, "stdin is still open")
        let set = try finding(try XCTUnwrap(first.first))
        XCTAssertEqual(set.secret, sessionToken)
        XCTAssertEqual(set.severity, .high, "\(set.reasons)")
        XCTAssertTrue(set.reasons.contains { $0.code == "aws-credential-set" && $0.message.contains("line 2") }, "\(set.reasons)")
        XCTAssertEqual(scan.lines(2, within: 1.5).count, 1, "the key folds into the set: nothing more is written")
        let (lines, _) = try scan.finish()
        XCTAssertEqual(scan.process.terminationStatus, 1)
        XCTAssertEqual(lines.count, 1, lines.joined(separator: "\n"))
    }

    /// The key a second after its token (longer than the ~200 ms of quiet that releases what is
    /// held): the token went out alone (low: nothing said its key would come); the key's finding
    /// is the set's, high, naming where the token stands. Each secret once.
    func testASecretKeyThatComesAfterItsTokenWasReportedIsTheSetsFinding() throws {
        let scan = try LiveScan(["--format", "jsonl"])
        scan.write("AWS_SESSION_TOKEN=\(sessionToken)\n")
        let alone = scan.lines(1, within: 10)
        XCTAssertEqual(alone.count, 1, "the token is reported once the stream is quiet")
        XCTAssertEqual(try finding(alone[0]).severity, .low)
        usleep(300_000)
        scan.write("AWS_SECRET_ACCESS_KEY=\(secretKey)\n")
        let both = scan.lines(2, within: 10)
        XCTAssertEqual(both.count, 2, "the key's finding is written while stdin is open")
        XCTAssertTrue(scan.process.isRunning, "stdin is still open")
        let key = try finding(both[1])
        XCTAssertEqual(key.secret, secretKey)
        XCTAssertEqual(key.line, 2)
        XCTAssertEqual(key.severity, .high, "\(key.reasons)")
        XCTAssertTrue(key.reasons.contains { $0.code == "aws-credential-set" && $0.message.contains("line 1") }, "\(key.reasons)")
        let (lines, _) = try scan.finish()
        XCTAssertEqual(lines.count, 2, "no token twice: \(lines.joined(separator: "\n"))")
    }

    /// The other order: the key went out alone (medium); the token that comes later is the set's
    /// finding, high, naming the key's line.
    func testASessionTokenThatComesAfterItsKeyWasReportedIsTheSetsFinding() throws {
        let scan = try LiveScan(["--format", "jsonl"])
        scan.write("AWS_SECRET_ACCESS_KEY=\(secretKey)\n")
        XCTAssertEqual(scan.lines(1, within: 10).count, 1)
        usleep(300_000)
        scan.write("AWS_SESSION_TOKEN=\(sessionToken)\n")
        let token = try scan.finding(at: 2)
        XCTAssertEqual(token.secret, sessionToken)
        XCTAssertEqual(token.severity, .high, "\(token.reasons)")
        XCTAssertTrue(token.reasons.contains { $0.code == "aws-credential-set" && $0.message.contains("line 1") }, "\(token.reasons)")
        let (lines, _) = try scan.finish()
        XCTAssertEqual(lines.count, 2, lines.joined(separator: "\n"))
    }

    /// HMAC-signed tokens and their signing key on a live pipe, in both orders and far apart: a
    /// token after its key is judged forgeable (the key verifies it); a key after its token was
    /// reported names that token and is judged as what it makes forgeable.
    func testSigningKeyAndItsTokensAreCorrelatedInALiveStreamInEitherOrder() throws {
        let key = "live-signing-" + NamedValueCLITests.opaque(9101, length: 24)
        let early = TokenMinter.jwt(claims: ["sub": "early", "scope": "admin", "exp": 1_900_000_000], key: key)
        let late = TokenMinter.jwt(claims: ["sub": "late", "scope": "admin", "exp": 1_900_000_000], key: key)
        let scan = try LiveScan(["--format", "jsonl"])
        XCTAssertEqual(try scan.reportedAlone("Authorization: Bearer \(early)\n", at: 1).jwt?.signature, .unverified, "nothing said a key would come")
        let keyFinding = try scan.reportedAlone("JWT_SECRET=\(key)\n", at: 2)
        XCTAssertEqual(keyFinding.ruleId, "jwt-signing-secret")
        XCTAssertEqual(keyFinding.severity, .critical, "it makes an admin token forgeable: \(keyFinding.reasons)")
        XCTAssertTrue(keyFinding.reasons.contains { $0.code == "key-verifies-token" && $0.message.contains("line 1") }, "\(keyFinding.reasons)")
        scan.write("Authorization: Bearer \(late)\n")
        let token = try scan.finding(at: 3)
        XCTAssertEqual(token.secret, late)
        XCTAssertEqual(token.jwt?.signature, .weakSecret, "its key is in the stream: \(token.reasons)")
        XCTAssertTrue(token.reasons.contains { $0.message.contains("line 2") }, "\(token.reasons)")
        let (lines, _) = try scan.finish()
        XCTAssertEqual(lines.count, 3, lines.joined(separator: "\n"))
    }

    /// A HAR entry's signature pair written to a live pipe before its URL (the pair went out alone,
    /// a finding of its own: nothing said the URL would come). The URL, when it comes, is judged
    /// knowing it: its finding names the pair's line, so that the two are read as one credential.
    /// Before, the URL's finding said nothing of the pair.
    func testASignedURLThatComesAfterItsSignaturePairWasReportedNamesIt() throws {
        let signature = SignedURLCLITests.azureSignature(9201)
        let scan = try LiveScan(["--format", "jsonl"])
        let pair = try scan.reportedAlone("{\"name\": \"sig\", \"value\": \"\(signature.removingPercentEncoding!)\"}\n", at: 1)
        XCTAssertEqual(pair.ruleId, "named-pair", "the pair is reported once the stream is quiet")
        scan.write("{\"url\": \"https://acct.blob.core.windows.net/c/b.txt?sp=rw&se=2099-06-30&sv=2022-11-02&sr=b&sig=\(signature)\"}\n")
        let url = try scan.finding(at: 2)
        XCTAssertEqual(url.ruleId, "azure-sas-url")
        XCTAssertEqual(url.severity, .high, "\(url.reasons)")
        XCTAssertTrue(url.reasons.contains { $0.code == "signature-pair-reported" && $0.message.contains("`sig` at line 1") }, "\(url.reasons)")
        let (lines, _) = try scan.finish()
        XCTAssertEqual(lines.count, 2, lines.joined(separator: "\n"))
    }

    /// A stream that never pauses (a line every 50 ms) still has a held session token written
    /// within the bound: the quiet it waits for never comes.
    func testABusyStreamDoesNotWithholdACorrelatableFinding() throws {
        let scan = try LiveScan(["--format", "jsonl", "--jobs", "2"])
        scan.write("AWS_SESSION_TOKEN=\(sessionToken)\n")
        let started = Date()
        let writer = Thread { [input = scan.input] in
            for index in 0..<80 {
                input.fileHandleForWriting.write(Data("10.0.0.1 \"GET /health/\(index) HTTP/1.1\" 200 2\n".utf8))
                usleep(50_000)
            }
        }
        writer.start()
        let found = scan.lines(1, within: 3.5)
        let waited = Date().timeIntervalSince(started)
        XCTAssertEqual(found.count, 1, "the held token is written while lines keep arriving")
        XCTAssertLessThan(waited, 3.5, "within the bound (1 s of holding, then the next line cut)")
        while !writer.isFinished { usleep(20_000) }
        let (lines, _) = try scan.finish()
        XCTAssertEqual(lines.count, 1, lines.joined(separator: "\n"))
    }

    /// A live stream's correlation bound is reported once, when the stream ends: more AWS session
    /// tokens than the correlation keeps (1,024), then their key. Those noted pair with the key as
    /// they are released; the one past the bound stays low, and stderr names the bound.
    func testALiveStreamsCorrelationBoundIsNamedWhenItEnds() throws {
        let scan = try LiveScan(["--format", "jsonl"])
        let tokens = (0..<1025).map { CorrelationBoundsCLITests.stsToken(UInt64($0)) }
        scan.write(tokens.map { "AWS_SESSION_TOKEN=\($0)\n" }.joined() + "AWS_SECRET_ACCESS_KEY=\(secretKey)\n")
        let (lines, stderr) = try scan.finish()
        XCTAssertEqual(scan.process.terminationStatus, 1, stderr)
        let findings = try lines.filter { $0.contains("\"secret\"") }.map(finding)
        XCTAssertEqual(findings.filter { $0.secret == tokens[1024] }.map(\.severity), [.low], "past the bound: judged alone")
        XCTAssertEqual(stderr.split(separator: "\n").filter { $0.contains("limit aws-credential-sets hit in") }.count, 1, stderr)
    }

    // MARK: The hold-back bound

    /// More findings that correlation may change than the hold-back bound (4 here, through the
    /// test seam; 4,096 in a run): those past it go out as judged so far, and the run says so —
    /// a `held-back-findings` limit in the summary and a line on stderr naming the input — where
    /// it used to flush them with no word. The tokens kept back still pair with the key.
    func testFindingsPastTheHoldBackBoundAreCountedAsALimit() throws {
        let directory = try temporaryDirectory()
        let tokens = (0..<10).map { "AWS_SESSION_TOKEN=\(RequestCredentialsCLITests.stsToken(70 + UInt64($0)))" }
        let keys = (0..<300).map { "X-Api-Key: \(NamedValueCLITests.opaque(5000 + UInt64($0), length: 32))" }
        let text = (tokens + keys + ["AWS_SECRET_ACCESS_KEY=\(secretKey)"]).joined(separator: "\n") + "\n"
        try text.write(to: directory.appendingPathComponent("session.log"), atomically: true, encoding: .utf8)
        let arguments = ["scan", ".", "--now", "2026-01-01T00:00:00Z", "--format", "json", "--show-secrets"]

        let bounded = try run(arguments, directory: directory, environment: ["TOKENSCAN_HELD_BACK_LIMIT": "4"])
        XCTAssertEqual(bounded.status, 1, bounded.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(bounded.stdout.utf8)) as! [String: Any]
        let summary = report["summary"] as! [String: Any]
        let limits = try XCTUnwrap(summary["limits"] as? [[String: Any]], "\(summary)")
        let held = try XCTUnwrap(limits.first { $0["limit"] as? String == "held-back-findings" }, "\(limits)")
        XCTAssertEqual(held["path"] as? String, "session.log")
        XCTAssertTrue((held["detail"] as? String)?.contains("6 findings") == true, "\(held)")
        XCTAssertTrue(bounded.stderr.contains("held-back-findings") && bounded.stderr.contains("session.log"), bounded.stderr)
        let findings = try XCTUnwrap(report["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.count, 310, "every token and API key; the key folds into the sets kept back")
        let sessions = findings.filter { ($0["secret"] as? String)?.hasPrefix("IQoJb3JpZ2luX2Vj") == true }
        XCTAssertEqual(sessions.filter { $0["severity"] as? String == "high" }.count, 4, "the four kept back pair with the key")
        XCTAssertEqual(sessions.filter { $0["severity"] as? String == "low" }.count, 6, "the six past the bound were judged alone")

        let unbounded = try run(arguments, directory: directory)
        let whole = try JSONSerialization.jsonObject(with: Data(unbounded.stdout.utf8)) as! [String: Any]
        XCTAssertNil((whole["summary"] as! [String: Any])["limits"], unbounded.stdout.prefix(2000) + "")
        XCTAssertFalse(unbounded.stderr.contains("held-back-findings"), unbounded.stderr)
        let all = try XCTUnwrap(whole["findings"] as? [[String: Any]])
        XCTAssertEqual(all.count, 310, "the key folds into the sets")
        XCTAssertEqual(all.filter { ($0["secret"] as? String)?.hasPrefix("IQoJb3JpZ2luX2Vj") == true && $0["severity"] as? String == "high" }.count, 10)
    }
}
