import Foundation
import XCTest
import FixtureKit
import TokenFormats
import TokenScanModel

/// Issue #20's signed URLs through the binary, as a log auditor meets them: Azure SAS URLs in
/// access-log request lines, connection strings and azcopy command lines, AWS pre-signed and GCS
/// signed URLs in traces. Their parameters are their claims (design §5): a valid one is one
/// finding, high with a write-type permission and medium otherwise; an expired one is no finding
/// and is counted; a placeholder or cut signature is nothing. And the public example values of the
/// OAuth RFCs and vendors' local-development keys are info (`doc-sample`).
///
/// Signatures are minted here from a seeded generator, never written in this file (the repository
/// scans itself clean, SelfScanCLITests).
final class SignedURLCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    static func bytes(_ random: inout SplitMix64, _ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(random.below(256)) } }

    /// Base64 of 32 random bytes (an HMAC-SHA256, as Azure's `sig`), percent-encoded as in a URL.
    static func azureSignature(_ seed: UInt64) -> String {
        var random = SplitMix64(seed: seed)
        let encoded = Data(bytes(&random, 32)).base64EncodedString()
        return encoded.replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(of: "/", with: "%2F")
            .replacingOccurrences(of: "=", with: "%3D")
    }

    /// `count` random hex digits (SigV4's 64, an RSA signature's 512).
    static func hex(_ seed: UInt64, _ count: Int = 64) -> String {
        var random = SplitMix64(seed: seed)
        let digits = Array("0123456789abcdef")
        return String((0..<count).map { _ in digits[random.below(16)] })
    }

    func scan(_ text: String, format: String = "jsonl", path: String = "access.log") throws -> CLIRun {
        let directory = try temporaryDirectory()
        try text.write(to: directory.appendingPathComponent(path), atomically: true, encoding: .utf8)
        return try run(["scan", ".", "--now", now, "--format", format], directory: directory)
    }

    func findings(_ run: CLIRun) throws -> [Finding] {
        try run.stdout.split(separator: "\n").map { try JSONDecoder().decode(Finding.self, from: Data($0.utf8)) }
    }

    var awsSessionToken: String {
        var random = SplitMix64(seed: 99)
        // Not assigned to a credential's name: the repository scans itself clean (SelfScanCLITests).
        let stsValue = "IQoJb3JpZ2luX2VjE" + Data(Self.bytes(&random, 300)).base64EncodedString()
        return stsValue.replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(of: "/", with: "%2F")
            .replacingOccurrences(of: "=", with: "%3D")
    }

    func testSignedURLsAreOneFindingEachJudgedByTheirOwnParameters() throws {
        let write = Self.azureSignature(1), read = Self.azureSignature(2), connection = Self.azureSignature(3)
        let aws = Self.hex(4), gcs = Self.hex(5, 512)
        let lines = [
            // Access log request line: write-type rights (racwd) → high.
            #"10.0.0.7 - - [01/Dec/2025:10:00:00 +0000] "PUT /backups/db.bak?sp=racwd&st=2025-12-01T00:00:00Z&se=2026-06-30T00:00:00Z&spr=https&sv=2022-11-02&sr=b&sig=\#(write) HTTP/1.1" 201 0"#,
            // azcopy with read and list only → medium.
            "azcopy copy 'https://acct.blob.core.windows.net/logs?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-03-01&spr=https&sig=\(read)' ./logs --recursive",
            // A connection string's SharedAccessSignature: write → high.
            "AZURE_STORAGE_CONNECTION_STRING=BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=bq&srt=sco&sp=rwdl&se=2027-01-01&sig=\(connection)",
            // AWS pre-signed URL with a session token (curl -v trace): medium, the token part of it.
            "> GET /exports/q4.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAEXAMPLEKEYID0001%2F20251231%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20251231T230000Z&X-Amz-Expires=7200&X-Amz-Security-Token=\(awsSessionToken)&X-Amz-SignedHeaders=host&X-Amz-Signature=\(aws) HTTP/2",
            // GCS V4 signed URL in a JSON log line: medium.
            #"{"level":"info","msg":"download","url":"https://storage.googleapis.com/media/cat.jpeg?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=signer%40proj.iam.gserviceaccount.com%2F20251231%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20251231T120000Z&X-Goog-Expires=604800&X-Goog-SignedHeaders=host&X-Goog-Signature=\#(gcs)"}"#,
        ]
        let run = try scan(lines.joined(separator: "\n") + "\n")
        XCTAssertEqual(run.status, 1, run.stderr)
        let found = try findings(run)
        XCTAssertEqual(found.map(\.line), [1, 2, 3, 4, 5], "one finding per signed URL, nothing else:\n\(run.stdout)")
        guard found.count == 5 else { return }
        XCTAssertEqual(found.map(\.ruleId), ["azure-sas-url", "azure-sas-url", "azure-sas-url", "aws-presigned-url", "gcs-signed-url"])
        XCTAssertEqual(found.map(\.severity), [.high, .medium, .high, .medium, .medium], "\(found.map(\.reasons))")
        XCTAssertTrue(found[0].reasons.contains { $0.code == "signed-url-write" && $0.message.contains("delete") }, "\(found[0].reasons)")
        XCTAssertTrue(found[1].reasons.contains { $0.code == "signed-url-read" }, "\(found[1].reasons)")
        XCTAssertTrue(found[3].reasons.contains { $0.code == "aws-session-token" }, "\(found[3].reasons)")
        XCTAssertTrue(found[4].reasons.contains { $0.code == "signed-url-no-permissions" }, "\(found[4].reasons)")
        for finding in found {
            XCTAssertTrue(finding.reasons.contains { $0.code == "expires" }, "\(finding.reasons)")
            XCTAssertEqual(finding.kind, "signed-url")
        }
        // The finding points at the signature, and no report line carries one.
        let column = lines[0].distance(from: lines[0].startIndex, to: lines[0].range(of: write)!.lowerBound) + 1
        XCTAssertEqual(found[0].column, column)
        for secret in [write, read, connection, aws, gcs] { XCTAssertFalse(run.stdout.contains(secret), "a signature in the report") }
        XCTAssertFalse(run.stdout.contains(String(awsSessionToken.prefix(40))), "the session token in the report")
    }

    func testExpiredSignedURLsAreNoFindingsAndAreCounted() throws {
        let lines = [
            "GET /c/b?sp=rw&se=2025-06-30T00:00:00Z&sv=2022-11-02&sr=b&sig=\(Self.azureSignature(11)) HTTP/1.1",
            "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLEKEYID0001%2F20251231%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20251231T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=\(Self.hex(12))",
            "GET /c/live?sp=r&se=2026-02-01&sv=2022-11-02&sr=b&sig=\(Self.azureSignature(13)) HTTP/1.1",
        ]
        let text = lines.joined(separator: "\n") + "\n"
        let json = try scan(text, format: "json")
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let summary = report["summary"] as! [String: Any]
        XCTAssertEqual(summary["expiredSignedURLs"] as? Int, 2, json.stdout)
        XCTAssertEqual((report["findings"] as! [[String: Any]]).map { $0["line"] as? Int }, [3], json.stdout)
        XCTAssertTrue(json.stderr.contains("2 expired signed URLs seen"), json.stderr)
        let textRun = try scan(text, format: "text")
        XCTAssertTrue(textRun.stdout.contains("2 expired signed URLs seen"), textRun.stdout)
        let summaryLine = textRun.stdout.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(summaryLine.hasSuffix("; 2 expired signed URLs seen (not findings: the provider refuses them)"), summaryLine)
        XCTAssertFalse(summaryLine.contains("look-alike"), "expired URLs are not counted as look-alikes: \(summaryLine)")
    }

    func testPlaceholderAndCutSignaturesAreNotFindings() throws {
        let whole = Self.azureSignature(21)
        let lines = [
            "GET /c/b?sp=rw&se=2030-01-01&sv=2022-11-02&sr=b&sig=\(String(repeating: "X", count: 43))%3D HTTP/1.1",
            "GET /c/b?sp=rw&se=2030-01-01&sv=2022-11-02&sr=b&sig=\(whole.prefix(30)) HTTP/1.1",
            "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20251231T000000Z&X-Amz-Expires=604800&X-Amz-Signature=\(Self.hex(22, 40))",
            "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20251231T000000Z&X-Amz-Expires=604800&X-Amz-Signature=\(String(repeating: "0", count: 64))",
            "https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Date=20251231T000000Z&X-Goog-Expires=900&X-Goog-Signature=\(Self.hex(23, 300))",
        ]
        let run = try scan(lines.joined(separator: "\n") + "\n")
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(try findings(run).count, 0, run.stdout)
    }

    /// `redact --now`, as `scan --now`: the clock is fixed, so the test is too.
    func testRedactMasksTheSignatureAndKeepsTheURLReadable() throws {
        let signature = Self.azureSignature(31), aws = Self.hex(32)
        let input = """
            10.0.0.7 - - [01/Dec/2025:10:00:00 +0000] "GET /backups/db.bak?sp=r&se=2099-06-30&sv=2022-11-02&sr=b&sig=\(signature) HTTP/1.1" 200 512
            > GET /q4.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLEKEYID0001%2F20251231%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20251231T000000Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=\(aws) HTTP/2

            """
        let result = try run(["redact", "--now", now], stdin: Data(input.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.contains(signature), result.stdout)
        XCTAssertFalse(result.stdout.contains(aws), result.stdout)
        XCTAssertTrue(result.stdout.contains("GET /backups/db.bak?sp=r&se=2099-06-30&sv=2022-11-02&sr=b&sig=[REDACTED:signed-url:"), result.stdout)
        XCTAssertTrue(result.stdout.contains("&X-Amz-Date=20251231T000000Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=[REDACTED:signed-url:"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix(" HTTP/2\n"), result.stdout)
    }

    /// What `redact` masks does not depend on the clock: an expired signed URL is no finding for
    /// `scan` (the provider refuses it), but its signature is masked as a valid one's is, with the
    /// same mask, in a raw URL, an access log's request line, a JSON log and a HAR entry's `url`
    /// and `queryString`. Before, redact read the real clock only (no `--now`), and an expired
    /// URL's signature stayed readable in the URL while its HAR pair was masked.
    func testRedactMasksSignaturesWhetherOrNotTheURLHasExpired() throws {
        let azure = Self.azureSignature(71), aws = Self.hex(72), gcs = Self.hex(73, 512), paired = Self.azureSignature(74)
        let log = """
            10.0.0.7 - - [31/Dec/2025:10:00:00 +0000] "GET /backups/db.bak?sp=r&se=2026-06-30&sv=2022-11-02&sr=b&sig=\(azure) HTTP/1.1" 200 512
            https://bucket.s3.amazonaws.com/q4.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLEKEYID0001%2F20251231%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20251231T000000Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=\(aws)
            {"level":"info","url":"https://storage.googleapis.com/media/cat.jpeg?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=signer%40proj.iam.gserviceaccount.com%2F20251231%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20251231T120000Z&X-Goog-Expires=604800&X-Goog-SignedHeaders=host&X-Goog-Signature=\(gcs)"}

            """
        let har = """
            {"log": {"entries": [
              {
                "startedDateTime": "2025-12-31T12:00:00.000Z",
                "request": {
                  "method": "GET",
                  "url": "https://acct.blob.core.windows.net/c/b.txt?sp=r&se=2026-06-30&sv=2022-11-02&sr=b&sig=\(paired)",
                  "queryString": [
                    {
                      "name": "sig",
                      "value": "\(paired.removingPercentEncoding!)"
                    }
                  ]
                }
              }
            ]}}

            """
        let valid = "2026-01-01T00:00:00Z", expired = "2027-01-01T00:00:00Z"
        // `scan` keeps reporting only valid signed URLs: all four now, none (four counted) a year on.
        XCTAssertEqual(try findings(try scan(log)).map(\.ruleId), ["azure-sas-url", "aws-presigned-url", "gcs-signed-url"])
        XCTAssertEqual(try findings(try scan(har, path: "session.har")).map(\.ruleId), ["azure-sas-url"], "the pair folds into its URL")
        let later = try run(["scan", "-", "--now", expired, "--format", "json"], stdin: Data(log.utf8))
        XCTAssertEqual(later.status, 0, later.stdout)
        XCTAssertTrue(later.stdout.contains("\"expiredSignedURLs\" : 3"), later.stdout)

        for input in [log, har] {
            let before = try run(["redact", "--now", valid], stdin: Data(input.utf8))
            let after = try run(["redact", "--now", expired], stdin: Data(input.utf8))
            XCTAssertEqual(before.status, 0, before.stderr)
            XCTAssertEqual(after.status, 0, after.stderr)
            XCTAssertEqual(after.stdout, before.stdout, "the masks do not depend on the clock")
            for secret in [azure, aws, gcs, paired, paired.removingPercentEncoding!] {
                XCTAssertFalse(after.stdout.contains(secret), "readable once expired:\n\(after.stdout)")
            }
        }
        let masked = try run(["redact", "--now", expired], stdin: Data((log + har).utf8)).stdout
        for kept in ["&sr=b&sig=[REDACTED:signed-url:", "&X-Amz-SignedHeaders=host&X-Amz-Signature=[REDACTED:signed-url:",
                     "&X-Goog-SignedHeaders=host&X-Goog-Signature=[REDACTED:signed-url:", "\"name\": \"sig\",\n", "\"value\": \"[REDACTED:"] {
            XCTAssertTrue(masked.contains(kept), "\(kept) in\n\(masked)")
        }
        XCTAssertTrue(masked.hasPrefix("10.0.0.7 - - [31/Dec/2025:10:00:00 +0000] \"GET /backups/db.bak?sp=r&se=2026-06-30&sv=2022-11-02&sr=b&sig="), masked)

        let wrong = try run(["redact", "--now", "yesterday"], stdin: Data(log.utf8))
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.stderr.contains("--now must be ISO 8601"), wrong.stderr)
        XCTAssertEqual(wrong.stdout, "", "nothing is written unmasked")
    }

    /// A HAR entry repeats its URL's query as `queryString` pairs: the signature there is the
    /// URL's, one finding with the URL while it is valid and none once it has expired; `redact`
    /// masks it in the pair too (it was left readable). A signature pair whose URL is nowhere in
    /// the input is a finding of its own.
    func testHARQueryStringSignaturesFoldIntoTheirURL() throws {
        let live = Self.azureSignature(61), expired = Self.azureSignature(62), aws = Self.hex(63), alone = Self.azureSignature(64)
        func entry(_ url: String, _ query: [(String, String)]) -> String {
            let pairs = query.map { "            {\n              \"name\": \"\($0.0)\",\n              \"value\": \"\($0.1)\"\n            }" }
            return """
                    {
                      "startedDateTime": "2025-12-31T12:00:00.000Z",
                      "request": {
                        "method": "GET",
                        "url": "\(url)",
                        "queryString": [
                \(pairs.joined(separator: ",\n"))
                        ]
                      }
                    }
                """
        }
        let liveURL = "https://acct.blob.core.windows.net/c/b.txt?sp=rw&se=2099-06-30&sv=2022-11-02&sr=b&sig=\(live)"
        let expiredURL = "https://acct.blob.core.windows.net/c/old.txt?sp=r&se=2025-06-30&sv=2022-11-02&sr=b&sig=\(expired)"
        let awsURL = "https://bucket.s3.amazonaws.com/q4.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLEKEYID0001%2F20251231%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20251231T120000Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=\(aws)"
        let har = """
            {"log": {"entries": [
            \(entry(liveURL, [("sp", "rw"), ("se", "2099-06-30"), ("sv", "2022-11-02"), ("sr", "b"), ("sig", live.removingPercentEncoding!)])),
            \(entry(expiredURL, [("sp", "r"), ("se", "2025-06-30"), ("sig", expired)])),
            \(entry(awsURL, [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Date", "20251231T120000Z"), ("X-Amz-Signature", aws)])),
            \(entry("https://acct.blob.core.windows.net/c/other.txt", [("sig", alone)]))
            ]}}

            """
        let scanned = try findings(try scan(har, path: "session.har"))
        XCTAssertEqual(scanned.map(\.ruleId).sorted(), ["aws-presigned-url", "azure-sas-url", "named-pair"], "\(scanned.map { "\($0.line) \($0.ruleId)" })")
        let pair = scanned.first { $0.ruleId == "named-pair" }
        XCTAssertEqual(pair.map { har.split(separator: "\n", omittingEmptySubsequences: false)[$0.line - 1].contains(alone) }, true)
        XCTAssertEqual(pair?.severity, .medium)
        let redacted = try run(["redact", "--now", now], stdin: Data(har.utf8))
        XCTAssertEqual(redacted.status, 0, redacted.stderr)
        // Every URL's signature is masked wherever it stands, the expired URL's too, and every
        // signature pair.
        for secret in [live, expired, aws] { XCTAssertFalse(redacted.stdout.contains(secret), redacted.stdout) }
        for secret in [live.removingPercentEncoding!, expired, aws, alone] {
            XCTAssertFalse(redacted.stdout.contains("\"value\": \"\(secret)\""), "\(secret) is readable:\n\(redacted.stdout)")
        }
        XCTAssertTrue(redacted.stdout.contains("\"name\": \"X-Amz-Signature\""), "names stay readable")
    }

    /// Query separators written escaped: `\u0026` (Go's and other JSON encoders escape `&`) and
    /// `&amp;` (HTML, XML). The URL is still one signed URL judged by its expiry and permissions:
    /// once, not once per decoding of its `%2F`s, and an expired one is counted once.
    func testEscapedQuerySeparatorsStillReadAsOneSignedURL() throws {
        let write = Self.azureSignature(51), read = Self.azureSignature(52), aws = Self.hex(53)
        let azureWrite = "https://acct.blob.core.windows.net/c/b.txt?sp=rw&st=2025-12-01T00:00:00Z&se=2026-06-30T00:00:00Z&spr=https&sv=2022-11-02&sr=b&sig=\(write)"
        let awsURL = "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLEKEYID0001%2F20251231%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20251231T230000Z&X-Amz-Expires=7200&X-Amz-SignedHeaders=host&X-Amz-Signature=\(aws)"
        let azureRead = "https://acct.blob.core.windows.net/logs/a.log?sv=2022-11-02&sp=rl&se=2026-03-01&sr=b&sig=\(read)"
        let expired = "https://acct.blob.core.windows.net/c/old?sp=rw&se=2025-06-30&sv=2022-11-02&sr=b&sig=\(Self.azureSignature(54))"
        func json(_ url: String) -> String { #"{"level":"info","msg":"upload","url":"\#(url.replacingOccurrences(of: "&", with: #"\u0026"#))"}"# }
        func html(_ url: String) -> String { #"<a href="\#(url.replacingOccurrences(of: "&", with: "&amp;"))">download</a>"# }
        let text = [json(azureWrite), json(awsURL), html(azureRead), json(expired), html(expired)].joined(separator: "\n") + "\n"
        let run = try scan(text, format: "json")
        XCTAssertEqual(run.status, 1, run.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        let found = report["findings"] as! [[String: Any]]
        XCTAssertEqual(found.map { $0["line"] as? Int }, [1, 2, 3], "one finding per valid signed URL:\n\(run.stdout)")
        XCTAssertEqual(found.map { $0["ruleId"] as? String }, ["azure-sas-url", "aws-presigned-url", "azure-sas-url"])
        XCTAssertEqual(found.map { $0["severity"] as? String }, ["high", "medium", "medium"], run.stdout)
        let codes = found.map { ($0["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } }
        XCTAssertEqual(codes.map { $0.contains("expires") }, [true, true, true], "\(codes)")
        XCTAssertTrue(codes.first?.contains("signed-url-write") == true, "\(codes)")
        XCTAssertEqual((report["summary"] as? [String: Any])?["expiredSignedURLs"] as? Int, 2, "each expired URL once")
    }

    /// `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` signs one
    /// request: the signature is bound to that request's time (valid for minutes), reveals no key,
    /// and the access key id is not a secret. No finding, in raw HTTP, `curl -v`, a JSON log's
    /// header object and botocore's debug log, while a bearer token beside it still is one.
    func testAWSSigV4AuthorizationHeaderIsNoFinding() throws {
        let header = "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEYID0001/20251231/eu-west-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=\(Self.hex(61))"
        let lines = [
            "GET /k HTTP/1.1", "Host: b.s3.amazonaws.com", "X-Amz-Date: 20251231T120000Z", "Authorization: \(header)",
            "> authorization: \(header)",
            #"{"request":{"headers":{"authorization":"\#(header)","x-amz-date":"20251231T120000Z"}}}"#,
            "DEBUG botocore.auth: Signature: \(Self.hex(62)) {'Authorization': b'\(header)'}",
        ]
        let quiet = try scan(lines.joined(separator: "\n") + "\n")
        XCTAssertEqual(quiet.status, 0, quiet.stdout + quiet.stderr)
        XCTAssertEqual(try findings(quiet).count, 0, quiet.stdout)
        // The other way: a bearer token in the same log is still found.
        let bearer = NamedValueCLITests.opaque(63)
        let mixed = try scan((lines + ["Authorization: Bearer \(bearer)"]).joined(separator: "\n") + "\n")
        XCTAssertEqual(try findings(mixed).map(\.line), [lines.count + 1], mixed.stdout)
    }

    func testSARIFOfSignedURLsValidates() throws {
        let run = try scan("GET /c/b?sp=rw&se=2026-06-30&sv=2022-11-02&sr=b&sig=\(Self.azureSignature(41)) HTTP/1.1\n", format: "sarif")
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stdout.contains("signed-url-write"), run.stdout)
        let file = try temporaryDirectory().appendingPathComponent("signed.sarif")
        try run.stdout.write(to: file, atomically: true, encoding: .utf8)
        let validator = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/tools/validate-sarif")
        guard FileManager.default.isExecutableFile(atPath: validator.path) else {
            throw XCTSkip("validate-sarif is not available at \(validator.path): the SARIF was not validated")
        }
        let checked = try Command.run([validator.path, "--spec", "--github", file.path], in: file.deletingLastPathComponent())
        XCTAssertEqual(checked.status, 0, checked.output)
    }
}
