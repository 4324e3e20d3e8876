import Foundation
import TokenFormats

/// Issue #20's categories of the named-value corpus: session cookies (`cookies/`) and API keys in
/// request headers (`headers/`), each in the formats a log audit meets — raw HTTP, `curl -v`
/// traces and `curl -b`/`-H`/`grpcurl -H` command lines, access-log cookie fields, JSON-log header
/// objects and HAR name/value pairs — each line beside a look-alike of its own format (analytics,
/// consent and CSRF cookies; request ids, trace context, ETags; placeholders under a key's name).
///
/// Each value is minted as its issuer documents it (the source beside each generator).
extension NamedValueWriter {
    /// The next session cookie: its name, its value and whether the value goes out percent-encoded
    /// (as the framework writes it into the header).
    mutating func sessionCookie() -> (name: String, value: String, encoded: Bool, label: String) {
        serial += 1
        switch serial % 10 {
        case 0:
            // Tomcat's StandardSessionIdGenerator: 16 random bytes as 32 upper-case hex digits, and
            // `.<jvmRoute>` behind a balancer (https://tomcat.apache.org/tomcat-10.1-doc/config/sessionidgenerator.html).
            let id = draw { $0.string(32, "0123456789ABCDEF") }
            return ("JSESSIONID", id + (random.chance(30) ? ".node\(random.int(1...9))" : ""), false, "cookies:jsessionid")
        case 1:
            // PHP: session.sid_length (default 32, 22–256) characters of session.sid_bits_per_character
            // 4 ([0-9a-f]) or 5 ([0-9a-v]) (https://www.php.net/manual/en/session.configuration.php).
            let alphabet = random.chance(50) ? "0123456789abcdef" : "0123456789abcdefghijklmnopqrstuv"
            return ("PHPSESSID", draw { $0.string($0.pick([26, 32, 48]), alphabet) }, false, "cookies:phpsessid")
        case 2:
            // Django: 32 of [a-z0-9] (django/contrib/sessions/backends/base.py, VALID_KEY_CHARS).
            return ("sessionid", djangoSession(), false, "cookies:django")
        case 3:
            // ASP.NET: SessionIDManager's 24 characters of [a-z0-5] (15 random bytes, base32)
            // (https://learn.microsoft.com/dotnet/api/system.web.sessionstate.sessionidmanager).
            return ("ASP.NET_SessionId", draw { $0.string(24, "abcdefghijklmnopqrstuvwxyz012345") }, false, "cookies:aspnet")
        case 4:
            // Express (express-session): `s:` + a 24-byte uid-safe id (32 base64url characters) +
            // `.` + its HMAC-SHA256 in base64 without `=` (cookie-signature), encodeURIComponent'ed
            // (https://expressjs.com/en/resources/middleware/session.html, `name` 'connect.sid').
            let signed = draw { "s:" + $0.string(32, NamedValueWriter.base64url) + "." + Data($0.bytes(32)).base64EncodedString().replacingOccurrences(of: "=", with: "") }
            return ("connect.sid", signed, true, "cookies:express")
        case 5:
            // Rails 5.2+ CookieStore, AES-256-GCM: base64(data)--base64(iv)--base64(auth tag), URL-encoded
            // (https://api.rubyonrails.org/classes/ActionDispatch/Session/CookieStore.html).
            let value = draw { random in
                [random.bytes(3 * random.int(20...60)), random.bytes(12), random.bytes(16)].map { Data($0).base64EncodedString() }.joined(separator: "--")
            }
            return ("_" + random.pick(["shop", "myapp", "storefront", "admin"]) + "_session", value, true, "cookies:rails")
        case 6:
            // Laravel: base64 of the encrypted JSON envelope {"iv","value","mac","tag"}
            // (Illuminate\Encryption\Encrypter::encrypt; config/session.php 'cookie' laravel_session).
            // Not `draw`: the value starts `eyJ` by its format.
            let value = { (random: inout SplitMix64) in
                let envelope = "{\"iv\":\"\(Data(random.bytes(16)).base64EncodedString())\",\"value\":\"\(Data(random.bytes(3 * random.int(16...40))).base64EncodedString())\",\"mac\":\"\(random.string(64, NamedValueWriter.hex))\",\"tag\":\"\"}"
                return Data(envelope.utf8).base64EncodedString()
            }(&random)
            return ("laravel_session", value, true, "cookies:laravel")
        case 7:
            // Flask: itsdangerous URLSafeTimedSerializer, base64url(JSON session).timestamp.HMAC
            // (https://flask.palletsprojects.com/en/stable/api/#flask.sessions.SecureCookieSessionInterface).
            // Not `draw`: the value starts `eyJ` by its format.
            let value = { (random: inout SplitMix64) in
                let session = "{\"_fresh\":\(random.chance(50)),\"_user_id\":\"\(random.int(1...99999))\",\"csrf_token\":\"\(random.string(40, NamedValueWriter.hex))\"}"
                return Base64.urlEncode(Array(session.utf8)) + "." + random.string(6, NamedValueWriter.base64url) + "." + random.string(27, NamedValueWriter.base64url)
            }(&random)
            return ("session", value, false, "cookies:flask")
        case 8:
            // ASP.NET Core Data Protection payloads start with the magic header 09 F0 C9 F0, "CfDJ8" in
            // base64url (https://learn.microsoft.com/aspnet/core/security/data-protection/implementation/authenticated-encryption-details).
            let name = random.pick([".AspNetCore.Session", ".AspNetCore.Cookies", ".AspNetCore.Identity.Application"])
            return (name, "CfDJ8" + draw { $0.string($0.int(90...400), NamedValueWriter.base64url) }, false, "cookies:aspnetcore")
        default:
            // ASP.NET forms authentication ticket: hex of the encrypted ticket (FormsAuthentication.Encrypt).
            return (".ASPXAUTH", draw { $0.string(2 * $0.int(48...160), "0123456789ABCDEF") }, false, "cookies:aspxauth")
        }
    }

    /// A cookie that grants nothing, under its own name (design §5: analytics, consent, CSRF).
    mutating func harmlessCookie() -> (name: String, kind: LabelledCorpus.LookAlikeKind, value: String) {
        fakeSerial += 1
        let seconds = random.int(1_690_000_000...1_760_000_000)
        switch fakeSerial % 7 {
        case 0: return ("_ga", .notACredentialName, "GA1.2.\(random.int(100_000_000...2_000_000_000)).\(seconds)")
        case 1: return ("_fbp", .notACredentialName, "fb.1.\(seconds)\(random.int(100...999)).\(random.int(100_000_000...2_000_000_000))")
        case 2: return ("csrftoken", .notACredentialName, draw { $0.string(32, NamedValueWriter.base62) })
        case 3: return ("XSRF-TOKEN", .notACredentialName, draw { $0.string(40, NamedValueWriter.base62) })
        case 4: return ("ai_session", .notACredentialName, draw { $0.string(5, NamedValueWriter.base62) } + "|\(seconds)123|\(seconds + 60)456")
        case 5: return ("_gid", .notACredentialName, "GA1.2.\(random.int(100_000_000...2_000_000_000)).\(seconds)")
        default: return ("OptanonConsent", .notACredentialName, "isGpcEnabled=0&datestamp=Mon+Jan+05+2026&version=202401.1.0&groups=C0001%3A1%2CC0002%3A0")
        }
    }

    /// Session cookies in each format, 12 a file, each beside a cookie that grants nothing.
    mutating func cookies() {
        let formats: [(path: String, write: (Piece, Piece, String) -> Piece)] = [
            ("cookies/raw/request.http", { session, harmless, _ in Piece("GET /account HTTP/1.1\r\nHost: shop.example.com\r\nCookie: ") + harmless + "; " + session + "\r\n\r\n" }),
            ("cookies/raw/response.http", { session, harmless, _ in Piece("HTTP/1.1 200 OK\nSet-Cookie: ") + session + "; Path=/; Secure; HttpOnly\nSet-Cookie: " + harmless + "; Path=/; Max-Age=63072000\n\n" }),
            ("cookies/traces/curl-v.txt", { session, harmless, _ in Piece("> GET /cart HTTP/2\n> host: shop.example.com\n> cookie: ") + session + "; " + harmless + "\n>\n< HTTP/2 200\n" }),
            ("cookies/scripts/replay.sh", { session, harmless, _ in Piece("curl -sS -b '") + harmless + "; " + session + "' https://shop.example.com/orders\n" }),
            ("cookies/logs/access.log", { session, harmless, stamp in Piece("10.0.4.17 - - [\(stamp)] \"GET /cart HTTP/1.1\" 200 5120 \"-\" \"Mozilla/5.0\" \"") + session + "; " + harmless + "\"\n" }),
            ("cookies/logs/app.jsonl", { session, harmless, _ in Piece("{\"level\":\"info\",\"method\":\"GET\",\"path\":\"/cart\",\"headers\":{\"cookie\":\"") + harmless + "; " + session + "\",\"accept\":\"*/*\"}}\n" }),
        ]
        for format in formats {
            var doc = Doc(format.path)
            for index in 0..<12 {
                let positive = sessionCookie()
                let fake = harmlessCookie()
                let secret = Secret(value: positive.value, kind: "opaque", rule: "named-value", label: positive.label)
                let token: Piece = positive.encoded ? Piece.token(secret).percentEncoded() : .token(secret)
                let session = Piece("\(positive.name)=") + token
                let harmless = Piece("\(fake.name)=") + .lookAlike(fake.kind, fake.value)
                doc.put(format.write(session, harmless, "03/Jan/2026:10:\(10 + index):00 +0000"))
            }
            docs.append(doc)
        }
        // HAR: `cookies` arrays of name/value objects, pretty-printed as browsers export them.
        var har = Doc("cookies/har/export.har")
        har.put("{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"entries\": [\n")
        for index in 0..<12 {
            var positive = sessionCookie()
            while positive.encoded { positive = sessionCookie() }
            let fake = harmlessCookie()
            let secret = Secret(value: positive.value, kind: "opaque", rule: "named-pair", label: positive.label)
            har.put(Piece("      {\n        \"startedDateTime\": \"2026-01-03T10:\(10 + index):00.000Z\",\n        \"request\": {\n          \"method\": \"GET\",\n          \"url\": \"https://shop.example.com/cart\",\n          \"cookies\": [\n            {\n              \"name\": \"\(positive.name)\",\n              \"value\": \"")
                + .token(secret) + "\",\n              \"path\": \"/\",\n              \"httpOnly\": true\n            },\n            {\n              \"name\": \"\(fake.name)\",\n              \"value\": \""
                + .lookAlike(fake.kind, fake.value) + "\"\n            }\n          ]\n        }\n      }\(index == 11 ? "" : ",")\n")
        }
        har.put("    ]\n  }\n}\n")
        docs.append(har)
    }

    /// API keys in request headers, each beside a header that grants nothing or a key's
    /// placeholder.
    mutating func headers() {
        func key() -> (name: String, value: String, label: String) {
            serial += 1
            switch serial % 5 {
            // Azure API Management subscription keys: 32 hex digits
            // (https://learn.microsoft.com/azure/api-management/api-management-subscriptions).
            case 0: return ("Ocp-Apim-Subscription-Key", draw { $0.string(32, NamedValueWriter.hex) }, "headers:apim-subscription-key")
            // Azure OpenAI `api-key`: 32 hex digits, or 84 base62 characters since 2024
            // (https://learn.microsoft.com/azure/ai-services/openai/reference#authentication).
            case 1: return ("api-key", draw { $0.chance(50) ? $0.string(32, NamedValueWriter.hex) : $0.string(84, NamedValueWriter.base62) }, "headers:api-key")
            // Kong key-auth: generated keys are 32 alphanumerics (https://docs.konghq.com/hub/kong-inc/key-auth/).
            case 2: return ("apikey", draw { $0.string(32, NamedValueWriter.base62) }, "headers:apikey")
            // API gateways' `X-Api-Key` (AWS API Gateway: 40 alphanumerics,
            // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html).
            case 3: return ("X-Api-Key", draw { $0.string(40, NamedValueWriter.base62) }, "headers:x-api-key")
            default: return ("X-Auth-Token", value(.oauthOpaque), "headers:x-auth-token")
            }
        }
        func fake() -> (name: String, kind: LabelledCorpus.LookAlikeKind, value: String) {
            fakeSerial += 1
            switch fakeSerial % 6 {
            case 0: return ("X-Request-Id", .uuid, Fakes.uuid(&random))
            case 1: return ("ETag", .hexHash, "\\\"" + random.string(40, NamedValueWriter.hex) + "\\\"")
            case 2: return ("traceparent", .notACredentialName, "00-\(random.string(32, NamedValueWriter.hex))-\(random.string(16, NamedValueWriter.hex))-01")
            case 3: return ("X-Api-Key", .environmentReference, random.pick(["${API_KEY}", "$GATEWAY_KEY", "{{apiKey}}"]))
            case 4: return ("X-Correlation-ID", .notACredentialName, draw { $0.string(32, NamedValueWriter.base62) })
            default: return ("Ocp-Apim-Subscription-Key", .placeholder, random.pick(["<your-subscription-key>", "YOUR_SUBSCRIPTION_KEY", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]))
            }
        }
        let formats: [(path: String, write: (String, Piece, String, Piece) -> Piece)] = [
            ("headers/raw/requests.http", { name, value, other, fake in Piece("GET /v1/items HTTP/1.1\nHost: api.example.com\n\(name): ") + value + "\n\(other): " + fake + "\n\n" }),
            ("headers/scripts/curl.sh", { name, value, other, fake in Piece("curl -sS -H '\(name): ") + value + "' -H '\(other): " + fake + "' https://api.example.com/v1/items\n" }),
            ("headers/scripts/grpc.sh", { name, value, other, fake in Piece("grpcurl -H '\(name.lowercased()): ") + value + "' -H '\(other.lowercased()): " + fake + "' api.example.com:443 orders.v1.Orders/List\n" }),
            ("headers/logs/gateway.jsonl", { name, value, other, fake in Piece("{\"level\":\"info\",\"request\":{\"method\":\"GET\",\"uri\":\"/v1/items\",\"headers\":{\"\(name.lowercased())\":\"") + value + "\",\"\(other.lowercased())\":\"" + fake + "\"}}}\n" }),
        ]
        for format in formats {
            var doc = Doc(format.path)
            for _ in 0..<13 {
                let positive = key(), other = fake()
                let secret = Secret(value: positive.value, kind: "opaque", rule: "named-value", label: positive.label)
                let fakeValue = other.name == "ETag" && !format.path.hasSuffix(".jsonl") ? other.value.replacingOccurrences(of: "\\", with: "") : other.value
                doc.put(format.write(positive.name, .token(secret), other.name, .lookAlike(other.kind, fakeValue)))
            }
            docs.append(doc)
        }
        var har = Doc("headers/har/export.har")
        har.put("{\n  \"log\": {\n    \"entries\": [\n")
        for index in 0..<13 {
            let positive = key(), other = fake()
            let secret = Secret(value: positive.value, kind: "opaque", rule: "named-pair", label: positive.label)
            har.put(Piece("      {\n        \"request\": {\n          \"method\": \"GET\",\n          \"url\": \"https://api.example.com/v1/items\",\n          \"headers\": [\n            {\n              \"name\": \"\(positive.name)\",\n              \"value\": \"")
                + .token(secret) + "\"\n            },\n            {\n              \"name\": \"\(other.name)\",\n              \"value\": \"" + .lookAlike(other.kind, other.value)
                + "\"\n            }\n          ]\n        }\n      }\(index == 12 ? "" : ",")\n")
        }
        har.put("    ]\n  }\n}\n")
        docs.append(har)
    }
}
