import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanReport
import TokenScanSearch
import TokenScanSources
import TokenScanSuppression

/// The built-in demo set behind `tokenscan demo`: a small made-up project whose tokens are minted
/// at run time relative to `now`, so that the demo always shows every severity and commits no
/// token to the repository.
public enum DemoCorpus {
    public static func files(now: Date) -> [(name: String, bytes: [UInt8])] {
        let t = Int(now.timeIntervalSince1970)
        func claims(_ pairs: [(String, JSONValue)]) -> [String: JSONValue] { Dictionary(uniqueKeysWithValues: pairs) }
        func num(_ value: Int) -> JSONValue { .number(Double(value)) }

        // critical: a CI token with admin scopes and no expiry.
        let adminForever = TokenMinter.jwt(claims: claims([
            ("iss", "https://auth.acme.example"), ("sub", "ci-bot"), ("scope", "repo admin:org workflow"), ("iat", num(t - 86_400 * 40)),
        ]), key: "acme-prod-signing-key-7Hq2Lx9Wv4Tz")
        // critical: unsigned (alg none) with an admin role: anyone can mint these.
        let unsignedAdmin = TokenMinter.jwt(alg: "none", claims: claims([
            ("iss", "acme-internal"), ("sub", "root"), ("role", "admin"), ("exp", num(t + 86_400 * 365)),
        ]))
        // high: narrow scope but signed with a published weak secret: forgeable.
        let weakKey = TokenMinter.jwt(claims: claims([
            ("iss", "https://shop.acme.example"), ("sub", "user-1882"), ("scope", "read:orders"), ("exp", num(t + 86_400 * 7)),
        ]), key: "secret")
        // high: a refresh token.
        let refresh = TokenMinter.jwt(claims: claims([
            ("iss", "https://auth.acme.example"), ("sub", "user-1882"), ("typ", "Refresh"), ("exp", num(t + 86_400 * 30)),
        ]), key: "acme-prod-signing-key-7Hq2Lx9Wv4Tz")
        // medium: a live read-only access token.
        let readOnly = TokenMinter.jwt(alg: "RS256", header: ["typ": "at+jwt", "kid": "2026-11"], claims: claims([
            ("iss", "https://login.acme.example"), ("sub", "user-1882"), ("aud", "orders-api"), ("scope", "openid profile read:orders"),
            ("exp", num(t + 3600 * 20)), ("iat", num(t - 600)),
        ]))
        // low: expired months ago (a test token that was committed long ago).
        let expired = TokenMinter.jwt(claims: claims([
            ("iss", "https://login.acme.example"), ("sub", "test-user"), ("scope", "read:orders"), ("exp", num(t - 86_400 * 90)),
        ]), key: "acme-test-signing-key-Qe8Rt5Yu2Io9")
        // info: jwt.io's example token.
        let sample = TokenMinter.jwt(claims: claims([
            ("sub", "1234567890"), ("name", "John Doe"), ("iat", num(1_516_239_022)),
        ]), key: "your-256-bit-secret")
        let opaque = TokenMinter.opaque(length: 40, seed: "demo-opaque-\(t / 86_400)")

        let files: [(String, String)] = [
            ("demo/.env", """
            # deployment settings
            DATABASE_URL=postgres://app@db:5432/app
            CI_TOKEN=\(adminForever)
            """),
            ("demo/src/client.ts", """
            // TODO remove before release
            const devToken = "\(unsignedAdmin)";
            export const headers = { Authorization: `Bearer ${devToken}` }; // placeholder: not a finding
            """),
            ("demo/config/shop.yaml", """
            shop:
              api_token: \(weakKey)
              refresh_token: \(refresh)
            """),
            ("demo/logs/access.log", """
            10.1.4.7 - - [24/Nov/2026:09:12:44 +0000] "GET /orders?access_token=\(readOnly) HTTP/1.1" 200 913
            10.1.4.9 - - [24/Nov/2026:09:12:45 +0000] "GET /health HTTP/1.1" 200 2 "Authorization: Bearer \(opaque)"
            10.1.4.9 - - [24/Nov/2026:09:12:46 +0000] "GET /health HTTP/1.1" 200 2 "Authorization: Bearer <token>"
            """),
            ("demo/tests/fixtures/session.json", """
            {"user": "test-user", "id_token": "\(expired)"}
            """),
            ("demo/README.md", """
            Decode a token at jwt.io, e.g. `\(sample)`.
            Send it as `Authorization: Bearer ${ACCESS_TOKEN}`.
            """),
        ]
        return files.map { ($0.0, Array(($0.1 + "\n").utf8)) }
    }
}
