import Foundation
import TokenFormats

/// The labelled corpus of issue #15's named values: opaque tokens assigned to names in every
/// syntax, Kubernetes Secrets, percent-encoded and escaped opaque tokens, and bearer values in
/// the characters real tokens use — each category with its look-alikes, in files of its own
/// directory (`named/`, `kubernetes/`, `encoded/`, `bearer/`), so that recall and false positives
/// are counted per category.
///
/// Positives come from generators written from the issuers' documentation (cited beside each),
/// before the rules that find them (design §8, "Detection corpora"). Like `LabelledCorpus`, the
/// values are minted from the seed every time; only placeholders (whose check is another part of
/// issue #15) and provider prefixes (another rule's business) are drawn again.
public enum NamedValueCorpus {
    public static let defaultSeed: UInt64 = 0x4E41_4D45_4400_0015

    /// The categories, by the directory their files sit in.
    public enum Category: String, CaseIterable, Sendable {
        case named
        case kubernetes
        case encoded
        case bearer
        case cookies
        case headers
        case aws
    }

    public static func category(ofPath path: String) -> Category? {
        Category(rawValue: String(path.prefix { $0 != "/" }))
    }

    public static func generate(seed: UInt64 = defaultSeed) -> LabelledCorpus.Corpus {
        var writer = NamedValueWriter(seed: seed)
        var corpus = LabelledCorpus.Corpus(files: [], tokens: [], lookAlikes: [])
        for doc in writer.writeAll() { LabelledCorpus.finish(doc, into: &corpus) }
        return corpus
    }

    /// Per category: tokens found of all, look-alikes reported of all.
    public struct Figures: Sendable, Equatable {
        public var found = 0
        public var tokens = 0
        public var flagged = 0
        public var lookAlikes = 0
        public init() {}
        public var recall: Double { tokens == 0 ? 0 : Double(found) / Double(tokens) }
        public var flaggedRate: Double { lookAlikes == 0 ? 0 : Double(flagged) / Double(lookAlikes) }
    }

    public static func figures(_ evaluation: LabelledCorpus.Evaluation, corpus: LabelledCorpus.Corpus) -> [Category: Figures] {
        var figures: [Category: Figures] = [:]
        let found = Set(evaluation.found)
        for token in corpus.tokens {
            guard let category = category(ofPath: token.expectation.path) else { continue }
            figures[category, default: Figures()].tokens += 1
            if found.contains(token) { figures[category, default: Figures()].found += 1 }
        }
        let flagged = Set(evaluation.reportedLookAlikes)
        for lookAlike in corpus.lookAlikes {
            guard let category = category(ofPath: lookAlike.path) else { continue }
            figures[category, default: Figures()].lookAlikes += 1
            if flagged.contains(lookAlike) { figures[category, default: Figures()].flagged += 1 }
        }
        return figures
    }

    /// The kind a finding of a value assigned to `name` has: `bearer` where the OAuth parameter
    /// rule claims the name (`access_token`, `REFRESH_TOKEN`, `idToken`), else the named-value
    /// rule's `opaque`.
    static func kind(forName name: String) -> String {
        let oauth = try! NSRegularExpression(pattern: "(?i)(?<![a-z0-9])(?:access|id|refresh)[_-]?token$")
        return oauth.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) == nil ? "opaque" : "bearer"
    }
}

/// Mints the values and writes the files of `NamedValueCorpus`.
struct NamedValueWriter {
    var random: SplitMix64
    var docs: [Doc] = []
    var serial = 0
    var fakeSerial = 0

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    static let base62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    static let base64url = base62 + "-_"
    static let hex = "0123456789abcdef"
    static let providerPrefixes = ["eyJ", "gh", "gl", "xox", "xapp", "sk", "rk", "npm_", "pypi", "hvs", "hvb", "ya29", "1//", "ATATT", "shp", "AKIA", "s."]

    /// A value that is neither a placeholder nor starts like a provider's token.
    mutating func draw(_ make: (inout SplitMix64) -> String) -> String {
        while true {
            let value = make(&random)
            if Placeholder.isPlaceholder(Array(value.utf8)) || NamedValueWriter.providerPrefixes.contains(where: value.hasPrefix) { continue }
            return value
        }
    }

    // MARK: values, each from its issuer's documentation

    /// What a name's value is minted as.
    enum ValueShape: CaseIterable {
        /// RFC 6749 §1.4 and §5.1: an access token is "a string", usually opaque; RFC 6750 §2.1's
        /// b64token alphabet; lengths seen from issuers (20–64).
        case oauthOpaque
        /// Okta API token ("SSWS" scheme): "00" and 40 URL-safe characters
        /// (https://developer.okta.com/docs/guides/create-an-api-token/).
        case okta
        /// Microsoft Entra client secret since 2021: 3 characters, a digit, "Q~", 34 characters
        /// of [A-Za-z0-9_.~-] (https://learn.microsoft.com/entra/identity-platform/how-to-add-credentials).
        case entraSecret
        /// Google OAuth client secret: "GOCSPX-" and 28 URL-safe characters
        /// (https://support.google.com/cloud/answer/15549257, client secret format).
        case googleClientSecret
        /// Base64 of 32 or 64 random bytes, padded: Azure storage account keys (88 characters) and
        /// many webhook secrets (https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage).
        case base64Key
        /// Letters only, mixed case, 32–48 (Twilio API secrets and others are base62 that may
        /// happen to hold no digit; the issue asks for letters-only values of token length).
        case lettersOnly
        /// Mailgun private API key: "key-" and 32 hex digits (https://documentation.mailgun.com/docs/mailgun/api-reference/authentication).
        case mailgun
    }

    mutating func value(_ shape: ValueShape) -> String {
        draw { random in
            switch shape {
            case .oauthOpaque:
                while true {
                    let value = random.string(random.int(20...64), random.chance(30) ? NamedValueWriter.base64url + ".~" : NamedValueWriter.base62)
                    if value.contains(where: \.isNumber), !".~-_".contains(value.last!) { return value }
                }
            case .okta: return "00" + random.string(40, NamedValueWriter.base64url)
            case .entraSecret:
                return random.string(3, NamedValueWriter.base62) + String(random.int(0...9)) + "Q~"
                    + random.string(34, NamedValueWriter.base62 + "_.~-")
            case .googleClientSecret: return "GOCSPX-" + random.string(28, NamedValueWriter.base64url)
            case .base64Key: return Data(random.bytes(random.pick([32, 64]))).base64EncodedString()
            case .lettersOnly: return random.string(random.int(32...48), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
            case .mailgun: return "key-" + random.string(32, NamedValueWriter.hex)
            }
        }
    }

    /// Datadog API key: 32 hex digits (https://docs.datadoghq.com/account_management/api-app-keys/);
    /// only a credential under an API key's or session's name.
    mutating func hex32() -> String { draw { $0.string(32, NamedValueWriter.hex) } }
    /// Heroku API key: a UUID (https://devcenter.heroku.com/articles/authentication).
    mutating func herokuKey() -> String { draw { Fakes.uuid(&$0) } }
    /// Django session key: 32 of [a-z0-9] (django/contrib/sessions/backends/base.py, VALID_KEY_CHARS).
    mutating func djangoSession() -> String { draw { $0.string(32, "abcdefghijklmnopqrstuvwxyz0123456789") } }
    /// AWS STS session token: base64, several hundred characters, starting with the encoded
    /// header "IQoJb3JpZ2luX2Vj" (https://docs.aws.amazon.com/STS/latest/APIReference/API_Credentials.html).
    mutating func awsSessionToken() -> String {
        draw { "IQoJb3JpZ2luX2VjE" + Data($0.bytes($0.int(220...300))).base64EncodedString() }
    }
    /// A generated password (1Password / Bitwarden style, in the characters of an unquoted value).
    mutating func password() -> String {
        draw { random in
            while true {
                let value = random.string(random.int(16...28), NamedValueWriter.base62 + "!_.-~")
                if value.contains(where: \.isNumber) { return value }
            }
        }
    }

    // MARK: names

    /// Names and what they are minted as. `oauthNamed`: the OAuth parameter rule claims the name.
    static let tokenNames = ["api_token", "auth_token", "bearer_token", "service_token", "deploy_token", "github_token", "slack_bot_token",
                             "discord_token", "vercel_token", "sentry_auth_token", "circleci_token", "buildkite_agent_token", "sonar_token",
                             "identity_token", "registry_token"]
    static let apiKeyNames = ["api_key", "mailgun_api_key", "datadog_api_key", "sendgrid_api_key", "openweather_api_key", "x_api_key", "app_key",
                              "subscription_key", "access_key", "maps_api_key"]
    static let secretNames = ["client_secret", "app_secret", "api_secret", "webhook_secret", "secret_key", "oauth_client_secret"]
    static let sessionNames = ["session_token", "session_id", "session_key", "sessid"]
    static let refreshNames = ["refresh_token", "google_refresh_token", "salesforce_refresh_token", "refreshToken"]
    static let passwordNames = ["db_password", "smtp_password", "redis_password", "admin_password"]

    /// A name and a value for the next positive, cycling through the classes and shapes.
    mutating func nextNamed() -> (name: String, value: String, label: String) {
        serial += 1
        switch serial % 12 {
        case 0, 1, 2:
            let shape = ValueShape.allCases[serial % ValueShape.allCases.count]
            return (random.pick(NamedValueWriter.tokenNames), value(shape), "token")
        case 3:
            return (random.pick(NamedValueWriter.apiKeyNames), random.chance(50) ? hex32() : herokuKey(), "api-key:hex-or-uuid")
        case 4: return (random.pick(NamedValueWriter.apiKeyNames), value(random.pick([.mailgun, .base64Key, .oauthOpaque])), "api-key")
        case 5: return (random.pick(NamedValueWriter.secretNames), value(random.pick([.entraSecret, .googleClientSecret, .base64Key])), "secret")
        case 6: return (random.pick(NamedValueWriter.sessionNames), random.chance(50) ? hex32() : djangoSession(), "session")
        case 7: return (random.pick(NamedValueWriter.refreshNames), value(.oauthOpaque), "refresh-token")
        case 8: return (random.pick(NamedValueWriter.passwordNames), password(), "password")
        case 9: return ("aws_session_token", awsSessionToken(), "aws-session-token")
        case 10: return (random.pick(NamedValueWriter.tokenNames), value(.lettersOnly), "token:letters-only")
        default: return (random.pick(NamedValueWriter.tokenNames + NamedValueWriter.apiKeyNames), value(.okta), "token")
        }
    }

    /// The next look-alike under a credential's name: every shape the gate must tell apart.
    mutating func nextLookAlike() -> (name: String, kind: LabelledCorpus.LookAlikeKind, value: String) {
        fakeSerial += 1
        let serial = fakeSerial
        let tokenName = random.pick(NamedValueWriter.tokenNames + ["token", "secret_token"])
        let words = ["user", "profile", "cache", "access", "token", "store", "service", "config", "default", "header", "value", "provider", "storage",
                     "session", "manager", "request", "handler", "client", "refresh", "github"]
        func identifier(_ random: inout SplitMix64) -> String {
            let parts = (0..<random.int(3...5)).map { _ in random.pick(words) }
            switch random.below(3) {
            case 0: return parts[0] + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
            case 1: return parts.joined(separator: "_")
            default: return parts.joined(separator: "_").uppercased()
            }
        }
        switch serial % 16 {
        case 0: return (tokenName, .uuid, Fakes.uuid(&random))
        case 1: return (tokenName, .hexHash, random.string(random.pick([32, 64]), NamedValueWriter.hex))
        case 2: return (tokenName, .gitSHA, random.string(40, NamedValueWriter.hex))
        case 3:
            let version = "\(random.int(0...30)).\(random.int(0...40)).\(random.int(0...99))"
            return (tokenName, .version, random.pick(["v", ""]) + version + random.pick(["-beta.\(random.int(1...9))", "-rc.\(random.int(1...5))", "+build.\(random.int(100...999))"]))
        case 4:
            return (random.pick(["token_path", "api_token", "secret_file_token"]), .path,
                    random.pick(["/var/run/secrets/kubernetes.io/serviceaccount/token", "/etc/app/credentials/api_token", "./config/secrets/service_token.txt", "~/.config/gh/hosts_token.yml"]))
        case 5: return (tokenName, .url, random.pick(["https://oauth2.googleapis.com/token", "https://login.microsoftonline.com/common/oauth2/v2.0/token", "https://api.example.com/v1/auth/token?grant=client"]))
        case 6: return (tokenName, .identifier, identifier(&random))
        case 7: return (tokenName, .masked, String(repeating: random.pick(["x", "X", "*", "0"]), count: random.int(16...40)))
        case 8:
            let run = "abcdefghijklmnopqrstuvwxyz"
            let start = random.int(0...6)
            return (tokenName, .counting, String(run.dropFirst(start).prefix(random.int(16...20))) + String(random.int(10...99)))
        case 9: return (tokenName, .placeholder, random.pick(["your-api-token-here", "REPLACE_WITH_YOUR_TOKEN", "insert-token-here-please", "<your-token-goes-here>", "changeme-changeme-changeme"]))
        case 10: return (tokenName, .environmentReference, random.pick(["${API_TOKEN}", "$SERVICE_TOKEN", "process.env.API_TOKEN", "${{ secrets.DEPLOY_TOKEN }}", "%AUTH_TOKEN%"]))
        case 11:
            let random32 = draw { $0.string(32, NamedValueWriter.base62) }
            return (random.pick(["csrf_token", "csrfToken", "xsrf_token", "next_page_token", "nextPageToken", "continuation_token", "sync_token"]), .notACredentialName, random32)
        case 12:
            let text = random.pick(["changeme", "password", "not-a-secret", "example-token"])
            return (tokenName, .base64OfText, Data((text + "-" + random.pick(["value", "sample", "dev"])).utf8).base64EncodedString())
        case 13: return (random.pick(["token_type", "token_kind"]), .identifier, random.pick(["personal_access_token", "refresh_token_rotation", "client_credentials_grant"]))
        case 14: return (random.pick(NamedValueWriter.tokenNames), .counting, random.pick(["0123456789012345678901234", "12345678901234567890", "98765432109876543210"]))
        default: return (random.pick(NamedValueWriter.passwordNames), .placeholder, random.pick(["password123456", "changeme123456", "<db-password-here>"]))
        }
    }

    // MARK: writing

    enum Case { case upperSnake, camel, snake, kebab, pascal }

    static func styled(_ name: String, _ style: Case) -> String {
        let parts = name.split(separator: "_").map(String.init)
        if parts.count == 1 && name.contains(where: \.isUppercase) { return name }
        switch style {
        case .upperSnake: return name.uppercased()
        case .snake: return name
        case .kebab: return parts.joined(separator: "-")
        case .camel: return parts[0] + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        case .pascal: return parts.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        }
    }

    /// One syntax: its file, how a name is styled, and how an assignment is written.
    struct Syntax {
        var path: String
        var style: Case
        /// The OAuth parameter rule reads `NAME <sep> value` here; where it does not (a type
        /// between name and value, `:=`, `@"`, define's `,`), the
        /// named-value rule reports an OAuth name's value too.
        var oauthReads = true
        var header: String = ""
        var footer: String = ""
        var line: (String, Piece) -> Piece
    }

    static var syntaxes: [Syntax] { [
        Syntax(path: "named/config/.env", style: .upperSnake) { Piece("\($0)=") + $1 + "\n" },
        Syntax(path: "named/config/quoted.env", style: .upperSnake) { Piece("\($0)=\"") + $1 + "\"\n" },
        Syntax(path: "named/scripts/deploy.sh", style: .upperSnake, header: "#!/usr/bin/env bash\nset -euo pipefail\n") { Piece("export \($0)=\"") + $1 + "\"\n" },
        Syntax(path: "named/helm/values.yaml", style: .camel, header: "service:\n  name: orders\n  env:\n") { Piece("    \($0): ") + $1 + "\n" },
        Syntax(path: "named/.github/workflows/ci.yml", style: .upperSnake, header: "jobs:\n  build:\n    env:\n") { Piece("      \($0): \"") + $1 + "\"\n" },
        Syntax(path: "named/config/settings.json", style: .camel, header: "{\n", footer: "  \"debug\": false\n}\n") { Piece("  \"\($0)\": \"") + $1 + "\",\n" },
        Syntax(path: "named/.vscode/settings.json", style: .camel, header: "{\n  \"rest-client.environmentVariables\": {\n    \"$shared\": {\n",
               footer: "      \"host\": \"localhost\"\n    }\n  }\n}\n") { Piece("      \"\($0)\": \"") + $1 + "\",\n" },
        Syntax(path: "named/notebooks/explore.ipynb", style: .upperSnake, header: "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\n",
               footer: "\"print('ok')\\n\"]}], \"nbformat\": 4}\n") { Piece("\"\($0) = \\\"") + $1 + "\\\"\\n\",\n" },
        Syntax(path: "named/config/app.toml", style: .snake, header: "[service]\n") { Piece("\($0) = \"") + $1 + "\"\n" },
        Syntax(path: "named/config/app.ini", style: .snake, header: "[credentials]\n") { Piece("\($0) = ") + $1 + "\n" },
        Syntax(path: "named/config/application.properties", style: .kebab) { Piece("app.\($0)=") + $1 + "\n" },
        Syntax(path: "named/src/settings.py", style: .upperSnake, header: "import os\n\n") { Piece("\($0) = \"") + $1 + "\"\n" },
        Syntax(path: "named/src/typed.py", style: .snake, oauthReads: false) { Piece("\($0): str = '") + $1 + "'\n" },
        Syntax(path: "named/src/config.js", style: .camel, header: "module.exports = {\n", footer: "};\n") { Piece("  \($0): '") + $1 + "',\n" },
        Syntax(path: "named/src/constants.js", style: .upperSnake) { Piece("const \($0) = \"") + $1 + "\";\n" },
        Syntax(path: "named/src/config.ts", style: .camel, oauthReads: false) { Piece("export const \($0): string = \"") + $1 + "\";\n" },
        Syntax(path: "named/internal/config.go", style: .camel, header: "package config\n\n") { Piece("const \($0) = \"") + $1 + "\"\n" },
        Syntax(path: "named/internal/client.go", style: .camel, oauthReads: false, header: "package config\n\nfunc setup() {\n", footer: "}\n") { Piece("\t\($0) := `") + $1 + "`\n" },
        Syntax(path: "named/src/Config.java", style: .upperSnake, header: "final class Config {\n", footer: "}\n") { Piece("    private static final String \($0) = \"") + $1 + "\";\n" },
        Syntax(path: "named/src/Config.kt", style: .camel, oauthReads: false, header: "object Config {\n", footer: "}\n") { Piece("    val \($0): String = \"") + $1 + "\"\n" },
        Syntax(path: "named/Sources/Config.swift", style: .camel, header: "enum Config {\n", footer: "}\n") { Piece("    static let \($0) = \"") + $1 + "\"\n" },
        Syntax(path: "named/src/Config.cs", style: .pascal, oauthReads: false, header: "static class Config {\n", footer: "}\n") { Piece("    public const string \($0) = @\"") + $1 + "\";\n" },
        Syntax(path: "named/config/initializers/keys.rb", style: .upperSnake) { Piece("\($0) = '") + $1 + "'\n" },
        Syntax(path: "named/config/hash.rb", style: .snake, header: "CONFIG = {\n", footer: "}\n") { Piece("  :\($0) => \"") + $1 + "\",\n" },
        Syntax(path: "named/config/config.php", style: .upperSnake, oauthReads: false, header: "<?php\n") { Piece("define('\($0)', '") + $1 + "');\n" },
        Syntax(path: "named/config/array.php", style: .snake, header: "<?php\nreturn [\n", footer: "];\n") { Piece("    '\($0)' => '") + $1 + "',\n" },
        Syntax(path: "named/src/vars.php", style: .camel, header: "<?php\n") { Piece("$\($0) = '") + $1 + "';\n" },
    ] }

    mutating func writeAll() -> [Doc] {
        named()
        kubernetes()
        encoded()
        bearer()
        cookies()
        headers()
        awsSessionTokens()
        return docs
    }

    /// Every syntax holds four named tokens and four look-alikes.
    mutating func named() {
        for syntax in NamedValueWriter.syntaxes {
            var doc = Doc(syntax.path)
            doc.put(syntax.header)
            var lines: [Piece] = []
            for _ in 0..<4 {
                let positive = nextNamed()
                let name = NamedValueWriter.styled(positive.name, syntax.style)
                let kind = syntax.oauthReads ? NamedValueCorpus.kind(forName: name) : "opaque"
                let secret = Secret(value: positive.value, kind: kind, rule: kind == "bearer" ? "oauth-token-parameter" : "named-value",
                                    label: "named:\(positive.label)")
                lines.append(syntax.line(name, .token(secret)))
                let fake = nextLookAlike()
                lines.append(syntax.line(NamedValueWriter.styled(fake.name, syntax.style), .lookAlike(fake.kind, fake.value)))
            }
            for line in lines { doc.put(line) }
            doc.put(syntax.footer)
            docs.append(doc)
        }
    }

    /// Secrets, `.dockerconfigjson` and a kubeconfig (https://kubernetes.io/docs/concepts/configuration/secret/,
    /// https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/).
    mutating func kubernetes() {
        let keys = ["api-token", "token", "apiKey", "client-secret", "session-key", "password", "service-token", "webhook-secret", "auth-token"]
        for file in 0..<6 {
            var doc = Doc("kubernetes/secrets-\(file).yaml")
            doc.line("apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-\(file)\n  namespace: prod\ntype: Opaque\ndata:")
            for index in 0..<5 {
                let key = keys[(file * 5 + index) % keys.count]
                let value = key == "password" ? password() : value(random.pick([.oauthOpaque, .okta, .base64Key, .entraSecret]))
                let secret = Secret(value: value, kind: NamedValueCorpus.kind(forName: key), rule: "named-value", label: "kubernetes:data")
                doc.put(Piece("  \(key): ") + Piece.token(secret).base64() + "\n")
                let fake = nextLookAlike()
                let encoded = Data(fake.value.utf8).base64EncodedString()
                doc.put(Piece("  \(NamedValueWriter.styled(fake.name, .kebab)): ") + Piece.lookAlike(fake.kind, encoded) + "\n")
            }
            doc.line("  namespace-name: " + Data("production".utf8).base64EncodedString())
            doc.line("stringData:")
            for index in 0..<3 {
                let key = keys[(file * 3 + index + 1) % keys.count]
                let secret = Secret(value: value(.oauthOpaque), kind: NamedValueCorpus.kind(forName: key), rule: "named-value", label: "kubernetes:stringData")
                doc.put(Piece("  \(key): \"") + .token(secret) + "\"\n")
                let fake = nextLookAlike()
                doc.put(Piece("  \(NamedValueWriter.styled(fake.name, .kebab)): \"") + .lookAlike(fake.kind, fake.value) + "\"\n")
            }
            docs.append(doc)
        }
        // .dockerconfigjson: `auths` with password, identitytoken, registrytoken and the base64
        // of user:password in `auth` (https://kubernetes.io/docs/concepts/configuration/secret/#docker-config-secrets).
        for file in 0..<8 {
            var doc = Doc("kubernetes/registry-\(file).yaml")
            doc.line("apiVersion: v1\nkind: Secret\nmetadata:\n  name: registry-\(file)\ntype: kubernetes.io/dockerconfigjson\ndata:")
            let user = random.pick(["deploy", "ci-bot", "robot$push"]).replacingOccurrences(of: "$", with: "-")
            let password = password()
            let field = ["password", "identitytoken", "registrytoken"][file % 3]
            let fieldSecret = Secret(value: field == "password" ? password : value(.oauthOpaque), kind: "opaque", rule: "named-value",
                                     label: "kubernetes:dockerconfigjson")
            let auth = Secret(value: "\(user):\(password)", kind: "opaque", rule: "named-value", label: "kubernetes:dockerconfigjson-auth")
            let json = Piece("{\"auths\":{\"registry-\(file).example.com\":{\"username\":\"\(user)\",\"\(field)\":\"") + .token(fieldSecret)
                + "\",\"email\":\"ops@example.com\",\"auth\":\"" + Piece.token(auth).base64() + "\"}}}"
            doc.put(Piece("  .dockerconfigjson: ") + json.base64() + "\n")
            docs.append(doc)
        }
        // kubeconfig `token:` (a static token or a service account's, opaque here).
        for file in 0..<6 {
            var doc = Doc("kubernetes/kubeconfig-\(file)")
            doc.line("apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster:\n    server: https://10.0.0.\(file + 1):6443")
            doc.put(Piece("    certificate-authority-data: ") + .lookAlike(.randomBase64, Data(random.bytes(48)).base64EncodedString()) + "\n")
            doc.line("users:")
            for index in 0..<3 {
                let secret = Secret(value: value(random.pick([.oauthOpaque, .okta])), kind: "opaque", rule: "named-value", label: "kubernetes:kubeconfig-token")
                doc.put(Piece("- name: user-\(index)\n  user:\n    token: ") + .token(secret) + "\n")
            }
            doc.put(Piece("- name: exec-user\n  user:\n    token: ") + .lookAlike(.environmentReference, "${KUBE_TOKEN}") + "\n")
            doc.put(Piece("- name: sa\n  user:\n    tokenFile: ") + .lookAlike(.path, "/var/run/secrets/kubernetes.io/serviceaccount/token") + "\n")
            docs.append(doc)
        }
    }

    /// X (Twitter) app-only bearer token: 21 "A"s, then base64 with `+` `/` and an `=` inside,
    /// which URL encoders write as %2B %2F %3D (https://developer.x.com/en/docs/authentication/oauth-2-0/bearer-tokens).
    mutating func appOnlyBearer() -> String {
        draw { random in
            while true {
                let value = String(repeating: "A", count: 21) + random.string(4, NamedValueWriter.base62) + String(repeating: "A", count: 7)
                    + random.string(27, NamedValueWriter.base62 + "+/") + "=" + random.string(50, NamedValueWriter.base62)
                if value.contains("+") || value.contains("/") { return value }
            }
        }
    }

    /// Percent-encoded tokens in logged headers, query strings and a proxy URL (twice encoded),
    /// JSON `\/` escapes, string concatenation and line continuation of opaque tokens.
    mutating func encoded() {
        var log = Doc("encoded/logs/access.log")
        for index in 0..<30 {
            let ip = "10.0.\(random.int(0...9)).\(random.int(1...250))"
            let stamp = "[03/Dec/2026:10:\(10 + index % 50):0\(index % 10) +0000]"
            let token = appOnlyBearer()
            switch index % 3 {
            case 0:
                let secret = Secret(value: token, kind: "bearer", rule: "authorization-bearer", label: "encoded:percent-header")
                log.put(Piece("\(ip) - - \(stamp) \"GET /v2/search?q=a&auth=Bearer%20") + Piece.token(secret).percentEncoded() + " HTTP/1.1\" 200 812\n")
            case 1:
                let secret = Secret(value: token, kind: "bearer", rule: "oauth-token-parameter", label: "encoded:percent-query")
                log.put(Piece("\(ip) - - \(stamp) \"GET /v2/me?access_token=") + Piece.token(secret).percentEncoded() + "&fields=id HTTP/1.1\" 200 95\n")
            default:
                let secret = Secret(value: token, kind: "bearer", rule: "oauth-token-parameter", label: "encoded:percent-proxy-double")
                let inner = Piece("https://api.example.com/v2/me?access_token=") + .token(secret)
                log.put(Piece("\(ip) - - \(stamp) \"GET /proxy?url=") + inner.percentEncoded().percentEncoded() + " HTTP/1.1\" 502 0\n")
            }
            // Look-alikes: percent-encoded text that is no token.
            switch index % 3 {
            case 0:
                log.put(Piece("\(ip) - - \(stamp) \"GET /search?q=") + .lookAlike(.prose, "how%20to%20rotate%20an%20access%20token%3F") + " HTTP/1.1\" 200 1024\n")
            case 1:
                log.put(Piece("\(ip) - - \(stamp) \"GET /v2/me?access_token=") + .lookAlike(.environmentReference, "%24%7BACCESS_TOKEN%7D") + " HTTP/1.1\" 401 0\n")
            default:
                log.put(Piece("\(ip) - - \(stamp) \"GET /redirect?to=") + .lookAlike(.url, "https%3A%2F%2Foauth2.googleapis.com%2Ftoken%3Fgrant%3Dauthorization_code") + " HTTP/1.1\" 302 0\n")
            }
        }
        docs.append(log)

        var json = Doc("encoded/config/escaped.json")
        json.line("{")
        for _ in 0..<20 {
            let name = NamedValueWriter.styled(random.pick(NamedValueWriter.tokenNames), .camel)
            let value = draw { random in
                while true {
                    let value = Data(random.bytes(random.pick([24, 30, 33]))).base64EncodedString()
                    if value.contains("/") { return value }
                }
            }
            let secret = Secret(value: value, kind: "opaque", rule: "named-value", label: "encoded:json-escape")
            json.put(Piece("  \"\(name)\": \"") + Piece.token(secret).jsonEscaped() + "\",\n")
            let fake = nextLookAlike()
            let fakeText = fake.value.replacingOccurrences(of: "/", with: "\\/")
            json.put(Piece("  \"\(NamedValueWriter.styled(fake.name, .camel))\": \"") + .lookAlike(fake.kind, fakeText) + "\",\n")
        }
        json.line("  \"end\": true\n}")
        docs.append(json)

        var js = Doc("encoded/src/split.js")
        var shell = Doc("encoded/scripts/split.sh")
        for index in 0..<12 {
            let name = NamedValueWriter.styled(random.pick(NamedValueWriter.tokenNames), .upperSnake)
            let secret = Secret(value: value(.oauthOpaque), kind: "opaque", rule: "named-value", label: "encoded:string-concatenation")
            let cut = max(8, secret.value.count / 2)
            js.put("const SVC\(index)_\(name) = \"")
            var start = js.offset
            js.put(String(secret.value.prefix(cut)) + "\" +\n  \"" + String(secret.value.dropFirst(cut)))
            js.record(secret, from: start, [.stringConcatenation])
            js.line("\";")
            js.put(Piece("const SVC\(index)_\(name)_URL = \"") + .lookAlike(.url, "https://api.example.com/v1/") + "\" +\n  \"tokens\";\n")
            let continued = Secret(value: value(.oauthOpaque), kind: "opaque", rule: "named-value", label: "encoded:line-continuation")
            shell.put("export SVC\(index)_\(name)=")
            start = shell.offset
            let half = continued.value.count / 2
            shell.put(String(continued.value.prefix(half)) + "\\\n" + String(continued.value.dropFirst(half)))
            shell.record(continued, from: start, [.lineContinuation])
            shell.line("")
            shell.put(Piece("export SVC\(index)_\(name)_FILE=") + .lookAlike(.path, "/run/secrets/\(name.lowercased())") + "\n")
        }
        docs.append(js)
        docs.append(shell)
    }

    /// Bearer values in characters outside RFC 6750's b64token that real tokens use.
    mutating func bearer() {
        var doc = Doc("bearer/logs/headers.log")
        for index in 0..<60 {
            let value: String
            let label: String
            switch index % 5 {
            case 0:
                // Facebook app access token: app id, `|`, app secret
                // (https://developers.facebook.com/docs/facebook-login/guides/access-tokens#apptokens).
                value = draw { String($0.int(100_000_000_000_000...999_999_999_999_999)) + "|" + $0.string(27, NamedValueWriter.base64url) }
                label = "bearer:pipe"
            case 1:
                // Salesforce session id: org id, `!`, the session
                // (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flows.htm).
                value = draw { "00D" + $0.string(12, NamedValueWriter.base62) + "!" + $0.string(96, NamedValueWriter.base62 + "._") }
                label = "bearer:bang"
            case 2:
                // RFC 8959 secret-token URI.
                value = "secret-token:" + draw { $0.string(32, NamedValueWriter.base62 + "-_") + String($0.int(10...99)) }
                label = "bearer:secret-token"
            case 3:
                value = appOnlyBearer()
                label = "bearer:equals-inside"
            default:
                value = self.value(.lettersOnly)
                label = "bearer:letters-only"
            }
            let secret = Secret(value: value, kind: "bearer", rule: "authorization-bearer", label: label)
            let prefix = random.pick(["> Authorization: Bearer ", "Authorization: Bearer ", "curl -H \"Authorization: Bearer "])
            doc.put(Piece("2026-12-03T10:00:\(index % 60) INFO request \(prefix)") + .token(secret) + (prefix.hasPrefix("curl") ? "\" https://api.example.com\n" : "\n"))
            let fake: (LabelledCorpus.LookAlikeKind, String)
            switch index % 6 {
            case 0: fake = (.prose, "realm=\"example\", error=\"invalid_token\"")
            case 1: fake = (.identifier, random.pick(["getUserProfileFromTheCacheOrServer", "resolveAuthorizationHeaderForRequest", "readCredentialsFromEnvironmentStore"]))
            case 2: fake = (.placeholder, random.pick(["<token>", "${ACCESS_TOKEN}", "{{token}}", "YOUR_ACCESS_TOKEN_GOES_HERE"]))
            case 3: fake = (.masked, String(repeating: "*", count: 24))
            case 4: fake = (.counting, "abcdefghijklmnopqrstuvwxyzABCDEF")
            default: fake = (.prose, "authentication is required for this endpoint")
            }
            doc.put(Piece("2026-12-03T10:01:\(index % 60) WARN request Authorization: Bearer ") + .lookAlike(fake.0, fake.1) + "\n")
        }
        docs.append(doc)
    }
}
