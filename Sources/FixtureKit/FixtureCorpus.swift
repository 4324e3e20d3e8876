import Foundation
import TokenFormats
import TokenScanModel
import TokenScanEngine
import TokenScanSearch
import TokenScanJudge
import TokenScanSuppression
import TokenScanSources
import TokenScanReport
import TokenScanApp

/// The labelled fixture corpus: `Fixtures/templates/*` with `{{name}}` markers replaced by tokens
/// minted here, and the exact location every token must be reported at.
///
/// Templates hold no tokens, so the repository holds none; the tokens are made at test time from
/// fixed inputs and are the same on every run.
public enum FixtureCorpus {
    /// The clock the fixtures are minted and judged against.
    public static let now = Date(timeIntervalSince1970: 1_767_225_600) // 2026-01-01T00:00:00Z

    public struct Expectation: Sendable, Hashable, CustomStringConvertible {
        public var path: String
        public var line: Int
        public var column: Int
        public var endLine: Int
        public var endColumn: Int
        public var kind: String
        public var description: String { "\(path):\(line):\(column)-\(endLine):\(endColumn) \(kind)" }

        public init(path: String, line: Int, column: Int, endLine: Int, endColumn: Int, kind: String) {
            self.path = path
            self.line = line
            self.column = column
            self.endLine = endLine
            self.endColumn = endColumn
            self.kind = kind
        }
    }

    public struct File: Sendable {
        public var path: String
        public var bytes: [UInt8]
    }

    /// Token name → (token, kind). Names are what templates write between `{{` and `}}`.
    public static func tokens() -> [String: (token: String, kind: String)] {
        let t = Int(now.timeIntervalSince1970)
        func n(_ value: Int) -> JSONValue { .number(Double(value)) }
        var table: [String: (String, String)] = [
            "jwt-live-admin": (TokenMinter.jwt(claims: [
                "iss": "https://auth.fixture.example", "sub": "ci", "scope": "repo admin:org", "iat": n(t - 3600),
            ]), "jwt"),
            "jwt-narrow": (TokenMinter.jwt(alg: "RS256", claims: [
                "iss": "https://login.fixture.example", "sub": "u-1", "scope": "read:orders", "exp": n(t + 86_400),
            ]), "jwt"),
            "jwt-expired": (TokenMinter.jwt(claims: [
                "iss": "https://login.fixture.example", "sub": "u-2", "exp": n(t - 86_400 * 30),
            ]), "jwt"),
            "jwt-id": (TokenMinter.jwt(alg: "ES256", claims: [
                "iss": "https://accounts.google.com", "sub": "1100", "aud": "client-1", "nonce": "n-0S6_WzA2Mj",
                "exp": n(t + 3000),
            ], fakeSignatureLength: 64), "jwt"),
            "jwt-refresh": (TokenMinter.jwt(claims: [
                "iss": "https://auth.fixture.example", "sub": "u-3", "typ": "Refresh", "exp": n(t + 86_400 * 60),
            ]), "jwt"),
            "jwt-unsigned": (TokenMinter.jwt(alg: "none", claims: ["sub": "u-4", "role": "admin"]), "jwt"),
            "jwt-weak": (TokenMinter.jwt(claims: ["sub": "u-5", "exp": n(t + 86_400)], key: "secret"), "jwt"),
            "jwt-k8s": (TokenMinter.jwt(alg: "RS256", header: ["kid": "k8s-1"], claims: [
                "iss": "https://kubernetes.default.svc.cluster.local", "sub": "system:serviceaccount:ci:deployer",
                "aud": ["https://kubernetes.default.svc"], "exp": n(t + 86_400 * 365),
            ]), "jwt"),
            "jwt-supabase-service": (TokenMinter.jwt(claims: [
                "iss": "supabase", "ref": "abcdefghijklmnopqrst", "role": "service_role", "iat": n(t - 86_400), "exp": n(t + 86_400 * 3650),
            ]), "jwt"),
            "jwt-supabase-anon": (TokenMinter.jwt(claims: [
                "iss": "supabase", "ref": "abcdefghijklmnopqrst", "role": "anon", "iat": n(t - 86_400), "exp": n(t + 86_400 * 3650),
            ]), "jwt"),
            "jwt-hs512": (TokenMinter.jwt(alg: "HS512", claims: ["sub": "batch", "permissions": ["orders:write"], "exp": n(t + 7200)]), "jwt"),
            "jwt-doc-sample": (TokenMinter.jwt(claims: [
                "sub": "1234567890", "name": "John Doe", "iat": 1_516_239_022,
            ], key: "your-256-bit-secret"), "jwt"),
        ]
        // Claims and a header that carry secrets of their own: reports mask what the risk model
        // does not use (`privateClaimValues` must appear in no report unless --show-secrets).
        table["jwt-private-claims"] = (TokenMinter.jwt(alg: "RS256", header: ["kid": "rsa-1", "jwk": [
            "kty": "oct", "k": .string(privateClaimValues[3]),
        ]], claims: [
            "iss": "https://login.fixture.example", "sub": "svc-7", "scope": "read:reports", "exp": n(t + 86_400),
            "password": .string(privateClaimValues[0]), "client_secret": .string(privateClaimValues[1]),
            "cnf": ["jwk": ["kty": "oct", "k": .string(privateClaimValues[2])]],
        ]), "jwt")
        let jweHeader = Base64.urlEncode(Array(#"{"alg":"RSA-OAEP-256","enc":"A256GCM"}"#.utf8))
        let parts = (1...4).map { TokenMinter.opaque(length: [342, 16, 64, 22][$0 - 1], seed: "jwe-\($0)", alphabet: base64url) }
        table["jwe-1"] = (([jweHeader] + parts).joined(separator: "."), "jwe")
        // Provider tokens with valid checksums, minted here so that none is committed.
        let providers: [(String, ProviderTokenFormat, String)] = [
            ("github-pat", .githubPersonal, "github"), ("gitlab-pat", .gitlabPersonalRoutable, "gitlab"),
            ("slack-bot", .slackBot, "slack"), ("stripe-live", .stripeLiveSecret, "stripe"),
            ("stripe-test", .stripeTestSecret, "stripe"), ("npm-token", .npm, "npm"),
            ("google-refresh", .googleRefresh, "google"),
        ]
        for (name, format, kind) in providers {
            table[name] = (TokenMinter.provider(format, seed: "fixture-\(name)"), kind)
        }
        for index in 1...8 {
            var opaque = Array(TokenMinter.opaque(length: 40, seed: "opaque-\(index)"))
            opaque[5] = Character(String(index)) // at least one digit, as real tokens have
            table["opaque-\(index)"] = (String(opaque), "bearer")
        }
        return table
    }

    /// Values inside `jwt-private-claims` that no report may show by default: a password, a client
    /// secret, a key in a claim's embedded JWK and a key in the header's JWK.
    public static let privateClaimValues = [
        "Fixture-Pa55word-in-claims", "fixture-client-secret-0c9d8e7f", "Zml4dHVyZS1jbmYtandrLWtleQ", "Zml4dHVyZS1oZWFkZXItandrLWtleQ",
    ]

    static let base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

    /// Fills every template in `templates` (a directory) and returns the files and expectations.
    public static func generate(templates: URL) throws -> (files: [File], expected: [Expectation]) {
        let names = try FileManager.default.contentsOfDirectory(atPath: templates.path).sorted()
        let table = tokens()
        var files: [File] = []
        var expected: [Expectation] = []
        for name in names {
            let template = try Data(contentsOf: templates.appendingPathComponent(name))
            var output: [UInt8] = []
            var bytes = Array(template)[...]
            while let open = bytes.firstRange(of: Array("{{".utf8)) {
                output += bytes[..<open.lowerBound]
                let rest = bytes[open.upperBound...]
                guard let close = rest.firstRange(of: Array("}}".utf8)),
                    let entry = table[String(decoding: rest[..<close.lowerBound], as: UTF8.self)]
                else {
                    // Not a token marker (`{{ token }}` placeholders stay as they are).
                    output += bytes[open]
                    bytes = rest
                    continue
                }
                let start = position(of: output.count, in: output)
                output += Array(entry.token.utf8)
                let end = position(of: output.count, in: output)
                expected.append(Expectation(
                    path: name, line: start.line, column: start.column, endLine: end.line, endColumn: end.column, kind: entry.kind))
                bytes = rest[close.upperBound...]
            }
            output += bytes
            files.append(File(path: name, bytes: output))
        }
        return (files, expected)
    }

    /// Line and column (Unicode scalars, 1-based) of byte `offset` in `bytes`.
    static func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        let prefix = bytes[..<offset]
        let line = prefix.filter { $0 == 0x0A }.count + 1
        let lineStart = prefix.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).unicodeScalars.count + 1
        return (line, column)
    }

    /// Writes the generated files into `directory` (paths may name subdirectories).
    public static func write(_ files: [File], to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in files {
            let url = directory.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.bytes).write(to: url)
        }
    }
}
