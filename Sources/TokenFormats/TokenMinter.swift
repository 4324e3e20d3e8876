import Crypto
import FoundationEssentials

/// Mints JWTs. Used by the built-in demo and by the tests, so that realistic tokens are created at
/// run time instead of being committed (a repository full of live-looking tokens trips other
/// scanners and push protection for everyone who forks it).
public enum TokenMinter {
    /// A compact JWS. `alg` "none" (any case) gives an empty signature; HS256/384/512 sign with `key`.
    /// Other algorithms get `fakeSignatureLength` deterministic bytes (enough for a scanner, which
    /// cannot verify them without the issuer's key anyway).
    public static func jwt(
        alg: String = "HS256", header extraHeader: [String: JSONValue] = ["typ": .string("JWT")],
        claims: [String: JSONValue], key: String = "tokenscan-test-signing-key-9f2c4e71a8b3", fakeSignatureLength: Int = 256
    ) -> String {
        var header = extraHeader
        header["alg"] = .string(alg)
        let encodedHeader = Base64.urlEncode(Array(canonicalJSON(.object(header)).utf8))
        let encodedClaims = Base64.urlEncode(Array(canonicalJSON(.object(claims)).utf8))
        let signingInput = Array("\(encodedHeader).\(encodedClaims)".utf8)
        let keyData = SymmetricKey(data: Array(key.utf8))
        let signature: [UInt8]
        switch alg.uppercased() {
        case "NONE": signature = []
        case "HS256": signature = Array(HMAC<SHA256>.authenticationCode(for: signingInput, using: keyData))
        case "HS384": signature = Array(HMAC<SHA384>.authenticationCode(for: signingInput, using: keyData))
        case "HS512": signature = Array(HMAC<SHA512>.authenticationCode(for: signingInput, using: keyData))
        default:
            var bytes: [UInt8] = []
            var block = Array(SHA256.hash(data: signingInput + Array(key.utf8)))
            while bytes.count < fakeSignatureLength {
                bytes += block
                block = Array(SHA256.hash(data: block))
            }
            signature = Array(bytes.prefix(fakeSignatureLength))
        }
        return "\(encodedHeader).\(encodedClaims).\(Base64.urlEncode(signature))"
    }

    /// JSON with sorted keys and no spaces, so minted tokens are byte-for-byte reproducible.
    public static func canonicalJSON(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }

    /// Deterministic pseudo-random token text over `alphabet` (for opaque tokens in fixtures).
    public static func opaque(length: Int, seed: String, alphabet: String = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") -> String {
        let characters = Array(alphabet)
        var output = ""
        var block = Array(SHA256.hash(data: Array(seed.utf8)))
        var index = 0
        while output.count < length {
            if index == block.count {
                block = Array(SHA256.hash(data: block))
                index = 0
            }
            output.append(characters[Int(block[index]) % characters.count])
            index += 1
        }
        return output
    }
}

/// The provider token formats `TokenMinter.provider(_:seed:)` mints, named as rule files name them
/// in an example's `mint` (`provider:variant`, or the provider alone when it has one format).
public enum ProviderTokenFormat: String, CaseIterable, Sendable {
    case githubPersonal = "github:ghp"
    case githubOAuth = "github:gho"
    case githubUserToServer = "github:ghu"
    case githubServerToServer = "github:ghs"
    /// GitHub's stateless installation token (`ghs_<app id>_<JWT>`, rolled out from April 2026).
    case githubServerToServerStateless = "github:ghs-stateless"
    case githubRefresh = "github:ghr"
    /// GitHub App refresh tokens as GitHub's documentation shows them: `ghr_` and 76 characters
    /// (docs.github.com, "Generating a user access token for a GitHub App", response example).
    case githubRefreshLong = "github:ghr-76"
    case githubFineGrained = "github:github_pat"
    case gitlabPersonal = "gitlab:glpat"
    case gitlabPersonalRoutable = "gitlab:glpat-routable"
    case gitlabRunner = "gitlab:glrt"
    case gitlabRunnerRoutable = "gitlab:glrt-routable"
    case gitlabOAuthSecret = "gitlab:gloas"
    case gitlabTrigger = "gitlab:glptt"
    case slackBot = "slack:xoxb"
    case slackUser = "slack:xoxp"
    case slackWorkspaceAccess = "slack:xoxa"
    case slackWorkspaceRefresh = "slack:xoxr"
    case slackConfigAccess = "slack:xoxe.xoxp"
    case slackConfigRefresh = "slack:xoxe"
    case slackApp = "slack:xapp"
    /// Slack's browser session token (`xoxc-`, sent with the `d` cookie) and that cookie (`xoxd-`,
    /// percent-encoded base64). Slack documents neither (they are the web client's session, not
    /// tokens it issues to developers), so no vendor page is the source: the shape (three numeric
    /// ids and 64 hex digits; about 200 characters of base64 stored percent-encoded) is the one
    /// issue #15 names from peers' public test suites, and is marked so here.
    case slackClient = "slack:xoxc"
    case slackCookie = "slack:xoxd"
    /// The file-access token of a Slack export (`url_private…?t=xoxe-…`; Slack's "Export your
    /// workspace data" help page): four parts like a user token.
    case slackExportFile = "slack:xoxe-file"
    case googleAccess = "google:ya29"
    case googleRefresh = "google:refresh"
    case stripeLiveSecret = "stripe:sk_live"
    case stripeLiveRestricted = "stripe:rk_live"
    case stripeTestSecret = "stripe:sk_test"
    case stripeTestRestricted = "stripe:rk_test"
    case npm = "npm"
    case pypi = "pypi"
    case pypiTest = "pypi:test"
    case openaiProject = "openai:proj"
    case openaiServiceAccount = "openai:svcacct"
    case openaiAdmin = "openai:admin"
    case openaiLegacy = "openai:legacy"
    /// The short form of project keys (`sk-proj-` + 20 + `T3BlbkFJ` + 20) and keys named after
    /// their project or owner (`sk-None-…` for keys without one, `sk-<name>-…`). OpenAI's API
    /// reference says only that keys start `sk-`; the body is the shape of its older user keys
    /// (20, "OpenAI" in base64, 20), behind the prefixes issue #15 names.
    case openaiProjectShort = "openai:proj-short"
    case openaiNamed = "openai:named"
    case anthropicAPI = "anthropic:api03"
    case anthropicAdmin = "anthropic:admin01"
    case vaultService = "vault:hvs"
    case vaultBatch = "vault:hvb"
    /// A Vault service token before 1.10: `s.` and 24 base62 characters
    /// (developer.hashicorp.com/vault/docs/concepts/tokens, "Token prefixes").
    case vaultServiceLegacy = "vault:s"
    /// An npm token before 2021: a lower-case UUID, as `_authToken` in `.npmrc`
    /// (docs.npmjs.com, "Using private packages in a CI/CD workflow").
    case npmLegacy = "npm:legacy"
    case atlassian = "atlassian"
    case shopifyAccess = "shopify:shpat"
    case shopifyCustomApp = "shopify:shpca"
    case shopifyPrivateApp = "shopify:shppa"
    // Chat webhook URLs (Rules/webhooks.toml): what is minted is the URL's secret part; the rule
    // examples write the rest of the URL around it.
    /// The 24 characters after `hooks.slack.com/services/T…/B…/`.
    case slackWebhook = "slack:webhook"
    /// The 32 hex digits after `hooks.slack.com/triggers/T…/<id>/`.
    case slackTrigger = "slack:trigger"
    /// The 68-character token after `discord.com/api/webhooks/<id>/`.
    case discordWebhook = "discord:webhook"
    /// `<32 hex>/<UUID>` after `…webhook.office.com/webhookb2/<UUID>@<UUID>/IncomingWebhook/`.
    case teamsWebhook = "teams:webhook"
    /// The `sig` of a Power Automate / Logic Apps trigger URL: base64url of an HMAC-SHA256.
    case workflowSignature = "azure:workflow-sig"
    /// The `token` of a Google Chat space webhook: base64url of 32 bytes.
    case googleChatWebhook = "google:chat-webhook"

    /// The formats that are tokens on their own (all but webhook URLs' secret parts).
    public static var standalone: [ProviderTokenFormat] { allCases.filter { !$0.isURLPart } }

    /// Whether what is minted is the secret part of a URL (a webhook's), not a token that stands
    /// alone: it is found only with the rest of its URL around it, which the caller writes.
    public var isURLPart: Bool {
        switch self {
        case .slackWebhook, .slackTrigger, .discordWebhook, .teamsWebhook, .workflowSignature, .googleChatWebhook: true
        default: false
        }
    }

    /// The checksum minted tokens of this format carry, if the format has one.
    public var checksum: TokenChecksum? {
        switch self {
        case .githubPersonal, .githubOAuth, .githubUserToServer, .githubServerToServer, .githubRefresh: .github
        case .npm: .npm
        case .gitlabPersonalRoutable, .gitlabRunnerRoutable: .gitlab
        case .atlassian: .atlassian
        default: nil
        }
    }
}

extension TokenMinter {
    package static let base62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    package static let base64url = base62 + "-_"
    package static let digits = "0123456789"
    package static let lowerHex = "0123456789abcdef"
    package static let upperAlphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

    /// A realistic token of `format` with a valid checksum where the format has one, the same for
    /// the same seed. Tests, fixtures and rule examples mint provider tokens at run time so that the
    /// repository never holds one (see `RuleExample.mint`).
    ///
    /// A minted token never looks like a placeholder (random text can spell `none` or `123456`,
    /// which the placeholder filter rejects): such a draw is replaced by the next one.
    public static func provider(_ format: ProviderTokenFormat, seed: String) -> String {
        // Each draw has well under a 1% chance of tripping the heuristic; 64 in a row would mean a
        // format's fixed parts trip it, a bug in this file that the tests would meet at once.
        for attempt in 0..<64 {
            let token = draw(format, seed: attempt == 0 ? seed : "\(seed)#\(attempt)")
            if !Placeholder.isPlaceholder(Array(token.utf8)) { return token }
        }
        preconditionFailure("every minted \(format.rawValue) token looks like a placeholder: its fixed parts spell a placeholder marker")
    }

    /// `token` with one character of its checksum changed (cycling within the checksum's own
    /// alphabet, so the result still matches the rule's pattern and only the checksum is wrong).
    public static func corruptingChecksum(of token: String, _ checksum: TokenChecksum) -> String {
        var characters = Array(token)
        let index = characters.count - 1
        let alphabet: [Character]
        switch checksum {
        case .github, .npm: alphabet = Array(PositionalEncoding.base62.alphabet).map { Character(UnicodeScalar($0)) }
        case .gitlab: alphabet = Array(PositionalEncoding.base36.alphabet).map { Character(UnicodeScalar($0)) }
        case .atlassian: alphabet = Array(PositionalEncoding.upperHex.alphabet).map { Character(UnicodeScalar($0)) }
        }
        let position = alphabet.firstIndex(of: characters[index]) ?? 0
        characters[index] = alphabet[(position + 1) % alphabet.count]
        return String(characters)
    }

    private static func draw(_ format: ProviderTokenFormat, seed: String) -> String {
        func random(_ length: Int, _ alphabet: String, _ part: String) -> String {
            opaque(length: length, seed: "\(format.rawValue)/\(seed)/\(part)", alphabet: alphabet)
        }
        switch format {
        case .githubPersonal, .githubOAuth, .githubUserToServer, .githubServerToServer, .githubRefresh:
            let prefix = String(format.rawValue.dropFirst("github:".count))
            return TokenChecksum.github.seal("\(prefix)_" + random(30, base62, "body"))
        case .githubRefreshLong:
            return "ghr_" + random(76, base62, "body")
        case .githubServerToServerStateless:
            // GitHub does not document the JWT's claims (clients must not depend on them); these
            // are plausible ones, with an `exp` far enough ahead that examples stay live.
            let ids = bytes(count: 6, seed: "\(format.rawValue)/\(seed)/ids").reduce(0) { $0 << 8 | Int($1) }
            let appID = 100_000 + ids % 900_000
            let jwt = TokenMinter.jwt(
                alg: "RS256", claims: [
                    "app_id": .number(Double(appID)), "installation_id": .number(Double(10_000_000 + ids % 90_000_000)),
                    "iat": .number(1_999_996_400), "exp": .number(2_000_000_000),
                ], key: "\(format.rawValue)/\(seed)")
            return "ghs_\(appID)_\(jwt)"
        case .githubFineGrained:
            return "github_pat_11" + random(20, base62, "id") + "_" + random(59, base62, "secret")
        case .gitlabPersonal:
            return "glpat-" + random(20, base64url, "body")
        case .gitlabPersonalRoutable:
            return gitlabRoutable(prefix: "glpat-", seed: "\(format.rawValue)/\(seed)")
        case .gitlabRunner:
            return "glrt-t1_" + random(20, base64url, "body")
        case .gitlabRunnerRoutable:
            return gitlabRoutable(prefix: "glrt-t1_", seed: "\(format.rawValue)/\(seed)")
        case .gitlabOAuthSecret:
            return "gloas-" + random(64, lowerHex, "body")
        case .gitlabTrigger:
            return "glptt-" + random(40, lowerHex, "body")
        case .slackBot:
            return "xoxb-" + random(12, digits, "team") + "-" + random(13, digits, "bot") + "-" + random(24, base62, "secret")
        case .slackUser:
            return "xoxp-" + random(12, digits, "team") + "-" + random(12, digits, "user") + "-" + random(13, digits, "grant")
                + "-" + random(32, lowerHex, "secret")
        case .slackWorkspaceAccess:
            return "xoxa-2-" + random(40, base62, "body")
        case .slackWorkspaceRefresh:
            return "xoxr-" + random(40, base62, "body")
        case .slackConfigAccess:
            return "xoxe.xoxp-1-" + random(164, base62, "body")
        case .slackConfigRefresh:
            return "xoxe-1-" + random(146, base62, "body")
        case .slackApp:
            return "xapp-1-A" + random(10, upperAlphanumeric, "app") + "-" + random(13, digits, "id") + "-" + random(64, lowerHex, "secret")
        case .slackClient:
            return "xoxc-" + random(13, digits, "team") + "-" + random(13, digits, "user") + "-" + random(13, digits, "grant")
                + "-" + random(64, lowerHex, "secret")
        case .slackCookie:
            // base64 of random bytes, then percent-encoded as the browser stores it.
            let standard = Base64.urlEncode(bytes(count: 149, seed: "\(format.rawValue)/\(seed)/cookie"))
                .replacing("-", with: "+").replacing("_", with: "/")
            let encoded = standard + "="
            return "xoxd-" + encoded.replacing("/", with: "%2F").replacing("+", with: "%2B").replacing("=", with: "%3D")
        case .slackExportFile:
            return "xoxe-" + random(13, digits, "team") + "-" + random(13, digits, "user") + "-" + random(13, digits, "grant")
                + "-" + random(32, lowerHex, "secret")
        case .googleAccess:
            return "ya29.a0" + random(170, base64url, "body")
        case .googleRefresh:
            return "1//0" + random(1, "abcdefg", "region") + random(98, base64url, "body")
        case .stripeLiveSecret:
            return "sk_live_51" + random(97, base62, "body")
        case .stripeLiveRestricted:
            return "rk_live_51" + random(97, base62, "body")
        case .stripeTestSecret:
            return "sk_test_51" + random(97, base62, "body")
        case .stripeTestRestricted:
            return "rk_test_51" + random(97, base62, "body")
        case .npm:
            return TokenChecksum.npm.seal("npm_" + random(30, base62, "body"))
        case .pypi:
            return pypiMacaroon(location: "pypi.org", seed: "\(format.rawValue)/\(seed)")
        case .pypiTest:
            return pypiMacaroon(location: "test.pypi.org", seed: "\(format.rawValue)/\(seed)")
        case .openaiProject:
            return "sk-proj-" + random(74, base64url, "head") + "T3BlbkFJ" + random(74, base64url, "tail")
        case .openaiServiceAccount:
            return "sk-svcacct-" + random(74, base64url, "head") + "T3BlbkFJ" + random(74, base64url, "tail")
        case .openaiAdmin:
            return "sk-admin-" + random(58, base64url, "head") + "T3BlbkFJ" + random(58, base64url, "tail")
        case .openaiLegacy:
            return "sk-" + random(20, base62, "head") + "T3BlbkFJ" + random(20, base62, "tail")
        case .openaiProjectShort:
            return "sk-proj-" + random(20, base62, "head") + "T3BlbkFJ" + random(20, base62, "tail")
        case .openaiNamed:
            return "sk-None-" + random(20, base62, "head") + "T3BlbkFJ" + random(20, base62, "tail")
        case .anthropicAPI:
            return "sk-ant-api03-" + random(93, base64url, "body") + "AA"
        case .anthropicAdmin:
            return "sk-ant-admin01-" + random(93, base64url, "body") + "AA"
        case .vaultService:
            return "hvs.CAESI" + random(86, base64url, "body")
        case .vaultBatch:
            return "hvb.AAAAAQ" + random(170, base64url, "body")
        case .vaultServiceLegacy:
            return "s." + random(24, base62, "body")
        case .npmLegacy:
            let hex = random(32, lowerHex, "uuid")
            let variant = random(1, "89ab", "variant")
            return "\(hex.prefix(8))-\(hex.dropFirst(8).prefix(4))-4\(hex.dropFirst(13).prefix(3))-\(variant)\(hex.dropFirst(17).prefix(3))-\(hex.suffix(12))"
        case .atlassian:
            return TokenChecksum.atlassian.seal("ATATT3xFfGF0" + random(171, base64url, "body") + "=")
        case .shopifyAccess:
            return "shpat_" + random(32, lowerHex, "body")
        case .shopifyCustomApp:
            return "shpca_" + random(32, lowerHex, "body")
        case .shopifyPrivateApp:
            return "shppa_" + random(32, lowerHex, "body")
        case .slackWebhook:
            return random(24, base62, "secret")
        case .slackTrigger:
            return random(32, lowerHex, "secret")
        case .discordWebhook:
            return random(68, base64url, "token")
        case .teamsWebhook:
            let id = Array(random(32, lowerHex, "id"))
            let uuid = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(id[$0]) }.joined(separator: "-")
            return random(32, lowerHex, "secret") + "/" + uuid
        case .workflowSignature:
            return Base64.urlEncode(bytes(count: 32, seed: "\(format.rawValue)/\(seed)/sig"))
        case .googleChatWebhook:
            return Base64.urlEncode(bytes(count: 32, seed: "\(format.rawValue)/\(seed)/token"))
        }
    }

    /// Deterministic bytes for binary token parts.
    package static func bytes(count: Int, seed: String) -> [UInt8] {
        var output: [UInt8] = []
        var block = Array(SHA256.hash(data: Array(seed.utf8)))
        while output.count < count {
            output += block
            block = Array(SHA256.hash(data: block))
        }
        return Array(output.prefix(count))
    }

    /// GitLab's routable token (`Authn::TokenField::Generator::RoutableToken`): base64url of 16
    /// random bytes, the routing payload (`c:` cell, `o:` organisation, `u:` user, base36) and one
    /// byte holding the random part's length; then `.01.` (format version), the base64 length in
    /// two base36 digits, and the CRC32 of all of it in seven base36 digits.
    package static func gitlabRoutable(prefix: String, seed: String) -> String {
        let ids = bytes(count: 6, seed: seed + "/ids")
        func id(_ index: Int) -> String {
            PositionalEncoding.base36.encode(UInt64(ids[index]) << 8 | UInt64(ids[index + 1]), width: 1)
        }
        let routing = "c:1\no:\(id(0))\nu:\(id(2))"
        let payload = bytes(count: 16, seed: seed + "/random") + Array(routing.utf8) + [16]
        let encoded = Base64.urlEncode(payload)
        let length = PositionalEncoding.base36.encode(UInt64(encoded.utf8.count), width: 2)
        return TokenChecksum.gitlab.seal("\(prefix)\(encoded).01.\(length)")
    }

    /// A PyPI API token: `pypi-` and a version 2 binary macaroon (base64url) whose location is the
    /// index, with an identifier, one caveat and a 32-byte signature.
    package static func pypiMacaroon(location: String, seed: String) -> String {
        func field(_ type: UInt8, _ data: [UInt8]) -> [UInt8] { [type, UInt8(data.count)] + data }
        let identifier = Array(opaque(length: 32, seed: seed + "/id", alphabet: "0123456789abcdef").utf8)
        let caveat = Array(#"{"permissions": "user", "version": 1}"#.utf8)
        var macaroon: [UInt8] = [2]
        macaroon += field(1, Array(location.utf8)) + field(2, identifier) + [0]
        macaroon += field(2, caveat) + [0] + [0]
        macaroon += field(6, bytes(count: 32, seed: seed + "/signature"))
        return "pypi-" + Base64.urlEncode(macaroon)
    }
}
