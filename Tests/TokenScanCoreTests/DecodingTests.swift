import Foundation
import XCTest
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanEngine
@testable import TokenScanSearch
@testable import TokenScanJudge
@testable import TokenScanSuppression
@testable import TokenScanSources
@testable import TokenScanReport
@testable import TokenScanApp

/// Tokens hidden by an encoding or split over lines: each is found once, at the characters of
/// the file that encode it, with the layers it was found under.
final class DecodingTests: XCTestCase {
    static let token = TokenMinter.jwt(claims: [
        "iss": .string("https://auth.decode.example"), "sub": .string("svc-7"), "scope": .string("admin"),
        "exp": .number(1_893_456_000),
    ])
    var token: String { DecodingTests.token }

    private func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// Scans `text` as one file; returns its findings.
    private func scan(_ text: String, depth: Int = 3, chunkSize: Int? = nil) -> ([Finding], ScanSummary) {
        scan(bytes: Array(text.utf8), depth: depth, chunkSize: chunkSize)
    }

    private func scan(bytes: [UInt8], depth: Int = 3, chunkSize: Int? = nil, rules: [Rule]? = nil) -> ([Finding], ScanSummary) {
        var options = ScanOptions()
        options.jobs = 1
        options.search.decode.maxDepth = depth
        if let chunkSize { options.search.chunkSize = chunkSize }
        let scanner = Scanner(matcher: TestSupport.matcher(rules), settings: TestSupport.settings(), options: options)
        let collector = Collector()
        let summary = scanner.scan([.memory(name: "input", bytes: bytes)], observer: collector)
        return (collector.findings, summary)
    }

    /// The one finding of `text`, checked for place and layers.
    private func assertOne(
        _ text: String, line: Int, column: Int, encodings: [String], file: StaticString = #filePath, lineNumber: UInt = #line
    ) {
        let (findings, _) = scan(text)
        XCTAssertEqual(findings.count, 1, "findings: \(findings.map { "\($0.line):\($0.column) \($0.encodings)" })", file: file, line: lineNumber)
        guard let finding = findings.first else { return }
        XCTAssertEqual(finding.kind, "jwt", file: file, line: lineNumber)
        XCTAssertEqual(finding.secret, token, "the decoded token is what is judged", file: file, line: lineNumber)
        XCTAssertEqual(finding.line, line, file: file, line: lineNumber)
        XCTAssertEqual(finding.column, column, file: file, line: lineNumber)
        XCTAssertEqual(finding.encodings, encodings, file: file, line: lineNumber)
    }

    func testBase64StandardAndURLSafe() {
        assertOne("token: \(base64(token))\n", line: 1, column: 8, encodings: ["base64"])
        // Kubernetes Secret data, second line; the token is preceded by "user:" inside the blob:
        // byte 5 of the decoded text starts in character 4 * 1 + 2 = 6 of the blob.
        assertOne("data:\n  auth: \(base64("user:" + token))\n", line: 2, column: 9 + 6, encodings: ["base64"])
        let url = base64("x:" + token + "?").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let (findings, _) = scan("v=\(url)\n")
        XCTAssertEqual(findings.map(\.encodings), [[url.contains("-") || url.contains("_") ? "base64url" : "base64"]])
    }

    func testBasicAuthorizationAndDockerConfig() {
        assertOne("Authorization: Basic \(base64("deploy:" + token))\n", line: 1, column: 22 + 9, encodings: ["base64"])
        let inner = base64("robot:" + token)
        let config = "{\"auths\":{\"ghcr.io\":{\"auth\":\"\(inner)\"}}}"
        let (findings, _) = scan(".dockerconfigjson: \(base64(config))\n")
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(findings.first?.encodings, ["base64", "base64"])
        XCTAssertEqual(findings.first?.secret, token)
    }

    func testPercentSingleAndDouble() {
        let single = "GET /cb?h=Authorization%3A%20Bearer%20\(token.replacingOccurrences(of: ".", with: "%2E")) HTTP/1.1\n"
        assertOne(single, line: 1, column: 39, encodings: ["percent"])
        let double = "next=\(token.replacingOccurrences(of: ".", with: "%252E"))\n"
        assertOne(double, line: 1, column: 6, encodings: ["percent", "percent"])
    }

    func testJSONAndHTMLEscapes() {
        let escapedFirst = "\\u0065" + token.dropFirst()
        assertOne("{\"t\": \"\(escapedFirst.replacingOccurrences(of: ".", with: "\\u002e"))\"}\n", line: 1, column: 8, encodings: ["json-escape"])
        assertOne("<a href=\"/cb?access_token=\(token.replacingOccurrences(of: ".", with: "&#46;"))\">x</a>\n", line: 1, column: 27, encodings: ["html-entity"])
        assertOne("<p>\(token.replacingOccurrences(of: ".", with: "&period;"))</p>\n", line: 1, column: 4, encodings: ["html-entity"])
    }

    func testRawAndDecodedAtOnePlaceAreOneFinding() {
        // The JWT stands raw inside a percent-encoded line: found raw and decoded, reported once, raw.
        assertOne("q=Authorization%3A%20Bearer%20\(token)\n", line: 1, column: 31, encodings: [])
        assertOne("{\"msg\":\"{\\\"access_token\\\":\\\"\(token)\\\"}\"}\n", line: 1, column: 29, encodings: [])
    }

    func testSplitTokens() {
        let (head, tail) = (String(token.prefix(60)), String(token.dropFirst(60)))
        assertOne("curl -H \"Authorization: Bearer \(head)\\\n  \(tail)\" https://x\n", line: 1, column: 32, encodings: ["line-continuation"])
        assertOne("const t = \"\(head)\" +\n    \"\(tail)\";\n", line: 1, column: 12, encodings: ["string-concatenation"])
        assertOne("String t = \"\(head)\"\n    + \"\(tail)\";\n", line: 1, column: 13, encodings: ["string-concatenation"])
        assertOne("t = (\n    \"\(head)\"\n    \"\(tail)\"\n)\n", line: 2, column: 6, encodings: ["string-concatenation"])
        let log = "2026-01-01T00:00:00Z INFO upstream call Authorization: Bearer \(token) status=200"
        let wrapped = stride(from: 0, to: log.count, by: 80).map { offset in
            String(log.dropFirst(offset).prefix(80))
        }.joined(separator: "\n") + "\n"
        assertOne(wrapped, line: 1, column: 63, encodings: ["wrapped-line"])
    }

    func testWrappedOpaqueTokenIsReportedFromItsFirstLine() {
        // Nothing proves where an opaque token ends: the piece on the first line is the finding
        // (at the token's start), rather than a guess that may glue the next line on.
        let opaque = "Zr8wQ3mN6vK1xT9pL4sB7dF2hJ5cG0aYq4Wm"
        let head = "2026-01-01T00:00:00Z INFO call Authorization: Bearer "
        let cut = 80 - head.count
        let text = head + opaque.prefix(cut) + "\n" + opaque.dropFirst(cut) + " status=200\n"
        let (findings, _) = scan(text)
        XCTAssertEqual(findings.map { [$0.line, $0.column, $0.endLine] }, [[1, head.count + 1, 1]])
    }

    func testCompleteTokenAtLineEndIsNotGluedToTheNextLine() {
        // An 80-column line that ends with a complete JWT, then a line starting with a word: the
        // join is tried and judged truncated; the token as written is the finding.
        let prefix = String(repeating: "x", count: max(1, 80 - token.count - 1))
        let line = "\(prefix) \(token)"
        guard line.count == 80 || token.count > 78 else { return XCTFail("fixture: line is \(line.count) long") }
        let (findings, summary) = scan("\(line)\nINFO next line\n")
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(findings.first?.secret, token)
        XCTAssertEqual(findings.first?.encodings, [])
        XCTAssertNil(summary.limits)
    }

    func testTruncatedJWTIsNotAFinding() {
        let cut = String(token.dropLast(5)) // 28 bytes of an HS256 MAC's 32
        let (findings, summary) = scan("token=\(cut)\n")
        XCTAssertEqual(findings.count, 0)
        XCTAssertEqual(summary.dismissed["truncated"], 1)
    }

    func testDepthLimitIsReportedAndBoundsTheWork() {
        var nested = "k=" + token
        for _ in 0..<5 { nested = base64(nested) }
        let other = "Authorization: Bearer \(token)"
        let (shallow, summary) = scan("blob: \(nested)\n\(other)\n")
        XCTAssertEqual(shallow.map(\.line), [2], "the raw token is reported; the one 5 layers deep is not")
        XCTAssertEqual(summary.limits?.map(\.limit), ["decode-depth"])
        XCTAssertEqual(summary.limits?.first?.offset, 6)
        let (deep, deepSummary) = scan("blob: \(nested)\n", depth: 5)
        XCTAssertEqual(deep.first?.encodings, Array(repeating: "base64", count: 5))
        XCTAssertNil(deepSummary.limits)
        XCTAssertEqual(scan("blob: \(nested)\n", depth: 0).0.count, 0, "--max-decode-depth 0 turns decoding off")
    }

    func testHundredLevelsOfBase64() {
        // 100 layers of base64 grow the text by 4/3 each: start small and cap the size; what matters
        // is that the search stops at the limit, says so, and finds the token next to it.
        var nested = "k=" + String(token.prefix(20))
        for _ in 0..<100 where nested.utf8.count < 4 << 20 { nested = base64(nested) }
        let text = "a=Authorization: Bearer \(token)\nblob=\(nested)\nz=\(token)\n"
        let (findings, summary) = scan(text)
        XCTAssertEqual(findings.map(\.line), [1, 3])
        XCTAssertEqual(Set(summary.limits?.map(\.limit) ?? []).isSubset(of: ["decode-depth", "decoded-size"]), true)
        XCTAssertFalse(summary.limits?.isEmpty ?? true)
    }

    func testUTF8BOMAndUTF16() {
        let text = "first line ü\n  token: \(token)\n"
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let utf8 = scan(bytes: bom + Array(text.utf8)).0
        XCTAssertEqual(utf8.map { [$0.line, $0.column] }, [[2, 10]])
        XCTAssertEqual(utf8.first?.encodings, [])
        for (name, units, prefix) in [
            ("utf-16le", Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, [UInt8(0xFF), 0xFE]),
            ("utf-16be", Array(text.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }, [UInt8(0xFE), 0xFF]),
        ] {
            for bytes in [prefix + units, units] {
                let (findings, summary) = scan(bytes: bytes)
                XCTAssertEqual(findings.map { [$0.line, $0.column] }, [[2, 10]], "\(name) BOM: \(bytes.count > units.count)")
                XCTAssertEqual(findings.first?.encodings, [name])
                XCTAssertEqual(findings.first?.secret, token)
                XCTAssertTrue(summary.skipped.isEmpty)
            }
        }
    }

    /// Whatever the chunk size, decoded and joined tokens are found once, at the same place, as in
    /// a search of the whole input.
    func testChunkedDecodingEqualsWholeInput() {
        var text = ""
        var generator = SplitMix(seed: 7)
        for index in 0..<60 {
            let filler = String(repeating: "lorem ipsum dolor ", count: Int(generator.next() % 40))
            switch index % 6 {
            case 0: text += "\(filler)auth: \(base64("u:" + token))\n"
            case 1: text += "\(filler)q=Authorization%3A%20Bearer%20\(token.replacingOccurrences(of: ".", with: "%2E"))\n"
            case 2: text += "\(filler)\"\(token.prefix(50))\" +\n  \"\(token.dropFirst(50))\"\n"
            case 3: text += "\(filler)\(token.replacingOccurrences(of: ".", with: "&#x2e;"))\n"
            case 4: text += "\(filler)curl \(token.prefix(40))\\\n\(token.dropFirst(40))\n"
            default: text += "\(filler)plain \(token)\n"
            }
        }
        let whole = scan(text).0.map { "\($0.line):\($0.column)-\($0.endLine):\($0.endColumn) \($0.encodings)" }
        XCTAssertEqual(whole.count, 60)
        for chunk in [64, 333, 4096] {
            let chunked = scan(text, chunkSize: chunk).0.map { "\($0.line):\($0.column)-\($0.endLine):\($0.endColumn) \($0.encodings)" }
            XCTAssertEqual(chunked, whole, "chunk size \(chunk): missing \(Set(whole).subtracting(chunked).sorted()), extra \(Set(chunked).subtracting(whole).sorted())")
        }
    }

    /// A base64 blob much longer than the decoding lookback (a Secret's `data:` holding a whole
    /// config file) is cut by many chunk boundaries; the tokens past each cut are still found.
    /// A chunk that starts inside the blob does not know where the blob's groups of four begin, so
    /// the part in view is decoded at the phase that gives text.
    func testTokensDeepInABase64BlobLongerThanAChunk() {
        var inner = ""
        var generator = SplitMix(seed: 11)
        for index in 0..<40 {
            inner += String(repeating: "lorem ipsum dolor sit amet ", count: 40 + Int(generator.next() % 80))
            inner += "\nservice_\(index): Authorization: Bearer \(token)\n"
        }
        let text = "apiVersion: v1\nkind: Secret\ndata:\n  config: " + base64(inner) + "\n"
        XCTAssertGreaterThan(text.utf8.count, 100_000)
        let whole = scan(text).0.map { "\($0.line):\($0.column)-\($0.endLine):\($0.endColumn) \($0.encodings)" }
        XCTAssertEqual(whole.count, 40)
        for chunk in [4096, 16 * 1024, 64 * 1024 + 3] {
            let chunked = scan(text, chunkSize: chunk).0.map { "\($0.line):\($0.column)-\($0.endLine):\($0.endColumn) \($0.encodings)" }
            XCTAssertEqual(chunked, whole, "chunk size \(chunk): missing \(Set(whole).subtracting(chunked).count), extra \(Set(chunked).subtracting(whole).count)")
        }
    }
}

/// The fast base64 run finder (a word tested every 16 bytes) against a plain character loop.
final class Base64RunTests: XCTestCase {
    private func reference(_ bytes: [UInt8], range: Range<Int>) -> [Range<Int>] {
        func isBase64(_ byte: UInt8) -> Bool { Base64.table[Int(byte)] != 0xFF }
        var runs: [Range<Int>] = []
        guard !range.isEmpty else { return [] }
        var index = 0
        while index < bytes.count {
            guard isBase64(bytes[index]) else { index += 1; continue }
            let start = index
            while index < bytes.count && isBase64(bytes[index]) { index += 1 }
            var padded = index
            while padded < bytes.count && padded - index < 2 && bytes[padded] == UInt8(ascii: "=") { padded += 1 }
            // Runs that start in the range, and one that starts before it and reaches into it
            // (from the buffer's start, at the latest).
            if index - start >= Base64Layer.minimumRun && (range.contains(start) || (start < range.lowerBound && range.lowerBound < index)) {
                runs.append(start..<padded)
            }
        }
        return runs
    }

    func testFastRunsEqualACharacterLoop() {
        var random = SplitMix(seed: 0xB64)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_".utf8)
        let others = Array(" \n\t.,:;\"'(){}=é".utf8)
        for round in 0..<400 {
            var bytes: [UInt8] = []
            let length = Int(random.next() % 600)
            while bytes.count < length {
                let run = Int(random.next() % (round % 3 == 0 ? 60 : 30))
                for _ in 0..<run { bytes.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
                for _ in 0..<(1 + Int(random.next() % 3)) { bytes.append(others[Int(random.next() % UInt64(others.count))]) }
            }
            let lower = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
            let upper = lower + Int(random.next() % UInt64(bytes.count - lower + 1))
            var found: [Range<Int>] = []
            bytes.withUnsafeBytes { buffer in
                Base64Layer.runs(in: buffer, starting: lower..<upper, skip: []) { found.append($0) }
            }
            XCTAssertEqual(found, reference(bytes, range: lower..<upper), "round \(round), range \(lower)..<\(upper)")
        }
    }
}
