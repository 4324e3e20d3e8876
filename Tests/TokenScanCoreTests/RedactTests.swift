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
import FixtureKit

final class RedactTests: XCTestCase {
    func redact(_ bytes: [UInt8], chunkSize: Int = 1 << 20, maxRead: Int = .max) throws -> (String, StreamRedactor.Statistics) {
        let redactor = StreamRedactor(matcher: TestSupport.matcher(TestSupport.smallWindowRules()), settings: TestSupport.settings(), chunkSize: chunkSize)
        var source = MemorySource(bytes, maxRead: maxRead)
        var output: [UInt8] = []
        let statistics = try redactor.run(&source, write: { output += $0 })
        return (String(decoding: output, as: UTF8.self), statistics)
    }

    /// Redacting the fixture corpus and scanning the result finds nothing; only tokens change.
    func testRedactedCorpusHasNoFindings() throws {
        let (files, expected) = try FixtureCorpus.generate(templates: TestSupport.repositoryRoot.appendingPathComponent("Fixtures/templates"))
        var redactedFiles: [(String, [UInt8])] = []
        var total = 0
        for file in files {
            for (chunk, read) in [(1 << 20, Int.max), (700, 97)] {
                let (text, statistics) = try redact(file.bytes, chunkSize: chunk, maxRead: read)
                if chunk == 1 << 20 {
                    total += statistics.redacted
                    redactedFiles.append((file.path, Array(text.utf8)))
                } else {
                    XCTAssertEqual(text, String(decoding: redactedFiles.last!.1, as: UTF8.self), "\(file.path): chunking changes nothing")
                }
            }
        }
        XCTAssertEqual(total, expected.count)
        let (findings, _) = TestSupport.scan(redactedFiles)
        XCTAssertEqual(findings.map { "\($0.path):\($0.line)" }, [])
        let secrets = FixtureCorpus.tokens().values.map(\.token)
        for (_, bytes) in redactedFiles {
            let text = String(decoding: bytes, as: UTF8.self)
            XCTAssertFalse(secrets.contains { text.contains($0) })
        }
    }

    func testMasksAreStableAndLinesOtherwiseUntouched() throws {
        let token = TokenMinter.jwt(claims: ["sub": "r", "exp": 1_900_000_000])
        let input = "a \(token) b\nplain ünïcode line\r\nc \(token)\nAuthorization: Bearer <token>\n# tokenscan:allow \(token)"
        let (output, statistics) = try redact(Array(input.utf8))
        // Split on the byte: "\r\n" is a single Character in Swift.
        let lines = output.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(statistics.redacted, 3, "accepted (allow-marked) tokens are masked too")
        XCTAssertTrue(lines[0].hasPrefix("a [REDACTED:jwt:") && lines[0].hasSuffix("] b"), lines[0])
        XCTAssertEqual(lines[1], "plain ünïcode line\r")
        XCTAssertEqual(lines[2].dropFirst(2), lines[0].dropFirst(2).dropLast(2), "the same token gets the same mask")
        XCTAssertEqual(lines[3], "Authorization: Bearer <token>")
        XCTAssertFalse(output.hasSuffix("\n"), "no newline is added at the end")
    }

    /// A token hidden by an encoding is masked too (its whole encoded span), and a JWT cut short
    /// is masked although it is not a finding.
    func testEncodedAndTruncatedTokensAreMasked() throws {
        let token = TokenMinter.jwt(claims: ["sub": "enc", "exp": 1_900_000_000])
        let basic = Data("deploy:\(token)".utf8).base64EncodedString()
        let input = "Authorization: Basic \(basic)\nnext=\(token.replacingOccurrences(of: ".", with: "%2E"))\ncut=\(token.dropLast(5))\n"
        let (output, statistics) = try redact(Array(input.utf8))
        XCTAssertEqual(statistics.redacted, 3, output)
        XCTAssertFalse(output.contains(String(token.prefix(20))), output)
        XCTAssertFalse(output.contains(String(basic.dropFirst(12).prefix(40))), output)
        XCTAssertTrue(output.contains("[REDACTED:jwt:truncated]"), output)
    }

    func testLongLineLongerThanTheChunk() throws {
        let token = TokenMinter.jwt(claims: ["sub": "long", "exp": 1_900_000_000])
        var line = ""
        for index in 0..<200 { line += String(repeating: "x", count: 37 + index % 11) + " t=\(token) " }
        let (output, statistics) = try redact(Array(line.utf8), chunkSize: 1000, maxRead: 333)
        XCTAssertEqual(statistics.redacted, 200)
        XCTAssertFalse(output.contains("eyJ"))
        XCTAssertEqual(output.count, line.count - 200 * (token.count - "[REDACTED:jwt:12345678]".count))
    }
}

final class RequestContextTests: XCTestCase {
    func context(_ line: String, _ secret: String) -> RequestContext? {
        let bytes = Array(line.utf8)
        let start = line.utf8.count - line[line.range(of: secret)!.lowerBound...].utf8.count
        return RequestContext.parse(line: bytes, secret: start..<(start + secret.utf8.count), scratch: MatchScratch())
    }

    func testAccessLogHARAndJSONLogs() {
        XCTAssertEqual(context(#"1.2.3.4 - - [x] "GET /api/v1/orders?page=2&access_token=SECRETVALUE123 HTTP/1.1" 200"#, "SECRETVALUE123"),
                       RequestContext(method: "GET", path: "/api/v1/orders", field: "access_token"))
        XCTAssertEqual(context(#"{"method":"POST","url":"https://api.example.com/login?x=1","headers":{"Authorization":"Bearer SECRETVALUE123"}}"#, "SECRETVALUE123"),
                       RequestContext(method: "POST", path: "/login", field: "Authorization"))
        XCTAssertEqual(context(#"{"name": "Authorization", "value": "Bearer SECRETVALUE123"}"#, "SECRETVALUE123"),
                       RequestContext(method: nil, path: nil, field: "Authorization"))
        XCTAssertEqual(context(#"POST /reset/SECRETVALUE123 HTTP/1.1"#, "SECRETVALUE123"),
                       RequestContext(method: "POST", path: "/reset/…", field: nil), "a token in the path is not repeated")
        XCTAssertNil(context("just SECRETVALUE123 here", "SECRETVALUE123"))
    }
}
