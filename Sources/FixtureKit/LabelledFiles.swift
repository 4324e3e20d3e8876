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

// The files of the labelled corpus. Every file mixes tokens and look-alikes; each function says
// which encodings and placements it covers.

/// How a file type writes `key = value`.
enum Syntax {
    case env, yaml, json, js, python, java, go, swift, shell, log, properties, terraform, docker, markdown
}

struct CorpusWriter {
    var mint: Mint
    var fakes: Fakes
    var random: SplitMix64
    var docs: [Doc] = []

    init(seed: UInt64) {
        mint = Mint(seed: seed)
        fakes = Fakes(seed: seed)
        random = SplitMix64(seed: seed)
    }

    mutating func writeAll() -> [Doc] {
        envFiles()
        kubernetes()
        ciPipeline()
        helmValues()
        apiResponses()
        jwks()
        jwksCache()
        caBundle()
        appJS()
        minifiedJS()
        python()
        java()
        golang()
        swiftSource()
        shell()
        accessLog()
        wrappedLog(path: "logs/app.log", width: 80)
        wrappedLog(path: "logs/gateway.log", width: 120)
        rotatedLog()
        har()
        html()
        htmlDocs()
        markdown()
        releaseNotes()
        properties()
        legacyProperties()
        terraform()
        dockerfile(path: "Dockerfile")
        dockerfile(path: "services/worker/Dockerfile.prod")
        notebook()
        utf16Log()
        utf16JSON()
        utf16Env()
        bomFiles()
        packageLock()
        checksums()
        bareToken()
        providerFormats()
        return docs
    }

    // MARK: - helpers

    mutating func shuffled<T>(_ items: [T]) -> [T] {
        var items = items
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(index, random.below(index + 1))
        }
        return items
    }

    /// Cuts `value` into `parts` pieces of at least 3 characters.
    mutating func cut(_ value: String, parts: Int) -> [String] {
        let characters = Array(value)
        var points = Set<Int>()
        while points.count < parts - 1 {
            let point = random.int(3...(characters.count - 3))
            if !points.contains(where: { abs($0 - point) < 3 }) { points.insert(point) }
        }
        var output: [String] = []
        var start = 0
        for point in points.sorted() + [characters.count] {
            output.append(String(characters[start..<point]))
            start = point
        }
        return output
    }

    static let keyNames: [String: [String]] = [
        "github": ["github_token", "gh_token", "github_pat"], "gitlab": ["gitlab_token", "gitlab_api_token"],
        "slack": ["slack_token", "slack_bot_token"], "google": ["google_oauth", "gcp_credential"], "stripe": ["stripe_key", "stripe_api_key"],
        "npm": ["npm_token", "npm_publish_token"], "pypi": ["pypi_token", "twine_password"], "openai": ["openai_api_key", "openai_key"],
        "anthropic": ["anthropic_api_key", "claude_key"], "vault": ["vault_token"], "atlassian": ["jira_api_token", "confluence_token"],
        "shopify": ["shopify_token", "shopify_admin_token"], "jwt": ["service_jwt", "api_jwt", "upstream_token"],
        "jwe": ["encrypted_token", "session_jwe"], "bearer": ["access_token", "refresh_token", "id_token"],
        "hmac-secret": ["jwt_secret", "session_secret", "auth_secret_key"],
    ]

    enum Case { case snake, upper, camel }

    func styled(_ name: String, _ style: Case) -> String {
        switch style {
        case .snake: return name
        case .upper: return name.uppercased()
        case .camel:
            let words = name.split(separator: "_")
            return String(words[0]) + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        }
    }

    mutating func key(for secret: Secret, _ style: Case) -> String {
        styled(random.pick(CorpusWriter.keyNames[secret.kind] ?? ["token"]), style)
    }

    /// The rule that reports `secret` under a `key` it is assigned to (bearer tokens: the OAuth
    /// parameter rule; everything else: its own).
    func expected(_ secret: Secret) -> Secret {
        secret.kind == "bearer" && secret.rule == "authorization-bearer" ? secret.reported(by: "oauth-token-parameter") : secret
    }

    /// `key = value` in the file's syntax, with the token (or look-alike) piece as value.
    mutating func assignment(_ syntax: Syntax, _ name: String, _ value: Piece, indent: String = "") -> Piece {
        switch syntax {
        case .env: return Piece(styled(name, .upper) + "=") + value + "\n"
        case .properties: return Piece("app." + name + "=") + value + "\n"
        case .shell: return Piece("export \(styled(name, .upper))=\"") + value + "\"\n"
        case .yaml:
            let quote = random.chance(40) ? "\"" : ""
            return Piece(indent + name + ": " + quote) + value + quote + "\n"
        case .json: return Piece(indent + "\"\(styled(name, .camel))\": \"") + value + "\""
        case .js: return Piece(indent + styled(name, .camel) + ": \"") + value + "\",\n"
        case .python: return Piece(indent + styled(name, .upper) + " = \"") + value + "\"\n"
        case .java: return Piece(indent + "static final String \(styled(name, .upper)) = \"") + value + "\";\n"
        case .go: return Piece(indent + styled(name, .camel) + " = \"") + value + "\"\n"
        case .swift: return Piece(indent + "static let \(styled(name, .camel)) = \"") + value + "\"\n"
        case .terraform: return Piece(indent + name + " = \"") + value + "\"\n"
        case .docker: return Piece("ENV \(styled(name, .upper))=") + value + "\n"
        case .markdown: return Piece("- `\(name)`: `") + value + "`\n"
        case .log:
            return Piece("\(timestamp()) INFO  config loaded \(name)=") + value + "\n"
        }
    }

    mutating func timestamp() -> String {
        let minute = random.int(0...59), second = random.int(0...59), milli = random.int(0...999)
        return "2026-01-01T0\(random.int(0...9)):\(pad(minute)):\(pad(second)).\(pad(milli, 3))Z"
    }

    func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// A token assigned in the file's syntax.
    mutating func tokenLine(_ syntax: Syntax, _ secret: Secret, indent: String = "") -> Piece {
        if secret.label == "bearer:uuid" || (secret.kind == "bearer" && syntax == .markdown) {
            let header = syntax == .json ? "\"authorization\": \"Bearer " : indent + "Authorization: Bearer "
            return Piece(header) + .token(secret) + (syntax == .json ? "\"" : "\n")
        }
        let name = key(for: secret, .snake)
        return assignment(syntax, name, .token(expected(secret)), indent: indent)
    }

    /// The next simple look-alike (name, kind, text), cycling through the kinds.
    private var fakeCursor = 0
    mutating func nextFake() -> (name: String, kind: LabelledCorpus.LookAlikeKind, text: String) {
        defer { fakeCursor += 1 }
        let tough = ["access_token", "token", "api_token", "github_token", "refresh_token"]
        switch fakeCursor % 14 {
        case 0: return (random.pick(["commit", "build_sha", "revision", "git_commit", "head_sha"]), .gitSHA, fakes.sha())
        case 1: return (random.pick(["request_id", "token_id", "tenant_id", "id", "correlation_id", "client_id"]), .uuid, fakes.uuid())
        case 2:
            let bits = random.pick([128, 160, 256, 512])
            return (random.pick(["etag", "checksum", "sha256", "digest", "content_md5"]), .hexHash, fakes.hexHash(bits))
        case 3: return ("integrity", .sri, fakes.sri())
        case 4: return (random.pick(["salt", "nonce", "iv", "ciphertext", "encrypted_blob"]), .randomBase64, fakes.base64(random.pick([16, 24, 32, 48])))
        case 5: return (random.pick(tough), .masked, fakes.masked())
        case 6: return (random.pick(tough), .placeholder, fakes.placeholder())
        case 7: return (random.pick(tough + ["old_token"]), .badChecksum, fakes.badChecksum(&mint))
        case 8: return (random.pick(["example", "token_prefix", "state"]), .truncatedJWT, fakes.truncatedJWT(mint.jwt(.hs256).value))
        case 9:
            let jwt = mint.jwt(random.pick([.hs256, .rs256, .es256, .expired])).value
            return (random.pick(["sample_token", "trace", "token"]), .truncatedSignature, fakes.truncatedSignature(jwt))
        case 10: return (random.pick(tough), .truncatedProvider, fakes.truncatedProvider(&mint))
        case 11: return (random.pick(["state", "cursor", "payload"]), .notAJWT, fakes.notAJWT())
        case 12: return (random.pick(["handler", "callback", "resolver"]), .identifier, fakes.identifier())
        default: return ("description", .lorem, fakes.lorem(random.int(4...9)))
        }
    }

    mutating func fakeLine(_ syntax: Syntax, indent: String = "") -> Piece {
        let fake = nextFake()
        return assignment(syntax, fake.name, .lookAlike(fake.kind, fake.text), indent: indent)
    }

    /// `tokens` token lines (from `next`) and `fakes` look-alike lines, interleaved at random.
    mutating func mixed(_ syntax: Syntax, tokens: Int, fakes count: Int, indent: String = "", next: (inout Mint) -> Secret) -> [Piece] {
        var lines: [Piece] = []
        for _ in 0..<tokens { lines.append(tokenLine(syntax, next(&mint), indent: indent)) }
        for _ in 0..<count { lines.append(fakeLine(syntax, indent: indent)) }
        return shuffled(lines)
    }

    mutating func add(_ doc: Doc) { docs.append(doc) }

    // MARK: - .env

    /// Raw provider tokens, JWTs, an OAuth token, a signing key, a base64 JSON credential; the
    /// second file ends with a token and no newline.
    mutating func envFiles() {
        var doc = Doc("config/app.env")
        doc.line("# orders-api runtime configuration")
        doc.line("APP_NAME=orders-api")
        doc.line("LOG_LEVEL=info")
        for line in mixed(.env, tokens: 10, fakes: 10, next: { $0.any() }) { doc.put(line) }
        doc.put(tokenLine(.env, mint.opaque()))
        doc.put(tokenLine(.env, mint.signingKey()))
        doc.put(assignment(.env, "jwt_secret", .lookAlike(.placeholder, "${JWT_SECRET}")))
        doc.put(assignment(.env, "session_secret", .lookAlike(.placeholder, "changeme")))
        // Google credentials as base64 of the authorized_user JSON (a refresh token inside).
        let refresh = mint.provider(.googleRefresh)
        let credentials = Piece(#"{"type":"authorized_user","client_id":"7641-\#(random.string(12, "abcdefghijklmnopqrstuvwxyz0123456789")).apps.googleusercontent.com","refresh_token":""#)
            + .token(refresh) + #"","quota_project_id":"orders-prod"}"#
        doc.put(Piece("GOOGLE_CREDENTIALS_B64=") + credentials.base64() + "\n")
        add(doc)

        var dotenv = Doc("services/payments/.env")
        dotenv.line("# payments service")
        for line in mixed(.env, tokens: 8, fakes: 9, next: { $0.provider() }) { dotenv.put(line) }
        dotenv.put(tokenLine(.env, mint.jwt(.hs256WeakKey)))
        dotenv.put(tokenLine(.env, mint.signingKey()))
        dotenv.put(Piece("STRIPE_SECRET_KEY=") + .token(mint.provider(.stripeLiveSecret)))
        add(dotenv)
    }

    // MARK: - YAML

    /// Kubernetes Secrets: base64 `data:` values, a `.dockerconfigjson` (base64 of JSON whose
    /// `auth` is base64 of `user:token`), a base64 env file holding two tokens, `stringData:`.
    mutating func kubernetes() {
        var doc = Doc("k8s/secrets.yaml")
        doc.line("apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-credentials\n  namespace: payments\n  annotations:")
        doc.put("    checksum/config: ")
        doc.fake(.hexHash, fakes.hexHash(256))
        doc.line()
        doc.line("type: Opaque\ndata:")
        for index in 0..<6 {
            let secret = index % 3 == 0 ? mint.jwt() : mint.provider()
            doc.put("  \(key(for: secret, .snake)): ")
            doc.put(Piece.token(secret).base64())
            doc.line()
            if index % 2 == 0 {
                // A neutral key: under `access_token:` an encoded value is an opaque credential
                // as far as the encoded text shows.
                let fake = nextFake()
                doc.put("  \(fake.kind.rawValue.replacingOccurrences(of: "-", with: "_"))_sample: ")
                doc.put(Piece.lookAlike(fake.kind, fake.text).base64())
                doc.line()
            }
        }
        // An env file, base64: two tokens and a look-alike in one blob.
        let blob = Piece("GITHUB_TOKEN=") + .token(mint.provider(.githubFineGrained)) + "\nREQUEST_ID=" + .lookAlike(.uuid, fakes.uuid())
            + "\nNPM_TOKEN=" + .token(mint.provider(.npm)) + "\n"
        doc.put("  app.env: ")
        doc.put(blob.base64())
        doc.line()
        doc.put("  ca.crt: ")
        doc.put(Piece.lookAlike(.pemCertificate, fakes.pem(commonName: "payments.svc")).base64())
        doc.line()
        doc.line("---")
        doc.line("apiVersion: v1\nkind: Secret\nmetadata:\n  name: registry-pull\ntype: kubernetes.io/dockerconfigjson\ndata:")
        for (registry, user, format) in [("ghcr.io", "deploy-bot", ProviderTokenFormat.githubPersonal),
                                         ("registry.gitlab.com", "gitlab-ci-token", .gitlabPersonalRoutable)] {
            let auth = (Piece("\(user):") + .token(mint.provider(format))).base64()
            let json = Piece(#"{"auths":{"\#(registry)":{"username":"\#(user)","auth":""#) + auth + #""}}}"#
            doc.put("  .dockerconfigjson: ")
            doc.put(json.base64())
            doc.line()
        }
        doc.line("---")
        doc.line("apiVersion: v1\nkind: Secret\nmetadata:\n  name: deployer-token\n  annotations:\n    kubernetes.io/service-account.name: deployer")
        doc.line("type: kubernetes.io/service-account-token\ndata:")
        doc.put("  token: ")
        doc.put(Piece.token(mint.jwt(.kubernetes)).base64())
        doc.line()
        doc.put("  namespace: ")
        doc.put(Piece("payments").base64())
        doc.line()
        doc.line("---")
        doc.line("apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-credentials-plain\nstringData:")
        for line in mixed(.yaml, tokens: 4, fakes: 4, indent: "  ", next: { $0.any() }) { doc.put(line) }
        doc.line("---")
        doc.line("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  template:\n    spec:\n      containers:")
        doc.put("        - image: ghcr.io/example/orders@sha256:")
        doc.fake(.hexHash, fakes.hexHash(256))
        doc.line()
        doc.line("          env:")
        doc.put("            - name: URL_SAFE_STATE\n              value: ")
        // `~~~` at a multiple of three bytes encodes as `fn5-`: the blob is unmistakably base64url.
        doc.put((Piece(#"{"v":"~~~","next":"/orders","jwt":""#) + .token(mint.jwt(.rs256)) + #""}"#).base64(url: true, padded: false))
        doc.line()
        add(doc)
    }

    /// A CI pipeline: tokens in env blocks, pinned action SHAs, `${{ secrets.* }}` placeholders,
    /// bearer headers in `run:` scripts.
    mutating func ciPipeline() {
        var doc = Doc(".github/workflows/release.yml")
        doc.line("name: release\non:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    runs-on: ubuntu-latest")
        doc.line("    env:")
        doc.put("      GITHUB_TOKEN: ")
        doc.fake(.placeholder, "${{ secrets.GITHUB_TOKEN }}")
        doc.line()
        for line in mixed(.yaml, tokens: 5, fakes: 4, indent: "      ", next: { $0.provider() }) { doc.put(line) }
        doc.line("    steps:")
        for action in ["actions/checkout", "actions/setup-node", "docker/login-action"] {
            doc.put("      - uses: \(action)@")
            doc.fake(.gitSHA, fakes.sha())
            doc.line(" # v4")
        }
        doc.line("      - run: |")
        let jwt = mint.jwt()
        doc.put("          curl -fsS -H \"Authorization: Bearer ")
        doc.token(jwt)
        doc.line("\" https://api.example.com/v1/releases")
        let opaque = mint.opaque()
        doc.put("          curl -fsS -H 'Authorization: Bearer ")
        doc.token(opaque)
        doc.line("' https://uploads.example.com/v1/assets")
        doc.put("          echo \"cache key ")
        doc.fake(.hexHash, fakes.hexHash(256))
        doc.line("\"")
        add(doc)
    }

    /// Helm values: raw tokens, a Basic credential (base64 of `user:token`), image digests.
    mutating func helmValues() {
        var doc = Doc("deploy/values.yaml")
        doc.line("replicaCount: 2\nimage:\n  repository: ghcr.io/example/orders")
        doc.put("  digest: sha256:")
        doc.fake(.hexHash, fakes.hexHash(256))
        doc.line()
        doc.line("secrets:")
        for line in mixed(.yaml, tokens: 6, fakes: 6, indent: "  ", next: { $0.any() }) { doc.put(line) }
        doc.put(tokenLine(.yaml, mint.signingKey(), indent: "  "))
        doc.line("upstream:\n  headers:")
        for user in ["x-access-token", "oauth2", "__token__"] {
            let secret = user == "x-access-token" ? mint.provider(.githubServerToServer)
                : user == "oauth2" ? mint.provider(.gitlabPersonal) : mint.provider(.pypi)
            doc.put("    - \"Authorization: Basic ")
            doc.put((Piece("\(user):") + .token(secret)).base64())
            doc.line("\"")
        }
        doc.put("  bearer: \"Bearer ")
        doc.token(mint.uuidBearer())
        doc.line("\"")
        add(doc)
    }

    // MARK: - JSON

    /// OAuth token responses: raw JWTs and opaque tokens, JSON escapes (`\u002e`, `\u0065yJ`,
    /// `\/`), and look-alike fields (`sha`, `token_id`, `etag`, `nonce` …).
    mutating func apiResponses() {
        var doc = Doc("api/responses.json")
        doc.line("[")
        for index in 0..<9 {
            var fields: [Piece] = []
            let access = index % 3 == 2 ? mint.opaque(b64: index % 2 == 0, rule: "oauth-token-parameter") : mint.jwt()
            var accessPiece = Piece.token(access)
            if index % 3 == 1 { accessPiece = accessPiece.jsonEscaped(dots: true, first: index % 2 == 1, upper: index == 4) }
            if access.kind == "bearer" { accessPiece = accessPiece.jsonEscaped() }
            fields.append(Piece("    \"access_token\": \"") + accessPiece + "\"")
            fields.append(Piece("    \"token_type\": \"Bearer\""))
            fields.append(Piece("    \"expires_in\": \(random.pick([3599, 3600, 86400]))"))
            if index % 2 == 0 {
                let refresh = index % 4 == 0 ? mint.provider(.googleRefresh) : mint.opaque(rule: "oauth-token-parameter")
                fields.append(Piece("    \"refresh_token\": \"") + Piece.token(refresh).jsonEscaped() + "\"")
            }
            if index % 3 != 2 {
                var idToken = Piece.token(mint.jwt(random.pick([.entraV2, .entraSTS, .rs256, .es256])))
                if index == 3 { idToken = idToken.jsonEscaped(dots: true) }
                fields.append(Piece("    \"id_token\": \"") + idToken + "\"")
            }
            fields.append(Piece("    \"scope\": \"\(random.pick(Mint.scopes))\""))
            for _ in 0..<3 {
                let fake = nextFake()
                fields.append(Piece("    \"\(styled(fake.name, .snake))\": \"") + Piece.lookAlike(fake.kind, fake.text).jsonEscaped() + "\"")
            }
            fields.append(Piece("    \"sha\": \"") + .lookAlike(.gitSHA, fakes.sha()) + "\"")
            doc.put("  {\n")
            for (position, field) in shuffled(fields).enumerated() {
                doc.put(field)
                doc.put(position == fields.count - 1 ? "\n" : ",\n")
            }
            doc.put(index == 8 ? "  }\n" : "  },\n")
        }
        doc.line("]")
        add(doc)
    }

    /// JWKS public key material and certificate chains (look-alikes), and one leaked test token.
    mutating func jwks() {
        var doc = Doc("api/jwks.json")
        doc.line("{\n  \"keys\": [")
        for index in 0..<4 {
            doc.put("    ")
            doc.fake(.jwks, fakes.jwk())
            doc.line(index == 3 ? "" : ",")
        }
        doc.line("  ],")
        doc.put("  \"x5c\": [")
        for index in 0..<2 {
            doc.put("\"")
            doc.fake(.x5c, fakes.x5c())
            doc.put(index == 1 ? "\"" : "\", ")
        }
        doc.line("],")
        doc.put("  \"x5t#S256\": \"")
        doc.fake(.randomBase64, fakes.base64(32, url: true))
        doc.line("\",")
        doc.put("  \"debug_token\": \"")
        doc.token(mint.jwt(.rs256))
        doc.line("\",")
        doc.put("  \"debug_token_2\": \"")
        doc.token(mint.jwt(.es256))
        doc.line("\"")
        doc.line("}")
        add(doc)
    }

    /// A cached discovery document: keys, certificate chains, and tokens logged next to them.
    mutating func jwksCache() {
        var doc = Doc("config/jwks-cache.json")
        doc.line("{\n  \"issuer\": \"https://login.microsoftonline.com/\(random.pick(Mint.tenants))/v2.0\",\n  \"keys\": [")
        for index in 0..<6 {
            let jwk = fakes.jwk()
            doc.put("    ")
            if index % 2 == 0 {
                // With its certificate chain.
                doc.fake(.jwks, String(jwk.dropLast()))
                doc.put(",\"x5c\":[\"")
                doc.fake(.x5c, fakes.x5c())
                doc.put("\"]}")
            } else {
                doc.fake(.jwks, jwk)
            }
            doc.line(index == 5 ? "" : ",")
        }
        doc.line("  ],")
        doc.put("  \"last_access_token\": \"")
        doc.token(mint.jwt(.entraV2))
        doc.line("\",")
        doc.put("  \"last_id_token\": \"")
        doc.put(Piece.token(mint.jwt(.entraSTS)).jsonEscaped(dots: true))
        doc.line("\",")
        doc.put("  \"fetched_by\": \"")
        doc.fake(.uuid, fakes.uuid())
        doc.line("\"\n}")
        add(doc)
    }

    /// A ConfigMap with PEM CA certificates, a service account token and look-alikes.
    mutating func caBundle() {
        var doc = Doc("k8s/ca-bundle.yaml")
        doc.line("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: trusted-ca\ndata:\n  ca-bundle.crt: |")
        for index in 0..<3 {
            let pem = fakes.pem(commonName: "Example Root CA \(index + 1)")
            let start = doc.offset
            doc.put(pem.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            doc.recordFake(.pemCertificate, from: start + 4, sample: pem)
            doc.line()
        }
        doc.put("  service-account.jwt: ")
        doc.token(mint.jwt(.kubernetes))
        doc.line()
        for line in mixed(.yaml, tokens: 3, fakes: 4, indent: "  ", next: { $0.provider() }) { doc.put(line) }
        add(doc)
    }

    // MARK: - JavaScript

    /// Tokens in a config object, string concatenation across lines, `\u0065yJ` in a string,
    /// `atob` of base64, SRI hashes and long identifiers.
    mutating func appJS() {
        var doc = Doc("web/src/app.js")
        doc.line("import { createClient } from './client.js';\n")
        doc.line("export const config = {")
        for line in mixed(.js, tokens: 6, fakes: 6, indent: "  ", next: { $0.any() }) { doc.put(line) }
        doc.line("};\n")
        for index in 0..<4 {
            let secret = index % 2 == 0 ? mint.jwt() : mint.provider()
            let parts = cut(secret.value, parts: random.int(2...3))
            let quote = index == 3 ? "'" : "\""
            doc.put("const \(fakes.identifier())Part\(index) = \(quote)")
            let start = doc.offset
            for (position, part) in parts.enumerated() {
                doc.put(part)
                if position < parts.count - 1 { doc.put("\(quote) +\n  \(quote)") }
            }
            doc.record(secret, from: start, [.stringConcatenation])
            doc.line("\(quote);")
        }
        doc.put("const escaped = \"")
        doc.put(Piece.token(mint.jwt()).jsonEscaped(first: true))
        doc.line("\";")
        doc.put("const fromBase64 = atob(\"")
        doc.put(Piece.token(mint.provider()).base64())
        doc.line("\");")
        for _ in 0..<3 {
            doc.put("loadScript('https://cdn.example.com/lib.js', { integrity: '")
            doc.fake(.sri, fakes.sri())
            doc.line("', crossOrigin: 'anonymous' });")
        }
        doc.put("export function ")
        doc.fake(.identifier, fakes.identifier())
        doc.line("(token) {\n  return fetch('/api/me', { headers: { Authorization: `Bearer ${token}` } });\n}")
        add(doc)
    }

    /// One minified line of ~300 KB with tokens more than 100 KB into it.
    mutating func minifiedJS() {
        var doc = Doc("web/dist/vendor.min.js")
        doc.put("/*! vendor bundle */")
        var line = Piece("!function(e){var t={};")
        var targets = [105_000, 140_000, 180_000, 215_000, 250_000, 290_000]
        let names = ["a", "b", "c", "d", "e", "f", "n", "r", "o", "i", "s", "u", "l", "p", "h", "m", "Ab", "Tc", "Qe", "_t"]
        var tokenIndex = 0
        while !targets.isEmpty || line.offset < 300_000 {
            let name = random.pick(names), other = random.pick(names)
            // Mostly plain code; now and then (about 45 times in the line) a look-alike.
            let roll = random.below(1000)
            if roll < 2 {
                line.put("\(name)[\"")
                line.fake(.hexHash, fakes.hexHash(random.pick([32, 64])))
                line.put("\"]=\(random.int(0...9999));")
            } else if roll < 4 {
                line.put("var ")
                line.fake(.identifier, fakes.identifier())
                line.put("=\(name)(\(other));")
            } else if roll < 5 {
                line.put("\(name).src=\"data:image/png;base64,")
                line.fake(.base64Image, fakes.pngBase64())
                line.put("\";")
            } else if roll < 6 {
                line.put("\(name).id=\"")
                line.fake(.uuid, fakes.uuid())
                line.put("\";")
            } else {
                switch roll % 4 {
                case 0: line.put("var \(name)=function(\(other),t){return \(other).call(t,\(random.int(0...999)))};")
                case 1: line.put("\(name).prototype.\(random.pick(["get", "set", "has", "emit", "then"]))=function(){return this._\(other)||null};")
                case 2: line.put("case \(random.int(0...400)):return \(name).exports=\"\(random.pick(Fakes.loremWords))\";")
                default: line.put("if(\(name)&&\(other)!==void 0)\(name)=\(other)+\(random.int(1...64));")
                }
            }
            if let target = targets.first, line.offset >= target {
                targets.removeFirst()
                tokenIndex += 1
                switch tokenIndex {
                case 1: line.put("\(name).headers={Authorization:\"Bearer ")
                    line.token(mint.opaque())
                    line.put("\"};")
                case 2: line.put("\(name).token=\"")
                    line.put(Piece.token(mint.jwt()).jsonEscaped(dots: true))
                    line.put("\";")
                default:
                    let secret = tokenIndex % 2 == 0 ? mint.jwt() : mint.provider()
                    line.put("\(name).\(styled(key(for: secret, .snake), .camel))=\"")
                    line.token(secret)
                    line.put("\";")
                }
            }
        }
        line.put("}(window);")
        doc.put(line)
        doc.line()
        doc.line("//# sourceMappingURL=vendor.min.js.map")
        add(doc)
    }

    // MARK: - Python, Java, Go, Swift

    /// Implicit concatenation in parentheses, `\` between literals, a `\u0065yJ` escape, base64.
    mutating func python() {
        var doc = Doc("scripts/settings.py")
        doc.line("import base64\nimport os\n")
        for line in mixed(.python, tokens: 6, fakes: 6, next: { $0.any() }) { doc.put(line) }
        doc.put(tokenLine(.python, mint.signingKey()))
        doc.put("FALLBACK = os.environ.get(\"API_TOKEN\", \"")
        doc.fake(.placeholder, "your-token-here")
        doc.line("\")\n")
        for index in 0..<4 {
            let secret = index % 2 == 0 ? mint.jwt() : mint.provider()
            let parts = cut(secret.value, parts: random.int(2...4))
            doc.put("\(styled(key(for: secret, .snake), .upper))_\(index) = ")
            let start: Int
            if index == 3 {
                doc.put("\"")
                start = doc.offset
                for (position, part) in parts.enumerated() {
                    doc.put(part)
                    if position < parts.count - 1 { doc.put("\" \\\n    \"") }
                }
                doc.record(secret, from: start, [.stringConcatenation])
                doc.line("\"")
            } else {
                doc.put("(\n    \"")
                start = doc.offset
                for (position, part) in parts.enumerated() {
                    doc.put(part)
                    if position < parts.count - 1 { doc.put("\"\n    \"") }
                }
                doc.record(secret, from: start, [.stringConcatenation])
                doc.line("\"\n)")
            }
        }
        doc.put("ESCAPED = \"")
        doc.put(Piece.token(mint.jwt()).jsonEscaped(first: true))
        doc.line("\"")
        doc.put("DECODED = base64.b64decode(\"")
        doc.put(Piece.token(mint.provider()).base64())
        doc.line("\").decode()")
        doc.put("SIGNATURE_KEY_ID = \"")
        doc.fake(.uuid, fakes.uuid())
        doc.line("\"")
        add(doc)
    }

    /// Concatenation with the `+` at the end of a line and at the start of the next.
    mutating func java() {
        var doc = Doc("src/main/java/com/example/ApiClient.java")
        doc.line("package com.example;\n\nimport java.util.UUID;\n\npublic final class ApiClient {")
        doc.put("    private static final UUID INSTALLATION = UUID.fromString(\"")
        doc.fake(.uuid, fakes.uuid())
        doc.line("\");")
        doc.put("    @Value(\"")
        doc.fake(.placeholder, "${api.token}")
        doc.line("\") private String injected;")
        for line in mixed(.java, tokens: 4, fakes: 5, indent: "    ", next: { $0.any() }) { doc.put(line) }
        doc.put(tokenLine(.java, mint.signingKey(), indent: "    "))
        for index in 0..<5 {
            let secret = index % 2 == 0 ? mint.jwt() : mint.provider()
            let parts = cut(secret.value, parts: random.int(2...3))
            doc.put("    static final String PART_\(index) = \"")
            let start = doc.offset
            for (position, part) in parts.enumerated() {
                doc.put(part)
                if position < parts.count - 1 { doc.put(index % 2 == 0 ? "\" +\n        \"" : "\"\n        + \"") }
            }
            doc.record(secret, from: start, [.stringConcatenation])
            doc.line("\";")
        }
        doc.put("    // generated from commit ")
        doc.fake(.gitSHA, fakes.sha())
        doc.line()
        doc.put("    private Object ")
        doc.fake(.identifier, fakes.identifier())
        doc.line(";")
        doc.line("}")
        add(doc)
    }

    mutating func golang() {
        var doc = Doc("cmd/server/main.go")
        doc.line("package main\n\nimport \"net/http\"\n\nconst (")
        for line in mixed(.go, tokens: 4, fakes: 5, indent: "\t", next: { $0.any() }) { doc.put(line) }
        doc.line(")\n")
        for index in 0..<4 {
            let secret = index % 2 == 0 ? mint.jwt() : mint.provider()
            let parts = cut(secret.value, parts: random.int(2...3))
            doc.put("var part\(index) = \"")
            let start = doc.offset
            for (position, part) in parts.enumerated() {
                doc.put(part)
                if position < parts.count - 1 { doc.put("\" +\n\t\"") }
            }
            doc.record(secret, from: start, [.stringConcatenation])
            doc.line("\"")
        }
        doc.put("var raw = `")
        doc.token(mint.provider())
        doc.line("`")
        doc.line("\nfunc authorize(r *http.Request, token string) {\n\tr.Header.Set(\"Authorization\", \"Bearer \"+token)\n}")
        doc.put("// go.sum: golang.org/x/net v0.30.0 h1:")
        doc.fake(.randomBase64, fakes.base64(32))
        doc.line()
        add(doc)
    }

    mutating func swiftSource() {
        var doc = Doc("Sources/App/Secrets.swift")
        doc.line("import Foundation\n\nenum Secrets {")
        for line in mixed(.swift, tokens: 4, fakes: 4, indent: "    ", next: { $0.any() }) { doc.put(line) }
        for index in 0..<3 {
            let secret = index % 2 == 0 ? mint.jwt() : mint.provider()
            let parts = cut(secret.value, parts: random.int(2...3))
            doc.put("    static let part\(index) = \"")
            let start = doc.offset
            for (position, part) in parts.enumerated() {
                doc.put(part)
                if position < parts.count - 1 { doc.put("\" +\n        \"") }
            }
            doc.record(secret, from: start, [.stringConcatenation])
            doc.line("\"")
        }
        doc.line("    static let block = \"\"\"")
        doc.put("        Authorization: Bearer ")
        doc.token(mint.opaque())
        doc.line()
        doc.line("        \"\"\"")
        doc.put("    static let build = \"")
        doc.fake(.gitSHA, fakes.sha())
        doc.line("\"\n}")
        add(doc)
    }

    // MARK: - Shell

    /// `\` line continuations that split tokens, bearer headers, `base64 -d`, checksums.
    mutating func shell() {
        var doc = Doc("scripts/deploy.sh")
        doc.line("#!/usr/bin/env bash\nset -euo pipefail\n")
        doc.put(": \"${DEPLOY_TOKEN:=")
        doc.fake(.placeholder, "<token>")
        doc.line("}\"")
        for line in mixed(.shell, tokens: 5, fakes: 5, next: { $0.any() }) { doc.put(line) }
        // Continuations: an export, a header inside double quotes, a curl -u.
        for index in 0..<5 {
            let secret = index % 2 == 0 ? mint.jwt() : mint.provider()
            let parts = cut(secret.value, parts: random.int(2...3))
            switch index % 3 {
            case 0:
                doc.put("export \(styled(key(for: secret, .snake), .upper))_\(index)=")
            case 1:
                doc.line("curl -fsS https://api.example.com/v1/deploy \\")
                doc.put("  -H \"Authorization: Bearer ")
            default:
                doc.line("curl -fsS https://registry.example.com/v2/ \\")
                doc.put("  -u \"ci:")
            }
            let start = doc.offset
            for (position, part) in parts.enumerated() {
                doc.put(part)
                if position < parts.count - 1 { doc.put("\\\n") }
            }
            doc.record(secret, from: start, [.lineContinuation])
            doc.line(index % 3 == 0 ? "" : "\"")
        }
        for _ in 0..<2 {
            let secret = random.chance(50) ? mint.jwt() : mint.opaque()
            doc.put("curl -H \"Authorization: Bearer ")
            doc.token(secret)
            doc.line("\" https://api.example.com/v1/me")
        }
        doc.put("TOKEN=$(echo '")
        doc.put(Piece.token(mint.provider()).base64())
        doc.line("' | base64 -d)")
        doc.line("sha256sum -c <<'EOF'")
        for name in ["orders-linux-amd64.tar.gz", "orders-linux-arm64.tar.gz"] {
            doc.fake(.hexHash, fakes.hexHash(256))
            doc.line("  \(name)")
        }
        doc.line("EOF")
        doc.put("git log -1 --format=%H  # ")
        doc.fake(.gitSHA, fakes.sha())
        doc.line()
        add(doc)
    }

    // MARK: - Logs

    /// Access log lines: tokens in query strings and fragments, raw and percent-encoded once
    /// (`%2E`, `%65yJ`, `Authorization%3A%20Bearer%20`) and twice (`%252E`).
    mutating func accessLog() {
        var doc = Doc("logs/access.log")
        func prefix(_ random: inout SplitMix64, _ method: String = "GET") -> String {
            "10.0.\(random.int(0...9)).\(random.int(2...250)) - - [01/Jan/2026:0\(random.int(0...9)):\(random.int(10...59)):\(random.int(10...59)) +0000] \"\(method) "
        }
        for index in 0..<32 {
            doc.put(prefix(&random))
            switch index % 9 {
            case 0:
                doc.put("/api/v1/orders?page=2&access_token=")
                doc.token(random.chance(50) ? mint.opaque(rule: "oauth-token-parameter") : mint.provider())
                doc.put("&sort=asc")
            case 1:
                doc.put("/api/v1/me?access_token=")
                doc.put(Piece.token(mint.jwt()).percentEncoded(extra: ["."], lowercase: index % 2 == 0))
            case 2:
                doc.put("/callback#access_token=")
                doc.token(mint.jwt())
                doc.put("&token_type=Bearer&expires_in=3600")
            case 3:
                doc.put("/proxy?hdr=")
                doc.put((Piece("Authorization: Bearer ") + .token(random.chance(50) ? mint.jwt() : mint.opaque())).percentEncoded(extra: ["."]))
            case 4:
                doc.put("/login?redirect_uri=")
                let inner = (Piece("https://app.example.com/cb?access_token=") + .token(mint.jwt())).percentEncoded(extra: ["."])
                doc.put(inner.percentEncoded())
            case 5:
                doc.put("/oidc/logout?id_token_hint=")
                doc.put(Piece.token(mint.jwt()).percentEncoded(extra: ["."], first: true))
            case 6:
                doc.put("/hooks/\(random.pick(["deploy", "notify"]))?token=")
                doc.put(Piece.token(mint.provider()).percentEncoded(extra: ["_", "-", "."], first: index % 2 == 1))
            case 7:
                doc.put("/static/js/main.")
                doc.fake(.hexHash, fakes.hexHash(32))
                doc.put(".chunk.js?request_id=")
                doc.fake(.uuid, fakes.uuid())
            default:
                doc.put("/api/v1/items?access_token=")
                doc.fake(.placeholder, random.pick(["%3Ctoken%3E", "%24%7BACCESS_TOKEN%7D", "REPLACE_WITH_YOUR_TOKEN"]))
                doc.put("&state=")
                doc.fake(.notAJWT, Base64.urlEncode(Array(#"{"returnTo":"/\#(random.pick(["a", "b", "home"]))","n":\#(random.int(1...99))}"#.utf8)))
            }
            doc.put(" HTTP/1.1\" \(random.pick([200, 200, 302, 401])) \(random.int(100...9000)) \"-\" \"Mozilla/5.0\" \"")
            let fake = nextFake()
            if [.gitSHA, .uuid, .hexHash, .randomBase64, .identifier].contains(fake.kind) {
                doc.put("x-request-id=")
                doc.fake(fake.kind, fake.text)
            } else {
                doc.fake(.uuid, fakes.uuid())
            }
            doc.line("\"")
        }
        add(doc)
    }

    /// Long JSON log lines hard-wrapped at `width` columns: tokens split across physical lines.
    mutating func wrappedLog(path: String, width: Int) {
        var doc = Doc(path)
        var text = Piece()
        for index in 0..<14 {
            var line = Piece(#"{"ts":"\#(timestamp())","level":"debug","logger":"http.client","trace_id":""#)
            line.fake(.hexHash, fakes.hexHash(128))
            line.put(#"","msg":"outgoing request","headers":{"X-Pad":""#)
            let secret: Secret
            switch index % 4 {
            case 0, 2: secret = mint.jwt()
            // Opaque tokens are not wrapped here: nothing proves where an opaque token ends, so
            // tokenscan reports the piece on the first line rather than guess (README, "split
            // over lines"); DecodingTests covers that case.
            default: secret = mint.provider()
            }
            // Start the token 4–24 columns before a cut so that it straddles it.
            let fixed = #"","Authorization":"Bearer "#.utf8.count
            var target = ((line.offset + fixed) / width + 1) * width - random.int(4...24)
            if target < line.offset + fixed { target += width }
            line.put(String(repeating: "-", count: target - line.offset - fixed))
            line.put(#"","Authorization":"Bearer "#)
            line.token(secret)
            line.put(#"","X-Request-Id":""#)
            line.fake(.uuid, fakes.uuid())
            line.put(#""},"commit":""#)
            line.fake(.gitSHA, fakes.sha())
            line.put(#"","duration_ms":\#(random.int(3...900))}"#)
            line.put("\n")
            text.put(line)
            if index % 3 == 0 {
                var plain = Piece("\(timestamp()) WARN token refresh scheduled for ")
                plain.fake(.masked, fakes.masked())
                plain.put(" span=")
                plain.fake(.hexHash, fakes.hexHash(64))
                plain.put("\n")
                text.put(plain)
            }
        }
        doc.put(text.hardWrapped(width: width))
        add(doc)
    }

    /// A rotated log that starts with a token (line 1, column 1) and ends with one, no newline.
    mutating func rotatedLog() {
        var doc = Doc("logs/rotated.log")
        doc.token(mint.jwt())
        doc.line("\", \"status\": 200}")
        for _ in 0..<3 {
            doc.put(fakeLine(.log))
        }
        doc.put("\(timestamp()) INFO request Authorization: Bearer ")
        doc.token(mint.opaque())
        doc.line()
        doc.put("\(timestamp()) INFO token=")
        doc.token(mint.provider(.githubPersonal))
        add(doc)
    }

    // MARK: - HAR

    /// Requests with bearer headers and token query strings, form bodies, responses whose JSON is
    /// escaped inside `text`, and base64 response bodies (`"encoding": "base64"`) with tokens.
    mutating func har() {
        var doc = Doc("captures/session.har")
        doc.line(#"{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "entries": ["#)
        for index in 0..<8 {
            doc.line("  {\"startedDateTime\": \"2026-01-01T10:0\(index):00.000Z\", \"time\": \(random.int(20...900)),")
            let bearer: Secret
            switch index % 4 {
            case 0: bearer = mint.jwt()
            case 1: bearer = mint.opaque(b64: index % 2 == 1)
            case 2: bearer = mint.uuidBearer()
            default: bearer = mint.provider()
            }
            doc.put("   \"request\": {\"method\": \"\(random.pick(["GET", "POST"]))\", \"url\": \"https://api.example.com/v2/")
            var queryToken: Secret?
            if index % 2 == 0 {
                let secret = index % 4 == 0 ? mint.opaque(rule: "oauth-token-parameter") : mint.jwt()
                doc.put("items?access_token=")
                doc.token(secret)
                queryToken = secret
            } else {
                doc.put("items?cursor=")
                doc.fake(.notAJWT, fakes.notAJWT())
            }
            doc.line("\", \"httpVersion\": \"HTTP/2\",")
            doc.put("    \"headers\": [{\"name\": \"authorization\", \"value\": \"Bearer ")
            doc.token(bearer)
            doc.put("\"}, {\"name\": \"x-request-id\", \"value\": \"")
            doc.fake(.uuid, fakes.uuid())
            doc.line("\"}],")
            // A cookie that grants nothing (a preference): under a session's name the same value is
            // a session (issue #20, the named-value corpus's `cookies/`).
            doc.put("    \"cookies\": [{\"name\": \"__Host-prefs\", \"value\": \"")
            doc.fake(.randomBase64, fakes.base64(48, url: true))
            doc.line("\"}],")
            if queryToken?.kind == "jwt" {
                // The queryString repeats the JWT: a second place the same token leaks.
                doc.put("    \"queryString\": [{\"name\": \"access_token\", \"value\": \"")
                doc.token(queryToken!)
                doc.line("\"}],")
            } else {
                doc.line("    \"queryString\": [],")
            }
            if index % 3 == 0 {
                doc.put("    \"postData\": {\"mimeType\": \"application/x-www-form-urlencoded\", \"text\": \"grant_type=refresh_token&refresh_token=")
                doc.token(mint.opaque(rule: "oauth-token-parameter"))
                doc.line("&client_id=orders-web\"},")
            }
            doc.line("    \"headersSize\": -1, \"bodySize\": 0},")
            doc.put("   \"response\": {\"status\": 200, \"headers\": [{\"name\": \"etag\", \"value\": \"W/\\\"")
            doc.fake(.hexHash, fakes.hexHash(128))
            doc.line("\\\"\"}],")
            var body = Piece(#"{"access_token":""#) + .token(index % 2 == 0 ? mint.jwt() : mint.opaque(rule: "oauth-token-parameter"))
            body = body + #"","token_type":"Bearer","expires_in":3600,"refresh_token":""# + .token(mint.opaque(rule: "oauth-token-parameter"))
            body = body + #"","request_id":""# + .lookAlike(.uuid, fakes.uuid()) + #""}"#
            if index % 2 == 0 {
                doc.put("    \"content\": {\"size\": \(body.bytes.count), \"mimeType\": \"application/json\", \"text\": \"")
                doc.put(body.jsonEscaped(slashes: false))
                doc.line("\"},")
            } else {
                doc.put("    \"content\": {\"size\": \(body.bytes.count), \"mimeType\": \"application/json\", \"encoding\": \"base64\", \"text\": \"")
                doc.put(body.base64())
                doc.line("\"},")
            }
            doc.line("    \"redirectURL\": \"\"}, \"timings\": {\"send\": 0.1, \"wait\": \(random.int(10...500)), \"receive\": 1.2}")
            doc.line(index == 7 ? "  }" : "  },")
        }
        doc.line("]}}")
        add(doc)
    }

    // MARK: - HTML

    /// HTML entities inside tokens (`&#46;`, `&#x2e;`, `&period;`, `&#101;yJ`), `&quot;`-wrapped
    /// JSON in attributes, data: images, SRI hashes, a PEM block.
    mutating func html() {
        var doc = Doc("web/index.html")
        doc.line("<!doctype html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">")
        doc.put("  <meta name=\"csrf-token\" content=\"")
        doc.fake(.randomBase64, fakes.base64(32))
        doc.line("\">")
        for _ in 0..<3 {
            doc.put("  <script src=\"https://cdn.example.com/lib.\(fakes.shortSHA()).js\" integrity=\"")
            doc.fake(.sri, fakes.sri())
            doc.line("\" crossorigin=\"anonymous\"></script>")
        }
        doc.line("</head>\n<body>")
        for (index, style) in [Piece.EntityStyle.decimal, .hex, .named, .decimal, .hex, .named].enumerated() {
            let secret = index < 4 ? mint.jwt() : mint.provider()
            doc.put("  <div id=\"app-\(index)\" data-token=\"")
            doc.put(Piece.token(secret).htmlEscaped(style, first: index == 3))
            doc.line("\"></div>")
        }
        for index in 0..<3 {
            let config = Piece(#"{"apiBase":"/api","#) + (index == 2 ? #""access_token":""# : #""token":""#)
                + .token(index == 2 ? mint.opaque(rule: "oauth-token-parameter") : mint.any()) + #"","build":""# + .lookAlike(.gitSHA, fakes.sha()) + #""}"#
            doc.put("  <div data-config=\"")
            doc.put(config.htmlEscaped(.decimal, punctuation: false))
            doc.line("\"></div>")
        }
        for _ in 0..<3 {
            doc.put("  <img alt=\"\" src=\"data:image/png;base64,")
            doc.fake(.base64Image, fakes.pngBase64())
            doc.line("\">")
        }
        doc.line("  <p>Use <code>Authorization: Bearer &lt;token&gt;</code> for every call.</p>")
        doc.put("  <p>")
        doc.fake(.lorem, fakes.lorem(30))
        doc.line("</p>")
        doc.put("  <pre>curl -H \"Authorization: Bearer ")
        doc.token(mint.opaque())
        doc.line("\" https://api.example.com/v1/me</pre>")
        doc.put("  <pre>")
        doc.fake(.pemCertificate, fakes.pem(commonName: "www.example.com"))
        doc.line("</pre>")
        doc.line("</body>\n</html>")
        add(doc)
    }

    mutating func htmlDocs() {
        var doc = Doc("docs/api.html")
        doc.line("<html><body><h1>API</h1>")
        for _ in 0..<6 {
            doc.put("<p>")
            doc.fake(.lorem, fakes.lorem(random.int(8...20)))
            doc.line("</p>")
            let fake = nextFake()
            doc.put("<p>Example <code>\(fake.name)</code>: <code>")
            doc.put(Piece.lookAlike(fake.kind, fake.text).htmlEscaped(.named, punctuation: false))
            doc.line("</code></p>")
        }
        for style in Piece.EntityStyle.allCases {
            doc.put("<p>Leaked in a ticket: <code>")
            doc.put(Piece.token(mint.provider()).htmlEscaped(style))
            doc.line("</code></p>")
        }
        doc.line("</body></html>")
        add(doc)
    }

    // MARK: - Markdown

    /// Docs with placeholders, masked tokens and lorem ipsum next to leaked tokens in code blocks,
    /// tokens next to non-ASCII text; ends with a token and no newline.
    mutating func markdown() {
        var doc = Doc("docs/guide.md")
        doc.line("# Getting started\n")
        doc.fake(.lorem, fakes.lorem(40))
        doc.line("\n")
        doc.line("Send `Authorization: Bearer <token>` with every request. Tokens look like `ghp_************************************`.\n")
        doc.line("```sh")
        for line in mixed(.env, tokens: 4, fakes: 4, next: { $0.any() }) { doc.put(line) }
        doc.line("```\n")
        doc.line("## Non-ASCII neighbours\n")
        let prefixes = ["トークン: ", "🔑 ", "Jeton d’accès : ", "👩‍💻 token=", "cafe\u{301} → ", "Токен: ", "密钥：", "🇩🇪 "]
        for prefix in prefixes {
            doc.put("- \(prefix)")
            doc.token(mint.any())
            doc.line(random.chance(50) ? " ✅" : "")
        }
        doc.line()
        for _ in 0..<4 {
            doc.put("* commit ")
            doc.fake(.gitSHA, fakes.sha())
            doc.put(" — ")
            doc.fake(.lorem, fakes.lorem(6))
            doc.line()
        }
        doc.line("\n| setting | value |\n|---|---|")
        for _ in 0..<4 {
            let fake = nextFake()
            doc.put("| \(fake.name) | `")
            doc.fake(fake.kind, fake.text)
            doc.line("` |")
        }
        doc.put("\nThe last token in this file: ")
        doc.token(mint.provider())
        add(doc)
    }

    mutating func releaseNotes() {
        var doc = Doc("docs/releases.md")
        doc.line("# Releases\n")
        for version in 0..<6 {
            doc.line("## v1.\(version).0\n")
            doc.put("commit ")
            doc.fake(.gitSHA, fakes.sha())
            doc.put("\nMerge: ")
            doc.fake(.gitSHA, fakes.shortSHA())
            doc.put(" ")
            doc.fake(.gitSHA, fakes.shortSHA())
            doc.line("\n")
            doc.fake(.lorem, fakes.lorem(random.int(10...25)))
            doc.line("\n")
            if version % 2 == 0 {
                doc.line("Accidentally pasted in the changelog draft:\n")
                doc.put("    ")
                doc.token(mint.any())
                doc.line("\n")
            }
        }
        add(doc)
    }

    // MARK: - properties

    /// Java properties: raw values, `\uXXXX` escapes inside tokens, `\` continuations whose next
    /// line is indented (properties drop that indentation).
    mutating func properties() {
        var doc = Doc("config/application.properties")
        doc.line("# Spring Boot settings\nspring.application.name=orders")
        for line in mixed(.properties, tokens: 5, fakes: 6, next: { $0.any() }) { doc.put(line) }
        doc.put(tokenLine(.properties, mint.signingKey()))
        for index in 0..<2 {
            doc.put("api.escaped.\(index)=")
            doc.put(Piece.token(mint.jwt()).jsonEscaped(quotes: false, slashes: false, dots: true, first: index == 1, upper: true))
            doc.line()
        }
        for index in 0..<3 {
            let secret = index == 1 ? mint.provider() : mint.jwt()
            let parts = cut(secret.value, parts: 2)
            doc.put("api.continued.\(index)=")
            let start = doc.offset
            doc.put(parts[0])
            doc.put(index == 2 ? "\\\n" : "\\\n    ")
            doc.put(parts[1])
            doc.record(secret, from: start, [.lineContinuation])
            doc.line()
        }
        doc.put("spring.security.oauth2.client.registration.corp.client-secret=")
        doc.fake(.placeholder, "${CLIENT_SECRET}")
        doc.line()
        add(doc)
    }

    /// CR LF line ends.
    mutating func legacyProperties() {
        var doc = Doc("config/legacy-windows.properties")
        doc.crlf = true
        doc.line("# exported from the Windows build agent")
        for line in mixed(.properties, tokens: 5, fakes: 5, next: { $0.any() }) { doc.put(line) }
        add(doc)
    }

    // MARK: - Terraform

    mutating func terraform() {
        var doc = Doc("infra/main.tf")
        doc.line("terraform {\n  required_version = \">= 1.6\"\n}\n")
        doc.line("locals {")
        for line in mixed(.terraform, tokens: 5, fakes: 5, indent: "  ", next: { $0.any() }) { doc.put(line) }
        doc.put(tokenLine(.terraform, mint.signingKey(), indent: "  "))
        doc.line("}\n")
        doc.line("resource \"kubernetes_secret\" \"pull\" {\n  type = \"kubernetes.io/dockerconfigjson\"\n  binary_data = {")
        let auth = (Piece("robot$ci:") + .token(mint.provider(.githubServerToServer))).base64()
        doc.put("    \".dockerconfigjson\" = \"")
        doc.put((Piece(#"{"auths":{"ghcr.io":{"auth":""#) + auth + #""}}}"#).base64())
        doc.line("\"\n  }\n}\n")
        doc.put("resource \"vault_generic_secret\" \"api\" {\n  path = \"secret/api\"\n  data_json = <<EOT\n{\"token\": \"")
        doc.token(mint.provider(.vaultService))
        doc.line("\"}\nEOT\n}\n")
        doc.put("output \"decoded\" {\n  value = base64decode(\"")
        doc.put(Piece.token(mint.jwt()).base64())
        doc.line("\")\n}\n")
        doc.put("resource \"aws_lambda_function\" \"api\" {\n  source_code_hash = \"")
        doc.fake(.randomBase64, fakes.base64(32))
        doc.line("\"\n  token = var.api_token\n}")
        doc.put("variable \"api_token\" {\n  default = \"")
        doc.fake(.placeholder, "${TF_VAR_api_token}")
        doc.line("\"\n}")
        add(doc)
    }

    // MARK: - Dockerfile

    mutating func dockerfile(path: String) {
        var doc = Doc(path)
        doc.put("FROM node:22-alpine@sha256:")
        doc.fake(.hexHash, fakes.hexHash(256))
        doc.line()
        doc.put("LABEL org.opencontainers.image.revision=")
        doc.fake(.gitSHA, fakes.sha())
        doc.line()
        doc.put("ARG NPM_TOKEN=")
        doc.fake(.placeholder, "${NPM_TOKEN}")
        doc.line()
        for line in mixed(.docker, tokens: 3, fakes: 3, next: { $0.any() }) { doc.put(line) }
        doc.put(tokenLine(.docker, mint.signingKey()))
        doc.put("RUN echo \"//registry.npmjs.org/:_authToken=")
        doc.token(mint.provider(.npm))
        doc.line("\" > /root/.npmrc")
        doc.put("RUN curl -fsS -H \"Authorization: Bearer ")
        doc.token(mint.opaque())
        doc.line("\" https://artifacts.example.com/app.tgz | tar xz")
        let secret = mint.any()
        let parts = cut(secret.value, parts: 2)
        doc.put("ENV CONTINUED_TOKEN=")
        let start = doc.offset
        doc.put(parts[0] + "\\\n" + parts[1])
        doc.record(secret, from: start, [.lineContinuation])
        doc.line()
        doc.line("CMD [\"node\", \"server.js\"]")
        add(doc)
    }

    // MARK: - Notebook

    /// An `.ipynb`: code lines as JSON strings (quotes escaped around the tokens), outputs with a
    /// printed token and base64 PNGs.
    mutating func notebook() {
        var doc = Doc("notebooks/analysis.ipynb")
        doc.line(#"{"cells": ["#)
        for index in 0..<5 {
            let secret = index == 3 ? mint.opaque() : mint.any()
            let code: Piece
            if secret.kind == "bearer" {
                code = Piece(#"headers = {"Authorization": "Bearer "#) + .token(secret) + #""}"#
            } else {
                code = Piece("\(styled(key(for: secret, .snake), .snake)) = \"") + .token(secret) + "\""
            }
            doc.put("  {\"cell_type\": \"code\", \"execution_count\": \(index + 1), \"metadata\": {}, \"source\": [\"import requests\\n\", \"")
            doc.put(code.jsonEscaped(slashes: false))
            doc.line("\"],")
            if index % 2 == 0 {
                doc.put("   \"outputs\": [{\"output_type\": \"display_data\", \"data\": {\"image/png\": \"")
                doc.fake(.base64Image, fakes.pngBase64())
                doc.line("\\n\", \"text/plain\": [\"<Figure size 640x480>\"]}, \"metadata\": {}}]},")
            } else {
                doc.put("   \"outputs\": [{\"output_type\": \"stream\", \"name\": \"stdout\", \"text\": [\"token: ")
                doc.token(mint.jwt())
                doc.line("\\n\"]}]},")
            }
        }
        doc.put("  {\"cell_type\": \"markdown\", \"metadata\": {}, \"source\": [\"")
        doc.fake(.lorem, fakes.lorem(20))
        doc.line("\"]}")
        doc.put("], \"metadata\": {\"kernelspec\": {\"name\": \"python3\"}, \"widgets\": {\"state\": {\"")
        doc.fake(.hexHash, fakes.hexHash(128))
        doc.line("\": {}}}}, \"nbformat\": 4, \"nbformat_minor\": 5}")
        add(doc)
    }

    // MARK: - UTF-16 and BOMs

    mutating func utf16Log() {
        var doc = Doc("windows/credential-dump.log")
        doc.utf16 = .utf16le
        doc.line("PS C:\\agent> Get-ChildItem env: | Format-List")
        for line in mixed(.log, tokens: 5, fakes: 5, next: { $0.any() }) { doc.put(line) }
        doc.put("Authorization: Bearer ")
        doc.token(mint.jwt())
        doc.line()
        doc.put("InstanceId : {")
        doc.fake(.uuid, fakes.uuid().uppercased())
        doc.line("}")
        doc.put("🔐 vault: ")
        doc.token(mint.provider(.vaultBatch))
        doc.line()
        add(doc)
    }

    mutating func utf16JSON() {
        var doc = Doc("windows/appsettings.json")
        doc.utf16 = .utf16be
        doc.line("{")
        var fields: [Piece] = []
        for _ in 0..<4 {
            let secret = mint.any()
            fields.append(Piece("  \"\(styled(key(for: secret, .snake), .camel))\": \"") + .token(secret) + "\"")
        }
        fields.append(Piece("  \"escaped\": \"") + Piece.token(mint.jwt()).jsonEscaped(dots: true) + "\"")
        for _ in 0..<5 {
            let fake = nextFake()
            fields.append(Piece("  \"\(styled(fake.name, .camel))\": \"") + Piece.lookAlike(fake.kind, fake.text).jsonEscaped() + "\"")
        }
        let ordered = shuffled(fields)
        for (index, field) in ordered.enumerated() {
            doc.put(field)
            doc.line(index == ordered.count - 1 ? "" : ",")
        }
        doc.line("}")
        add(doc)
    }

    mutating func utf16Env() {
        var doc = Doc("windows/user.env")
        doc.utf16 = .utf16le
        doc.utf16BOM = false
        for line in mixed(.env, tokens: 5, fakes: 4, next: { $0.any() }) { doc.put(line) }
        add(doc)
    }

    /// UTF-8 with a byte order mark, a token on line 1.
    mutating func bomFiles() {
        var env = Doc("windows/bom.env")
        env.utf8BOM = true
        env.put("GITHUB_TOKEN=")
        env.token(mint.provider(.githubPersonal))
        env.line()
        for line in mixed(.env, tokens: 3, fakes: 3, next: { $0.any() }) { env.put(line) }
        add(env)

        var json = Doc("config/appsettings.Production.json")
        json.utf8BOM = true
        json.line("{")
        var fields: [Piece] = []
        for _ in 0..<3 {
            let secret = mint.any()
            fields.append(Piece("  \"\(styled(key(for: secret, .snake), .camel))\": \"") + .token(secret) + "\"")
        }
        for _ in 0..<3 {
            let fake = nextFake()
            fields.append(Piece("  \"\(styled(fake.name, .camel))\": \"") + Piece.lookAlike(fake.kind, fake.text).jsonEscaped() + "\"")
        }
        let ordered = shuffled(fields)
        for (index, field) in ordered.enumerated() {
            json.put(field)
            json.line(index == ordered.count - 1 ? "" : ",")
        }
        json.line("}")
        add(json)
    }

    // MARK: - Look-alike heavy files

    /// SRI `integrity` strings and git-resolved SHAs, one token in a registry URL.
    mutating func packageLock() {
        var doc = Doc("web/package-lock.json")
        doc.line("{\n  \"name\": \"web\",\n  \"lockfileVersion\": 3,\n  \"packages\": {")
        let names = ["react", "react-dom", "lodash", "axios", "jose", "zod", "vite", "esbuild", "rollup", "postcss", "tslib", "semver"]
        for (index, name) in names.enumerated() {
            doc.line("    \"node_modules/\(name)\": {\n      \"version\": \"\(random.int(1...18)).\(random.int(0...20)).\(random.int(0...9))\",")
            if index == 4 {
                doc.put("      \"resolved\": \"https://x-access-token:")
                doc.token(mint.provider(.githubServerToServer))
                doc.line("@npm.pkg.github.com/download/@example/\(name)/1.0.0.tgz\",")
            } else if index % 4 == 1 {
                doc.put("      \"resolved\": \"git+ssh://git@github.com/example/\(name).git#")
                doc.fake(.gitSHA, fakes.sha())
                doc.line("\",")
            } else {
                doc.line("      \"resolved\": \"https://registry.npmjs.org/\(name)/-/\(name).tgz\",")
            }
            doc.put("      \"integrity\": \"")
            doc.fake(.sri, fakes.sri())
            doc.line("\"")
            doc.line(index == names.count - 1 ? "    }" : "    },")
        }
        doc.line("  }\n}")
        add(doc)
    }

    mutating func checksums() {
        var doc = Doc("dist/SHA256SUMS")
        for name in ["orders-linux-amd64.tar.gz", "orders-linux-arm64.tar.gz", "orders-darwin-arm64.tar.gz", "orders-windows-amd64.zip"] {
            doc.fake(.hexHash, fakes.hexHash(256))
            doc.line("  \(name)")
        }
        doc.line("# md5")
        for name in ["orders.deb", "orders.rpm"] {
            doc.fake(.hexHash, fakes.hexHash(128))
            doc.line("  \(name)")
        }
        doc.line("# sha512")
        doc.fake(.hexHash, fakes.hexHash(512))
        doc.line("  orders-src.tar.gz")
        add(doc)
    }

    /// A file that is nothing but a token, no newline: file start and file end at once.
    mutating func bareToken() {
        var doc = Doc("secrets/ci-token")
        doc.token(mint.provider(.githubFineGrained))
        add(doc)
        var jwt = Doc("secrets/session.jwt")
        jwt.token(mint.jwt(.noExpiry))
        add(jwt)
    }
}
