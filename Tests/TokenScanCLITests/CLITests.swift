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

/// Runs the built `tokenscan` binary as users do: exit codes, stdin, files, formats, stderr.
final class CLITests: XCTestCase {
    static let binary: URL = {
        // The test bundle lives in the same build directory as the executable.
        let bundle = URL(fileURLWithPath: CommandLine.arguments.first { $0.hasSuffix(".xctest") } ?? CommandLine.arguments[0])
        var directory = bundle.deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("tokenscan").path),
              directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("tokenscan")
    }()

    let now = "2026-01-01T00:00:00Z"
    let t = 1_767_225_600

    var liveAdmin: String { TokenMinter.jwt(claims: ["sub": "ci", "scope": "repo"]) }
    var expired: String { TokenMinter.jwt(claims: ["sub": "old", "exp": .number(Double(t - 86_400))]) }

    func testExitCodesFollowFailOn() throws {
        let directory = try temporaryDirectory()
        try "token: \(expired)\n".write(to: directory.appendingPathComponent("old.txt"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try run(["scan", directory.path, "--now", now]).status, 0, "an expired token does not fail the default gate")
        XCTAssertEqual(try run(["scan", directory.path, "--now", now, "--fail-on", "low"]).status, 1)
        try "token: \(liveAdmin)\n".write(to: directory.appendingPathComponent("live.txt"), atomically: true, encoding: .utf8)
        let live = try run(["scan", directory.path, "--now", now])
        XCTAssertEqual(live.status, 1, live.stderr)
        XCTAssertTrue(live.stdout.contains("CRITICAL"))
        XCTAssertEqual(try run(["scan", directory.path, "--now", now, "--fail-on", "never"]).status, 0)
    }

    func testUsageErrorsExitTwo() throws {
        for arguments in [["scan", "--format", "xml"], ["scan", "--fail-on", "sometimes"], ["scan", "--now", "yesterday"],
                          ["scan", "--rules", "/nonexistent/rules.toml"], ["frobnicate"]] {
            let result = try run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.isEmpty, "\(arguments)")
            XCTAssertTrue(result.stdout.isEmpty, "\(arguments): diagnostics go to stderr")
        }
    }

    func testStdinIsStreamedAndNamedDash() throws {
        let input = Data("GET /x?access_token=\(liveAdmin) HTTP/1.1\n".utf8)
        let result = try run(["scan", "-", "--now", now, "--format", "jsonl"], stdin: input)
        XCTAssertEqual(result.status, 1)
        let finding = try JSONDecoder().decode(Finding.self, from: Data(result.stdout.utf8))
        XCTAssertEqual(finding.path, "-")
        XCTAssertEqual(finding.line, 1)
        XCTAssertEqual(finding.column, 21)
        XCTAssertFalse(result.stdout.contains(liveAdmin), "redacted by default")
        XCTAssertTrue(try run(["scan", "-", "--now", now, "--format", "jsonl", "--show-secrets"], stdin: input).stdout.contains(liveAdmin))
    }

    func testNoPathScansTheCurrentDirectory() throws {
        let directory = try temporaryDirectory()
        try "t=\(liveAdmin)\n".write(to: directory.appendingPathComponent("here.env"), atomically: true, encoding: .utf8)
        let result = try run(["scan", "--now", now, "--format", "jsonl"], directory: directory)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains(#""path":"here.env""#), result.stdout)
    }

    func testOutputFileIsWrittenAndUnwritableOutputFails() throws {
        let directory = try temporaryDirectory()
        try "t=\(liveAdmin)\n".write(to: directory.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        let report = directory.appendingPathComponent("report.sarif")
        let result = try run(["scan", directory.appendingPathComponent("a.txt").path, "--now", now, "--format", "sarif", "-o", report.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.isEmpty)
        let sarif = try String(contentsOf: report, encoding: .utf8)
        XCTAssertTrue(sarif.contains("\"version\" : \"2.1.0\""))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("tokenscan-") }
        XCTAssertEqual(leftovers, [], "no temporary file is left behind")
        let attributes = try FileManager.default.attributesOfItem(atPath: report.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o644)
        let secretReport = directory.appendingPathComponent("secrets.json")
        try run(["scan", directory.appendingPathComponent("a.txt").path, "--now", now, "--format", "json", "--show-secrets", "-o", secretReport.path])
        let secretAttributes = try FileManager.default.attributesOfItem(atPath: secretReport.path)
        XCTAssertEqual((secretAttributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, "reports with secrets are private")

        let bad = try run(["scan", directory.path, "--now", now, "-o", "/nonexistent-dir/report.json"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("/nonexistent-dir/report.json"), bad.stderr)
        XCTAssertEqual(bad.stdout, "", "the report goes to the file or nowhere, never half to stdout")
        // An existing directory as the report is refused before the scan, not at the final rename.
        let folder = try run(["scan", "-", "--now", now, "-o", directory.path], stdin: Data("t=\(liveAdmin)\n".utf8))
        XCTAssertEqual(folder.status, 2)
        XCTAssertEqual(folder.stderr, "tokenscan: error: \(directory.path): is a directory: name a file for the report\n")
        XCTAssertEqual(folder.stdout, "")
    }

    /// `--max-file-size`: larger files are skipped and named (summary and stderr); stdin, which
    /// has no size to judge, is never skipped; a size that is not one is a usage error.
    /// `--max-decode-depth`: the default undoes a base64 layer, 0 turns decoding off, and a depth
    /// out of range is a usage error.
    func testMaxDecodeDepth() throws {
        let directory = try temporaryDirectory()
        let file = directory.appendingPathComponent("secret.yaml")
        try "data:\n  token: \(Data(liveAdmin.utf8).base64EncodedString())\n".write(to: file, atomically: true, encoding: .utf8)
        let decoded = try run(["scan", file.path, "--now", now, "--format", "json"])
        XCTAssertEqual(decoded.status, 1, decoded.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(decoded.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((object["findings"] as! [[String: Any]]).map { $0["encodings"] as! [String] }, [["base64"]])
        let off = try run(["scan", file.path, "--now", now, "--format", "json", "--max-decode-depth", "0"])
        XCTAssertEqual(off.status, 0, off.stderr)
        let invalid = try run(["scan", file.path, "--max-decode-depth", "40"])
        XCTAssertEqual(invalid.status, 2)
        XCTAssertTrue(invalid.stderr.contains("--max-decode-depth"), invalid.stderr)
    }

    func testMaxFileSize() throws {
        let directory = try temporaryDirectory()
        try "t=\(liveAdmin)\n".write(to: directory.appendingPathComponent("small.env"), atomically: true, encoding: .utf8)
        try ("t=\(liveAdmin)\n" + String(repeating: "y", count: 2 << 20)).write(to: directory.appendingPathComponent("big.log"), atomically: true, encoding: .utf8)
        let result = try run(["scan", directory.path, "--now", now, "--format", "json", "--max-file-size", "1M"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let findings = object["findings"] as! [[String: Any]]
        XCTAssertEqual(findings.map { ($0["path"] as! String).hasSuffix("/small.env") }, [true])
        let skipped = (object["summary"] as! [String: Any])["skipped"] as! [[String: String]]
        XCTAssertEqual(skipped.count, 1)
        XCTAssertTrue(skipped[0]["path"]!.hasSuffix("/big.log"))
        XCTAssertTrue(skipped[0]["reason"]!.hasSuffix("bytes, larger than --max-file-size (1048576 bytes): not read"), skipped[0]["reason"]!)
        XCTAssertTrue(result.stderr.contains("big.log"), result.stderr)
        XCTAssertEqual(try run(["scan", directory.path, "--now", now, "--format", "jsonl"]).stdout.split(separator: "\n").count, 2, "off by default")

        let stdin = try run(["scan", "-", "--now", now, "--format", "jsonl", "--max-file-size", "10"], stdin: Data("t=\(liveAdmin)\n".utf8))
        XCTAssertEqual(stdin.status, 1, "stdin is never skipped for its size")
        XCTAssertEqual(stdin.stdout.split(separator: "\n").count, 1)

        let bad = try run(["scan", directory.path, "--max-file-size", "ten"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--max-file-size must be a size such as 500K, 10M or 1G, not 'ten'"), bad.stderr)
    }

    func testDemoShowsEverySeverity() throws {
        let result = try run(["demo", "--now", now, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let bySeverity = (object["summary"] as! [String: Any])["bySeverity"] as! [String: Int]
        XCTAssertEqual(Set(bySeverity.keys), Set(Severity.allCases.map(\.rawValue)), "\(bySeverity)")
        let text = try run(["demo"])
        XCTAssertEqual(text.status, 0)
        XCTAssertTrue(text.stdout.contains("CRITICAL") && text.stdout.contains("INFO"), text.stdout)
    }

    func testDecode() throws {
        let result = try run(["decode", liveAdmin, "--now", now])
        XCTAssertEqual(result.status, 1, "a live admin token is at or above the default gate")
        XCTAssertTrue(result.stdout.contains("Claims"), result.stdout)
        XCTAssertTrue(result.stdout.contains("repo"))
        XCTAssertTrue(result.stdout.contains("CRITICAL"))
        let json = try run(["decode", "-", "--now", now, "--format", "json"], stdin: Data(expired.utf8))
        XCTAssertEqual(json.status, 0)
        let finding = try JSONDecoder().decode(Finding.self, from: Data(json.stdout.utf8))
        XCTAssertEqual(finding.path, "-")
        XCTAssertEqual(finding.severity, .low)
        XCTAssertEqual(finding.jwt?.expiry.status, .expired)
        let bad = try run(["decode", "not.a.jwt"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("not a JWT"), bad.stderr)
    }

    /// A provider token on stdin is reported with its provider severity and redacted; the same
    /// kind of token with a wrong checksum is counted as dismissed, not reported.
    func testProviderTokensOnStdin() throws {
        let stripe = TokenMinter.provider(.stripeLiveSecret, seed: "cli")
        let typo = TokenMinter.corruptingChecksum(of: TokenMinter.provider(.githubPersonal, seed: "cli"), .github)
        let result = try run(["scan", "-", "--now", now, "--format", "json"], stdin: Data("STRIPE_KEY=\(stripe)\nGITHUB_TOKEN=\(typo)\n".utf8))
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertFalse(result.stdout.contains(stripe), "redacted by default")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let findings = object["findings"] as! [[String: Any]]
        XCTAssertEqual(findings.map { $0["ruleId"] as? String }, ["stripe-live-secret-key"])
        XCTAssertEqual(findings.first?["severity"] as? String, "critical")
        XCTAssertEqual(findings.first?["tokenClass"] as? String, "live secret key")
        let summary = object["summary"] as! [String: Any]
        XCTAssertEqual((summary["dismissed"] as? [String: Int])?["bad-checksum"], 1)
    }

    func testRulesListAndCheck() throws {
        let list = try run(["rules", "list"])
        XCTAssertEqual(list.status, 0)
        for id in ["jwt", "jwe", "authorization-bearer", "oauth-token-parameter", "github-pat", "stripe-live-secret-key"] {
            XCTAssertTrue(list.stdout.contains(id), id)
        }
        XCTAssertTrue(list.stdout.contains("  anthropic  "), "kinds are listed whole")
        XCTAssertEqual(try run(["rules", "check"]).status, 0)
        let directory = try temporaryDirectory()
        let file = directory.appendingPathComponent("bad.toml")
        try """
        [[rules]]
        id = "never-matches"
        regex = '''zzz(?<secret>[0-9]{40})'''
        keywords = ["zzz"]
        counterexamples = []
        [[rules.examples]]
        text = "zzz123"
        secret = "123"
        """.write(to: file, atomically: true, encoding: .utf8)
        let check = try run(["rules", "check", file.path])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stdout.contains("example 1 is not found"), check.stdout)
    }

    func testRuleErrorsAreReportedAndOtherFindingsKept() throws {
        let directory = try temporaryDirectory()
        let rules = directory.appendingPathComponent("evil.toml")
        try """
        [[rules]]
        id = "evil"
        regex = '''(?<secret>(a|aa)+$)'''
        keywords = ["aaaa"]
        maxLength = 65536
        [[rules.examples]]
        text = "aaaa"
        secret = "aaaa"
        """.write(to: rules, atomically: true, encoding: .utf8)
        let input = directory.appendingPathComponent("input.txt")
        try (String(repeating: "a", count: 200_000) + "!\nt=\(liveAdmin)\n").write(to: input, atomically: true, encoding: .utf8)
        let result = try run(["scan", input.path, "--rules", rules.path, "--now", now, "--format", "json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("rule 'evil' stopped on"), result.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let summary = object["summary"] as! [String: Any]
        XCTAssertEqual((summary["ruleErrors"] as? [[String: Any]])?.first?["ruleId"] as? String, "evil")
        XCTAssertEqual((object["findings"] as? [[String: Any]])?.compactMap { $0["ruleId"] as? String }, ["jwt"])
    }

    func testUnreadableFileIsNamedAndTheRestScanned() throws {
        let directory = try temporaryDirectory()
        try "t=\(liveAdmin)\n".write(to: directory.appendingPathComponent("locked.txt"), atomically: true, encoding: .utf8)
        try "t=\(liveAdmin)\n".write(to: directory.appendingPathComponent("open.txt"), atomically: true, encoding: .utf8)
        chmod(directory.appendingPathComponent("locked.txt").path, 0)
        chmod(directory.path, 0o755)
        var prefix: [String] = []
        if getuid() == 0 {
            // root reads everything: drop to nobody to see a real permission error.
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { throw XCTSkip("setpriv is missing") }
            chmod(FileManager.default.temporaryDirectory.path, 0o1777)
            var ancestor = CLITests.binary.deletingLastPathComponent()
            while ancestor.path != "/" {
                var info = stat()
                if stat(ancestor.path, &info) == 0 { chmod(ancestor.path, info.st_mode | 0o005) }
                ancestor = ancestor.deletingLastPathComponent()
            }
            prefix = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        }
        let result = try run(["scan", directory.path, "--now", now, "--format", "json"], prefix: prefix)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("locked.txt: cannot open: Permission denied"), result.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let skipped = (object["summary"] as! [String: Any])["skipped"] as! [[String: String]]
        XCTAssertEqual(skipped.first?["reason"], "cannot open: Permission denied")
        XCTAssertEqual((object["findings"] as! [[String: Any]]).count, 1)
    }

    func testClosedPipeEndsQuietly() throws {
        let directory = try temporaryDirectory()
        for index in 0..<300 {
            try "t=\(liveAdmin)\n".write(to: directory.appendingPathComponent("f\(index).txt"), atomically: true, encoding: .utf8)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "'\(CLITests.binary.path)' scan '\(directory.path)' --format jsonl | head -n 1"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let result = CLIRun(status: process.terminationStatus, stdout: stdout, stderr: stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 1)
        XCTAssertFalse(result.stderr.contains("error"), result.stderr)
    }
}

final class ConfigTests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    func testConfigExtendsScopesProvidersRulesAndGate() throws {
        let directory = try temporaryDirectory()
        // A custom role that only this organisation knows is an admin role.
        let token = TokenMinter.jwt(claims: ["iss": "https://sso.acme.example/", "sub": "a", "roles": ["acme:keymaster"], "exp": 1_900_000_000])
        try "t=\(token)\nkey: acme_9f3c2e71b4d85a06c1e9f72b3d4a8e5c\n".write(to: directory.appendingPathComponent("app.env"), atomically: true, encoding: .utf8)
        try """
        [[rules]]
        id = "acme-key"
        kind = "acme"
        regex = '''(?<secret>acme_[a-f0-9]{32})'''
        keywords = ["acme_"]
        severity = "low"
        [[rules.examples]]
        text = "acme_9f3c2e71b4d85a06c1e9f72b3d4a8e5c"
        """.write(to: directory.appendingPathComponent("acme-rules.toml"), atomically: true, encoding: .utf8)
        let before = try run(["scan", directory.path, "--now", now, "--format", "jsonl"])
        XCTAssertTrue(before.stdout.contains(#""severity":"medium""#), before.stdout)
        try """
        failOn = "high"
        rules = ["acme-rules.toml"]
        [scopes]
        broad = { exact = ["acme:keymaster"] }
        [[providers]]
        id = "acme-sso"
        name = "ACME SSO"
        issuer = '^https://sso\\.acme\\.example/'
        examples = ["https://sso.acme.example/"]
        """.write(to: directory.appendingPathComponent(".tokenscan.toml"), atomically: true, encoding: .utf8)
        let after = try run(["scan", directory.path, "--now", now, "--format", "jsonl"])
        XCTAssertEqual(after.status, 1, after.stderr)
        let findings = after.stdout.split(separator: "\n").map { try! JSONDecoder().decode(Finding.self, from: Data($0.utf8)) }
        // The rule file's own example is a finding too: it sits in the scanned directory.
        XCTAssertEqual(findings.map { "\($0.ruleId) \(($0.path as NSString).lastPathComponent)" }.sorted(),
                       ["acme-key acme-rules.toml", "acme-key app.env", "jwt app.env"])
        let jwt = findings.first { $0.ruleId == "jwt" }
        XCTAssertEqual(jwt?.severity, .high)
        XCTAssertEqual(jwt?.jwt?.provider, "ACME SSO")
        XCTAssertEqual(findings.first { $0.ruleId == "acme-key" }?.severity, .low)
        // failOn = "high" from the file; the command line overrides it.
        XCTAssertEqual(try run(["scan", directory.path, "--now", now, "--fail-on", "critical"]).status, 0)
    }

    func testInvalidConfigNamesFileLineAndKey() throws {
        let directory = try temporaryDirectory()
        let file = directory.appendingPathComponent(".tokenscan.toml")
        try "# settings\nfailOn = \"high\"\nfailon = \"low\"\n".write(to: file, atomically: true, encoding: .utf8)
        let unknown = try run(["scan", directory.path])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("\(file.path):3: 'failon': unknown key"), unknown.stderr)
        try "failOn = \"sometimes\"\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertTrue(try run(["scan", directory.path]).stderr.contains(":1: 'failOn': must be one of"))
        try "failOn = [\n".write(to: file, atomically: true, encoding: .utf8)
        let broken = try run(["scan", directory.path])
        XCTAssertEqual(broken.status, 2)
        XCTAssertTrue(broken.stderr.contains("invalid TOML"), broken.stderr)
        try "disabledRules = [\"no-such-rule\"]\n".write(to: file, atomically: true, encoding: .utf8)
        let disabled = try run(["scan", directory.path])
        XCTAssertEqual(disabled.status, 2)
        XCTAssertTrue(disabled.stderr.contains("no-such-rule"), disabled.stderr)
    }
}

/// What a run of the binary printed and returned.
struct CLIRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

extension XCTestCase {

    /// One-character names: Foundation's `deletingLastPathComponent` traps on them, and both the
    /// configuration lookup next to a scanned file and `--output` used it.
    func testOneCharacterPathsDoNotCrash() throws {
        let directory = try temporaryDirectory()
        try "Authorization: Bearer \(TokenMinter.jwt(claims: ["exp": .number(1_900_000_000)]))\n"
            .write(to: directory.appendingPathComponent("x"), atomically: true, encoding: .utf8)
        let result = try run(["scan", "x", "--now", "2026-01-01T00:00:00Z", "-o", "y", "--format", "json"], directory: directory)
        XCTAssertEqual(result.status, 1, result.stderr)
        let report = try String(contentsOf: directory.appendingPathComponent("y"), encoding: .utf8)
        XCTAssertTrue(report.contains(#""path" : "x""#), report)
    }

    /// `environment`: variables set (a nil value removes one) on top of the test's own environment.
    @discardableResult
    func run(_ arguments: [String], stdin: Data? = nil, directory: URL? = nil, prefix: [String] = [],
             environment: [String: String?] = [:]) throws -> CLIRun {
        let process = Process()
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged[name] = value }
            process.environment = merged
        }
        if prefix.isEmpty {
            process.executableURL = CLITests.binary
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: prefix[0])
            process.arguments = Array(prefix.dropFirst()) + [CLITests.binary.path] + arguments
        }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRun(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                   stderr: String(decoding: stderrData, as: UTF8.self))
    }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tokenscan-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

}

final class RedactCLITests: XCTestCase {
    let token = TokenMinter.jwt(claims: ["sub": "pipe", "exp": 1_900_000_000])

    /// Each line comes out as soon as it went in: the filter can sit in a log pipeline.
    func testLineBufferedPipeline() throws {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["redact"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        for index in 0..<3 {
            input.fileHandleForWriting.write(Data("request \(index) access_token=\(token)&x\n".utf8))
            var received = Data()
            let deadline = Date().addingTimeInterval(10)
            while !received.contains(0x0A) && Date() < deadline {
                received += output.fileHandleForReading.availableData
            }
            let line = String(decoding: received, as: UTF8.self)
            XCTAssertTrue(line.hasPrefix("request \(index) access_token=[REDACTED:jwt:"), line)
            XCTAssertTrue(line.hasSuffix("]&x\n"), line)
        }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testInPlaceKeepsModeAndThenScansClean() throws {
        let directory = try temporaryDirectory()
        let file = directory.appendingPathComponent("app.log")
        try "one\nGET /?access_token=\(token) 200\n".write(to: file, atomically: true, encoding: .utf8)
        chmod(file.path, 0o640)
        XCTAssertEqual(try run(["scan", file.path, "--fail-on", "low"]).status, 1)
        let result = try run(["redact", "--in-place", file.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("1 token redacted"), result.stderr)
        let text = try String(contentsOf: file, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("one\nGET /?access_token=[REDACTED:jwt:"), text)
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o640)
        XCTAssertEqual(try run(["scan", file.path, "--fail-on", "info"]).status, 0, "a redacted log has no findings")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["app.log"], "no temporary files left")
    }
}

final class BaselineTests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    func testBaselineSuppressesByContentIsStableAndReportsUnused() throws {
        let directory = try temporaryDirectory()
        let accepted = TokenMinter.jwt(claims: ["sub": "accepted", "scope": "repo"])
        let fresh = TokenMinter.jwt(claims: ["sub": "fresh", "scope": "repo"])
        let gone = TokenMinter.jwt(claims: ["sub": "gone", "scope": "repo"])
        let file = directory.appendingPathComponent("app.env")
        try "A=\(accepted)\nG=\(gone)\n".write(to: file, atomically: true, encoding: .utf8)
        let baseline = directory.appendingPathComponent("baseline.json").path
        let write = try run(["scan", file.path, "--now", now, "--write-baseline", baseline, "--fail-on", "never"])
        XCTAssertEqual(write.status, 0, write.stderr)
        let first = try String(contentsOfFile: baseline, encoding: .utf8)
        XCTAssertFalse(first.contains("\"line\""), "no line numbers")
        XCTAssertFalse(first.contains(accepted), "no secrets")
        XCTAssertEqual(try run(["scan", file.path, "--now", now, "--baseline", baseline]).status, 0, "everything accepted")

        // Edits move the accepted token, remove one, add one: only the new one is reported.
        try "# header\n\nG2=x\nA=\(accepted)\nN=\(fresh)\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try run(["scan", file.path, "--now", now, "--baseline", baseline, "--report-unused", "--format", "json"])
        XCTAssertEqual(result.status, 1)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let findings = object["findings"] as! [[String: Any]]
        XCTAssertEqual(findings.map { ($0["jwt"] as! [String: Any])["claims"] as! [String: Any] }.map { $0["sub"] as! String }, ["fresh"])
        let summary = object["summary"] as! [String: Any]
        XCTAssertEqual((summary["unusedBaseline"] as? [[String: Any]])?.count, 1)
        XCTAssertEqual((summary["dismissed"] as? [String: Int])?["baseline"], 1)
        XCTAssertTrue(result.stderr.contains("baseline entry matches nothing any more"), result.stderr)

        // Re-running on an unchanged tree writes the same file.
        try "A=\(accepted)\nG=\(gone)\n".write(to: file, atomically: true, encoding: .utf8)
        let again = directory.appendingPathComponent("again.json").path
        try run(["scan", file.path, "--now", now, "--baseline", baseline, "--write-baseline", again, "--fail-on", "never"])
        XCTAssertEqual(try String(contentsOfFile: again, encoding: .utf8), first)
        XCTAssertEqual(try run(["scan", file.path, "--baseline", directory.appendingPathComponent("nope.json").path]).status, 2)
    }
}

final class InterruptTests: XCTestCase {
    /// Ctrl-C during a long scan stops promptly and leaves no partial report behind.
    func testInterruptLeavesNoPartialReport() throws {
        let directory = try temporaryDirectory()
        let report = directory.appendingPathComponent("out.sarif")
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["scan", "-", "--format", "sarif", "-o", report.path]
        let input = Pipe()
        process.standardInput = input
        process.standardError = Pipe()
        try process.run()
        input.fileHandleForWriting.write(Data(String(repeating: "log line without tokens\n", count: 10_000).utf8))
        usleep(300_000)
        let started = Date()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [], "no report, no temporary file")
        try? input.fileHandleForWriting.close()
    }

    /// Diagnostics never carry a secret: not for skipped inputs, rule errors or bad tokens.
    func testStderrNeverShowsSecrets() throws {
        let directory = try temporaryDirectory()
        let token = TokenMinter.jwt(claims: ["sub": "stderr", "scope": "repo"])
        try "t=\(token)\n".write(to: directory.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        try Data([0x1F, 0x8B, 0x08, 0x00] + Array("corrupt \(token)".utf8)).write(to: directory.appendingPathComponent("b.gz"))
        for arguments in [["scan", directory.path], ["scan", directory.path, "--format", "sarif"], ["decode", token + "x.y"],
                          ["redact", "--in-place", directory.appendingPathComponent("missing").path]] {
            let result = try run(arguments)
            XCTAssertFalse(result.stderr.contains(token), "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains(String(token.dropFirst(10).prefix(20))), "\(arguments)")
        }
    }
}

final class ProgressTests: XCTestCase {
    func runSlowStream(_ extra: [String]) throws -> String {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["scan", "-", "--fail-on", "never"] + extra
        let input = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = Pipe()
        process.standardError = error
        try process.run()
        for _ in 0..<8 {
            input.fileHandleForWriting.write(Data(String(repeating: "plain log line\n", count: 1000).utf8))
            usleep(150_000)
        }
        try input.fileHandleForWriting.close()
        let text = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }

    func testProgressLineOnlyWhenAskedOrOnATerminal() throws {
        let forced = try runSlowStream(["--progress"])
        // On stdin the line counts the stream, not inputs (it said "0 inputs" throughout before).
        XCTAssertTrue(forced.contains("tokenscan: stdin · "), forced)
        XCTAssertTrue(forced.hasSuffix("\r\u{1B}[K"), "the line is cleared at the end")
        XCTAssertEqual(try runSlowStream([]), "", "stderr is a pipe here: no progress line")
        XCTAssertEqual(try runSlowStream(["--no-progress"]), "")
    }
}

final class AllowRuleTests: XCTestCase {
    func testClaimAwareAllowRules() throws {
        let directory = try temporaryDirectory()
        let now = 1_767_225_600
        let tokens = [
            TokenMinter.jwt(claims: ["iss": "https://auth.test.acme.example/", "sub": "t", "scope": "repo"]),
            TokenMinter.jwt(claims: ["iss": "supabase", "role": "anon", "exp": .number(Double(now + 86_400))]),
            TokenMinter.jwt(claims: ["sub": "old", "exp": .number(Double(now - 86_400 * 40))]),
            TokenMinter.jwt(claims: ["sub": "recent", "exp": .number(Double(now - 86_400 * 5))]),
            TokenMinter.jwt(claims: ["iss": "https://auth.acme.example/", "sub": "live", "scope": "repo"]),
        ]
        try tokens.enumerated().map { "T\($0.offset)=\($0.element)" }.joined(separator: "\n")
            .write(to: directory.appendingPathComponent("tokens.env"), atomically: true, encoding: .utf8)
        try """
        [[allow]]
        description = "our test identity provider"
        issuer = '^https://auth\\.test\\.acme\\.example/'
        [[allow]]
        claim = "role"
        equals = "anon"
        [[allow]]
        expiredMoreThanDays = 30
        """.write(to: directory.appendingPathComponent(".tokenscan.toml"), atomically: true, encoding: .utf8)
        let result = try run(["scan", directory.path, "--now", "\(now)", "--format", "json", "--fail-on", "never"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let subjects = (object["findings"] as! [[String: Any]]).map { (($0["jwt"] as! [String: Any])["claims"] as! [String: Any])["sub"] as? String }
        XCTAssertEqual(subjects, ["recent", "live"])
        XCTAssertEqual(((object["summary"] as! [String: Any])["dismissed"] as! [String: Int])["allow-rule"], 3)

        try "[[allow]]\ndescription = \"everything\"\n".write(to: directory.appendingPathComponent(".tokenscan.toml"), atomically: true, encoding: .utf8)
        let empty = try run(["scan", directory.path])
        XCTAssertEqual(empty.status, 2)
        XCTAssertTrue(empty.stderr.contains("no condition"), empty.stderr)
    }
}

/// A user rule file as a repository carries it (`acme.toml`, named by a configuration's
/// `rules = [...]`), for the tests of where configuration is read from.
enum AcmeRule {
    static let file = """
        [[rules]]
        id = "acme-key"
        description = "Acme API key"
        kind = "generic"
        regex = '\\bacme_[a-z0-9]{24}\\b'
        keywords = ["acme_"]
        examples = ["key = acme_0123456789abcdefghijklmn"]
        """
}
