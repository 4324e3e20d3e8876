import Foundation
import XCTest
import TokenFormats

/// Provider formats the scanner missed or got wrong, the look-alikes it must leave alone, vendor
/// documentation tokens, and weak HMAC keys: each through the binary, as a user meets them.
final class ProviderFormatsCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    /// Scans `text` as the file `name` and returns every finding (secrets shown).
    private func findings(_ text: String, name: String = "input.txt") throws -> [[String: Any]] {
        let directory = try temporaryDirectory()
        let file = directory.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        let result = try run(["scan", file.path, "--now", now, "--format", "jsonl", "--show-secrets", "--fail-on", "never"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return try result.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    private func reasonCodes(_ finding: [String: Any]) -> [String] {
        (finding["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    func testMissingFormatsAreFoundByTheirOwnRules() throws {
        let refresh = TokenMinter.provider(.githubRefreshLong, seed: "cli")
        let projectShort = TokenMinter.provider(.openaiProjectShort, seed: "cli")
        let named = TokenMinter.provider(.openaiNamed, seed: "cli")
        let xoxc = TokenMinter.provider(.slackClient, seed: "cli")
        let xoxd = TokenMinter.provider(.slackCookie, seed: "cli")
        let xoxe = TokenMinter.provider(.slackExportFile, seed: "cli")
        let vault = TokenMinter.provider(.vaultServiceLegacy, seed: "cli")
        let npm = TokenMinter.provider(.npmLegacy, seed: "cli")
        let cases: [(name: String, text: String, rule: String, secret: String)] = [
            ("github.json", #"{"access_token":"ghu_x","refresh_token":"\#(refresh)","token_type":"bearer"}"#, "github-refresh-token-long", refresh),
            ("openai.env", "OPENAI_API_KEY=\(projectShort)", "openai-user-key", projectShort),
            ("openai.py", #"client = OpenAI(api_key="\#(named)")"#, "openai-user-key", named),
            ("slack.sh", #"curl -H "Authorization: Bearer \#(xoxc)" -H "Cookie: d=\#(xoxd); d-s=1" https://slack.com/api/auth.test"#, "slack-session-token", xoxc),
            ("slack.sh", #"curl -H "Authorization: Bearer \#(xoxc)" -H "Cookie: d=\#(xoxd); d-s=1" https://slack.com/api/auth.test"#, "slack-session-cookie", xoxd),
            ("export.json", #"{"url_private": "https:\/\/files.slack.com\/files-pri\/T1-F1\/a.png?t=\#(xoxe)"}"#, "slack-export-file-token", xoxe),
            ("vault.env", "export VAULT_TOKEN=\(vault)", "vault-service-token-legacy", vault),
            (".npmrc", "//registry.npmjs.org/:_authToken=\(npm)", "npm-legacy-token", npm),
        ]
        for item in cases {
            let found = try findings(item.text + "\n", name: item.name)
            XCTAssertTrue(found.contains { $0["ruleId"] as? String == item.rule && $0["secret"] as? String == item.secret },
                          "\(item.rule) in \(item.name): \(found.map { $0["ruleId"] ?? "?" })")
        }
    }

    /// A pre-1.10 Vault token under a YAML key that names Vault (Helm values, Spring Cloud Vault)
    /// is Vault's, high; the same `token:` in a sibling block is no more than a named value.
    func testLegacyVaultTokenNestedInYAMLIsVaults() throws {
        let vault = TokenMinter.provider(.vaultServiceLegacy, seed: "nested")
        let values = "image: app:1.4\nvault:\n  address: https://vault.internal:8200\n\n  auth:\n    method: token\n    token: \"\(vault)\"\nreplicas: 2\n"
        let found = try findings(values, name: "values.yaml")
        XCTAssertEqual(found.compactMap { $0["ruleId"] as? String }, ["vault-service-token-legacy-yaml"])
        XCTAssertEqual(found.first?["secret"] as? String, vault)
        XCTAssertEqual(found.first?["severity"] as? String, "high")
        let sibling = try findings("vault:\n  enabled: true\ncache:\n  token: \(vault)\n", name: "values.yaml")
        XCTAssertFalse(sibling.contains { ($0["ruleId"] as? String)?.hasPrefix("vault") == true }, "\(sibling.map { $0["ruleId"] ?? "?" })")
    }

    /// The same token where TOML or INI says Vault by a section (`[vault]`, `[tool.vault]`, an
    /// INI `[vault "prod"]`) or an inline table (`vault = { token = … }`): Vault's, high; a token in
    /// the next section is not. Before, the section's `token` was an anonymous named value.
    func testLegacyVaultTokenInATOMLOrINIVaultSectionIsVaults() throws {
        let vault = TokenMinter.provider(.vaultServiceLegacy, seed: "section")
        let files = [
            ("config.toml", "title = \"app\"\n\n[tool.vault]\naddress = \"https://vault.internal:8200\"\n# the CI token\ntoken = \"\(vault)\"\n"),
            ("app.ini", "[server]\nport = 8080\n\n[vault \"prod\"]\naddr = https://vault.internal:8200\ntoken: \(vault)\n"),
            ("inline.toml", "vault = { address = \"https://vault.internal:8200\", token = \"\(vault)\" }\n"),
        ]
        for (name, text) in files {
            let found = try findings(text, name: name)
            XCTAssertEqual(found.compactMap { $0["ruleId"] as? String }, ["vault-service-token-legacy-section"], name)
            XCTAssertEqual(found.first?["secret"] as? String, vault, name)
            XCTAssertEqual(found.first?["severity"] as? String, "high", name)
        }
        let sibling = try findings("[vault]\nenabled = true\n\n[cache]\ntoken = \"\(vault)\"\n", name: "config.toml")
        XCTAssertFalse(sibling.contains { ($0["ruleId"] as? String)?.hasPrefix("vault") == true }, "\(sibling.map { $0["ruleId"] ?? "?" })")
    }

    /// Java properties escape `=` and `:`; the Atlassian token's checksum is over the unescaped text.
    func testAtlassianTokenWithPropertiesEscapes() throws {
        let token = TokenMinter.provider(.atlassian, seed: "properties")
        let escaped = token.replacing("=", with: "\\=")
        let found = try findings("jira.url=https\\://acme.atlassian.net\njira.token=\(escaped)\n", name: "jira.properties")
        XCTAssertEqual(found.compactMap { $0["ruleId"] as? String }, ["atlassian-api-token"])
        XCTAssertEqual(found.first?["secret"] as? String, token)
    }

    /// A JWT whose header is pretty-printed JSON (`{\n  "alg": …` → `ewog…`).
    func testJWTWithPrettyPrintedHeader() throws {
        func segment(_ json: String) -> String { Base64.urlEncode(Array(json.utf8)) }
        let input = segment("{\n  \"alg\": \"HS256\",\n  \"typ\": \"JWT\"\n}") + "." + segment("{\n  \"sub\": \"svc\",\n  \"scope\": \"admin\"\n}")
        let token = input + "." + Base64.urlEncode(TokenMinter.bytes(count: 32, seed: "pretty"))
        XCTAssertTrue(token.hasPrefix("ewog"))
        let found = try findings("Authorization: Bearer \(token)\n")
        XCTAssertEqual(found.compactMap { $0["ruleId"] as? String }, ["jwt"])
        XCTAssertEqual(found.first?["secret"] as? String, token)
    }

    func testLookAlikesAreNotFindings() throws {
        let pypi = TokenMinter.provider(.pypi, seed: "cut")
        let texts = [
            // A provider prefix before digits only: an id, not a token.
            "SLACK_TOKEN=xoxa-08532509747",
            // A PyPI token cut short (its macaroon ends before the signature).
            "TWINE_PASSWORD=\(pypi.dropLast(24))",
            // UUIDs in JSON log fields.
            #"{"level":"info","request_id":"3f0c2a8e-9b1d-4c7e-8f2a-6d5b4c3a2e1f","trace_id":"9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a","span_id":"0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d","msg":"ok"}"#,
            // An `s.` word without Vault context (and not assigned to a name, where the
            // named-value rule would judge it as an opaque token).
            "log.info(\"moved to s.Kx8Qm2Vb7Nw4Rt9Zp1Ly6Hd3J\")",
        ]
        for text in texts {
            XCTAssertEqual(try findings(text + "\n").compactMap { $0["ruleId"] as? String }, [], text)
        }
        // The whole PyPI token is still found.
        XCTAssertEqual(try findings("TWINE_PASSWORD=\(pypi)\n").compactMap { $0["ruleId"] as? String }, ["pypi-api-token"])
    }

    /// A real-shaped refresh token that happens to spell `nNOnE` is not a placeholder.
    func testARandomTokenSpellingAMarkerWordIsFound() throws {
        let random = TokenMinter.opaque(length: 1_400, seed: "azure-refresh", alphabet: TokenMinter.base64url)
        let token = "0.AXEA" + random.prefix(700) + "nNOnE" + random.dropFirst(700)
        let found = try findings("refresh_token=\(token)\n")
        XCTAssertEqual(found.compactMap { $0["secret"] as? String }, [token])
    }

    /// Vendor documentation tokens are info with the reason doc-sample, like jwt.io's sample.
    func testVendorDocumentationTokensAreInfo() throws {
        for sample in ["xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
                       "ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498"] {
            let found = try findings("token: \(sample)\n")
            XCTAssertEqual(found.count, 1, sample)
            XCTAssertEqual(found.first?["severity"] as? String, "info", sample)
            XCTAssertEqual(found.first.map(reasonCodes), ["doc-sample"], sample)
        }
    }

    /// jwt.io's current example secret makes HS256, HS384 and HS512 tokens forgeable alike.
    func testTokensSignedWithJWTIOsCurrentSecretAreForgeableForEveryHMACAlgorithm() throws {
        for (alg, key) in [("HS256", "a-string-secret-at-least-256-bits-long"), ("HS384", "a-string-secret-at-least-384-bits-long"),
                           ("HS512", "a-string-secret-at-least-512-bits-long"), ("HS384", "a-string-secret-at-least-256-bits-long"),
                           ("HS512", "a-string-secret-at-least-256-bits-long")] {
            let token = TokenMinter.jwt(alg: alg, claims: ["sub": "svc-orders", "exp": 1_900_000_000, "scope": "read:orders"], key: key)
            let found = try findings("Authorization: Bearer \(token)\n")
            XCTAssertEqual(found.count, 1, alg)
            XCTAssertEqual(found.first?["severity"] as? String, "high", "\(alg) with \(key)")
            XCTAssertTrue(found.first.map(reasonCodes)?.contains("weak-hmac-secret") == true, "\(alg) with \(key)")
            XCTAssertEqual((found.first?["jwt"] as? [String: Any])?["signature"] as? String, "weak-secret", alg)
        }
    }
}
