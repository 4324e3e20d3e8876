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

/// Provider tokens through the whole pipeline (built-in rules, searcher, analyzer, risk model):
/// every format the minter knows is found once, by the right rule, with design §5's severity; a
/// wrong checksum makes a token disappear; placeholders, masks and truncated copies never appear.
final class ProviderTokenTests: XCTestCase {
    struct Expected {
        var rule: String
        var kind: String
        var severity: Severity
        var tokenClass: String
    }

    /// Written out here rather than read from the rules, so that a rule file that drifts fails.
    static let expected: [ProviderTokenFormat: Expected] = [
        .githubPersonal: Expected(rule: "github-pat", kind: "github", severity: .high, tokenClass: "personal access token"),
        .githubOAuth: Expected(rule: "github-oauth-token", kind: "github", severity: .high, tokenClass: "OAuth access token"),
        .githubUserToServer: Expected(rule: "github-user-to-server-token", kind: "github", severity: .high, tokenClass: "GitHub App user access token"),
        .githubServerToServer: Expected(rule: "github-installation-token", kind: "github", severity: .high, tokenClass: "GitHub App installation access token"),
        .githubServerToServerStateless: Expected(rule: "github-installation-token-stateless", kind: "github", severity: .high, tokenClass: "GitHub App installation access token"),
        .githubRefresh: Expected(rule: "github-refresh-token", kind: "github", severity: .high, tokenClass: "refresh token"),
        .githubFineGrained: Expected(rule: "github-fine-grained-pat", kind: "github", severity: .high, tokenClass: "fine-grained personal access token"),
        .gitlabPersonal: Expected(rule: "gitlab-pat", kind: "gitlab", severity: .high, tokenClass: "personal access token"),
        .gitlabPersonalRoutable: Expected(rule: "gitlab-pat-routable", kind: "gitlab", severity: .high, tokenClass: "personal access token"),
        .gitlabRunner: Expected(rule: "gitlab-runner-token", kind: "gitlab", severity: .high, tokenClass: "runner authentication token"),
        .gitlabRunnerRoutable: Expected(rule: "gitlab-runner-token-routable", kind: "gitlab", severity: .high, tokenClass: "runner authentication token"),
        .gitlabOAuthSecret: Expected(rule: "gitlab-oauth-app-secret", kind: "gitlab", severity: .high, tokenClass: "OAuth application secret"),
        .gitlabTrigger: Expected(rule: "gitlab-pipeline-trigger-token", kind: "gitlab", severity: .high, tokenClass: "pipeline trigger token"),
        .slackBot: Expected(rule: "slack-bot-token", kind: "slack", severity: .high, tokenClass: "bot token"),
        .slackUser: Expected(rule: "slack-user-token", kind: "slack", severity: .high, tokenClass: "user token"),
        .slackWorkspaceAccess: Expected(rule: "slack-workspace-access-token", kind: "slack", severity: .high, tokenClass: "workspace app access token"),
        .slackWorkspaceRefresh: Expected(rule: "slack-workspace-refresh-token", kind: "slack", severity: .high, tokenClass: "workspace app refresh token"),
        .slackConfigAccess: Expected(rule: "slack-config-access-token", kind: "slack", severity: .high, tokenClass: "configuration access token"),
        .slackConfigRefresh: Expected(rule: "slack-config-refresh-token", kind: "slack", severity: .high, tokenClass: "configuration refresh token"),
        .slackApp: Expected(rule: "slack-app-token", kind: "slack", severity: .high, tokenClass: "app-level token"),
        .googleAccess: Expected(rule: "google-oauth-access-token", kind: "google", severity: .medium, tokenClass: "OAuth access token"),
        .googleRefresh: Expected(rule: "google-oauth-refresh-token", kind: "google", severity: .high, tokenClass: "OAuth refresh token"),
        .stripeLiveSecret: Expected(rule: "stripe-live-secret-key", kind: "stripe", severity: .critical, tokenClass: "live secret key"),
        .stripeLiveRestricted: Expected(rule: "stripe-live-restricted-key", kind: "stripe", severity: .high, tokenClass: "live restricted key"),
        .stripeTestSecret: Expected(rule: "stripe-test-key", kind: "stripe", severity: .low, tokenClass: "test-mode key"),
        .stripeTestRestricted: Expected(rule: "stripe-test-key", kind: "stripe", severity: .low, tokenClass: "test-mode key"),
        .npm: Expected(rule: "npm-access-token", kind: "npm", severity: .high, tokenClass: "access token"),
        .pypi: Expected(rule: "pypi-api-token", kind: "pypi", severity: .high, tokenClass: "API token"),
        .pypiTest: Expected(rule: "pypi-test-api-token", kind: "pypi", severity: .low, tokenClass: "API token"),
        .openaiProject: Expected(rule: "openai-project-key", kind: "openai", severity: .high, tokenClass: "project API key"),
        .openaiServiceAccount: Expected(rule: "openai-service-account-key", kind: "openai", severity: .high, tokenClass: "service account API key"),
        .openaiAdmin: Expected(rule: "openai-admin-key", kind: "openai", severity: .critical, tokenClass: "admin API key"),
        .openaiLegacy: Expected(rule: "openai-user-key", kind: "openai", severity: .high, tokenClass: "API key"),
        .openaiProjectShort: Expected(rule: "openai-user-key", kind: "openai", severity: .high, tokenClass: "API key"),
        .openaiNamed: Expected(rule: "openai-user-key", kind: "openai", severity: .high, tokenClass: "API key"),
        .githubRefreshLong: Expected(rule: "github-refresh-token-long", kind: "github", severity: .high, tokenClass: "refresh token"),
        .slackClient: Expected(rule: "slack-session-token", kind: "slack", severity: .high, tokenClass: "session token"),
        .slackCookie: Expected(rule: "slack-session-cookie", kind: "slack", severity: .high, tokenClass: "session cookie"),
        .slackExportFile: Expected(rule: "slack-export-file-token", kind: "slack", severity: .high, tokenClass: "export file token"),
        .vaultServiceLegacy: Expected(rule: "vault-service-token-legacy", kind: "vault", severity: .high, tokenClass: "service token"),
        .npmLegacy: Expected(rule: "npm-legacy-token", kind: "npm", severity: .high, tokenClass: "legacy access token"),
        .anthropicAPI: Expected(rule: "anthropic-api-key", kind: "anthropic", severity: .high, tokenClass: "API key"),
        .anthropicAdmin: Expected(rule: "anthropic-admin-key", kind: "anthropic", severity: .critical, tokenClass: "admin API key"),
        .vaultService: Expected(rule: "vault-service-token", kind: "vault", severity: .high, tokenClass: "service token"),
        .vaultBatch: Expected(rule: "vault-batch-token", kind: "vault", severity: .medium, tokenClass: "batch token"),
        .atlassian: Expected(rule: "atlassian-api-token", kind: "atlassian", severity: .high, tokenClass: "API token"),
        .shopifyAccess: Expected(rule: "shopify-access-token", kind: "shopify", severity: .high, tokenClass: "Admin API access token"),
        .shopifyCustomApp: Expected(rule: "shopify-custom-app-token", kind: "shopify", severity: .high, tokenClass: "custom app access token"),
        .shopifyPrivateApp: Expected(rule: "shopify-private-app-token", kind: "shopify", severity: .high, tokenClass: "private app access token"),
    ]

    /// The places a token leaks, each with the token somewhere inside.
    static let contexts = [
        "TOKEN={{token}}\n",
        "{\"auth\": {\"token\": \"{{token}}\"}}\n",
        "curl -H \"Authorization: Bearer {{token}}\" https://api.example.com/\n",
        "GET /api/items?access_token={{token}}&page=2 HTTP/1.1\n",
        "line one\n  secret: '{{token}}' # prod\nline three\n",
    ]

    /// Formats that count only where their context names them (a Vault `s.` token, an npm UUID):
    /// the places they leak instead of `contexts`.
    static let gatedContexts: [ProviderTokenFormat: [String]] = [
        .vaultServiceLegacy: [
            "export VAULT_TOKEN={{token}}\n", "curl -H \"X-Vault-Token: {{token}}\" https://vault:8200/v1/sys/health\n",
            "{\"auth\": {\"client_token\": \"{{token}}\"}}\n",
        ],
        .npmLegacy: [
            "//registry.npmjs.org/:_authToken={{token}}\n", "//npm.pkg.example/:_authToken=\"{{token}}\"\n",
        ],
    ]

    /// One scanner for the whole class: compiling every built-in rule per scan would dominate.
    static let scanner: TokenScanApp.Scanner = {
        var options = ScanOptions()
        options.jobs = 1
        return TokenScanApp.Scanner(matcher: TestSupport.matcher(), settings: TestSupport.settings(), options: options)
    }()

    func scan(_ text: String) -> ([Finding], ScanSummary) {
        let collector = Collector()
        let summary = Self.scanner.scan([.memory(name: "t.txt", bytes: Array(text.utf8))], observer: collector)
        return (collector.findings, summary)
    }

    func testEveryFormatHasAnExpectation() {
        XCTAssertEqual(Set(Self.expected.keys), Set(ProviderTokenFormat.standalone))
        XCTAssertEqual(Set(Self.webhooks.keys), Set(ProviderTokenFormat.allCases.filter(\.isURLPart)))
    }

    /// Chat webhook URLs (Rules/webhooks.toml): the minted part is the URL's secret, written into
    /// the rest of a URL as its vendor documents it. Design §5: medium.
    static let webhooks: [ProviderTokenFormat: (rule: String, url: String)] = [
        .slackWebhook: ("slack-webhook-url", "https://hooks.slack.com/services/T04B7FDK2QX/B05C1M7GH8Z/{{token}}"),
        .slackTrigger: ("slack-workflow-trigger-url", "https://hooks.slack.com/triggers/T04B7FDK2QX/5471238769012/{{token}}"),
        .discordWebhook: ("discord-webhook-url", "https://discord.com/api/webhooks/1093856295103954984/{{token}}"),
        .teamsWebhook: ("teams-incoming-webhook-url", "https://contoso.webhook.office.com/webhookb2/7d1c6a2e-3b84-4f0e-9a51-2c8e0f4d7b93@72f988bf-86f1-41af-91ab-2d7cd011db47/IncomingWebhook/{{token}}"),
        .workflowSignature: ("workflow-trigger-url", "https://prod-27.westeurope.logic.azure.com:443/workflows/4f1a6e0c2b7d49d8a3e5f60718293a4b/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={{token}}"),
        .googleChatWebhook: ("google-chat-webhook-url", "https://chat.googleapis.com/v1/spaces/AAAAdN4vVbE/messages?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&token={{token}}%3D"),
    ]

    func testEveryWebhookURLIsFoundAsMediumWithOnlyItsSecretMasked() {
        for (format, expected) in Self.webhooks {
            for (number, context) in Self.contexts.enumerated() {
                let secret = TokenMinter.provider(format, seed: "webhook-\(number)")
                let url = expected.url.replacingOccurrences(of: "{{token}}", with: secret)
                let (findings, _) = scan(context.replacingOccurrences(of: "{{token}}", with: url))
                XCTAssertEqual(findings.map(\.ruleId), [expected.rule], "\(format.rawValue) in context \(number)")
                guard let finding = findings.first else { continue }
                XCTAssertEqual(finding.secret, secret, format.rawValue)
                XCTAssertEqual(finding.kind, "webhook", format.rawValue)
                XCTAssertEqual(finding.severity, .medium, format.rawValue)
            }
        }
    }

    func testEveryMintedTokenIsFoundWithItsKindSeverityAndClass() {
        for format in ProviderTokenFormat.standalone {
            let expected = Self.expected[format]!
            for (number, context) in (Self.gatedContexts[format] ?? Self.contexts).enumerated() {
                let token = TokenMinter.provider(format, seed: "found-\(number)")
                let (findings, summary) = scan(context.replacingOccurrences(of: "{{token}}", with: token))
                XCTAssertEqual(findings.count, 1, "\(format.rawValue) in context \(number): \(findings.map(\.ruleId))")
                guard let finding = findings.first else { continue }
                XCTAssertEqual(finding.secret, token, format.rawValue)
                XCTAssertEqual(finding.ruleId, expected.rule, format.rawValue)
                XCTAssertEqual(finding.kind, expected.kind, format.rawValue)
                XCTAssertEqual(finding.severity, expected.severity, format.rawValue)
                XCTAssertTrue(finding.severity.scoreRange.contains(finding.score), format.rawValue)
                XCTAssertEqual(finding.tokenClass, expected.tokenClass, format.rawValue)
                XCTAssertEqual(finding.checksum, format.checksum?.rawValue, format.rawValue)
                XCTAssertEqual(finding.reasons.first?.code, "opaque-token", format.rawValue)
                XCTAssertNil(finding.jwt, "\(format.rawValue): reported as a provider token, not as the JWT inside it")
                // The JWT inside a stateless installation token also matches the jwt rule, and a
                // Slack cookie percent-decoded matches the generic bearer rules after `Bearer ` and
                // `access_token=`: counted as part of the provider token, not reported.
                let alsoGeneric = format == .githubServerToServerStateless || (format == .slackCookie && [2, 3].contains(number))
                let inner: [String: Int] = alsoGeneric ? [Dismissal.providerLookalike.rawValue: 1] : [:]
                XCTAssertEqual(summary.dismissed, inner, format.rawValue)
            }
        }
    }

    /// Design §5: a provider prefix with a wrong checksum is not a finding, also where a generic
    /// rule (Authorization: Bearer, access_token=) matches the same text; it is counted.
    func testAWrongChecksumIsNotAFinding() {
        for format in ProviderTokenFormat.allCases {
            guard let checksum = format.checksum else { continue }
            for (number, context) in Self.contexts.enumerated() {
                let token = TokenMinter.provider(format, seed: "wrong-\(number)")
                let corrupted = TokenMinter.corruptingChecksum(of: token, checksum)
                XCTAssertNotEqual(corrupted, token)
                XCTAssertEqual(corrupted.count, token.count)
                let (findings, summary) = scan(context.replacingOccurrences(of: "{{token}}", with: corrupted))
                XCTAssertEqual(findings.map(\.ruleId), [], "\(format.rawValue) in context \(number)")
                XCTAssertEqual(summary.dismissed[Dismissal.badChecksum.rawValue], 1, "\(format.rawValue) in context \(number)")
            }
        }
    }

    /// Changing any one character of the random part breaks the checksum too (CRC32 catches every
    /// single-character error), not only a change in the checksum itself.
    func testAnyOneCharacterChangeBreaksTheChecksum() {
        let token = TokenMinter.provider(.githubPersonal, seed: "typo")
        let characters = Array(token)
        for index in 4..<characters.count {
            var typo = characters
            typo[index] = typo[index] == "a" ? "b" : "a"
            let (findings, _) = scan("t=\(String(typo))\n")
            XCTAssertEqual(findings.count, 0, "typo at \(index)")
        }
    }

    func testPlaceholdersMasksAndTruncatedTokensAreNotFindings() {
        let github = TokenMinter.provider(.githubPersonal, seed: "cut")
        let stripe = TokenMinter.provider(.stripeLiveSecret, seed: "cut")
        let x36 = String(repeating: "x", count: 36)
        let texts: [String] = [
            "GITHUB_TOKEN=ghp_\(x36)",
            "GITHUB_TOKEN=ghp_\(String(repeating: "*", count: 36))",
            "GITHUB_TOKEN=ghp_****",
            "GITHUB_TOKEN=\(github.prefix(20))…",
            "GITHUB_TOKEN=\(github.prefix(20))...",
            "GITHUB_TOKEN=\(github.dropLast())",
            "Authorization: Bearer ghp_\(x36)",
            "STRIPE_KEY=sk_live_\(String(repeating: "x", count: 24))",
            "STRIPE_KEY=\(stripe.prefix(16))…",
            "NPM_TOKEN=npm_<your-token>",
        ]
        for text in texts {
            let (findings, _) = scan(text + "\n")
            XCTAssertEqual(findings.map(\.ruleId), [], text)
        }
    }

    /// A valid checksum outweighs the placeholder heuristic (a token may spell "Sample" by
    /// chance); without one, a placeholder is counted as a placeholder, not as a checksum typo.
    func testAValidChecksumOutweighsThePlaceholderHeuristic() {
        let unlucky = TokenChecksum.github.seal("ghp_" + "Sample" + TokenMinter.opaque(length: 24, seed: "unlucky"))
        XCTAssertTrue(Placeholder.isPlaceholder(Array(unlucky.utf8)), "the heuristic alone would drop it")
        let (found, _) = scan("GITHUB_TOKEN=\(unlucky)\n")
        XCTAssertEqual(found.map(\.secret), [unlucky])
        let (none, summary) = scan("GITHUB_TOKEN=ghp_\(String(repeating: "x", count: 36))\n")
        XCTAssertEqual(none.count, 0)
        XCTAssertEqual(summary.dismissed, [Dismissal.placeholder.rawValue: 1])
    }

    /// Generic bearer rules leave values that start with a provider's prefix to that provider's
    /// rule: a cut or masked provider token is not an "opaque bearer token", and a provider token
    /// followed by a dot (which the bearer pattern takes along) is reported once, by its provider.
    func testGenericRulesLeaveProviderPrefixesToTheProviderRule() {
        let token = TokenMinter.provider(.githubPersonal, seed: "generic")
        let (found, _) = scan("use Authorization: Bearer \(token). then\n")
        XCTAssertEqual(found.map(\.ruleId), ["github-pat"])
        XCTAssertEqual(found.map(\.secret), [token])

        let typo = TokenMinter.corruptingChecksum(of: token, .github)
        let (none, summary) = scan("Authorization: Bearer \(typo).\n")
        XCTAssertEqual(none.map(\.ruleId), [])
        XCTAssertEqual(summary.dismissed, [Dismissal.badChecksum.rawValue: 1, Dismissal.providerLookalike.rawValue: 1])

        let refresh = TokenMinter.provider(.googleRefresh, seed: "cut")
        for cut in ["access_token=\(token.prefix(20))…", "SLACK_CONFIG_REFRESH_TOKEN=xoxe-1-My0xLTI0...",
                    "refresh_token=\(refresh.prefix(30))...", "Authorization: Bearer \(TokenMinter.provider(.stripeLiveSecret, seed: "cut").prefix(14))..."] {
            let (findings, summary) = scan(cut + "\n")
            XCTAssertEqual(findings.map(\.ruleId), [], cut)
            XCTAssertEqual(summary.dismissed[Dismissal.providerLookalike.rawValue], 1, cut)
        }
        // A prefix inside an opaque token is no claim.
        let (opaque, _) = scan("Authorization: Bearer Zr8wQ3mN6vK1xghp_T9pL4sB7dF2hJ5cG0aY\n")
        XCTAssertEqual(opaque.map(\.ruleId), ["authorization-bearer"])
    }

    /// GitHub's stateless installation tokens carry a JWT: it must decode, it is not reported on its
    /// own, and its `exp` rates the token as §5 rates any JWT (expired low, under an hour one lower).
    func testStatelessInstallationTokenIsRatedByItsExpiry() {
        let now = Int(TestSupport.now.timeIntervalSince1970)
        func token(exp: Int) -> String {
            "ghs_3141592_" + TokenMinter.jwt(alg: "RS256", claims: ["installation_id": 2718281, "exp": .number(Double(exp))], key: "k\(exp)")
        }
        let cases: [(Int, Severity, [String])] = [
            (now + 86_400 * 30, .high, ["opaque-token", "expires"]),
            (now + 1800, .medium, ["opaque-token", "expires-soon"]),
            (now - 3600, .low, ["opaque-token", "expired"]),
        ]
        for (exp, severity, codes) in cases {
            let (findings, summary) = scan("GITHUB_TOKEN=\(token(exp: exp))\n")
            XCTAssertEqual(findings.map(\.ruleId), ["github-installation-token-stateless"])
            XCTAssertEqual(findings.first?.severity, severity, "exp \(exp - now)")
            XCTAssertEqual(findings.first?.reasons.map(\.code), codes)
            XCTAssertEqual(summary.dismissed, [Dismissal.providerLookalike.rawValue: 1], "the JWT inside is the provider's")
        }
        // Not a JWT after the app id: nothing, not even the JWT rule.
        let (none, summary) = scan("GITHUB_TOKEN=ghs_3141592_eyJub3QganNvbg.eyJub3QganNvbg.c2lnbmF0dXJlc2lnbmF0dXJl\n")
        XCTAssertEqual(none.count, 0)
        XCTAssertEqual(summary.dismissed[Dismissal.notAJWT.rawValue], 1)
    }

    /// Design §5, tokens without claims: the severities and the wording of the reasons.
    func testRiskModelGivesDesignSeverities() {
        func finding(_ format: ProviderTokenFormat) -> Finding {
            let (findings, _) = scan("t=\(TokenMinter.provider(format, seed: "risk"))\n")
            XCTAssertEqual(findings.count, 1, format.rawValue)
            return findings[0]
        }
        XCTAssertEqual(finding(.stripeLiveSecret).severity, .critical)
        for format in [ProviderTokenFormat.githubPersonal, .gitlabPersonalRoutable, .slackBot, .npm, .stripeLiveRestricted, .googleRefresh] {
            XCTAssertEqual(finding(format).severity, .high, format.rawValue)
        }
        XCTAssertEqual(finding(.googleAccess).severity, .medium)
        XCTAssertEqual(finding(.stripeTestSecret).severity, .low)
        let (opaque, _) = scan("Authorization: Bearer 8f14e45fceea167a5a36dedd4bea2543b1c9\n")
        XCTAssertEqual(opaque.map(\.severity), [.medium])

        let github = finding(.githubPersonal)
        XCTAssertEqual(github.reasons, [Reason("opaque-token", "A GitHub personal access token (checksum valid) whose scope and lifetime cannot be read from it: treat it as live.")])
        XCTAssertEqual(finding(.npm).reasons.first?.message.hasPrefix("An npm access token (checksum valid)"), true)
        XCTAssertEqual(finding(.githubFineGrained).reasons.first?.message.hasPrefix("A GitHub fine-grained personal access token whose"), true)
        XCTAssertEqual(finding(.googleRefresh).reasons.map(\.code), ["opaque-token", "refresh-token"])
        XCTAssertEqual(finding(.githubRefresh).reasons.map(\.code), ["opaque-token", "refresh-token"])
        // A verified checksum sorts above an unverifiable token of the same severity.
        XCTAssertGreaterThan(github.score, finding(.githubFineGrained).score)
    }

    func testMintingIsDeterministicAndSeeded() {
        for format in ProviderTokenFormat.allCases {
            XCTAssertEqual(TokenMinter.provider(format, seed: "s"), TokenMinter.provider(format, seed: "s"), format.rawValue)
            XCTAssertNotEqual(TokenMinter.provider(format, seed: "s"), TokenMinter.provider(format, seed: "t"), format.rawValue)
            XCTAssertFalse(Placeholder.isPlaceholder(Array(TokenMinter.provider(format, seed: "s").utf8)), format.rawValue)
        }
    }

    /// The JSON report carries the class and the checksum; SARIF results carry them as properties.
    func testReportsCarryClassAndChecksum() throws {
        let token = TokenMinter.provider(.npm, seed: "report")
        let (findings, _) = scan("//registry.npmjs.org/:_authToken=\(token)\n")
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(findings[0])) as! [String: Any]
        XCTAssertEqual(json["tokenClass"] as? String, "access token")
        XCTAssertEqual(json["checksum"] as? String, "npm-crc32")
        let (jwts, _) = scan("t=\(TokenMinter.jwt(claims: ["sub": "a"]))\n")
        let jwt = try JSONSerialization.jsonObject(with: JSONEncoder().encode(jwts[0])) as! [String: Any]
        XCTAssertNil(jwt["tokenClass"], "a JWT's class is in jwt.tokenClass")
        XCTAssertNil(jwt["checksum"])
    }
}
