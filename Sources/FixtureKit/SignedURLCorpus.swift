import Foundation
import TokenFormats

/// The labelled corpus of issue #20's signed URLs, in each log format a log audit reads: access
/// logs, JSON logs, HAR exports, `curl -v` and CLI traces, CI logs — one directory per format, so
/// that recall and look-alikes are counted per format. Each holds valid signed URLs (Azure SAS in
/// URLs and connection strings, AWS SigV4 pre-signed URLs with and without a session token, GCS V4
/// and V2 signed URLs) and look-alikes that must not be reported: the same URLs expired,
/// with placeholder, masked or cut signatures, or with the signature stripped.
///
/// Positives come from generators written from the vendors' documentation (cited beside each),
/// before the rules that find them (design §8, "Detection corpora"). The reported secret is the
/// signature, as written (percent-encoded in a URL); the rest of the URL is context.
public enum SignedURLCorpus {
    public static let defaultSeed: UInt64 = 0x5349_474E_4544_0020

    /// The log formats, by the directory their files sit in.
    public enum Category: String, CaseIterable, Sendable {
        case accessLog = "access-log"
        case jsonLog = "json-log"
        case har
        case curl
        case ciLog = "ci-log"
    }

    public static func category(ofPath path: String) -> Category? {
        Category(rawValue: String(path.prefix { $0 != "/" }))
    }

    public static func generate(seed: UInt64 = defaultSeed) -> LabelledCorpus.Corpus {
        var writer = SignedURLWriter(seed: seed)
        var corpus = LabelledCorpus.Corpus(files: [], tokens: [], lookAlikes: [])
        for doc in writer.writeAll() { LabelledCorpus.finish(doc, into: &corpus) }
        return corpus
    }

    /// The severity a labelled signed URL must get (design §5): high with a write-type permission.
    public static func expectedSeverity(label: String) -> String {
        label.hasSuffix("-write") ? "high" : "medium"
    }

    /// Per category: tokens found of all, look-alikes reported of all (the same figures as the
    /// named-value corpus's).
    public static func figures(_ evaluation: LabelledCorpus.Evaluation, corpus: LabelledCorpus.Corpus) -> [Category: NamedValueCorpus.Figures] {
        var figures: [Category: NamedValueCorpus.Figures] = [:]
        let found = Set(evaluation.found)
        for token in corpus.tokens {
            guard let category = category(ofPath: token.expectation.path) else { continue }
            figures[category, default: .init()].tokens += 1
            if found.contains(token) { figures[category, default: .init()].found += 1 }
        }
        let flagged = Set(evaluation.reportedLookAlikes)
        for lookAlike in corpus.lookAlikes {
            guard let category = category(ofPath: lookAlike.path) else { continue }
            figures[category, default: .init()].lookAlikes += 1
            if flagged.contains(lookAlike) { figures[category, default: .init()].flagged += 1 }
        }
        return figures
    }
}

/// Mints the URLs and writes the files of `SignedURLCorpus`.
struct SignedURLWriter {
    var random: SplitMix64
    var docs: [Doc] = []
    var serial = 0
    var fakeSerial = 0

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    static let hex = "0123456789abcdef"

    /// A URL as three parts: what precedes the signature, the signature (the secret), what follows.
    struct SignedURL {
        var before: String
        var signature: String
        var after: String
        var label: String
        var rule: String
        var text: String { before + signature + after }
    }

    // MARK: values, each from its issuer's documentation

    /// Base64 of `count` random bytes, percent-encoded as a URL's query carries it.
    mutating func base64Signature(_ count: Int) -> String {
        while true {
            let encoded = Data(random.bytes(count)).base64EncodedString()
            if Placeholder.isPlaceholder(Array(encoded.utf8)) { continue }
            return SignedURLWriter.percentEncoded(encoded)
        }
    }

    static func percentEncoded(_ base64: String) -> String {
        base64.replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(of: "/", with: "%2F").replacingOccurrences(of: "=", with: "%3D")
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` (Azure's `se`/`st`) or `yyyyMMddTHHmmssZ` (SigV4's and GCS's dates).
    func stamp(_ date: Date, compact: Bool) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let year = String(c.year ?? 0)
        return compact ? "\(year)\(two(c.month))\(two(c.day))T\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
            : "\(year)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))Z"
    }

    /// After the corpus's clock (2026-01-01), by a day to a year; or before it, by a day to a year.
    mutating func expiry(valid: Bool) -> Date {
        let offset = TimeInterval(random.int(1...365) * 86_400 + random.int(0...86_399))
        return LabelledCorpus.now.addingTimeInterval(valid ? offset : -offset)
    }

    static let accounts = ["contosobackups", "prodlogs01", "mediastore", "fabrikamdata", "tailspinexports", "ciartifacts"]
    static let blobs = ["backups/db-2025-12-01.bak", "logs/app/2025/12/31/00.log", "images/cat.jpeg", "exports/orders.csv", "builds/app-1.4.2.zip",
                        "reports/q4.pdf"]
    static let buckets = ["acme-exports", "prod-artifacts", "media-uploads", "data-lake-raw", "ci-cache"]

    /// Azure service or account SAS (learn.microsoft.com/rest/api/storageservices/create-service-sas,
    /// …/create-account-sas): the portal's and SDKs' parameter orders, `sv` a service version,
    /// `se` ISO 8601 UTC, `sp` permission letters in the documented order, `sig` base64 of an
    /// HMAC-SHA256 (32 bytes). Write-type permissions make it high.
    mutating func azureSAS(valid: Bool = true, write: Bool? = nil) -> SignedURL {
        let account = random.pick(SignedURLWriter.accounts), blob = random.pick(SignedURLWriter.blobs)
        let isWrite = write ?? random.chance(50)
        let permissions = isWrite ? random.pick(["rw", "racwd", "rwdlacupiytfx", "cw", "racwdl", "w", "rwd"]) : random.pick(["r", "rl", "l", "rlf", "rt"])
        let version = random.pick(["2021-08-06", "2022-11-02", "2023-01-03", "2024-11-04"])
        let end = stamp(expiry(valid: valid), compact: false)
        let start = stamp(LabelledCorpus.now.addingTimeInterval(-Double(random.int(1...30)) * 86_400), compact: false)
        let query: String
        switch random.below(3) {
        case 0: query = "sp=\(permissions)&st=\(start)&se=\(end)&spr=https&sv=\(version)&sr=b&sig="
        case 1: query = "sv=\(version)&ss=b&srt=sco&sp=\(permissions)&se=\(end)&st=\(start)&spr=https&sig="
        default: query = "st=\(start.replacingOccurrences(of: ":", with: "%3A"))&se=\(end.replacingOccurrences(of: ":", with: "%3A"))&sp=\(permissions)&sv=\(version)&sr=b&sig="
        }
        return SignedURL(before: "https://\(account).blob.core.windows.net/\(blob)?\(query)", signature: base64Signature(32), after: "",
                         label: "signed:azure-sas-\(isWrite ? "write" : "read")", rule: "azure-sas-url")
    }

    /// An account SAS inside a connection string (learn.microsoft.com/azure/storage/common/
    /// storage-configure-connection-string, "Create a connection string using a shared access signature").
    mutating func azureConnectionString(valid: Bool = true) -> SignedURL {
        let account = random.pick(SignedURLWriter.accounts)
        let write = random.chance(50)
        let end = String(stamp(expiry(valid: valid), compact: false).prefix(10))
        return SignedURL(
            before: "BlobEndpoint=https://\(account).blob.core.windows.net/;QueueEndpoint=https://\(account).queue.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=bq&srt=sco&sp=\(write ? "rwdlacup" : "rl")&se=\(end)&sig=",
            signature: base64Signature(32), after: "", label: "signed:azure-connection-string-\(write ? "write" : "read")", rule: "azure-sas-url")
    }

    /// AWS SigV4 query authentication (docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html):
    /// the canonical order boto3 and the SDKs write, an access key id (AKIA long-term, ASIA with a
    /// session token), X-Amz-Expires at most 604800, and with temporary credentials an
    /// `X-Amz-Security-Token` (STS session token: base64 starting "IQoJb3JpZ2luX2Vj",
    /// docs.aws.amazon.com/STS/latest/APIReference/API_Credentials.html), percent-encoded.
    mutating func awsPresigned(valid: Bool = true) -> SignedURL {
        let session = random.chance(40)
        let bucket = random.pick(SignedURLWriter.buckets), key = random.pick(SignedURLWriter.blobs)
        let keyID = (session ? "ASIA" : "AKIA") + random.string(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let expires = valid ? random.pick([86_400, 259_200, 604_800]) : random.pick([300, 900, 3600])
        // Valid: signed at most a day before the clock, for two days or more. Expired: long before.
        let signed = valid ? LabelledCorpus.now.addingTimeInterval(-Double(random.int(60...86_000)))
            : LabelledCorpus.now.addingTimeInterval(-Double(random.int(2...300)) * 86_400)
        let date = stamp(signed, compact: true)
        let region = random.pick(["us-east-1", "eu-west-1", "ap-southeast-2"])
        var query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=\(keyID)%2F\(date.prefix(8))%2F\(region)%2Fs3%2Faws4_request"
            + "&X-Amz-Date=\(date)&X-Amz-Expires=\(expires)"
        if session {
            // Not assigned to a credential's name: the repository scans itself clean.
            let stsValue = "IQoJb3JpZ2luX2VjE" + Data(random.bytes(random.int(220...300))).base64EncodedString()
            query += "&X-Amz-Security-Token=" + SignedURLWriter.percentEncoded(stsValue)
        }
        query += "&X-Amz-SignedHeaders=host&X-Amz-Signature="
        return SignedURL(before: "https://\(bucket).s3.\(region).amazonaws.com/\(key)?\(query)", signature: random.string(64, SignedURLWriter.hex),
                         after: "", label: "signed:aws-presigned" + (session ? "-session-token" : ""), rule: "aws-presigned-url")
    }

    /// GCS V4 signing (cloud.google.com/storage/docs/authentication/signatures): GOOG4-RSA-SHA256
    /// with a service account (512 hex digits for a 2048-bit key) or GOOG4-HMAC-SHA256 with an HMAC
    /// key (64), X-Goog-Expires at most 604800.
    mutating func gcsV4(valid: Bool = true) -> SignedURL {
        let rsa = random.chance(60)
        let expires = valid ? random.pick([172_800, 604_800]) : random.pick([900, 3600])
        let signed = valid ? LabelledCorpus.now.addingTimeInterval(-Double(random.int(60...86_000)))
            : LabelledCorpus.now.addingTimeInterval(-Double(random.int(2...300)) * 86_400)
        let date = stamp(signed, compact: true)
        let credential = rsa ? "signer%40example-project.iam.gserviceaccount.com" : "GOOG1E" + random.string(55, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        let query = "X-Goog-Algorithm=GOOG4-\(rsa ? "RSA" : "HMAC")-SHA256&X-Goog-Credential=\(credential)%2F\(date.prefix(8))%2Fauto%2Fstorage%2Fgoog4_request"
            + "&X-Goog-Date=\(date)&X-Goog-Expires=\(expires)&X-Goog-SignedHeaders=host&X-Goog-Signature="
        return SignedURL(before: "https://storage.googleapis.com/\(random.pick(SignedURLWriter.buckets))/\(random.pick(SignedURLWriter.blobs))?\(query)",
                         signature: random.string(rsa ? 512 : 64, SignedURLWriter.hex), after: "", label: "signed:gcs-v4", rule: "gcs-signed-url")
    }

    /// GCS V2 signing (cloud.google.com/storage/docs/access-control/signed-urls-v2): GoogleAccessId,
    /// Expires in Unix seconds, Signature = base64 of an RSA-2048 signature (256 bytes).
    mutating func gcsV2(valid: Bool = true) -> SignedURL {
        let expires = Int(expiry(valid: valid).timeIntervalSince1970)
        return SignedURL(
            before: "https://storage.googleapis.com/\(random.pick(SignedURLWriter.buckets))/\(random.pick(SignedURLWriter.blobs))?GoogleAccessId=signer%40example-project.iam.gserviceaccount.com&Expires=\(expires)&Signature=",
            signature: base64Signature(256), after: "", label: "signed:gcs-v2", rule: "gcs-signed-url-v2")
    }

    mutating func nextSigned() -> SignedURL {
        serial += 1
        return signed(serial, valid: true)
    }

    /// The `index`-th of the formats in turn (positives and look-alikes count apart, so that each
    /// cycles through all of them).
    mutating func signed(_ index: Int, valid: Bool) -> SignedURL {
        switch index % 8 {
        case 0, 1: return azureSAS(valid: valid, write: index % 8 == 0)
        case 2: return azureConnectionString(valid: valid)
        case 3, 4: return awsPresigned(valid: valid)
        case 5, 6: return gcsV4(valid: valid)
        default: return gcsV2(valid: valid)
        }
    }

    /// The next look-alike: a signed URL that is no finding, and why.
    mutating func nextLookAlike() -> (kind: LabelledCorpus.LookAlikeKind, text: String) {
        fakeSerial += 1
        var url = signed(fakeSerial / 5 + fakeSerial, valid: fakeSerial % 5 != 0)
        switch fakeSerial % 5 {
        case 0: return (.expiredSignedURL, url.text)
        case 1:
            // Documentation placeholders in the signature's place.
            url.signature = url.rule == "aws-presigned-url" || url.rule == "gcs-signed-url"
                ? String(repeating: random.pick(["0", "a", "f"]), count: url.signature.count)
                : random.pick(["<signature>", "{signature}", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX%3D", "REDACTED", "%3Csignature%3E"])
            return (.placeholder, url.text)
        case 2:
            // Cut short: a log field limit, or a copy that lost its end.
            url.signature = String(url.signature.prefix(url.signature.count / 2))
            return (.truncatedSignature, url.text)
        case 3:
            // Masked by the logging pipeline.
            url.signature = random.pick(["***", "[REDACTED]", "********", "%2A%2A%2A%2A"])
            return (.masked, url.text)
        default:
            // The signature stripped before logging: the rest of the URL alone grants nothing.
            return (.url, String(url.before[..<(url.before.lastIndex(of: "&") ?? url.before.endIndex)]))
        }
    }

    func piece(_ url: SignedURL) -> Piece {
        Piece(url.before) + Piece.token(Secret(value: url.signature, kind: "signed-url", rule: url.rule, label: url.label)) + url.after
    }

    mutating func lookAlikePiece() -> Piece {
        let fake = nextLookAlike()
        return .lookAlike(fake.kind, fake.text)
    }

    // MARK: writing

    mutating func writeAll() -> [Doc] {
        accessLog()
        jsonLog()
        har()
        curl()
        ciLog()
        return docs
    }

    static let perFile = 26

    /// The path and query of a URL (what an access log's request line holds).
    static func pathAndQuery(_ piece: Piece) -> Piece {
        var piece = piece
        let text = String(decoding: piece.bytes, as: UTF8.self)
        guard let scheme = text.range(of: "://"), let slash = text[scheme.upperBound...].firstIndex(of: "/") else { return piece }
        let cut = text.utf8.distance(from: text.startIndex, to: slash)
        piece.bytes.removeFirst(cut)
        // A look-alike's mark covers the whole URL: it keeps what is left of it.
        piece.marks = piece.marks.map { var mark = $0; mark.range = max(0, mark.range.lowerBound - cut)..<(mark.range.upperBound - cut); return mark }
        return piece
    }

    mutating func clientLine(_ request: Piece, status: Int) -> Piece {
        let ip = "10.\(random.int(0...255)).\(random.int(0...255)).\(random.int(1...254))"
        let method = random.pick(["GET", "GET", "PUT", "HEAD"])
        return Piece("\(ip) - - [31/Dec/2025:\(random.int(10...23)):\(random.int(10...59)):\(random.int(10...59)) +0000] \"\(method) ") + request
            + " HTTP/1.1\" \(status) \(random.int(0...99_999)) \"-\" \"\(random.pick(["curl/8.5.0", "azsdk-python-storage-blob/12.19.0", "Boto3/1.34.0", "Mozilla/5.0"]))\"\n"
    }

    /// nginx / Apache combined format: the request line holds the path and query.
    mutating func accessLog() {
        for part in 1...2 {
            var doc = Doc("access-log/nginx/access-\(part).log")
            for index in 0..<SignedURLWriter.perFile {
                // A connection string is no request line: another signed URL in its place.
                let signed = connectionFree(nextSigned())
                let request = SignedURLWriter.pathAndQuery(piece(signed))
                doc.put(clientLine(request, status: 200))
                let fake = SignedURLWriter.pathAndQuery(lookAlikePiece())
                let status = random.pick([403, 404, 200])
                doc.put(clientLine(fake, status: status))
                if index % 5 == 0 { doc.put(clientLine(Piece("/healthz"), status: 200)) }
            }
            docs.append(doc)
        }
    }

    /// JSON lines from an application logger (pino, structlog, zap): the URL in a field.
    mutating func jsonLog() {
        for part in 1...2 {
            var doc = Doc("json-log/app/service-\(part).jsonl")
            for index in 0..<SignedURLWriter.perFile {
                let signed = nextSigned()
                let field = signed.before.hasPrefix("BlobEndpoint") ? "connectionString" : random.pick(["url", "download_url", "uploadUrl", "presigned"])
                doc.put(Piece("{\"ts\":\"2025-12-31T12:\(random.int(10...59)):00.000Z\",\"level\":\"info\",\"msg\":\"issued link\",\"\(field)\":\"") + piece(signed)
                    + "\",\"user\":\"u\(random.int(100...999))\"}\n")
                doc.put(Piece("{\"ts\":\"2025-12-31T13:\(random.int(10...59)):00.000Z\",\"level\":\"warn\",\"msg\":\"fetch failed\",\"url\":\"") + lookAlikePiece()
                    + "\",\"status\":403}\n")
                if index % 4 == 0 { doc.put("{\"ts\":\"2025-12-31T14:00:00.000Z\",\"level\":\"debug\",\"msg\":\"cache hit\",\"key\":\"objects/\(index)\"}\n") }
            }
            docs.append(doc)
        }
    }

    /// HAR 1.2 exports (browser devtools): each entry's `request.url` holds the signed URL.
    mutating func har() {
        for part in 1...2 {
            var doc = Doc("har/browser/session-\(part).har")
            doc.put("{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": {\"name\": \"Firefox\", \"version\": \"121.0\"},\n    \"entries\": [\n")
            for index in 0..<(SignedURLWriter.perFile * 2) {
                let url = index % 2 == 0 ? piece(connectionFree(nextSigned())) : lookAlikePiece()
                doc.put(Piece("      {\"startedDateTime\": \"2025-12-31T12:00:\(String(format: "%02d", index % 60)).000Z\", \"request\": {\"method\": \"GET\", \"url\": \"")
                    + url + "\", \"httpVersion\": \"HTTP/2\", \"headers\": [], \"queryString\": []}, \"response\": {\"status\": \(index % 2 == 0 ? 200 : 403)}}"
                    + (index == SignedURLWriter.perFile * 2 - 1 ? "\n" : ",\n"))
            }
            doc.put("    ]\n  }\n}\n")
            docs.append(doc)
        }
    }

    /// A connection string is no URL a browser or curl requests: another signed URL in its place.
    mutating func connectionFree(_ url: SignedURL) -> SignedURL {
        url.before.hasPrefix("BlobEndpoint") ? azureSAS() : url
    }

    /// `curl -v` traces (the request line after `> `) and the CLIs that print or take signed URLs:
    /// azcopy, `aws s3 presign`, `gsutil signurl`, `az storage blob generate-sas --full-uri`.
    mutating func curl() {
        for part in 1...2 {
            var doc = Doc("curl/traces/session-\(part).txt")
            for index in 0..<SignedURLWriter.perFile {
                let signed = connectionFree(nextSigned())
                let host = String(signed.before.split(separator: "/")[1])
                switch index % 4 {
                case 0:
                    doc.put("*   Trying 52.216.0.1:443...\n* Connected to \(host) port 443\n")
                    doc.put(Piece("> GET ") + SignedURLWriter.pathAndQuery(piece(signed)) + " HTTP/2\n> Host: \(host)\n> User-agent: curl/8.5.0\n>\n< HTTP/2 200\n")
                case 1: doc.put(Piece("$ azcopy copy '") + piece(signed) + "' ./download --recursive\nINFO: Scanning...\n")
                case 2: doc.put(Piece("$ aws s3 presign s3://bucket/key --expires-in 604800\n") + piece(signed) + "\n")
                default: doc.put(Piece("URL\tHTTP Method\tExpiration\tSigned URL\ngs://bucket/object\tGET\t2026-01-07 12:00:00\t") + piece(signed) + "\n")
                }
                doc.put(Piece("$ curl -sS -o out.bin '") + lookAlikePiece() + "'\ncurl: (22) The requested URL returned error: 403\n")
            }
            docs.append(doc)
        }
    }

    /// CI job logs (GitHub Actions, GitLab CI): timestamped lines that print upload and download URLs.
    mutating func ciLog() {
        for part in 1...2 {
            var doc = Doc("ci-log/jobs/build-\(part).log")
            for index in 0..<SignedURLWriter.perFile {
                let stamp = "2025-12-31T12:\(String(format: "%02d", index % 60)):\(String(format: "%02d", (index * 7) % 60)).1234567Z"
                let signed = nextSigned()
                if signed.before.hasPrefix("BlobEndpoint") {
                    doc.put(Piece("\(stamp) AZURE_STORAGE_CONNECTION_STRING=") + piece(signed) + "\n")
                } else {
                    doc.put(Piece("\(stamp) Uploading artifact to ") + piece(signed) + "\n")
                }
                doc.put(Piece("\(stamp) ##[warning]Download failed for ") + lookAlikePiece() + "\n")
                if index % 6 == 0 { doc.put("\(stamp) ##[group]Run actions/cache@v4\n\(stamp) ##[endgroup]\n") }
            }
            docs.append(doc)
        }
    }
}
