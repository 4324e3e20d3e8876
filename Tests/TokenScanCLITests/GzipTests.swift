import Foundation
import XCTest
import FixtureKit
import TokenFormats
import TokenScanModel
import TokenScanEngine
import TokenScanSearch
import TokenScanJudge
import TokenScanSuppression
import TokenScanSources
import TokenScanReport
import TokenScanApp

/// Compressed logs: `.gz` files and gzip on stdin are decompressed on the fly, concatenated
/// members are read in turn, and corrupt data is named without losing the findings before it.
final class GzipTests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"
    let token = TokenMinter.jwt(claims: ["sub": "gz", "scope": "read:x", "exp": 1_900_000_000])

    func testGzipFilesAndStdin() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/gzip") else { throw XCTSkip("gzip is missing") }
        let directory = try temporaryDirectory()
        let first = try gzip(Data("line one\nGET /a?access_token=\(token) HTTP/1.1\n".utf8))
        let second = try gzip(Data("x\ny\nAuthorization: Bearer \(token)\n".utf8))
        // Two members, as `cat a.gz b.gz` or log rotation produce.
        try (first + second).write(to: directory.appendingPathComponent("access.log.1.gz"))
        let result = try run(["scan", directory.path, "--now", now, "--format", "jsonl"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let findings = result.stdout.split(separator: "\n").map { try! JSONDecoder().decode(Finding.self, from: Data($0.utf8)) }
        XCTAssertEqual(findings.map { [$0.line, $0.column] }, [[2, 21], [5, 23]])
        XCTAssertEqual(findings.first?.encodings, ["gzip"])
        XCTAssertTrue(findings.allSatisfy { $0.path.hasSuffix("access.log.1.gz") })

        let piped = try run(["scan", "-", "--now", now, "--format", "jsonl"], stdin: first)
        XCTAssertEqual(piped.stdout.split(separator: "\n").count, 1, piped.stderr)
    }

    func testCorruptGzipIsNamedAndFindingsBeforeItKept() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/gzip") else { throw XCTSkip("gzip is missing") }
        let directory = try temporaryDirectory()
        var lines = "GET /a?access_token=\(token) HTTP/1.1\n"
        for index in 0..<20_000 { lines += "filler line \(index) with some words to compress\n" }
        var compressed = try gzip(Data(lines.utf8))
        // Damage the middle of the deflate stream.
        let middle = compressed.count / 2
        for offset in middle..<(middle + 64) { compressed[offset] ^= 0xA5 }
        try compressed.write(to: directory.appendingPathComponent("broken.log.gz"))
        try "t=\(token)\n".write(to: directory.appendingPathComponent("plain.txt"), atomically: true, encoding: .utf8)
        let result = try run(["scan", directory.path, "--now", now, "--format", "json"])
        XCTAssertTrue(result.stderr.contains("broken.log.gz"), result.stderr)
        XCTAssertTrue(result.stderr.contains("gzip data"), result.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let paths = (object["findings"] as! [[String: Any]]).map { ($0["path"] as! NSString).lastPathComponent }
        XCTAssertEqual(paths, ["broken.log.gz", "plain.txt"], "the token before the damage and the other file are reported")
    }

    /// A short gzip cut before its trailer (a rotated log copied mid-write, a stream that stopped):
    /// everything decompressed is searched and the cut is named. The first 512 decompressed bytes
    /// are read to tell their format; the cut used to end that read with an error, and the whole
    /// input was skipped with its token.
    func testShortTruncatedGzipKeepsItsFindings() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/gzip") else { throw XCTSkip("gzip is missing") }
        let directory = try temporaryDirectory()
        let whole = try gzip(Data("GET /a HTTP/1.1\nAuthorization: Bearer \(token)\n".utf8))
        let cut = whole.prefix(whole.count - 8)
        try cut.write(to: directory.appendingPathComponent("cut.log.gz"))
        let file = try run(["scan", directory.path, "--now", now, "--format", "jsonl"])
        let piped = try run(["scan", "-", "--now", now, "--format", "jsonl"], stdin: Data(cut))
        for (name, result) in [("file", file), ("stdin", piped)] {
            XCTAssertEqual(result.status, 1, "\(name): \(result.stderr)")
            XCTAssertEqual(result.stdout.split(separator: "\n").count, 1, "\(name): the token is reported: \(result.stdout)")
            XCTAssertTrue(result.stderr.contains("truncated gzip data"), "\(name) names the cut: \(result.stderr)")
        }
        let redacted = try run(["redact", "-"], stdin: Data(cut))
        XCTAssertTrue(redacted.stdout.contains("Authorization: Bearer "), "the text before the cut is copied: \(redacted.stdout) \(redacted.stderr)")
        XCTAssertFalse(redacted.stdout.contains(token), "and masked")
        XCTAssertTrue(redacted.stderr.contains("truncated gzip data"), redacted.stderr)
    }

    /// A gzip that expands more than 1000× (a few kilobytes of deflate holding megabytes of
    /// spaces, then a token) is cut at the bound, as zip entries are: the token before the bound is
    /// reported, the input is named as cut short (stderr and `summary.skipped`), and the token
    /// beyond the bound is not lost silently. Files, stdin and gzip inside a tar alike.
    func testGzipExpansionIsBoundedAndNamed() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/gzip") else { throw XCTSkip("gzip is missing") }
        let directory = try temporaryDirectory()
        let late = TokenMinter.jwt(claims: ["sub": "late", "scope": "read:x", "exp": 1_900_000_000])
        var plain = Data("GET /a?access_token=\(token) HTTP/1.1\n".utf8)
        plain.append(Data(repeating: 0x20, count: 24 << 20))
        plain.append(Data("\nt=\(late)\n".utf8))
        let compressed = try gzip(plain)
        XCTAssertLessThan(compressed.count, 64 << 10)
        try compressed.write(to: directory.appendingPathComponent("bomb.log.gz"))
        let started = Date()
        let file = try run(["scan", directory.path, "--now", now, "--format", "json"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 60)
        let piped = try run(["scan", "-", "--now", now, "--format", "json"], stdin: compressed)
        let tarred = directory.appendingPathComponent("t")
        try FileManager.default.createDirectory(at: tarred, withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: directory.appendingPathComponent("bomb.log.gz"), to: tarred.appendingPathComponent("bomb.log.gz"))
        guard try Command.run(["tar", "-cf", "logs.tar", "bomb.log.gz"], in: tarred).status == 0 else { throw XCTSkip("tar is missing") }
        try FileManager.default.removeItem(at: tarred.appendingPathComponent("bomb.log.gz"))
        let archived = try run(["scan", tarred.path, "--now", now, "--format", "json"])
        for (name, result) in [("file", file), ("stdin", piped), ("tar", archived)] {
            XCTAssertEqual(result.status, 1, "\(name): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("1000×"), "\(name) names the limit on stderr: \(result.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
            let subjects = (object["findings"] as! [[String: Any]]).map { (($0["jwt"] as! [String: Any])["claims"] as! [String: Any])["sub"] as? String }
            XCTAssertEqual(subjects, ["gz"], "\(name): the token before the bound is reported")
            let skipped = (object["summary"] as! [String: Any])["skipped"] as! [[String: String]]
            XCTAssertEqual(skipped.count, 1, "\(name): \(skipped)")
            XCTAssertTrue(skipped.first?["reason"]?.contains("expands to more than 1000× its compressed size") ?? false, "\(name): \(skipped)")
            XCTAssertTrue(skipped.first?["reason"]?.contains("findings before it are reported") ?? false, "\(name): \(skipped)")
        }
    }

    /// Layers do not multiply: a `.gz` of a `.gz` whose layers each stay under 1000× (data that
    /// compresses 950×, its gzip 15× again) is bounded by the outer file's compressed size.
    func testNestedGzipIsBoundedByTheOutermostLayer() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/gzip") else { throw XCTSkip("gzip is missing") }
        let directory = try temporaryDirectory()
        let late = TokenMinter.jwt(claims: ["sub": "late", "scope": "read:x", "exp": 1_900_000_000])
        var plain = Data("GET /a?access_token=\(token) HTTP/1.1\n".utf8)
        for index in 0..<400 {
            plain.append(Data(repeating: 0x20, count: 64 << 10))
            plain.append(Data("\(index)\n".utf8))
        }
        plain.append(Data("t=\(late)\n".utf8))
        let inner = try gzip(plain)
        let outer = try gzip(inner)
        XCTAssertLessThan(plain.count / inner.count, 1000, "the inner layer alone is under the bound")
        XCTAssertLessThan(inner.count / outer.count, 1000, "the outer layer alone is under the bound")
        try outer.write(to: directory.appendingPathComponent("twice.log.gz.gz"))
        let result = try run(["scan", directory.path, "--now", now, "--format", "json"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("twice.log.gz.gz: expands to more than 1000× its compressed size"), result.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let subjects = (object["findings"] as! [[String: Any]]).map { (($0["jwt"] as! [String: Any])["claims"] as! [String: Any])["sub"] as? String }
        XCTAssertEqual(subjects, ["gz"])
        XCTAssertEqual(((object["summary"] as! [String: Any])["skipped"] as! [[String: String]]).count, 1)
    }

    /// Two gigabytes of gzip on stdin (2,048 concatenated members) with bounded memory.
    func testTwoGigabyteGzipStreamStaysUnder64MB() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/gzip") else { throw XCTSkip("gzip is missing") }
        var block = ""
        var line = 0
        while block.utf8.count < (1 << 20) - 300 {
            line += 1
            block += line == 7 ? "GET /a?access_token=\(token) HTTP/1.1\n" : "10.0.0.\(line % 250) GET /api/v1/items/\(line % 977) 200\n"
        }
        let run = try streamThroughScan(try gzip(Data(block.utf8)), times: 2048)
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.lines, 2048)
        XCTAssertGreaterThan(run.peakKB, 0)
        run.assertPeakRSS(belowMB: 64, "peak RSS (MB)")
    }
}

/// Archives are entered: entries reported as `archive!inner/path`, nested archives to a bounded
/// depth, bombs and corrupt archives named without losing other findings.
final class ArchiveTests: XCTestCase {
    let token = TokenMinter.jwt(claims: ["sub": "archived", "scope": "repo"])

    func testTarGzZipNestedAndBombs() throws {
        let directory = try temporaryDirectory()
        let script = """
            import tarfile, zipfile, gzip, io, struct
            token = "\(token)"
            def add(t, name, data):
                info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
            inner = io.BytesIO()
            with tarfile.open(fileobj=inner, mode="w") as t:
                add(t, "deep/inner.txt", f"x\\ninner={token}\\n".encode())
            with tarfile.open("logs.tar.gz", "w:gz") as t:
                add(t, "var/log/app.log", f"line\\nGET /a?access_token={token} HTTP/1.1\\n".encode())
                add(t, "var/log/app.log.1.gz", gzip.compress(f"old\\nAuthorization: Bearer {token}\\n".encode()))
                add(t, "nested.tar", inner.getvalue())
                add(t, "image.png", b"\\x89PNG\\x00\\x00" + token.encode())
            with zipfile.ZipFile("bundle.zip", "w", compression=zipfile.ZIP_DEFLATED) as z:
                z.writestr("config/app.env", f"TOKEN={token}\\n")
                z.writestr("zeros.bin", b"a" * (20 << 20))
            data = bytearray(open("bundle.zip", "rb").read())
            central = data.rfind(b"PK\\x01\\x02")
            while central != -1:
                name_len = struct.unpack_from("<H", data, central + 28)[0]
                if data[central + 46:central + 46 + name_len] == b"zeros.bin":
                    struct.pack_into("<I", data, central + 24, 100)
                central = data.rfind(b"PK\\x01\\x02", 0, central)
            open("bundle.zip", "wb").write(bytes(data))
            whole = io.BytesIO()
            with tarfile.open(fileobj=whole, mode="w") as t:
                add(t, "first.env", f"A={token}\\n".encode())
                add(t, "second.log", b"y" * 5000)
            open("broken.tar", "wb").write(whole.getvalue()[:1024 + 512 + 100])
            """
        guard try Command.run(["python3", "-c", script], in: directory).status == 0 else { throw XCTSkip("python3 could not build the archives") }
        try "t=\(token)\n".write(to: directory.appendingPathComponent("plain.txt"), atomically: true, encoding: .utf8)

        let result = try run(["scan", directory.path, "--format", "json", "--fail-on", "never"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let found = (object["findings"] as! [[String: Any]]).map { String(($0["path"] as! String).dropFirst(directory.path.count + 1)) + " " + ($0["encodings"] as! [String]).joined(separator: ",") }
        XCTAssertEqual(found.sorted(), [
            "broken.tar!first.env tar",
            "bundle.zip!config/app.env zip",
            "logs.tar.gz!nested.tar!deep/inner.txt gzip,tar,tar",
            "logs.tar.gz!var/log/app.log gzip,tar",
            "logs.tar.gz!var/log/app.log.1.gz gzip,tar,gzip",
            "plain.txt ",
        ])
        let skipped = (object["summary"] as! [String: Any])["skipped"] as! [[String: String]]
        let reasons = skipped.map { (String($0["path"]!.dropFirst(directory.path.count + 1)), $0["reason"]!) }
        XCTAssertTrue(reasons.contains { $0.0 == "bundle.zip!zeros.bin" && $0.1.contains("zip bomb") }, "\(reasons)")
        XCTAssertTrue(reasons.contains { $0.0 == "logs.tar.gz!image.png" && $0.1.hasPrefix("binary file") }, "\(reasons)")
        XCTAssertTrue(result.stderr.contains("zip bomb"), result.stderr)
        XCTAssertTrue(reasons.contains { $0.0 == "broken.tar" && $0.1.contains("truncated tar") && $0.1.contains("entries before it were scanned") }, "\(reasons)")

        let shallow = try run(["scan", directory.appendingPathComponent("logs.tar.gz").path, "--format", "jsonl", "--fail-on", "never", "--max-archive-depth", "1"])
        XCTAssertFalse(shallow.stdout.contains("deep/inner.txt"))
        XCTAssertTrue(shallow.stderr.contains("nested deeper than 1"), shallow.stderr)
        let off = try run(["scan", directory.appendingPathComponent("bundle.zip").path, "--format", "jsonl", "--fail-on", "never", "--no-archives"])
        XCTAssertEqual(off.stdout, "", "not entered: a zip is binary")
    }
}

extension XCTestCase {
    /// `data` compressed by the system's gzip (`-n`: no name or time, so the bytes are stable).
    func gzip(_ data: Data) throws -> Data {
        guard FileManager.default.isExecutableFile(atPath: "/bin/gzip") else { throw XCTSkip("gzip is missing") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-n"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(data)
        try input.fileHandleForWriting.close()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return compressed
    }
}
