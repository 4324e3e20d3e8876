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

// What the labelled corpus writes: minted secrets (`Mint`) and look-alikes (`Fakes`).

/// The JWT shapes the corpus mints.
enum JWTVariant: String, CaseIterable {
    case hs256
    case hs256WeakKey = "hs256-weak-key"
    case hs384
    case hs512
    case rs256
    case es256
    case algNone = "alg-none"
    case expired
    case noExpiry = "no-expiry"
    case entraV2 = "entra-v2"
    case entraSTS = "entra-sts"
    case kubernetes = "k8s-service-account"
    case refresh
    case jwe
}

/// Mints secrets, each one distinct, cycling through every format so that any context that takes
/// "the next token" covers them all.
struct Mint {
    var random: SplitMix64
    private var serial = 0
    private var providerCursor = 0
    private var jwtCursor = 0
    private var anyCursor = 0
    let now = Int(FixtureCorpus.now.timeIntervalSince1970)

    init(seed: UInt64) { random = SplitMix64(seed: seed ^ 0x6D69_6E74) }

    /// The formats minted as standalone tokens (a webhook URL's secret part needs its URL). The
    /// formats of issue #15 sit in files of their own (`providerFormats()`): some count only in
    /// their context (an `.npmrc` UUID, a Vault `s.` token), and adding them to the cycle would
    /// move every older token of the corpus.
    static let formats = ProviderTokenFormat.standalone.filter { !Mint.issue15Formats.contains($0) }
    static let issue15Formats: [ProviderTokenFormat] = [
        .githubRefreshLong, .slackClient, .slackCookie, .slackExportFile, .openaiProjectShort, .openaiNamed,
        .vaultServiceLegacy, .npmLegacy,
    ]

    /// Rule id and finding kind of each provider format.
    static func rule(of format: ProviderTokenFormat) -> String {
        switch format {
        case .githubPersonal: "github-pat"
        case .githubOAuth: "github-oauth-token"
        case .githubUserToServer: "github-user-to-server-token"
        case .githubServerToServer: "github-installation-token"
        case .githubServerToServerStateless: "github-installation-token-stateless"
        case .githubRefresh: "github-refresh-token"
        case .githubRefreshLong: "github-refresh-token-long"
        case .githubFineGrained: "github-fine-grained-pat"
        case .gitlabPersonal: "gitlab-pat"
        case .gitlabPersonalRoutable: "gitlab-pat-routable"
        case .gitlabRunner: "gitlab-runner-token"
        case .gitlabRunnerRoutable: "gitlab-runner-token-routable"
        case .gitlabOAuthSecret: "gitlab-oauth-app-secret"
        case .gitlabTrigger: "gitlab-pipeline-trigger-token"
        case .slackBot: "slack-bot-token"
        case .slackUser: "slack-user-token"
        case .slackWorkspaceAccess: "slack-workspace-access-token"
        case .slackWorkspaceRefresh: "slack-workspace-refresh-token"
        case .slackConfigAccess: "slack-config-access-token"
        case .slackConfigRefresh: "slack-config-refresh-token"
        case .slackApp: "slack-app-token"
        case .slackClient: "slack-session-token"
        case .slackCookie: "slack-session-cookie"
        case .slackExportFile: "slack-export-file-token"
        case .googleAccess: "google-oauth-access-token"
        case .googleRefresh: "google-oauth-refresh-token"
        case .stripeLiveSecret: "stripe-live-secret-key"
        case .stripeLiveRestricted: "stripe-live-restricted-key"
        case .stripeTestSecret, .stripeTestRestricted: "stripe-test-key"
        case .npm: "npm-access-token"
        case .pypi: "pypi-api-token"
        case .pypiTest: "pypi-test-api-token"
        case .openaiProject: "openai-project-key"
        case .openaiServiceAccount: "openai-service-account-key"
        case .openaiAdmin: "openai-admin-key"
        case .openaiLegacy, .openaiProjectShort, .openaiNamed: "openai-user-key"
        case .anthropicAPI: "anthropic-api-key"
        case .anthropicAdmin: "anthropic-admin-key"
        case .vaultService: "vault-service-token"
        case .vaultBatch: "vault-batch-token"
        case .vaultServiceLegacy: "vault-service-token-legacy"
        case .npmLegacy: "npm-legacy-token"
        case .atlassian: "atlassian-api-token"
        case .shopifyAccess: "shopify-access-token"
        case .shopifyCustomApp: "shopify-custom-app-token"
        case .shopifyPrivateApp: "shopify-private-app-token"
        case .slackWebhook: "slack-webhook-url"
        case .slackTrigger: "slack-workflow-trigger-url"
        case .discordWebhook: "discord-webhook-url"
        case .teamsWebhook: "teams-incoming-webhook-url"
        case .workflowSignature: "workflow-trigger-url"
        case .googleChatWebhook: "google-chat-webhook-url"
        }
    }

    static func kind(of format: ProviderTokenFormat) -> String {
        String(format.rawValue.prefix { $0 != ":" })
    }

    private mutating func nextSerial() -> Int {
        serial += 1
        return serial
    }

    mutating func provider(_ format: ProviderTokenFormat) -> Secret {
        let value = TokenMinter.provider(format, seed: "labelled-\(nextSerial())")
        return Secret(value: value, kind: Mint.kind(of: format), rule: Mint.rule(of: format), label: format.rawValue)
    }

    /// The next provider format in turn.
    mutating func provider() -> Secret {
        defer { providerCursor += 1 }
        return provider(Mint.formats[providerCursor % Mint.formats.count])
    }

    /// The next JWT shape in turn.
    mutating func jwt() -> Secret {
        defer { jwtCursor += 1 }
        return jwt(JWTVariant.allCases[jwtCursor % JWTVariant.allCases.count])
    }

    /// Alternates JWTs and provider tokens (two providers for each JWT: there are more formats).
    mutating func any() -> Secret {
        defer { anyCursor += 1 }
        return anyCursor % 3 == 0 ? jwt() : provider()
    }

    static let weakKeys = ["secret", "shhhhh", "keyboard cat", "example_key", "super-secret", "my_secret_key", "secretkey", "changeme"]
    static let tenants = ["72f988bf-86f1-41af-91ab-2d7cd011db47", "0c2f5d35-6a1e-4d8b-9a37-5b1f0e6c2d90", "b3a1e8f4-29c7-4e61-8d05-7f9e2a6c1b38"]
    static let scopes = ["read:orders", "repo admin:org", "openid profile email", "orders:write", "api", "read:user", "admin", "https://www.googleapis.com/auth/cloud-platform"]

    mutating func jwt(_ variant: JWTVariant) -> Secret {
        let n = nextSerial()
        let t = now
        func num(_ value: Int) -> JSONValue { .number(Double(value)) }
        var claims: [String: JSONValue] = [
            "sub": .string("user-\(random.int(1000...99999))"), "jti": .string("lc-\(n)-\(random.string(10, "abcdefghijkmnpqrstuvwxyz23456789"))"),
            "iat": num(t - random.int(60...86_400)),
        ]
        claims["iss"] = .string(random.pick(["https://auth.corp.example", "https://login.shop.example", "https://id.internal.example/realms/main"]))
        claims["scope"] = .string(random.pick(Mint.scopes))
        claims["exp"] = num(t + random.int(3_700...86_400 * 30))
        let strongKey = random.string(40, "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var alg = "HS256", key = strongKey, header: [String: JSONValue] = ["typ": .string("JWT")], signatureLength = 256
        switch variant {
        case .hs256: break
        case .hs256WeakKey: key = random.pick(Mint.weakKeys)
        case .hs384: alg = "HS384"
        case .hs512: alg = "HS512"
        case .rs256:
            alg = "RS256"
            header["kid"] = .string(random.string(16, "0123456789abcdef"))
        case .es256:
            alg = "ES256"
            signatureLength = 64
        case .algNone:
            alg = random.pick(["none", "none", "None", "NONE"])
            claims["role"] = .string("admin")
        case .expired: claims["exp"] = num(t - random.int(86_400...86_400 * 400))
        case .noExpiry:
            claims["exp"] = nil
            claims["scope"] = .string("admin")
        case .entraV2, .entraSTS:
            alg = "RS256"
            header["kid"] = .string(random.string(27, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"))
            let tenant = random.pick(Mint.tenants)
            claims["tid"] = .string(tenant)
            claims["oid"] = .string(Fakes.uuid(&random))
            claims["aud"] = .string(variant == .entraV2 ? Fakes.uuid(&random) : "https://graph.microsoft.com")
            claims["nbf"] = claims["iat"]
            if variant == .entraV2 {
                claims["iss"] = .string("https://login.microsoftonline.com/\(tenant)/v2.0")
                claims["scp"] = .string(random.pick(["User.Read Mail.Send", "Files.ReadWrite.All", "User.Read"]))
                claims["ver"] = .string("2.0")
            } else {
                claims["iss"] = .string("https://sts.windows.net/\(tenant)/")
                claims["roles"] = .array([.string(random.pick(["Directory.ReadWrite.All", "Sites.Read.All", "Application.ReadWrite.All"]))])
                claims["appid"] = .string(Fakes.uuid(&random))
                claims["ver"] = .string("1.0")
            }
            claims["scope"] = nil
        case .kubernetes:
            alg = "RS256"
            header["kid"] = .string(random.string(43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"))
            claims["iss"] = .string("https://kubernetes.default.svc.cluster.local")
            let namespace = random.pick(["ci", "payments", "kube-system", "monitoring"])
            claims["sub"] = .string("system:serviceaccount:\(namespace):\(random.pick(["deployer", "default", "builder"]))")
            claims["aud"] = .array([.string("https://kubernetes.default.svc.cluster.local")])
            claims["scope"] = nil
        case .refresh:
            claims["typ"] = .string("Refresh")
            claims["exp"] = num(t + 86_400 * random.int(30...90))
        case .jwe:
            let header = Base64.urlEncode(Array(#"{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"\#(random.string(8, "0123456789abcdef"))"}"#.utf8))
            let parts = [342, 16, random.int(40...300), 22].map { Base64.urlEncode(random.bytes($0 * 3 / 4)) }
            return Secret(value: ([header] + parts).joined(separator: "."), kind: "jwe", rule: "jwe", label: "jwe")
        }
        let value = TokenMinter.jwt(alg: alg, header: header, claims: claims, key: key, fakeSignatureLength: signatureLength)
        return Secret(value: value, kind: "jwt", rule: "jwt", label: "jwt:\(variant.rawValue)")
    }

    /// An opaque bearer token (RFC 6750 b64token): base62 with a digit, sometimes `-._~`, or
    /// standard base64 with `+ /` and padding (`b64: true`, not for query strings).
    mutating func opaque(b64: Bool = false, rule: String = "authorization-bearer") -> Secret {
        _ = nextSerial()
        while true {
            var value: String
            if b64 {
                value = Data(random.bytes(random.pick([24, 26, 32, 33]))).base64EncodedString()
            } else {
                let alphabet = random.chance(30)
                    ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
                    : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                value = random.string(random.int(32...48), alphabet)
            }
            let bytes = Array(value.utf8)
            let prefixes = ["eyJ", "gh", "gl", "xox", "xapp", "sk", "rk", "npm_", "pypi", "hvs", "hvb", "ya29", "1//", "ATATT", "shp"]
            guard bytes.contains(where: { $0 >= 0x30 && $0 <= 0x39 }), !Placeholder.isPlaceholder(bytes),
                !prefixes.contains(where: value.hasPrefix), Entropy.bits(bytes) >= 3.5
            else { continue }
            return Secret(value: value, kind: "bearer", rule: rule, label: b64 ? "bearer:opaque-base64" : "bearer:opaque")
        }
    }

    /// A UUID after `Authorization: Bearer`: opaque, so a credential there.
    mutating func uuidBearer() -> Secret {
        _ = nextSerial()
        while true {
            let value = Fakes.uuid(&random)
            if !Placeholder.isPlaceholder(Array(value.utf8)) {
                return Secret(value: value, kind: "bearer", rule: "authorization-bearer", label: "bearer:uuid")
            }
        }
    }

    /// A JWT / session signing key (`JWT_SECRET=…`).
    mutating func signingKey() -> Secret {
        _ = nextSerial()
        while true {
            let value = random.string(random.int(24...48), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
            if !Placeholder.isPlaceholder(Array(value.utf8)) {
                return Secret(value: value, kind: "hmac-secret", rule: "jwt-signing-secret", label: "hmac-secret")
            }
        }
    }
}

/// Look-alikes: text that resembles a secret and is not one.
struct Fakes {
    var random: SplitMix64
    init(seed: UInt64) { random = SplitMix64(seed: seed ^ 0x6661_6B65) }

    static let hexDigits = "0123456789abcdef"
    static let base62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    static let base64url = base62 + "-_"

    static func uuid(_ random: inout SplitMix64) -> String {
        var hex = Array(random.string(32, hexDigits))
        hex[12] = "4"
        hex[16] = random.pick(["8", "9", "a", "b"])
        let text = String(hex)
        let parts = [text.prefix(8), text.dropFirst(8).prefix(4), text.dropFirst(12).prefix(4), text.dropFirst(16).prefix(4), text.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    mutating func uuid() -> String { Fakes.uuid(&random) }
    mutating func sha() -> String { random.string(40, Fakes.hexDigits) }
    mutating func shortSHA() -> String { random.string(7, Fakes.hexDigits) }
    mutating func hexHash(_ bits: Int) -> String { random.string(bits / 4, Fakes.hexDigits) }
    mutating func base64(_ count: Int, url: Bool = false) -> String {
        let text = Data(random.bytes(count)).base64EncodedString()
        return url ? text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "") : text
    }
    mutating func sri() -> String {
        let bits = random.pick([512, 512, 384, 256])
        return "sha\(bits)-" + base64(bits / 8)
    }

    /// A JWKS key (RSA or EC public key material), as one JSON object.
    mutating func jwk() -> String {
        let kid = base64(32, url: true)
        if random.chance(65) {
            var modulus = random.bytes(256)
            modulus[0] |= 0x80
            let n = Data(modulus).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            return #"{"kty":"RSA","use":"sig","alg":"RS256","kid":"\#(kid)","n":"\#(n)","e":"AQAB"}"#
        }
        return #"{"kty":"EC","crv":"P-256","use":"sig","kid":"\#(kid)","x":"\#(base64(32, url: true))","y":"\#(base64(32, url: true))"}"#
    }

    /// A DER certificate (structurally an X.509 v3 certificate with a P-256 key; the key and
    /// signature bytes are random, so it verifies nothing).
    mutating func certificateDER(commonName: String) -> [UInt8] {
        func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
            let count = content.count
            let length: [UInt8] = count < 128 ? [UInt8(count)] : count < 256 ? [0x81, UInt8(count)] : [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
            return [tag] + length + content
        }
        func oid(_ bytes: [UInt8]) -> [UInt8] { tlv(0x06, bytes) }
        func name(_ cn: String) -> [UInt8] {
            tlv(0x30, tlv(0x31, tlv(0x30, oid([0x55, 0x04, 0x0A]) + tlv(0x0C, Array("Example Corp".utf8))))
                + tlv(0x31, tlv(0x30, oid([0x55, 0x04, 0x03]) + tlv(0x0C, Array(cn.utf8)))))
        }
        let ecdsaSHA256 = tlv(0x30, oid([0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]))
        var serial = random.bytes(16)
        serial[0] &= 0x7F
        let validity = tlv(0x30, tlv(0x17, Array("250101000000Z".utf8)) + tlv(0x17, Array("270101000000Z".utf8)))
        let key = tlv(0x30, tlv(0x30, oid([0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]) + oid([0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]))
            + tlv(0x03, [0x00, 0x04] + random.bytes(64)))
        let tbs = tlv(0x30, tlv(0xA0, tlv(0x02, [0x02])) + tlv(0x02, serial) + ecdsaSHA256 + name("Example Issuing CA") + validity
            + name(commonName) + key)
        let signature = tlv(0x03, [0x00] + tlv(0x30, tlv(0x02, [0x00] + random.bytes(32)) + tlv(0x02, [0x00] + random.bytes(32))))
        return tlv(0x30, tbs + ecdsaSHA256 + signature)
    }

    /// A PEM certificate block (lines of 64 characters).
    mutating func pem(commonName: String) -> String {
        let text = Data(certificateDER(commonName: commonName)).base64EncodedString()
        var lines = ["-----BEGIN CERTIFICATE-----"]
        var rest = Substring(text)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(64)))
            rest = rest.dropFirst(64)
        }
        lines.append("-----END CERTIFICATE-----")
        return lines.joined(separator: "\n")
    }

    mutating func x5c() -> String { Data(certificateDER(commonName: "signing.\(random.pick(["corp", "shop", "id"])).example")).base64EncodedString() }

    /// A real PNG (RGB, stored deflate blocks), base64.
    mutating func pngBase64() -> String {
        let width = random.int(4...12), height = random.int(4...12)
        var raw: [UInt8] = []
        let base = random.bytes(3)
        for y in 0..<height {
            raw.append(0)
            for x in 0..<width {
                raw += [base[0] &+ UInt8(x * 9), base[1] &+ UInt8(y * 7), base[2] &+ UInt8(random.below(16))]
            }
        }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return be32(UInt32(data.count)) + body + be32(CRC32.checksum(body))
        }
        func be32(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        let length = UInt16(raw.count)
        let zlib: [UInt8] = [0x78, 0x01, 0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)] + raw + be32(b << 16 | a)
        let header = be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0]
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlib) + chunk("IEND", [])
        return Data(png).base64EncodedString()
    }

    static let loremWords = """
        lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna \
        aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute \
        irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint occaecat cupidatat non \
        proident sunt culpa qui officia deserunt mollit anim id est laborum
        """.split(separator: " ").map(String.init)

    mutating func lorem(_ words: Int) -> String {
        var text = (0..<words).map { _ in random.pick(Fakes.loremWords) }.joined(separator: " ")
        text = text.prefix(1).uppercased() + text.dropFirst() + "."
        return text
    }

    static let identifierParts = ["handle", "Authorization", "Token", "Refresh", "Callback", "Session", "Manager", "Factory", "Provider",
                                  "Interceptor", "Bearer", "Resolver", "Access", "Credentials", "Cache", "Request", "Pipeline", "Secret",
                                  "Encoder", "Default", "Configuration", "Listener", "Adapter", "Strategy", "Expiry", "Scope"]

    /// A long camelCase identifier or a minifier's name (`_0x3f2a1b`, `__webpack_require__`).
    mutating func identifier() -> String {
        switch random.below(4) {
        case 0: return "_0x" + random.string(6, Fakes.hexDigits)
        case 1: return random.pick(["__webpack_require__", "__WEBPACK_DEFAULT_EXPORT__", "_interopRequireDefault", "__esModule"])
        default:
            let words = (0..<random.int(4...7)).map { _ in random.pick(Fakes.identifierParts) }
            return random.pick(["get", "create", "on", "use", "build", "should"]) + words.joined()
        }
    }

    /// `value` cut short: what is left of a token in truncated output.
    mutating func truncatedJWT(_ jwt: String) -> String {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        let payload = parts[1]
        return parts[0] + "." + payload.prefix(random.int(4...max(5, payload.count / 2)))
    }

    /// A JWT whose signature is cut short (header and claims intact): a copy, not a usable token.
    mutating func truncatedSignature(_ jwt: String) -> String {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        var cut = random.int(6...20)
        if cut % 4 == 1 { cut += 1 }
        return parts[0] + "." + parts[1] + "." + parts[2].prefix(cut)
    }

    /// Formats whose tokens have a fixed length or a checksum, so that a copy missing characters
    /// is recognisably not a token (a cut `ya29.…` or `hvs.…` is still a well-formed token).
    static let fixedLengthFormats: [ProviderTokenFormat] = [
        .githubPersonal, .githubOAuth, .githubUserToServer, .githubServerToServer, .githubRefresh, .githubFineGrained, .npm,
        .gitlabOAuthSecret, .gitlabTrigger, .shopifyAccess, .shopifyCustomApp, .shopifyPrivateApp, .anthropicAPI, .openaiLegacy,
    ]

    /// A fixed-length provider token missing characters (the last 3 to 20).
    mutating func truncatedProvider(_ mint: inout Mint) -> String {
        let token = mint.provider(random.pick(Fakes.fixedLengthFormats)).value
        return String(token.dropLast(random.int(3...min(20, token.count / 3))))
    }

    /// `eyJ…` that is not a JWT: the header's and claims' base64url decode to `{"` and garbage, or
    /// the claims are not JSON, or a base64url JSON blob with no dots at all.
    mutating func notAJWT() -> String {
        switch random.below(3) {
        case 0:
            return "eyJ" + random.string(random.int(16...40), Fakes.base64url) + ".eyJ" + random.string(random.int(20...60), Fakes.base64url)
                + "." + random.string(43, Fakes.base64url)
        case 1:
            let header = Base64.urlEncode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
            let claims = Base64.urlEncode(Array(#"{"sub" "\#(random.string(8, Fakes.base62))", "exp" 17"#.utf8))
            return header + "." + claims + "." + random.string(43, Fakes.base64url)
        default:
            return Base64.urlEncode(Array(#"{"returnTo":"/\#(random.pick(["home", "orders", "settings"]))","nonce":"\#(random.string(12, Fakes.base62))"}"#.utf8))
        }
    }

    /// A masked token as UIs and docs show them.
    mutating func masked() -> String {
        random.pick([
            "ghp_" + String(repeating: "*", count: 36), "eyJhbGciOi…", "sk-…" + random.string(4, "abcdefghijklmnopqrstuvwxyz"),
            "sk-…xxxx", "sk_live_••••••••••••" + random.string(4, "0123456789"), "xoxb-****-****-********",
            "glpat-xxxxxxxxxxxxxxxxxxxx", "hvs.**************", "ghp_" + random.string(4, Fakes.base62) + "…" + random.string(4, Fakes.base62),
            "npm_" + String(repeating: "•", count: 12), "eyJhbGciOiJSUzI1NiIs…[redacted]", "ya29.****",
        ])
    }

    mutating func placeholder() -> String {
        random.pick([
            "<token>", "${TOKEN}", "{{ token }}", "your-token-here", "$GITHUB_TOKEN", "%API_TOKEN%", "<YOUR_ACCESS_TOKEN>",
            "REPLACE_WITH_YOUR_TOKEN", "{{ .Values.token }}", "${{ secrets.GITHUB_TOKEN }}", "<insert-token-here>", "ghp_<your-token>",
        ])
    }

    /// A provider token with one checksum character changed: a typo or a made-up example.
    mutating func badChecksum(_ mint: inout Mint) -> String {
        let format = random.pick([ProviderTokenFormat.githubPersonal, .githubOAuth, .githubUserToServer, .githubServerToServer, .githubRefresh,
                                  .npm, .gitlabPersonalRoutable, .gitlabRunnerRoutable, .atlassian])
        let token = mint.provider(format).value
        return TokenMinter.corruptingChecksum(of: token, format.checksum!)
    }
}
