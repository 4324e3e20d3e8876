import Foundation
import XCTest
import FixtureKit
import TokenFormats
import TokenScanModel

/// Issue #15 through the binary: opaque tokens assigned to names that say so, Kubernetes Secrets,
/// percent-encoded and RFC-6750-breaking bearer values; the vocabulary a user extends; redaction
/// and SARIF of what they find.
///
/// The tokens are made here from a seeded generator, never written in this file: the repository
/// scans itself clean (SelfScanCLITests), and a literal would be a finding.
final class NamedValueCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    /// A fresh opaque token of `length` base62 characters with a digit (no placeholder word).
    static func opaque(_ seed: UInt64, length: Int = 40) -> String {
        var random = SplitMix64(seed: seed)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        while true {
            let value = String((0..<length).map { _ in alphabet[random.below(alphabet.count)] })
            if value.contains(where: \.isNumber), !Placeholder.isPlaceholder(Array(value.utf8)) { return value }
        }
    }

    func findings(_ run: CLIRun) throws -> [Finding] {
        try run.stdout.split(separator: "\n").map { try JSONDecoder().decode(Finding.self, from: Data($0.utf8)) }
    }

    func scan(_ files: [String: String], _ extra: [String] = []) throws -> (run: CLIRun, findings: [Finding]) {
        let directory = try temporaryDirectory()
        for (path, text) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let run = try run(["scan", ".", "--now", now, "--format", "jsonl"] + extra, directory: directory)
        return (run, try findings(run))
    }

    func testOpaqueTokensAssignedToCredentialNamesAreFoundInEverySyntax() throws {
        let token = { (seed: UInt64) in NamedValueCLITests.opaque(seed) }
        let files = [
            ".env": "PAYMENTS_API_TOKEN=\(token(1))\n",
            "deploy.sh": "export SENTRY_AUTH_TOKEN=\"\(token(2))\"\n",
            "values.yaml": "service:\n  apiKey: \(token(3))\n",
            ".vscode/settings.json": "{\"rest-client.environmentVariables\": {\"$shared\": {\"token\": \"\(token(4))\"}}}\n",
            "config.toml": "client_secret = \"\(token(5))\"\n",
            "app.ini": "[auth]\nsession_token = \(token(6))\n",
            "Config.kt": "val bearerToken: String = \"\(token(7))\"\n",
            "config.php": "<?php define('SERVICE_API_KEY', '\(token(8))');\n",
            "Config.cs": "public const string AuthToken = @\"\(token(9))\";\n",
            // Go's typed declaration: the type between the name and `=` (was missed).
            "config.go": "package config\n\nvar apiToken string = \"\(token(10))\"\n",
        ]
        let (run, findings) = try scan(files)
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertEqual(Set(findings.map(\.path)), Set(files.keys), run.stdout)
        for finding in findings {
            XCTAssertEqual(finding.ruleId, "named-value", "\(finding.path)")
            XCTAssertEqual(finding.severity, .medium, "\(finding.path): an opaque live token is medium (design §5)")
            XCTAssertTrue(finding.reasons.contains { $0.code == "opaque-token" && $0.message.contains("assigned to `") }, "\(finding.reasons)")
        }
        XCTAssertFalse(run.stdout.contains(token(1)), "redacted by default")
    }

    /// Name/value pairs where a JSON document keeps the name in a field of its own: a Postman
    /// collection's bearer auth and headers (`"key"`, not `"name"`), a pair written value first, and
    /// a Kubernetes container's env (`- name:` with `value:` on the next line). All three were missed.
    func testNameValuePairsInPostmanCollectionsKubernetesEnvAndValueFirstJSON() throws {
        let token = { (seed: UInt64) in NamedValueCLITests.opaque(seed + 500) }
        let files = [
            "api.postman_collection.json": """
                {"info": {"name": "Orders"}, "item": [{"name": "List orders", "request": {
                  "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "\(token(1))", "type": "string"}]},
                  "header": [{"key": "X-Api-Key", "value": "\(token(2))", "type": "text"}, {"key": "X-Request-Id", "value": "\(token(3))"}]
                }}]}

                """,
            "headers.json": "[{\"value\": \"\(token(4))\", \"name\": \"x-auth-token\"}, {\"value\": \"\(token(5))\", \"name\": \"traceparent\"}]\n",
            "deployment.yaml": """
                spec:
                  containers:
                    - name: api
                      env:
                        - name: LOG_LEVEL
                          value: debug
                        - name: PAYMENTS_API_TOKEN
                          value: "\(token(6))"
                        - name: REQUEST_SIGNING_SECRET
                          valueFrom:
                            secretKeyRef: {name: signing, key: secret}

                """,
        ]
        let (run, findings) = try scan(files)
        XCTAssertEqual(run.status, 1, run.stderr)
        let found = Dictionary(findings.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(findings.count, 4, run.stdout)
        XCTAssertEqual(Set(findings.filter { $0.path == "api.postman_collection.json" }.map(\.line)), [2, 3])
        XCTAssertEqual(found["headers.json"]?.ruleId, "named-pair-reversed")
        XCTAssertEqual(found["deployment.yaml"]?.line, 8)
        XCTAssertTrue(findings.allSatisfy { $0.severity == .medium }, "\(findings.map(\.severity))")
    }

    func testARefreshNameRaisesToHighAndLookAlikesAreNotReported() throws {
        let refresh = NamedValueCLITests.opaque(20)
        let files = [
            "refresh.env": "GOOGLE_REFRESH_TOKEN=\(refresh)\nrefresh_token=\(NamedValueCLITests.opaque(21))\n",
            "lookalikes.env": """
                API_TOKEN=550e8400-e29b-41d4-a716-446655440000
                GITHUB_TOKEN=2fd4e1c67a2d28fced849ee1bb76e7391b93eb12
                TOKEN_VERSION_TOKEN=v12.4.1-beta.3
                AUTH_TOKEN=${AUTH_TOKEN}
                SERVICE_TOKEN=process.env.SERVICE_TOKEN
                API_TOKEN_PATH_TOKEN=/var/run/secrets/kubernetes.io/serviceaccount/token
                TOKEN=https://oauth2.googleapis.com/token
                DEFAULT_TOKEN=getAccessTokenFromProviderCache
                CSRF_TOKEN=\(NamedValueCLITests.opaque(22))
                NEXT_PAGE_TOKEN=\(NamedValueCLITests.opaque(23))
                MAX_TOKENS=\(NamedValueCLITests.opaque(24))

                """,
        ]
        let (run, findings) = try scan(files)
        XCTAssertEqual(findings.filter { $0.path == "lookalikes.env" }, [], run.stdout)
        let refreshFindings = findings.filter { $0.path == "refresh.env" }
        XCTAssertEqual(refreshFindings.count, 2, run.stdout)
        for finding in refreshFindings {
            XCTAssertEqual(finding.severity, .high, "a name that says refresh raises it to high (design §5)")
            XCTAssertTrue(finding.reasons.contains { $0.code == "refresh-token" }, "\(finding.reasons)")
        }
        let json = try self.run(["scan", ".", "--now", now, "--format", "json"], directory: try write(files))
        XCTAssertTrue(json.stdout.contains("\"not-a-credential-name\" : 2"), "CSRF and page tokens are counted as dismissed by name")
        XCTAssertTrue(json.stdout.contains("\"look-alike\""), json.stdout)
    }

    func testKubernetesSecretValuesAreJudgedDecodedByTheirKeys() throws {
        let token = NamedValueCLITests.opaque(30)
        let password = NamedValueCLITests.opaque(31, length: 20)
        func b64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        let auths = #"{"auths":{"registry.example.com":{"username":"ci","password":"\#(password)","auth":"\#(b64("ci:" + password))"}}}"#
        let manifest = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: app
            data:
              api-token: \(b64(token))
              password: \(b64("changeme"))
              request-id: \(b64("550e8400-e29b-41d4-a716-446655440000"))
            stringData:
              session-key: "\(NamedValueCLITests.opaque(32))"
            ---
            apiVersion: v1
            kind: Secret
            type: kubernetes.io/dockerconfigjson
            data:
              .dockerconfigjson: \(b64(auths))

            """
        let kubeconfig = "users:\n- name: admin\n  user:\n    token: \(NamedValueCLITests.opaque(33))\n"
        let (run, findings) = try scan(["k8s/secret.yaml": manifest, "kubeconfig": kubeconfig], ["--show-secrets"])
        let secrets = Set(findings.map(\.secret))
        XCTAssertTrue(secrets.contains(token), run.stdout)
        XCTAssertEqual(findings.first { $0.secret == token }?.encodings, ["base64"])
        XCTAssertTrue(secrets.contains(password), "the registry password inside .dockerconfigjson: \(run.stdout)")
        XCTAssertTrue(secrets.contains("ci:" + password), "auths.*.auth, base64 of user:password: \(run.stdout)")
        XCTAssertEqual(findings.first { $0.secret == "ci:" + password }?.encodings, ["base64", "base64"])
        XCTAssertTrue(secrets.contains(NamedValueCLITests.opaque(32)), "stringData: \(run.stdout)")
        XCTAssertTrue(secrets.contains(NamedValueCLITests.opaque(33)), "kubeconfig token: \(run.stdout)")
        XCTAssertFalse(secrets.contains { $0.contains("changeme") || $0.contains("550e8400") }, run.stdout)
        XCTAssertEqual(findings.count, 5, run.stdout)
    }

    func testPercentEncodedAndNonRFC6750BearerValues() throws {
        // An app-only bearer token: base64 with `+` `/` and an `=` inside, URL-encoded in logs.
        let body = "AAAAAAAAAAAAAAAAAAAAA" + NamedValueCLITests.opaque(40, length: 20) + "+" + NamedValueCLITests.opaque(41, length: 12)
            + "/" + NamedValueCLITests.opaque(42, length: 6) + "=" + NamedValueCLITests.opaque(43, length: 50)
        func percent(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
        let pipe = "274916503817294|" + NamedValueCLITests.opaque(44, length: 27)
        let log = """
            10.0.0.1 - - "GET /v2/me?access_token=\(percent(body))&fields=id HTTP/1.1" 200 95
            10.0.0.2 - - "GET /proxy?url=\(percent("https://api.example.com/me?access_token=" + percent(body))) HTTP/1.1" 502 0
            Authorization: Bearer \(pipe)
            Authorization: Bearer secret-token:\(NamedValueCLITests.opaque(45, length: 32))
            Authorization: Bearer \(body)

            """
        let (run, findings) = try scan(["access.log": log], ["--show-secrets"])
        XCTAssertEqual(findings.filter { $0.secret == body }.count, 3, run.stdout)
        XCTAssertEqual(findings.first { $0.line == 2 }?.encodings, ["percent", "percent"], run.stdout)
        XCTAssertTrue(findings.contains { $0.secret == pipe }, run.stdout)
        XCTAssertTrue(findings.contains { $0.secret.hasPrefix("secret-token:") }, run.stdout)
        XCTAssertEqual(findings.count, 5, run.stdout)
    }

    func testTheVocabularyIsExtendedFromTheConfiguration() throws {
        let value = NamedValueCLITests.opaque(50)
        let files = ["app.env": "ACME_CRED_TOKEN_BLOB=\(value)\n"]
        XCTAssertEqual(try scan(files).findings.count, 0, "not a name the built-in vocabulary knows")
        let configured = try scan(files.merging([".tokenscan.toml": """
            [[names]]
            class = "api-key"
            names = ["*tokenblob"]

            """]) { $1 })
        XCTAssertEqual(configured.findings.map(\.ruleId), ["named-value"], configured.run.stdout + configured.run.stderr)
        let wrong = try scan(files.merging([".tokenscan.toml": "[[names]]\nclass = \"no-such-class\"\nnames = [\"x\"]\n"]) { $1 })
        XCTAssertEqual(wrong.run.status, 2)
        XCTAssertTrue(wrong.run.stderr.contains("unknown class 'no-such-class'"), wrong.run.stderr)
    }

    /// A class's length bounds out of order or below 1 are a configuration error (exit 2, named),
    /// never a crash: `maxLength = 0` made the range check itself trap.
    func testAClassWithImpossibleLengthBoundsIsAConfigurationError() throws {
        let files = ["app.env": "ACME_CRED_TOKEN_BLOB=\(NamedValueCLITests.opaque(50))\n"]
        for bounds in ["maxLength = 0", "maxLength = -5", "minLength = 0", "minLength = 40\nmaxLength = 20"] {
            let configured = try scan(files.merging([".tokenscan.toml": "[[nameClasses]]\nid = \"blob\"\n\(bounds)\n"]) { $1 })
            XCTAssertEqual(configured.run.status, 2, bounds + ": " + configured.run.stderr)
            XCTAssertTrue(configured.run.stderr.contains("minLength must be at least 1 and at most maxLength"), bounds + ": " + configured.run.stderr)
        }
    }

    func testRedactMasksNamedValuesAndSARIFValidates() throws {
        let value = NamedValueCLITests.opaque(60)
        let input = "PAYMENTS_API_KEY=\(value)\n"
        let redacted = try run(["redact"], stdin: Data(input.utf8))
        XCTAssertFalse(redacted.stdout.contains(value), redacted.stdout)
        XCTAssertTrue(redacted.stdout.hasPrefix("PAYMENTS_API_KEY="), redacted.stdout)
        let directory = try write(["app.env": input])
        let sarif = try run(["scan", ".", "--now", now, "--format", "sarif"], directory: directory)
        XCTAssertFalse(sarif.stdout.contains(value))
        XCTAssertTrue(sarif.stdout.contains("\"ruleId\" : \"named-value\""), sarif.stdout)
        let validator = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/tools/validate-sarif")
        guard FileManager.default.isExecutableFile(atPath: validator.path) else {
            throw XCTSkip("validate-sarif is not available at \(validator.path)")
        }
        let file = directory.appendingPathComponent("report.sarif")
        try sarif.stdout.write(to: file, atomically: true, encoding: .utf8)
        let checked = try Command.run([validator.path, "--spec", "--github", file.path], in: directory)
        XCTAssertEqual(checked.status, 0, checked.output)
    }

    private func write(_ files: [String: String]) throws -> URL {
        let directory = try temporaryDirectory()
        for (path, text) in files {
            try text.write(to: directory.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
        return directory
    }
}
