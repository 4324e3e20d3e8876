import Foundation
import XCTest
import FixtureKit
import TokenFormats
import TokenScanModel

/// Issue #20 through the binary: the credentials requests carry — session cookies, API keys in
/// headers, refresh tokens in token caches — in raw HTTP, access logs, JSON-log header objects,
/// HAR name/value pairs and `curl` command lines; what grants nothing (analytics, consent, CSRF,
/// request ids) is no finding; `redact` keeps the names readable.
///
/// Values come from a seeded generator (`NamedValueCLITests.opaque`), never literals: the
/// repository scans itself clean.
final class RequestCredentialsCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    func token(_ seed: UInt64, length: Int = 32) -> String { NamedValueCLITests.opaque(seed + 2000, length: length) }

    func scan(_ files: [String: String]) throws -> (run: CLIRun, findings: [Finding]) {
        let directory = try temporaryDirectory()
        for (path, text) in files { try text.write(to: directory.appendingPathComponent(path), atomically: true, encoding: .utf8) }
        let run = try run(["scan", ".", "--now", now, "--format", "jsonl", "--show-secrets"], directory: directory)
        let findings = try run.stdout.split(separator: "\n").map { try JSONDecoder().decode(Finding.self, from: Data($0.utf8)) }
        return (run, findings)
    }

    /// Flask's session cookie (itsdangerous URLSafeTimedSerializer): base64url of the JSON
    /// session, a timestamp and an HMAC, joined by dots; it starts `eyJ` and is no JWT.
    func flaskSession(_ seed: UInt64) -> String {
        Base64.urlEncode(Array("{\"_fresh\":false,\"_user_id\":\"\(seed)\"}".utf8)) + "." + token(seed, length: 6) + "." + token(seed + 1, length: 27)
    }

    /// Laravel's session cookie: base64 of the encrypted JSON envelope (Illuminate\Encryption),
    /// percent-encoded in the header.
    func laravelSession(_ seed: UInt64) -> String {
        let envelope = "{\"iv\":\"\(token(seed, length: 22))==\",\"value\":\"\(token(seed + 1, length: 64))\",\"mac\":\"\(token(seed + 2, length: 64).lowercased())\",\"tag\":\"\"}"
        return Data(envelope.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "%3D")
    }

    func isValue(_ finding: Finding, _ value: String) -> Bool {
        finding.secret == value || finding.secret == value.removingPercentEncoding
    }

    /// The session cookies the frameworks document, each in the carriers a log audit meets. Today
    /// only the names holding `sessionid`/`sessid` were found: Express, Rails, Laravel, Flask and
    /// ASP.NET Core's cookies were not.
    func testFrameworkSessionCookiesAreMediumAndCookiesThatGrantNothingAreNot() throws {
        let sessions = [
            ("JSESSIONID", token(1)), ("connect.sid", "s%3A\(token(2)).\(token(3, length: 43))"), ("sessionid", token(4)),
            ("PHPSESSID", token(5, length: 26).lowercased()), ("ASP.NET_SessionId", token(6, length: 24).lowercased()),
            (".AspNetCore.Session", "CfDJ8" + token(7, length: 90)), (".AspNetCore.Cookies", "CfDJ8" + token(8, length: 120)),
            (".ASPXAUTH", token(9, length: 64).uppercased()), ("_shop_session", token(10, length: 60)),
            ("laravel_session", laravelSession(11)), ("session", flaskSession(12)),
        ]
        let harmless = [
            ("_ga", "GA1.2.1385726419.1700000000"), ("_gid", "GA1.2.9921837465.1700000000"), ("_fbp", "fb.1.1700000000000.1385726419"),
            ("csrftoken", token(20)), ("XSRF-TOKEN", token(21, length: 40)), ("ai_session", "\(token(22, length: 5))|1700000000000|1700000000000"),
            ("cookieconsent_status", "dismiss"), ("lang", "en-GB"),
        ]
        let header = (sessions + harmless).map { "\($0.0)=\($0.1)" }.joined(separator: "; ")
        let files = [
            "request.http": "GET /account HTTP/1.1\r\nHost: shop.example.com\r\nCookie: \(header)\r\n\r\n",
            "trace.txt": "> GET /account HTTP/2\n> Host: shop.example.com\n> cookie: \(header)\n>\n< HTTP/2 200\n",
            "app.jsonl": "{\"ts\":\"2025-12-31T12:00:00Z\",\"method\":\"GET\",\"path\":\"/account\",\"headers\":{\"cookie\":\"\(header)\",\"x-request-id\":\"\(token(23))\"}}\n",
            "fetch.sh": "curl -b '\(header)' https://shop.example.com/account\n",
        ]
        let (run, findings) = try scan(files)
        XCTAssertEqual(run.status, 1, run.stderr)
        for path in files.keys {
            let here = findings.filter { $0.path == path }
            for (name, value) in sessions {
                let finding = here.first { isValue($0, value) }
                XCTAssertNotNil(finding, "\(path): the session cookie \(name) was not found")
                XCTAssertEqual(finding?.severity, .medium, "\(path): \(name) is a live session (design §5)")
            }
            for (name, value) in harmless {
                XCTAssertFalse(here.contains { value.contains($0.secret) }, "\(path): \(name) grants nothing")
            }
            XCTAssertEqual(here.count, sessions.count, "\(path): \(here.map(\.secret))")
        }
    }

    /// Credentials on command lines, as shell histories and CI logs keep them: long options with
    /// `=` or a space (`--api-key=…`, `--token …`), Java system properties, and curl's cookie
    /// option with the cookie glued to it (`-bJSESSIONID=…`, which was missed while `-b 'n=v'`
    /// was found). A file name, a variable or the next option after the name is no value.
    func testCredentialsOnCommandLines() throws {
        let values = (0..<5).map { token(60 + UInt64($0)) }
        let history = """
            curl -bJSESSIONID=\(values[0]) https://shop.example.com/account
            mycli deploy --api-key=\(values[1]) --region eu-west-1
            release-tool publish --auth-token \(values[2]) --dry-run
            java -Dservice.api.token=\(values[3]) -jar app.jar
            + deploy --session-token '\(values[4])'
            mycli --token-file /var/run/secrets/kubernetes.io/serviceaccount/token
            mycli --api-key "$API_KEY" --auth-token --use-credential-helper-from-environment

            """
        let (run, findings) = try scan([".bash_history": history, "ci.log": "2025-12-31T12:00:00Z " + history.replacingOccurrences(of: "\n", with: "\n2025-12-31T12:00:01Z ")])
        XCTAssertEqual(run.status, 1, run.stderr)
        for path in [".bash_history", "ci.log"] {
            let here = findings.filter { $0.path == path }
            XCTAssertEqual(Set(here.map(\.secret)), Set(values), "\(path): \(here.map { "\($0.line): \($0.secret)" })")
            XCTAssertTrue(here.allSatisfy { $0.severity == .medium }, "\(here.map(\.severity))")
        }
    }

    /// The name a report shows for a value on a command line is the one the rule read, in every
    /// format that shows it (text's `in NAME`, JSON's `request.field`, the reason every format
    /// carries): `curl -bJSESSIONID=…` was shown "in bJSESSIONID" and a define
    /// `-Dservice.api.token=…` was judged and shown as `Dservice.api.token`; `--auth-token VALUE`
    /// showed no name at all. A JWT in a cookie glued to `-b` is shown in its cookie too, and a
    /// base64 value keeps its name past the option letter when it is decoded.
    func testCommandLineNamesAreShownAsTheRuleReadsThem() throws {
        let values = (0..<6).map { token(80 + UInt64($0)) }
        let jwt = TokenMinter.jwt(claims: ["sub": "cli", "exp": 1_900_000_000])
        let encoded = Data(values[5].utf8).base64EncodedString()
        let lines = [
            ("curl -bJSESSIONID=\(values[0]) https://shop.example.com/account", values[0], "JSESSIONID"),
            ("mycli deploy --api-key=\(values[1]) --region eu-west-1", values[1], "api-key"),
            ("java -Dservice.api.token=\(values[2]) -jar app.jar", values[2], "service.api.token"),
            ("release-tool publish --auth-token \(values[3]) --dry-run", values[3], "auth-token"),
            ("curl -H \"X-Api-Key: \(values[4])\" https://api.example.com/v1/items", values[4], "X-Api-Key"),
            ("curl -bsession=\(jwt) https://shop.example.com/account", jwt, "session"),
            ("java -Dpayments.api.token=\(encoded) -jar app.jar", values[5], "payments.api.token"),
        ]
        let history = lines.map(\.0).joined(separator: "\n") + "\n"
        let (run, findings) = try scan(["history.sh": history])
        XCTAssertEqual(run.status, 1, run.stderr)
        for (line, value, name) in lines {
            let finding = findings.first { $0.secret == value }
            XCTAssertNotNil(finding, "not found: \(line)")
            XCTAssertEqual(finding?.request?.field, name, line)
            if let reason = finding?.reasons.first(where: { $0.code == "opaque-token" }) {
                XCTAssertTrue(reason.message.contains("assigned to `\(name)`"), "\(line): \(reason.message)")
            }
        }
        let directory = try temporaryDirectory()
        try history.write(to: directory.appendingPathComponent("history.sh"), atomically: true, encoding: .utf8)
        let text = try self.run(["scan", ".", "--now", now], directory: directory)
        let sarif = try self.run(["scan", ".", "--now", now, "--format", "sarif"], directory: directory)
        for (_, _, name) in lines {
            XCTAssertTrue(text.stdout.contains("in \(name)\n") || text.stdout.contains(" in \(name)\n"), "text: no `in \(name)`:\n\(text.stdout)")
        }
        // What names the value: SARIF's messages (the reasons), JSON's fields and reasons (checked
        // above). The snippet quotes the line as written, option letter and all.
        let sarifLog = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        let results = ((sarifLog["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
        let messages = results.compactMap { ($0["message"] as? [String: Any])?["text"] as? String }
        XCTAssertEqual(messages.count, lines.count, sarif.stdout)
        for wrong in ["bJSESSIONID", "Dservice", "Dpayments", "bsession"] {
            XCTAssertFalse(text.stdout.contains(wrong), "text shows \(wrong):\n\(text.stdout)")
            XCTAssertFalse(messages.contains { $0.contains(wrong) }, "SARIF shows \(wrong): \(messages)")
            XCTAssertFalse(findings.contains { $0.request?.field?.contains(wrong) == true || $0.reasons.contains { $0.message.contains(wrong) } },
                           "JSON Lines shows \(wrong)")
        }
        XCTAssertTrue(messages.contains { $0.contains("assigned to `service.api.token`") }, "\(messages)")
    }

    /// A `Set-Cookie` whose `Expires` has passed, or whose `Max-Age` has run out counted from the
    /// log line's own time, is low; counted from `--now` when the line has no time.
    func testSetCookieThatSaysItIsGoneIsLow() throws {
        let lines = [
            ("Set-Cookie: sessionid=\(token(30)); expires=Thu, 01 Jan 2015 00:00:00 GMT; HttpOnly; Path=/", Severity.low),
            ("< set-cookie: JSESSIONID=\(token(31)); Max-Age=0; Path=/; Secure", .low),
            ("2025-06-01T10:00:00Z resp Set-Cookie: laravel_session=\(token(32, length: 60)); Max-Age=7200; path=/; httponly", .low),
            ("[31/Dec/2025:23:30:00 +0000] Set-Cookie: _shop_session=\(token(33, length: 60)); Max-Age=2592000; path=/", .medium),
            ("Set-Cookie: PHPSESSID=\(token(34, length: 26).lowercased()); expires=Fri, 31-Dec-2027 23:59:59 GMT; path=/", .medium),
            ("Set-Cookie: connect.sid=s%3A\(token(35)).\(token(36, length: 43)); Path=/; Max-Age=86400000; HttpOnly", .medium),
        ]
        let (run, findings) = try scan(["responses.log": lines.map(\.0).joined(separator: "\n") + "\n"])
        XCTAssertEqual(run.status, 1, run.stderr)
        for (index, (line, severity)) in lines.enumerated() {
            let finding = findings.first { $0.line == index + 1 }
            XCTAssertEqual(finding?.severity, severity, line)
            if severity == .low { XCTAssertTrue(finding?.reasons.contains { $0.code == "expired" } == true, "\(finding?.reasons ?? [])") }
        }
    }

    /// A HAR response's cookies, pretty-printed as browsers export them: a `Set-Cookie` header's
    /// `Max-Age` counts from the entry's `startedDateTime` (lines above, not on the value's line),
    /// and a cookie object's `expires` is its end of life. Both stayed medium before: the header's
    /// name is on the line before its value, and the entry's time further up.
    func testHARCookieLifetimesCountFromTheEntry() throws {
        let gone = token(70), goneObject = token(71), live = token(72), liveObject = token(73)
        func entry(_ started: String, header: String, object: String, expires: String) -> String {
            """
                  {
                    "startedDateTime": "\(started)",
                    "time": 112.5,
                    "request": { "method": "POST", "url": "https://shop.example.com/login", "headers": [] },
                    "response": {
                      "status": 302,
                      "headers": [
                        {
                          "name": "Location",
                          "value": "/account"
                        },
                        {
                          "name": "set-cookie",
                          "value": "sessionid=\(header); Max-Age=7200; Path=/; HttpOnly"
                        }
                      ],
                      "cookies": [
                        {
                          "name": "sessionid",
                          "value": "\(object)",
                          "path": "/",
                          "expires": "\(expires)",
                          "httpOnly": true
                        }
                      ]
                    }
                  }
            """
        }
        let har = """
            {
              "log": {
                "entries": [
            \(entry("2025-06-01T10:00:00.000Z", header: gone, object: goneObject, expires: "2025-06-01T12:00:00.000Z")),
            \(entry("2025-12-31T23:30:00.000Z", header: live, object: liveObject, expires: "2026-01-01T01:30:00.000Z"))
                ]
              }
            }

            """
        let (run, findings) = try scan(["login.har": har])
        XCTAssertEqual(run.status, 1, run.stderr)
        let severity = Dictionary(findings.map { ($0.secret, $0.severity) }, uniquingKeysWith: { $1 })
        XCTAssertEqual(severity[gone], .low, "Max-Age 7200 from 2025-06-01T10:00Z is over at --now 2026-01-01")
        XCTAssertEqual(severity[goneObject], .low, "expires 2025-06-01T12:00Z is past")
        XCTAssertEqual(severity[live], .medium, "Max-Age 7200 from 2025-12-31T23:30Z runs to 01:30")
        XCTAssertEqual(severity[liveObject], .medium)
        XCTAssertTrue(findings.first { $0.secret == gone }?.reasons.contains { $0.code == "expired" } == true)
    }

    /// A JWT in a cookie is that token: judged by its claims (expired → low), not as a session id.
    func testJWTInACookieIsJudgedAsThatToken() throws {
        let live = TokenMinter.jwt(claims: ["sub": "cookie-user", "exp": 1_900_000_000])
        let expired = TokenMinter.jwt(claims: ["sub": "cookie-user", "exp": 1_600_000_000])
        let (run, findings) = try scan(["cookies.txt": "Cookie: KEYCLOAK_IDENTITY=\(live); session=\(expired)\n"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertEqual(findings.count, 2, run.stdout)
        XCTAssertEqual(findings.first { $0.secret == live }?.ruleId, "jwt")
        XCTAssertEqual(findings.first { $0.secret == expired }?.severity, .low)
    }

    /// A HAR file, pretty-printed as browsers export it: each `{"name": …, "value": …}` pair is
    /// judged by the name beside the value, and the finding points at the value.
    func testHARPairsAreJudgedByTheNameBesideTheValue() throws {
        let key = token(40), session = token(41, length: 26).lowercased(), requestID = token(42)
        let har = """
        {
          "log": {
            "entries": [
              {
                "startedDateTime": "2025-12-31T12:00:00.000Z",
                "request": {
                  "method": "GET",
                  "url": "https://api.example.com/v1/orders",
                  "headers": [
                    {
                      "name": "X-Api-Key",
                      "value": "\(key)"
                    },
                    { "name": "X-Request-Id", "value": "\(requestID)" },
                    { "name": "If-None-Match", "value": "W/\\"\(token(43))\\"" }
                  ],
                  "cookies": [
                    {
                      "name": "PHPSESSID",
                      "value": "\(session)",
                      "path": "/",
                      "httpOnly": true
                    },
                    { "name": "_gid", "value": "GA1.2.9921837465.1700000000" }
                  ]
                }
              }
            ]
          }
        }

        """
        let (run, findings) = try scan(["export.har": har])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertEqual(Set(findings.map(\.secret)), [key, session], run.stdout)
        let lines = har.split(separator: "\n", omittingEmptySubsequences: false)
        for finding in findings {
            let line = String(lines[finding.line - 1])
            XCTAssertTrue(line.contains("\"value\": \"\(finding.secret)\""), "the value's own line: \(line)")
            XCTAssertEqual(finding.severity, .medium)
        }
    }

    /// API keys in request headers: raw HTTP, `curl -H`, gRPC metadata, JSON-log header objects.
    /// Request ids, trace context and ETags are no findings.
    func testAPIKeyHeadersInEveryCarrier() throws {
        let files = [
            "request.http": "GET /v1/items HTTP/1.1\nX-Api-Key: \(token(50))\nX-Request-Id: \(token(51))\nETag: \"\(token(52))\"\n",
            "call.sh": "curl -H 'Ocp-Apim-Subscription-Key: \(token(53).lowercased())' -H 'traceparent: 00-\(token(54).lowercased())-00f067aa0ba902b7-01' https://x.azure-api.net/\n",
            "grpc.sh": "grpcurl -H 'x-auth-token: \(token(55))' -H 'x-correlation-id: \(token(56))' api.example.com:443 orders.Orders/List\n",
            "gateway.jsonl": "{\"request\":{\"headers\":{\"apikey\":\"\(token(57))\",\"x-amzn-trace-id\":\"Root=1-\(token(58))\"}}}\n",
        ]
        let (run, findings) = try scan(files)
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertEqual(Set(findings.map(\.path)), Set(files.keys), run.stdout)
        XCTAssertEqual(findings.count, files.count, run.stdout)
        XCTAssertTrue(findings.allSatisfy { $0.severity == .medium }, run.stdout)
    }

    /// MSAL's token cache keeps a refresh token under `"secret"` in a record whose
    /// `credential_type` is `RefreshToken`: high, as a refresh token is (design §5).
    func testMSALCacheRefreshTokenIsHigh() throws {
        let refresh = "0.AXoA" + token(60, length: 120)
        let cache = """
        {"RefreshToken": {"uid.utid-login.microsoftonline.com-refreshtoken-04b07795-8ddb-461a-bbee-02f9e1bf7b46--": {"credential_type": "RefreshToken", "secret": "\(refresh)", "home_account_id": "uid.utid", "environment": "login.microsoftonline.com", "client_id": "04b07795-8ddb-461a-bbee-02f9e1bf7b46"}}}

        """
        let (run, findings) = try scan(["msal_token_cache.json": cache])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertEqual(findings.count, 1, run.stdout)
        XCTAssertEqual(findings.first?.secret, refresh)
        XCTAssertEqual(findings.first?.severity, .high)
        XCTAssertTrue(findings.first?.reasons.contains { $0.code == "refresh-token" } == true)
    }

    /// `redact` on a log stream: cookie and header values masked, their names and the harmless
    /// cookies left readable.
    func testRedactMasksCookieAndHeaderValuesKeepingNames() throws {
        let session = token(70), sid = "s%3A\(token(71)).\(token(72, length: 43))", key = token(73)
        let input = """
        10.0.0.7 - - [31/Dec/2025:12:00:00 +0000] "GET /cart HTTP/1.1" 200 512 "-" "Mozilla/5.0" "JSESSIONID=\(session); _ga=GA1.2.1385726419.1700000000"
        {"headers":{"cookie":"connect.sid=\(sid); lang=en","x-api-key":"\(key)"}}

        """
        let result = try run(["redact"], stdin: Data(input.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        for secret in [session, key, token(71)] { XCTAssertFalse(result.stdout.contains(secret), result.stdout) }
        for kept in ["\"JSESSIONID=[REDACTED:", "; _ga=GA1.2.1385726419.1700000000\"", "{\"headers\":{\"cookie\":\"connect.sid=[REDACTED:",
                     "; lang=en\",\"x-api-key\":\"[REDACTED:"] {
            XCTAssertTrue(result.stdout.contains(kept), "\(kept) in \(result.stdout)")
        }
    }

    // MARK: AWS session tokens

    /// An STS session token as STS writes it: base64 after the header "IQoJb3JpZ2luX2Vj"
    /// (docs.aws.amazon.com/STS/latest/APIReference/API_Credentials.html), several hundred characters.
    func stsToken(_ seed: UInt64) -> String { Self.stsToken(seed) }

    static func stsToken(_ seed: UInt64) -> String {
        var random = SplitMix64(seed: seed + 3000)
        return "IQoJb3JpZ2luX2VjE" + Data((0..<300).map { _ in UInt8(random.below(256)) }).base64EncodedString()
    }

    /// A secret access key: 40 base64 characters. And its access key id (not a secret).
    func secretAccessKey(_ seed: UInt64) -> String { Self.secretAccessKey(seed) }

    static func secretAccessKey(_ seed: UInt64) -> String {
        var random = SplitMix64(seed: seed + 4000)
        return Data((0..<30).map { _ in UInt8(random.below(256)) }).base64EncodedString()
    }
    func accessKeyID(_ seed: UInt64) -> String { "ASIA" + token(seed + 4500, length: 16).uppercased() }

    static func percentEncoded(_ value: String) -> String {
        value.replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(of: "/", with: "%2F").replacingOccurrences(of: "=", with: "%3D")
    }

    /// Design §5: a session token on its own is low (it signs nothing without its secret access
    /// key), in every carrier: `AWS_SESSION_TOKEN=`, an `X-Amz-Security-Token` header, the
    /// percent-encoded query parameter of a URL that is no pre-signed URL,
    /// botocore's debug log (whose `Authorization: AWS4-HMAC-SHA256 … Signature=` is no finding),
    /// and the SDK for JavaScript's `sessionToken` (a session's name; the value's STS header says
    /// whose). Before, the URL's token was not found and `sessionToken` was a medium session token.
    func testAWSSessionTokenAloneIsLowInEveryCarrier() throws {
        let tokens = (1...5).map { stsToken(UInt64($0)) }
        let files = [
            "env.sh": "export AWS_REGION=eu-west-1\nexport AWS_SESSION_TOKEN=\(tokens[0])\n",
            "request.http": "GET /?Action=ListQueues HTTP/1.1\nHost: sqs.eu-west-1.amazonaws.com\nX-Amz-Security-Token: \(tokens[1])\n",
            "access.log": #"10.0.0.7 - - [31/Dec/2025:12:00:00 +0000] "GET /exports/q4.csv?X-Amz-Security-Token=\#(Self.percentEncoded(tokens[2]))&response-content-type=text%2Fcsv HTTP/1.1" 403 0"# + "\n",
            "debug.log": "2025-12-31 12:00:00,000 - MainThread - botocore.endpoint - DEBUG - Making request with params: {'headers': {'X-Amz-Date': b'20251231T120000Z', 'X-Amz-Security-Token': b'\(tokens[3])', 'Authorization': b'AWS4-HMAC-SHA256 Credential=\(accessKeyID(2))/20251231/eu-west-1/sqs/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=\(SignedURLCLITests.hex(3002))'}}\n",
            "sdk.log": "[AWS credentials] Credentials { accessKeyId: '\(accessKeyID(3))', sessionToken: '\(tokens[4])', expired: false }\n",
        ]
        let (run, findings) = try scan(files)
        XCTAssertEqual(run.status, 0, "low is below the default --fail-on: \(run.stdout)")
        for (index, path) in ["env.sh", "request.http", "access.log", "debug.log", "sdk.log"].enumerated() {
            let here = findings.filter { $0.path == path }
            XCTAssertEqual(here.count, 1, "\(path): \(here.map(\.secret))")
            guard let finding = here.first else { continue }
            XCTAssertTrue(isValue(finding, tokens[index]) || finding.secret == Self.percentEncoded(tokens[index]), "\(path): \(finding.secret)")
            XCTAssertEqual(finding.severity, .low, "\(path)")
            XCTAssertEqual(finding.tokenClass, "AWS session token", "\(path)")
            XCTAssertTrue(finding.reasons.contains { $0.code == "aws-session-token" }, "\(path): \(finding.reasons)")
        }
    }

    /// With its secret access key in the same input the session token is high, and the set is one
    /// finding (at the token; the key's own finding folds into it): an `.env`, the shared
    /// credentials file, and `aws sts assume-role` output (the key before the token). A secret
    /// access key without a token stays a medium finding of its own.
    func testAWSSessionTokenWithItsSecretAccessKeyIsOneHighFinding() throws {
        let files = [
            "env.sh": "export AWS_ACCESS_KEY_ID=\(accessKeyID(11))\nexport AWS_SESSION_TOKEN=\(stsToken(11))\nexport AWS_SECRET_ACCESS_KEY=\(secretAccessKey(11))\n",
            "credentials": "[default]\naws_access_key_id = \(accessKeyID(12))\naws_secret_access_key = \(secretAccessKey(12))\naws_session_token = \(stsToken(12))\n",
            "assume-role.json": """
            {
                "Credentials": {
                    "AccessKeyId": "\(accessKeyID(13))",
                    "SecretAccessKey": "\(secretAccessKey(13))",
                    "SessionToken": "\(stsToken(13))",
                    "Expiration": "2026-06-01T00:00:00+00:00"
                }
            }

            """,
            "long-term.env": "AWS_SECRET_ACCESS_KEY=\(secretAccessKey(14))\n",
        ]
        let (run, findings) = try scan(files)
        XCTAssertEqual(run.status, 1, run.stderr)
        let keyLines = ["env.sh": 3, "credentials": 3, "assume-role.json": 4]
        for (seed, path) in [(UInt64(11), "env.sh"), (12, "credentials"), (13, "assume-role.json")] {
            let here = findings.filter { $0.path == path }
            XCTAssertEqual(here.map(\.secret), [stsToken(seed)], "\(path): one finding for the set, at the token")
            guard let finding = here.first else { continue }
            XCTAssertEqual(finding.severity, .high, "\(path): \(finding.reasons)")
            let reason = finding.reasons.first { $0.code == "aws-credential-set" }
            XCTAssertNotNil(reason, "\(path): \(finding.reasons)")
            XCTAssertTrue(reason?.message.contains("at line \(keyLines[path]!)") == true, "\(path): \(reason?.message ?? "")")
            XCTAssertFalse(finding.reasons.contains { $0.code == "aws-session-token" }, "\(path): \(finding.reasons)")
        }
        let alone = findings.filter { $0.path == "long-term.env" }
        XCTAssertEqual(alone.map(\.secret), [secretAccessKey(14)])
        XCTAssertEqual(alone.first?.severity, .medium)
        XCTAssertEqual(alone.first?.tokenClass, "AWS secret access key")
    }

    /// A long input's findings go out in batches of 256 before it ends; a session token at its top
    /// and its key 300 findings later were judged apart (low and medium) because the token had
    /// gone out in the first batch. Findings that correlation may still change stay for the end.
    func testAWSCredentialSetIsPairedPastTheFirstBatchOfFindings() throws {
        let keys = (0..<300).map { "X-Api-Key: \(token(4000 + UInt64($0)))" }
        let text = "AWS_SESSION_TOKEN=\(stsToken(21))\n" + keys.joined(separator: "\n") + "\nAWS_SECRET_ACCESS_KEY=\(secretAccessKey(21))\n"
        let (run, findings) = try scan(["session.log": text])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertEqual(findings.count, 301, "300 API keys and one credential set")
        let set = findings.filter { $0.secret == stsToken(21) }
        XCTAssertEqual(set.first?.severity, .high, "\(set.first?.reasons ?? [])")
        XCTAssertTrue(set.first?.reasons.contains { $0.code == "aws-credential-set" } == true)
        XCTAssertFalse(findings.contains { $0.secret == secretAccessKey(21) }, "the key is part of the set's finding")
    }

    /// `redact` masks session tokens wherever they stand (also inside a valid signed URL, whose
    /// signature it masks too), keeping the names and the URL readable.
    func testRedactMasksAWSSessionTokens() throws {
        let date = "20251231"
        let inURL = stsToken(21), header = stsToken(22), env = stsToken(23), signature = SignedURLCLITests.hex(3021)
        let input = """
        > GET /q4.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=\(accessKeyID(21))%2F\(date)%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=\(date)T000000Z&X-Amz-Expires=604800&X-Amz-Security-Token=\(Self.percentEncoded(inURL))&X-Amz-SignedHeaders=host&X-Amz-Signature=\(signature) HTTP/2
        > X-Amz-Security-Token: \(header)
        AWS_SESSION_TOKEN=\(env)

        """
        let result = try run(["redact", "--now", now], stdin: Data(input.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        for secret in [String(Self.percentEncoded(inURL).prefix(60)), String(header.prefix(60)), String(env.prefix(60)), signature] {
            XCTAssertFalse(result.stdout.contains(secret), result.stdout)
        }
        for kept in ["&X-Amz-Security-Token=[REDACTED:", "> X-Amz-Security-Token: [REDACTED:", "AWS_SESSION_TOKEN=[REDACTED:", "&X-Amz-SignedHeaders=host&X-Amz-Signature=[REDACTED:"] {
            XCTAssertTrue(result.stdout.contains(kept), "\(kept) in \(result.stdout)")
        }
    }
}
