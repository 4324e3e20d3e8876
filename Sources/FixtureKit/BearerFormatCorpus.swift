import Foundation
import TokenFormats

/// The labelled corpus of issue #21: bearer formats other than JWT, each in a directory of its
/// own (`paseto/`) that holds at least 50 tokens and 50 look-alikes in the places such tokens
/// leak: application and CI logs, HTTP traces (HAR), configuration, API-client exports (Postman),
/// notebooks. Every token's label ends with the severity design §5 gives it at `LabelledCorpus.now`
/// (`paseto:v4.public/critical`), stated here from the claims minted, not asked of the risk model.
///
/// Positives come from generators written from each specification (design §8, "Detection
/// corpora"): PASETO from github.com/paseto-standard/paseto-spec (docs/01-Protocol-Versions: the
/// layout and lengths of each version's payload; docs/02-Implementation-Guide/04-Claims.md: the
/// registered claims, times as RFC 3339 text), minted by `TokenMinter.paseto`; Fernet from
/// github.com/fernet/spec (Spec.md: the token layout; invalid.json: the cut and malformed tokens)
/// and OpenStack Keystone's fernet provider (unpadded tokens in `X-Auth-Token` and
/// `X-Subject-Token`), minted by `TokenMinter.fernet`; macaroons from github.com/rescrv/libmacaroons
/// (README and macaroons.c: the version 1 and 2 serialisations), LND (lightningnetwork/lnd,
/// docs/macaroons.md: the hex form, the entity/action permissions, `lncli bakemacaroon --timeout`'s
/// `time-before` caveat, the `Grpc-Metadata-macaroon` header) and macaroon-bakery's identifier
/// (bakery/internal/macaroonpb/id.proto), minted by `TokenMinter.lndMacaroon` and `TokenMinter.macaroon`; Branca from
/// github.com/tuupola/branca-spec (README: the layout and base62; test_vectors.json: the wrong
/// version and invalid base62 tokens), minted by `TokenMinter.branca`;
/// Biscuit tokens from github.com/biscuit-auth/biscuit (SPECIFICATIONS.md: the protobuf layout, the
/// `biscuit:` text prefix, the default symbols; the samples' Datalog: `right(…)` facts, `check if
/// time($time), $time <= …`, operation checks in attenuation blocks), minted by `TokenMinter.biscuit`;
/// SAML 2.0 assertions from OASIS saml-core-2.0-os (the assertion, its conditions, subject
/// confirmation and attribute statement; `<Response>` and its status), saml-bindings-2.0-os §3.5
/// (HTTP-POST: base64 in the `SAMLResponse` form field) and RFC 7522 (the base64url `assertion` of
/// a `saml2-bearer` grant), with the role attributes AWS (IAM's "Configure SAML assertions for the
/// authentication response"), Microsoft Entra ID (its role claim) and eduPerson define, minted by
/// `TokenMinter.samlResponse` and `samlAssertion`; their look-alikes are the messages the same
/// documents define that carry no assertion (AuthnRequest, LogoutRequest/LogoutResponse, a
/// response whose status is not Success, metadata with its certificate). Look-alikes come from the same documents: PASERK keys and key ids (github.com/paseto-standard/paserk), prose that
/// names the prefixes, placeholders, masked and cut tokens, signed messages that are no claims.
/// Chat webhook URLs from the vendors' pages cited in Rules/webhooks.toml (Slack's incoming
/// webhooks, Discord's webhook resource, Microsoft's incoming webhooks, Google Chat's quickstart),
/// minted by `TokenMinter.provider`; their look-alikes are the placeholders those pages print, cut
/// and masked secrets, and URLs of the same hosts that hold none.
public enum BearerFormatCorpus {
    public static let defaultSeed = "issue-21"

    /// The formats, by the directory their files sit in.
    public enum Format: String, CaseIterable, Sendable {
        case paseto
        case fernet
        case macaroon
        case branca
        case biscuit
        case saml
        case webhook

        /// The severities design §5 can give this format's tokens (Fernet and Branca state no claims).
        public var severities: Set<String> {
            switch self {
            case .paseto: ["critical", "high", "medium", "low"]
            case .fernet: ["medium"]
            case .macaroon: ["critical", "high", "medium", "low"]
            case .branca: ["medium"]
            case .biscuit: ["critical", "high", "medium", "low"]
            case .saml: ["critical", "high", "medium", "low"]
            case .webhook: ["medium"]
            }
        }
    }

    public static func format(ofPath path: String) -> Format? {
        Format(rawValue: String(path.prefix { $0 != "/" }))
    }

    /// The severity a token's label states (after its last `/`).
    public static func severity(of token: LabelledCorpus.Token) -> String {
        String(token.label.split(separator: "/").last ?? "")
    }

    public static func generate(seed: String = defaultSeed) -> LabelledCorpus.Corpus {
        var writer = BearerFormatWriter(seed: seed)
        var corpus = LabelledCorpus.Corpus(files: [], tokens: [], lookAlikes: [])
        for doc in writer.writeAll() { LabelledCorpus.finish(doc, into: &corpus) }
        return corpus
    }
}

/// Writes `BearerFormatCorpus`'s files: per place, a round of tokens and look-alikes.
struct BearerFormatWriter {
    let seed: String
    var docs: [Doc] = []
    var serial = 0
    /// Look-alikes count apart from tokens, so that every token variant comes round.
    var fakeSerial = 0
    let now = Int(LabelledCorpus.now.timeIntervalSince1970)
    /// How the SAML place being written carries its messages (`saml()` sets it per file).
    var samlCarriage = SAMLCarriage.base64

    init(seed: String) { self.seed = seed }

    /// Rounds per file; each round writes one token and one look-alike.
    static let rounds = 10

    mutating func writeAll() -> [Doc] {
        paseto()
        fernet()
        macaroon()
        branca()
        biscuit()
        saml()
        webhook()
        return docs
    }

    // MARK: PASETO

    /// The next PASETO token: versions, purposes, footers and claims in turn, with the severity
    /// design §5 gives it (public: by its claims as a JWT's; local: medium).
    mutating func nextPaseto() -> Secret {
        serial += 1
        let version = serial % 4 + 1
        let local = serial % 5 == 0
        func time(_ offset: Int) -> JSONValue {
            .string(Date(timeIntervalSince1970: TimeInterval(now + offset)).formatted(.iso8601))
        }
        var claims: [String: JSONValue] = ["sub": .string("user-\(serial)"), "iss": .string("https://auth\(serial % 3).example")]
        let severity: String
        switch local ? -1 : serial % 6 {
        case -1:
            severity = "medium"
        case 0:
            claims["scope"] = "read:orders profile"
            claims["exp"] = time(30 * 86_400)
            severity = "medium"
        case 1:
            claims["roles"] = ["admin"]
            severity = "critical"
        case 2:
            claims["scope"] = "orders:write"
            claims["exp"] = time(7 * 86_400)
            claims["iat"] = time(-3600)
            severity = "high"
        case 3:
            claims["scope"] = "admin"
            claims["exp"] = time(-10 * 86_400)
            severity = "low"
        case 4:
            claims["typ"] = "refresh"
            claims["exp"] = time(90 * 86_400)
            severity = "high"
        default:
            claims["nbf"] = time(-60)
            severity = "medium"
        }
        // Footers: a key id (JSON, as the specification recommends) on every third token.
        let keyID = "k\(version).lid." + TokenMinter.opaque(length: 43, seed: "\(seed)/kid/\(serial)", alphabet: TokenMinter.base64url)
        let footer = serial % 3 == 0 ? #"{"kid":"\#(keyID)"}"# : nil
        let purpose: Paseto.Purpose = local ? .local : .public
        let token = TokenMinter.paseto(version: version, purpose: purpose, claims: claims, footer: footer, seed: "\(seed)/\(serial)")
        return Secret(value: token, kind: "paseto", rule: "paseto", label: "paseto:v\(version).\(purpose.rawValue)/\(severity)")
    }

    /// The next PASETO look-alike, of the kinds the specifications' own documents print.
    mutating func nextPasetoLookAlike() -> (kind: LabelledCorpus.LookAlikeKind, text: String) {
        fakeSerial += 1
        let version = fakeSerial % 4 + 1
        let key = Base64.urlEncode(TokenMinter.bytes(count: 32, seed: "\(seed)/paserk/\(fakeSerial)"))
        switch fakeSerial % 8 {
        case 0: return (.jwks, "k\(version).public.\(key)")
        case 1: return (.identifier, "k\(version).pid.\(Base64.urlEncode(TokenMinter.bytes(count: 33, seed: "\(seed)/pid/\(fakeSerial)")))")
        case 2: return (.placeholder, "v\(version).local." + String(repeating: "x", count: 64 + fakeSerial % 7))
        case 3:
            let token = TokenMinter.paseto(version: version, purpose: .public, claims: ["sub": .string("cut-\(fakeSerial)")], seed: "\(seed)/cut/\(fakeSerial)")
            return (.truncatedSignature, String(token.prefix(60)))
        case 4:
            let message = Array("signed message \(fakeSerial), no claims in it".utf8)
            return (.base64OfText, "v\(version).public." + Base64.urlEncode(message + TokenMinter.bytes(count: 96, seed: "\(seed)/msg/\(fakeSerial)")))
        case 5: return (.placeholder, "v\(version).public.<your-token-here>")
        case 6: return (.masked, "v\(version).public.eyJzdWIiOi****")
        default: return (.identifier, "k\(version).lid.\(Base64.urlEncode(TokenMinter.bytes(count: 33, seed: "\(seed)/lid/\(fakeSerial)")))")
        }
    }

    mutating func paseto() {
        place("paseto/logs/app.log", header: "") { time, value in
            Piece("{\"time\":\"\(time)\",\"level\":\"info\",\"msg\":\"authenticated\",\"token\":\"") + value + "\"}\n"
        }
        place("paseto/logs/ci-build.log", header: "Run ./scripts/deploy.sh\n") { time, value in
            Piece("\(time) + curl -fsS -H 'Authorization: Bearer ") + value + "' https://api.example/v1/deploy\n"
        }
        placeHAR("paseto/http/session.har", header: "Authorization", scheme: "Bearer ")
        place("paseto/config/settings.yaml", header: "service:\n") { _, value in
            Piece("  auth_token: ") + value + "\n"
        }
        place("paseto/postman/orders.postman_collection.json", header: "{\"item\": [\n", footer: "{}]}\n") { _, value in
            Piece("{\"request\": {\"auth\": {\"type\": \"bearer\", \"bearer\": [{\"key\": \"token\", \"value\": \"") + value
                + "\", \"type\": \"string\"}]}}},\n"
        }
        placeNotebook("paseto/notebooks/explore.ipynb", before: "TOKEN = \\\"", after: "\\\"")
        // Prose that names the prefixes: the specification's own wording, not a token.
        var doc = Doc("paseto/docs/README.md")
        for version in 1...4 {
            doc.put("Tokens of version \(version) start ")
            doc.fake(.prose, "v\(version).local.")
            doc.put(" when encrypted and ")
            doc.fake(.prose, "v\(version).public.")
            doc.line(" when signed; a PASERK key starts k\(version).")
        }
        docs.append(doc)
    }

    /// A file of `rounds` lines holding a token and as many holding a look-alike, in turn.
    private mutating func place(_ path: String, header: String, footer: String = "", line: (String, Piece) -> Piece) {
        var doc = Doc(path)
        doc.put(header)
        let format = BearerFormatCorpus.format(ofPath: path)
        for round in 0..<BearerFormatWriter.rounds {
            let time = Date(timeIntervalSince1970: TimeInterval(now - 3600 + round * 61)).formatted(.iso8601)
            switch format {
            case .fernet: doc.put(line(time, .token(nextFernet())))
            case .macaroon: doc.put(line(time, .token(nextMacaroon(named: !path.contains("/http/") && !path.contains("/postman/")))))
            case .branca: doc.put(line(time, .token(nextBranca())))
            case .biscuit: doc.put(line(time, .token(nextBiscuit(rule: biscuitNamed(path) ? "biscuit" : "bearer"))))
            case .saml: doc.put(line(time, .token(nextSAML())))
            case .webhook: doc.put(line(time, nextWebhook()))
            default: doc.put(line(time, .token(nextPaseto())))
            }
            let fake = switch format {
            case .fernet: nextFernetLookAlike()
            case .macaroon: nextMacaroonLookAlike()
            case .branca: nextBrancaLookAlike(named: BearerFormatWriter.brancaNamedPlaces.contains(path))
            case .biscuit: nextBiscuitLookAlike(named: biscuitNamed(path))
            case .saml: nextSAMLLookAlike()
            case .webhook: nextWebhookLookAlike()
            default: nextPasetoLookAlike()
            }
            doc.put(line(time, .lookAlike(fake.kind, fake.text)))
        }
        doc.put(footer)
        docs.append(doc)
    }

    enum HARMessage: String { case request, response }

    /// A HAR export (HAR 1.2): one entry per line whose request or response header holds the value.
    private mutating func placeHAR(_ path: String, message: HARMessage = .request, header name: String, scheme: String = "") {
        let method = message == .request ? "\"method\": \"GET\", " : ""
        place(path, header: "{\"log\": {\"entries\": [\n", footer: "{}]}}\n") { time, value in
            Piece("{\"startedDateTime\": \"\(time)\", \"\(message.rawValue)\": {\(method)\"headers\": [{\"name\": \"\(name)\", \"value\": \"\(scheme)")
                + value + "\"}]}},\n"
        }
    }

    /// A Postman collection whose requests send the value in a header.
    private mutating func placePostman(_ path: String, header name: String) {
        place(path, header: "{\"item\": [\n", footer: "{}]}\n") { _, value in
            Piece("{\"request\": {\"header\": [{\"key\": \"\(name)\", \"value\": \"") + value + "\"}]}},\n"
        }
    }

    /// A Jupyter notebook whose code cell holds the value in a line of Python.
    private mutating func placeNotebook(_ path: String, before: String, after: String) {
        place(path, header: "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\n",
              footer: "\"print('ok')\\n\"]}], \"nbformat\": 4}\n") { _, value in
            Piece("\"\(before)") + value + "\(after)\\n\",\n"
        }
    }

    // MARK: Fernet

    /// The next Fernet token: made up to a month ago, padded as libraries print it or unpadded as
    /// Keystone sends it, of one to twelve AES blocks (Keystone's payloads run to about ten).
    mutating func nextFernet() -> Secret {
        serial += 1
        let made = UInt64(now - (serial * 7919) % (30 * 86_400))
        let token = TokenMinter.fernet(timestamp: made, blocks: 1 + serial % 12, padded: serial % 2 == 0, seed: "\(seed)/fernet/\(serial)")
        return Secret(value: token, kind: "fernet", rule: "fernet", label: "fernet:\(serial % 2 == 0 ? "padded" : "keystone")/medium")
    }

    /// The next Fernet look-alike: the specification's invalid tokens' kinds (cut short, not whole
    /// blocks), placeholders and masks, and Fernet keys (no `gAAAAA` prefix, but beside tokens).
    mutating func nextFernetLookAlike() -> (kind: LabelledCorpus.LookAlikeKind, text: String) {
        fakeSerial += 1
        let token = TokenMinter.fernet(timestamp: UInt64(now - fakeSerial * 600), blocks: 2 + fakeSerial % 4, padded: false, seed: "\(seed)/fake/\(fakeSerial)")
        switch fakeSerial % 5 {
        case 0: return (.truncatedSignature, String(token.dropLast(5 + fakeSerial % 7)))
        case 1: return (.placeholder, "gAAAAA" + String(repeating: "x", count: 100 + fakeSerial % 9))
        case 2: return (.masked, String(token.prefix(12)) + "****")
        case 3: return (.truncatedSignature, String(token.dropLast(1 + fakeSerial % 4)))
        default: return (.placeholder, "gAAAAA<keystone-token>")
        }
    }

    mutating func fernet() {
        place("fernet/logs/keystone.log", header: "") { time, value in
            Piece("\(time) 2231 INFO keystone.common.wsgi [req-5d1c0a] GET /v3/auth/tokens X-Subject-Token: ") + value + "\n"
        }
        place("fernet/logs/ci-deploy.log", header: "Run openstack server list\n") { time, value in
            Piece("\(time) + curl -s -H \"X-Auth-Token: ") + value + "\" https://compute.example:8774/v2.1/servers\n"
        }
        placeHAR("fernet/http/dashboard.har", message: .response, header: "X-Subject-Token")
        place("fernet/config/clouds.yaml", header: "clouds:\n  prod:\n    auth_type: token\n") { _, value in
            Piece("    auth: {token: ") + value + "}\n"
        }
        placePostman("fernet/postman/openstack.postman_collection.json", header: "X-Auth-Token")
        placeNotebook("fernet/notebooks/session.ipynb", before: "session = Fernet(key).decrypt(b'", after: "')")
    }

    // MARK: Macaroons

    /// LND's permission sets (lnd's `lncli bakemacaroon` entities and actions): the admin macaroon's,
    /// the read-only macaroon's and the invoice macaroon's.
    static let lndAdmin: [(entity: String, actions: [String])] =
        ["address", "info", "invoices", "message", "offchain", "onchain", "peers", "signer"].map { ($0, ["read", "write"]) }
        + [("macaroon", ["generate", "read", "write"])]
    static let lndReadOnly: [(entity: String, actions: [String])] =
        ["address", "info", "invoices", "message", "offchain", "onchain", "peers", "signer", "macaroon"].map { ($0, ["read"]) }
    static let lndInvoice: [(entity: String, actions: [String])] = [("address", ["read", "write"]), ("invoices", ["read", "write"]), ("onchain", ["read"])]

    /// The next macaroon, with the severity design §5 gives it: LND macaroons (hex or base64) by
    /// their permissions (a write is broad) and `time-before` caveat; libmacaroons' version 1 and
    /// other version 2 macaroons (no permissions: medium, low once their `time <` caveat passed).
    /// A version 2 macaroon of another service has no fixed text, so only `named` places (a name
    /// that says macaroon) get one.
    mutating func nextMacaroon(named: Bool) -> Secret {
        serial += 1
        func time(_ offset: Int) -> String {
            Date(timeIntervalSince1970: TimeInterval(now + offset)).formatted(.iso8601)
        }
        let seed = "\(seed)/macaroon/\(serial)"
        let ip = "ipaddr 10.\(serial % 200).\(serial % 7).\(serial % 250 + 1)"
        let token: String, variant: String, severity: String
        switch serial % (named ? 8 : 6) {
        case 0:
            token = TokenMinter.lndMacaroon(permissions: Self.lndAdmin, seed: seed)
            (variant, severity) = ("lnd-admin", "critical")
        case 1:
            token = TokenMinter.lndMacaroon(permissions: Self.lndReadOnly, caveats: serial % 3 == 0 ? [ip] : [], encoding: serial % 2 == 0 ? .hex : .base64, seed: seed)
            (variant, severity) = ("lnd-readonly", "medium")
        case 2:
            token = TokenMinter.lndMacaroon(permissions: Self.lndInvoice, caveats: ["time-before \(time(30 * 86_400))", ip], encoding: serial % 4 == 2 ? .base64 : .hex, seed: seed)
            (variant, severity) = ("lnd-invoice", "high")
        case 3:
            token = TokenMinter.lndMacaroon(permissions: Self.lndAdmin, caveats: ["time-before \(time(-5 * 86_400))"], seed: seed)
            (variant, severity) = ("lnd-expired", "low")
        case 4:
            let hex = TokenMinter.lndMacaroon(permissions: Self.lndInvoice, seed: seed)
            token = serial % 2 == 0 ? hex.uppercased() : hex
            (variant, severity) = ("lnd-invoice", "critical")
        case 5:
            let caveats = serial % 2 == 0 ? ["time < \(time(90 * 86_400))"] : ["account = \(serial * 7919)"]
            token = TokenMinter.macaroon(
                version: 1, location: "https://svc\(serial % 3).example/", identifier: Array("key-\(serial)".utf8), caveats: caveats, seed: seed)
            (variant, severity) = ("v1", "medium")
        case 6:
            token = TokenMinter.macaroon(
                location: serial % 3 == 0 ? nil : "https://api\(serial % 4).example/", identifier: TokenMinter.bytes(count: 24, seed: seed + "/id"),
                caveats: ["time < \(time(-86_400))"], seed: seed)
            (variant, severity) = ("v2", "low")
        default:
            token = TokenMinter.macaroon(
                location: "https://api\(serial % 4).example/", identifier: Array("user-\(serial)".utf8),
                caveats: ["time < \(time(7 * 86_400))", "op = read"], seed: seed)
            (variant, severity) = ("v2", "medium")
        }
        let rule = variant == "v2" ? "macaroon-named" : "macaroon"
        return Secret(value: token, kind: "macaroon", rule: rule, label: "macaroon:\(variant)/\(severity)")
    }

    /// The next macaroon look-alike: macaroons cut short (a log line's limit), placeholders and
    /// masks of the form LND's documentation prints, paths to macaroon files, root keys and
    /// digests under a macaroon name.
    mutating func nextMacaroonLookAlike() -> (kind: LabelledCorpus.LookAlikeKind, text: String) {
        fakeSerial += 1
        let seed = "\(seed)/macaroon-fake/\(fakeSerial)"
        let hex = TokenMinter.lndMacaroon(permissions: Self.lndReadOnly, seed: seed)
        switch fakeSerial % 7 {
        case 0: return (.truncatedSignature, String(hex.dropLast(2 * (1 + fakeSerial % 20))))
        case 1: return (.truncatedSignature, String(hex.prefix(160 + fakeSerial % 40 * 2)))
        case 2: return (.placeholder, "0201036c6e6402f801030a10...")
        case 3: return (.masked, String(hex.prefix(24)) + "********")
        case 4: return (.hexHash, Array(TokenMinter.bytes(count: 32, seed: seed + "/root")).map { String($0 >> 4, radix: 16) + String($0 & 15, radix: 16) }.joined())
        case 5:
            let v1 = TokenMinter.macaroon(version: 1, location: "https://svc.example/", identifier: Array("k".utf8), caveats: [], seed: seed)
            return (.truncatedSignature, String(v1.dropLast(6 + fakeSerial % 9)))
        default: return (.path, "/home/lnd/.lnd/data/chain/bitcoin/mainnet/admin.macaroon")
        }
    }

    mutating func macaroon() {
        place("macaroon/logs/app.log", header: "") { time, value in
            Piece("{\"time\":\"\(time)\",\"level\":\"debug\",\"msg\":\"lnd client\",\"macaroon\":\"") + value + "\"}\n"
        }
        place("macaroon/logs/ci-build.log", header: "Run ./scripts/pay-invoice.sh\n") { time, value in
            Piece("\(time) + curl -fsS --cacert tls.cert -H 'Grpc-Metadata-macaroon: ") + value + "' https://lnd.internal:8080/v1/invoices\n"
        }
        placeHAR("macaroon/http/wallet.har", header: "Grpc-Metadata-macaroon")
        place("macaroon/config/lnbits.env", header: "LNBITS_BACKEND_WALLET_CLASS=LndRestWallet\n") { _, value in
            Piece("LND_REST_MACAROON=") + value + "\n"
        }
        placePostman("macaroon/postman/lnd.postman_collection.json", header: "Grpc-Metadata-macaroon")
        placeNotebook("macaroon/notebooks/node.ipynb", before: "macaroon = '", after: "'")
    }

    // MARK: Branca

    /// The next Branca token: made up to a month ago, with a payload of 8 to 200 bytes (an id, a
    /// user record, a session: what libraries' READMEs encode), base62 as every library writes it.
    mutating func nextBranca() -> Secret {
        serial += 1
        let made = UInt32(now - (serial * 7919) % (30 * 86_400))
        let token = TokenMinter.branca(timestamp: made, payloadLength: 8 + (serial * 37) % 193, seed: "\(seed)/branca/\(serial)")
        return Secret(value: token, kind: "branca", rule: "branca", label: "branca:token/medium")
    }

    /// The places whose name says Branca (`branca`, `BRANCA_TOKEN`): there a value that does not
    /// decode to a token is no finding. Elsewhere (`Authorization: Bearer`, a `token` pair) such a
    /// value is an opaque token like any other, so only placeholders and masks are look-alikes.
    static let brancaNamedPlaces: Set<String> = ["branca/logs/app.log", "branca/config/settings.yaml", "branca/notebooks/explore.ipynb"]

    /// The next Branca look-alike: the specification's "wrong version" vector's kind (another
    /// version byte), tokens cut at either end, and the placeholders and masks libraries'
    /// documentation prints.
    mutating func nextBrancaLookAlike(named: Bool) -> (kind: LabelledCorpus.LookAlikeKind, text: String) {
        fakeSerial += 1
        let token = TokenMinter.branca(timestamp: UInt32(now - fakeSerial * 600), payloadLength: 16 + fakeSerial % 50, seed: "\(seed)/branca-fake/\(fakeSerial)")
        switch (named, fakeSerial % 6) {
        case (true, 0):
            // Another version byte: test_vectors.json's "Wrong version 0xBB".
            var bytes = Base62.decode(Array(token.utf8)) ?? []
            bytes[0] = 0xBB
            return (.identifier, Base62.encode(bytes))
        case (true, 1): return (.truncatedSignature, String(token.dropLast(3 + fakeSerial % 9)))
        case (true, 2): return (.truncatedSignature, String(token.dropFirst(2 + fakeSerial % 5)))
        case (true, 3): return (.truncatedSignature, String(token.prefix(24 + fakeSerial % 30)))
        case (_, 4): return (.placeholder, "<branca-token>")
        case (_, 5): return (.masked, String(token.prefix(8)) + "********")
        case (_, 1): return (.placeholder, "YOUR_BRANCA_TOKEN")
        default: return (.masked, "****" + String(token.suffix(4)))
        }
    }

    mutating func branca() {
        place("branca/logs/app.log", header: "") { time, value in
            Piece("{\"time\":\"\(time)\",\"level\":\"debug\",\"msg\":\"session issued\",\"branca\":\"") + value + "\"}\n"
        }
        place("branca/logs/ci-build.log", header: "Run ./scripts/smoke-test.sh\n") { time, value in
            Piece("\(time) + curl -fsS -H 'Authorization: Bearer ") + value + "' https://api.example/v1/me\n"
        }
        placeHAR("branca/http/session.har", header: "Authorization", scheme: "Bearer ")
        place("branca/config/settings.yaml", header: "auth:\n") { _, value in
            Piece("  branca_token: ") + value + "\n"
        }
        // The request's own header (Postman's `auth.bearer` pair, `"key": "token"`, is a named pair
        // too: NamedValueCLITests covers it).
        place("branca/postman/api.postman_collection.json", header: "{\"item\": [\n", footer: "{}]}\n") { _, value in
            Piece("{\"request\": {\"header\": [{\"key\": \"Authorization\", \"value\": \"Bearer ") + value + "\"}]}},\n"
        }
        placeNotebook("branca/notebooks/explore.ipynb", before: "BRANCA_TOKEN = \\\"", after: "\\\"")
    }

    // MARK: Biscuit

    /// Whether the place names its value as a Biscuit (`BISCUIT_TOKEN=`, `biscuit:`): there the
    /// biscuit rule reads it; elsewhere (`Bearer `, a `token` field) a carrier does, and the value
    /// is decoded as a Biscuit by its shape.
    private func biscuitNamed(_ path: String) -> Bool {
        path.contains("/config/") || path.contains("/notebooks/")
    }

    /// The next Biscuit, with the severity design §5 gives it: authority rights (a write or an
    /// admin role is broad, reads are narrow), a `time` check in the authority or an attenuation
    /// block as the expiry, attenuation blocks that narrow to reading; sealed or not.
    mutating func nextBiscuit(rule: String) -> Secret {
        serial += 1
        let seed = "\(seed)/biscuit/\(serial)"
        func at(_ offset: Int) -> UInt64 { UInt64(now + offset) }
        let resource = ["/srv/reports", "bucket/invoices", "repo:acme/api", "tenant-\(serial % 9)"][serial % 4]
        let read = Biscuit.Predicate("right", [.string(resource), .string("read")])
        let write = Biscuit.Predicate("right", [.string(resource), .string("write")])
        let user = Biscuit.Predicate("user", [.string("user-\(serial * 7919 % 100_000)")])
        var blocks: [Biscuit.Block]
        let variant: String, severity: String
        switch serial % 7 {
        case 0:
            blocks = [Biscuit.Block(facts: [user, Biscuit.Predicate("role", [.string("admin")])])]
            (variant, severity) = ("admin", "critical")
        case 1:
            blocks = [Biscuit.Block(facts: [user, read, write], checks: [Biscuit.expiryCheck(at(14 * 86_400))])]
            (variant, severity) = ("write-expiring", "high")
        case 2:
            blocks = [Biscuit.Block(facts: [user, read]), Biscuit.Block(checks: [Biscuit.expiryCheck(at(6 * 3600))])]
            (variant, severity) = ("read-attenuated", "medium")
        case 3:
            blocks = [Biscuit.Block(facts: [read, write], checks: [Biscuit.expiryCheck(at(-3 * 86_400))])]
            (variant, severity) = ("expired", "low")
        case 4:
            // Write granted, attenuated to reading and to a day: narrow, with an expiry.
            blocks = [
                Biscuit.Block(facts: [user, read, write]),
                Biscuit.Block(checks: [Biscuit.operationCheck(serial % 2 == 0 ? ["read"] : ["read", "list"]), Biscuit.expiryCheck(at(86_400))]),
            ]
            (variant, severity) = ("write-attenuated", "medium")
        case 5:
            blocks = [Biscuit.Block(facts: [user, write])]
            (variant, severity) = ("write", "critical")
        default:
            blocks = [Biscuit.Block(facts: [user], checks: [Biscuit.expiryCheck(at(30 * 86_400))])]
            (variant, severity) = ("no-rights", "medium")
        }
        let token = TokenMinter.biscuit(blocks: blocks, rootKeyID: serial % 5 == 0 ? UInt32(serial % 3) : nil, sealed: serial % 3 == 0, seed: seed)
        return Secret(value: token, kind: "biscuit", rule: rule, label: "biscuit:\(variant)/\(severity)")
    }

    /// The next Biscuit look-alike: tokens cut short (a log line's limit), masked and placeholder
    /// tokens, Biscuit public keys as its tools print them (`ed25519/…`), and other base64
    /// protobufs: a serialised block alone, an authorizer snapshot, a Biscuit-shaped message
    /// with a field after its proof. Where the place reads a carrier (`Bearer `, `token`), only
    /// those that start as a Biscuit does (a value that does not is the opaque token it may be).
    mutating func nextBiscuitLookAlike(named: Bool) -> (kind: LabelledCorpus.LookAlikeKind, text: String) {
        fakeSerial += 1
        let seed = "\(seed)/biscuit-fake/\(fakeSerial)"
        let block = Biscuit.Block(facts: [Biscuit.Predicate("right", [.string("file\(fakeSerial)"), .string("read")])])
        let token = TokenMinter.biscuit(blocks: [block], seed: seed)
        let kinds = named ? 8 : 5
        switch fakeSerial % kinds {
        case 0: return (.truncatedSignature, String(token.dropLast(3 + fakeSerial % 40)))
        case 1: return (.jwks, "ed25519/" + TokenMinter.bytes(count: 32, seed: seed + "/key").map { String(format: "%02x", $0) }.joined())
        case 2: return (.masked, String(token.prefix(10)) + String(repeating: "*", count: 12))
        case 3: return (.truncatedSignature, String(token.prefix(120 + fakeSerial % 30)))
        case 4:
            let bytes = TokenMinter.biscuitBytes(blocks: [block], seed: seed) + Protobuf.encode(9, bytes: TokenMinter.bytes(count: 16, seed: seed + "/x"))
            return (.randomBase64, Base64.urlEncode(bytes))
        case 5:
            // The authority block's bytes alone (a debugging dump): `Block`, not `Biscuit`.
            let bytes = Protobuf.encode(1, bytes: Array("file\(fakeSerial)".utf8)) + Protobuf.encode(3, varint: 3)
                + TokenMinter.bytes(count: 90, seed: seed + "/block")
            return (.randomBase64, Base64.urlEncode(bytes))
        case 6:
            // biscuit-rust's authorizer snapshot (`AuthorizerSnapshot { RunLimits limits = 1; … }`).
            let limits = Protobuf.encode(1, varint: 1000) + Protobuf.encode(2, varint: 100) + Protobuf.encode(3, varint: 1_000_000)
            let bytes = Protobuf.encode(1, bytes: limits) + Protobuf.encode(2, varint: UInt64(30_000 + fakeSerial))
                + Protobuf.encode(3, bytes: TokenMinter.bytes(count: 96, seed: seed + "/world"))
            return (.randomBase64, Base64.urlEncode(bytes))
        default: return (.placeholder, "En" + String(repeating: "x", count: 110))
        }
    }

    mutating func biscuit() {
        place("biscuit/logs/app.log", header: "") { time, value in
            Piece("{\"time\":\"\(time)\",\"level\":\"info\",\"msg\":\"authorized\",\"token\":\"") + value + "\"}\n"
        }
        place("biscuit/logs/ci-build.log", header: "Run ./scripts/publish-report.sh\n") { time, value in
            Piece("\(time) + curl -fsS -H 'Authorization: Bearer ") + value + "' https://reports.example/v1/upload\n"
        }
        placeHAR("biscuit/http/console.har", header: "Authorization", scheme: "Bearer ")
        place("biscuit/config/service.env", header: "REPORTS_URL=https://reports.example\n") { _, value in
            Piece("REPORTS_BISCUIT_TOKEN=") + value + "\n"
        }
        // The request's own `Authorization` header (Postman's `auth.bearer` form, `{"key": "token",
        // "value": …}`, is a named pair too: NamedValueCLITests covers it).
        place("biscuit/postman/reports.postman_collection.json", header: "{\"item\": [\n", footer: "{}]}\n") { _, value in
            Piece("{\"request\": {\"header\": [{\"key\": \"Authorization\", \"value\": \"Bearer ") + value + "\"}]}},\n"
        }
        placeNotebook("biscuit/notebooks/attenuate.ipynb", before: "token = Biscuit.from_base64(\\\"biscuit:", after: "\\\", root_key)")
    }

    // MARK: SAML

    /// How a place carries SAML: raw assertion XML (logs, fixtures), a response in base64 (the
    /// HTTP-POST binding's field, HAR, API clients), percent-encoded base64 (a form body), or an
    /// assertion alone in base64url (RFC 7522).
    enum SAMLCarriage { case xml, base64, form, grant }

    /// The next SAML token, with the severity design §5 gives its claims: an AWS administrator role
    /// (broad) without `NotOnOrAfter` critical, with one high; a read-only role or no role
    /// attribute medium; past its `NotOnOrAfter` low; an encrypted assertion medium. Namespace
    /// styles (Okta's `saml2:`, OneLogin's `saml:`, Entra ID's default namespaces) in turn.
    mutating func nextSAML() -> Secret {
        serial += 1
        let seed = "\(seed)/saml/\(serial)"
        let style = TokenMinter.SAMLStyle.allCases[serial % 3]
        let issued = Double(now - 30 - serial % 200)
        let awsAdmin = "arn:aws:iam::1234567890\(10 + serial % 80):role/OrgAdmin,arn:aws:iam::1234567890\(10 + serial % 80):saml-provider/Okta"
        var attributes: [(name: String, values: [String])] = [("email", ["user\(serial)@example.com"])]
        var until: Double? = issued + 8 * 3600
        var encrypted = false
        let variant: String, severity: String
        switch serial % 6 {
        case 0:
            attributes.append(("https://aws.amazon.com/SAML/Attributes/Role", [awsAdmin]))
            until = nil
            (variant, severity) = ("aws-admin", "critical")
        case 1:
            attributes.append(("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", ["Domain Admins", "Engineering"]))
            (variant, severity) = ("admin-group", "high")
        case 2:
            attributes.append(("Role", ["ReadOnly"]))
            (variant, severity) = ("read-only", "medium")
        case 3:
            attributes.append(("memberOf", ["cn=superusers,ou=groups,dc=example,dc=com"]))
            until = issued - 86_400 + 300
            (variant, severity) = ("expired", "low")
        case 4:
            encrypted = true
            (variant, severity) = ("encrypted", "medium")
        default:
            attributes.append(("eduPersonEntitlement", ["urn:mace:example.org:library:borrow"]))
            (variant, severity) = ("entitlement", "medium")
        }
        let assertion = encrypted
            ? TokenMinter.samlEncryptedAssertion(plaintextLength: 1200 + serial % 7 * 100, style: style, seed: seed)
            : TokenMinter.samlAssertion(
                issuer: "https://idp\(serial % 4).example.com/saml2", audience: "https://app\(serial % 5).example.com/saml/metadata",
                subject: "user\(serial)@example.com", issued: issued, notBefore: issued - 5, notOnOrAfter: until, confirmedUntil: until,
                attributes: attributes, style: style, signed: serial % 2 == 0, seed: seed)
        let value: String
        switch samlCarriage {
        case .xml: value = assertion
        case .grant: value = TokenMinter.samlEncode(assertion, .base64url)
        case .base64, .form:
            let response = TokenMinter.samlResponse(
                assertion: assertion, issuer: "https://idp\(serial % 4).example.com/saml2", issued: issued, xmlDeclaration: serial % 4 != 1,
                style: style, seed: seed)
            value = TokenMinter.samlEncode(response, samlCarriage == .form ? .formEncoded : .base64)
        }
        return Secret(value: value, kind: "saml", rule: "saml-response", label: "saml:\(variant)/\(severity)")
    }

    /// The next SAML look-alike, written as the place writes its tokens: the messages SAML sends
    /// through the same bindings that carry no assertion, metadata, a certificate, a response cut
    /// short, a placeholder, base64 of other XML.
    mutating func nextSAMLLookAlike() -> (kind: LabelledCorpus.LookAlikeKind, text: String) {
        fakeSerial += 1
        let seed = "\(seed)/saml-fake/\(fakeSerial)"
        let style = TokenMinter.SAMLStyle.allCases[fakeSerial % 3]
        let issued = Double(now - 60)
        func carried(_ xml: String) -> String {
            switch samlCarriage {
            case .xml: xml
            case .grant: TokenMinter.samlEncode(xml, .base64url)
            case .base64: TokenMinter.samlEncode(xml, .base64)
            case .form: TokenMinter.samlEncode(xml, .formEncoded)
            }
        }
        switch fakeSerial % 8 {
        case 0:
            let failed = TokenMinter.samlResponse(assertion: nil, issued: issued, status: "Requester", subStatus: "AuthnFailed", style: style, seed: seed)
            return (.samlMessage, carried(failed))
        case 1: return (.samlMessage, carried(TokenMinter.samlOtherMessage("LogoutResponse", style: style, issued: issued, seed: seed)))
        case 2: return (.samlMessage, carried(TokenMinter.samlOtherMessage("AuthnRequest", style: style, issued: issued, seed: seed)))
        case 3: return (.samlMessage, carried(TokenMinter.samlOtherMessage("EntityDescriptor", issued: issued, seed: seed)))
        case 4: return (.samlMessage, carried(TokenMinter.samlOtherMessage("LogoutRequest", style: style, issued: issued, seed: seed)))
        case 5:
            let whole = carried(TokenMinter.samlResponse(
                assertion: TokenMinter.samlAssertion(issued: issued, notOnOrAfter: issued + 300, style: style, seed: seed), issued: issued, style: style, seed: seed))
            return (.truncatedSignature, String(whole.prefix(whole.count / 2 + fakeSerial % 9)))
        case 6:
            let certificate = TokenMinter.standardBase64([0x30, 0x82, 0x03, 0x1F] + TokenMinter.bytes(count: 795, seed: seed + "/cert"))
            return (.x5c, samlCarriage == .xml ? "<ds:X509Certificate>\(certificate)</ds:X509Certificate>" : certificate)
        default:
            let other = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + "<GetInvoice xmlns=\"https://billing.example.com/\"><InvoiceId>INV-\(40_000 + fakeSerial)</InvoiceId></GetInvoice></soap:Body></soap:Envelope>"
            return (.base64OfText, carried(other))
        }
    }

    mutating func saml() {
        samlCarriage = .base64
        place("saml/logs/sp.log", header: "") { time, value in
            Piece("{\"time\":\"\(time)\",\"level\":\"debug\",\"logger\":\"saml.acs\",\"msg\":\"ACS POST\",\"SAMLResponse\":\"") + value + "\"}\n"
        }
        samlCarriage = .form
        place("saml/logs/ci-e2e.log", header: "Run npx playwright test sso.spec.ts\n") { time, value in
            Piece("\(time) + curl -fsS -X POST --data 'SAMLResponse=") + value + "&RelayState=%2Fdashboard' https://app.example.com/saml/acs\n"
        }
        samlCarriage = .xml
        place("saml/logs/shibboleth-sp.log", header: "") { time, value in
            Piece("\(time) DEBUG OpenSAML.MessageDecoder.SAML2POST [3] : decoded SAML message:\n") + value + "\n"
        }
        samlCarriage = .base64
        place("saml/http/login.har", header: "{\"log\": {\"entries\": [\n", footer: "{}]}}\n") { time, value in
            Piece("{\"startedDateTime\": \"\(time)\", \"request\": {\"method\": \"POST\", \"url\": \"https://app.example.com/saml/acs\", \"postData\": ")
                + "{\"mimeType\": \"application/x-www-form-urlencoded\", \"params\": [{\"name\": \"SAMLResponse\", \"value\": \"" + value
                + "\"}, {\"name\": \"RelayState\", \"value\": \"/\"}]}}},\n"
        }
        samlCarriage = .grant
        place("saml/config/token-requests.yaml", header: "# RFC 7522 token requests replayed by the integration tests\nrequests:\n") { _, value in
            Piece("  - grant_type: urn:ietf:params:oauth:grant-type:saml2-bearer\n    assertion: ") + value + "\n"
        }
        samlCarriage = .base64
        place("saml/postman/sso.postman_collection.json", header: "{\"item\": [\n", footer: "{}]}\n") { _, value in
            Piece("{\"request\": {\"method\": \"POST\", \"body\": {\"mode\": \"urlencoded\", \"urlencoded\": [{\"key\": \"SAMLResponse\", \"value\": \"") + value
                + "\", \"type\": \"text\"}]}}},\n"
        }
        placeNotebook("saml/notebooks/replay.ipynb", before: "saml_response = '", after: "'")
    }

    // MARK: Chat webhooks

    /// The next chat webhook URL (Rules/webhooks.toml; the vendors' documented shapes): Slack
    /// incoming webhooks, Discord, Teams incoming webhooks and Google Chat space webhooks in turn.
    /// The token is the URL's secret part, what the rules report and mask; the rest of the URL is
    /// text around it. Whoever holds one posts as the integration: medium (design §5).
    mutating func nextWebhook() -> Piece {
        serial += 1
        let seed = "\(seed)/webhook/\(serial)"
        let digits = TokenMinter.opaque(length: 19, seed: seed + "/id", alphabet: "0123456789")
        let upper = { (n: Int, tag: String) in TokenMinter.opaque(length: n, seed: seed + tag, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") }
        let uuid = { (tag: String) -> String in
            let hex = Array(TokenMinter.opaque(length: 32, seed: seed + tag, alphabet: "0123456789abcdef"))
            return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
        }
        let (format, rule, vendor, url): (ProviderTokenFormat, String, String, String) = switch serial % 4 {
        case 0: (.slackWebhook, "slack-webhook-url", "slack", "https://hooks.slack.com/services/T\(upper(9, "/t"))/B\(upper(10, "/b"))/")
        case 1: (.discordWebhook, "discord-webhook-url", "discord", "https://discord.com/api/webhooks/1\(digits.prefix(18))/")
        case 2: (.teamsWebhook, "teams-incoming-webhook-url", "teams",
                 "https://contoso.webhook.office.com/webhookb2/\(uuid("/group"))@\(uuid("/tenant"))/IncomingWebhook/")
        default: (.googleChatWebhook, "google-chat-webhook-url", "google-chat",
                  "https://chat.googleapis.com/v1/spaces/AAAA\(upper(7, "/space"))/messages?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&token=")
        }
        let token = TokenMinter.provider(format, seed: seed)
        return Piece(url) + .token(Secret(value: token, kind: "webhook", rule: rule, label: "webhook:\(vendor)/medium"))
    }

    /// The next webhook look-alike: the placeholders the vendors' documentation prints, secrets cut
    /// short (a log line's limit), masked URLs, and other URLs of the same hosts that hold no secret.
    mutating func nextWebhookLookAlike() -> (kind: LabelledCorpus.LookAlikeKind, text: String) {
        fakeSerial += 1
        let seed = "\(seed)/webhook-fake/\(fakeSerial)"
        switch fakeSerial % 8 {
        case 0: return (.placeholder, "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX")
        case 1: return (.truncatedProvider, "https://hooks.slack.com/services/T04B7FDK2QX/B05C1M7GH8Z/" + TokenMinter.provider(.slackWebhook, seed: seed).dropLast(3))
        case 2: return (.placeholder, "https://discord.com/api/webhooks/{webhook.id}/{webhook.token}")
        case 3: return (.truncatedProvider, "https://discord.com/api/webhooks/1093856295103954984/" + TokenMinter.provider(.discordWebhook, seed: seed).prefix(40))
        case 4: return (.placeholder, "https://chat.googleapis.com/v1/spaces/SPACE_ID/messages?key=KEY&token=TOKEN")
        case 5: return (.masked, "https://hooks.slack.com/services/T04B7FDK2QX/B05C1M7GH8Z/" + String(repeating: "*", count: 24))
        case 6: return (.url, "https://discord.com/api/v10/channels/1093856295103954984/webhooks")
        default: return (.placeholder, "https://<tenant>.webhook.office.com/webhookb2/<group-id>@<tenant-id>/IncomingWebhook/<webhook-id>/<owner-id>")
        }
    }

    mutating func webhook() {
        place("webhook/logs/ci-notify.log", header: "Run ./scripts/notify.sh\n") { time, value in
            Piece("\(time) + curl -fsS -X POST -H 'Content-Type: application/json' -d '{\"text\":\"deploy done\"}' ") + value + "\n"
        }
        placeHAR("webhook/http/notify.har", header: "Referer")
        place("webhook/config/alerting.yaml", header: "receivers:\n") { _, value in
            Piece("  - name: chat\n    url: ") + value + "\n"
        }
        place("webhook/postman/alerts.postman_collection.json", header: "{\"item\": [\n", footer: "{}]}\n") { _, value in
            Piece("{\"request\": {\"method\": \"POST\", \"url\": {\"raw\": \"") + value + "\"}}},\n"
        }
        placeNotebook("webhook/notebooks/alerts.ipynb", before: "requests.post('", after: "', json={'text': msg})")
    }
}
