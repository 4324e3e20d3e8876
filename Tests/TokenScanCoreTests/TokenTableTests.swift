import Crypto
import CryptoExtras
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

/// A table of tokens minted at test time and signed with real keys (HMAC, RSA, ECDSA, Ed25519),
/// covering every reason code and every severity boundary of the risk model.
final class TokenTableTests: XCTestCase {
    static let rsa = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let otherRSA = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let p256 = P256.Signing.PrivateKey()
    static let ed25519 = Curve25519.Signing.PrivateKey()

    enum Signer {
        case hmac(String, String) // alg, key
        case none
        case rsa(String, _RSA.Signing.PrivateKey) // RS256 / PS256
        case es256
        case eddsa
    }

    static func mint(_ signer: Signer, header extra: [String: JSONValue] = [:], claims: [String: JSONValue]) -> String {
        switch signer {
        case .hmac(let alg, let key): return TokenMinter.jwt(alg: alg, header: extra, claims: claims, key: key)
        case .none: return TokenMinter.jwt(alg: "none", header: extra, claims: claims)
        default: break
        }
        let alg: String
        switch signer {
        case .rsa(let name, _): alg = name
        case .es256: alg = "ES256"
        default: alg = "EdDSA"
        }
        var header = extra
        header["alg"] = .string(alg)
        let input = Base64.urlEncode(Array(TokenMinter.canonicalJSON(.object(header)).utf8)) + "."
            + Base64.urlEncode(Array(TokenMinter.canonicalJSON(.object(claims)).utf8))
        let data = Array(input.utf8)
        let signature: [UInt8]
        switch signer {
        case .rsa(let name, let key):
            signature = Array(try! key.signature(for: SHA256.hash(data: data), padding: name == "PS256" ? .PSS : .insecurePKCS1v1_5).rawRepresentation)
        case .es256: signature = Array(try! p256.signature(for: data).rawRepresentation)
        default: signature = Array(try! ed25519.signature(for: data))
        }
        return input + "." + Base64.urlEncode(signature)
    }

    struct Row {
        var name: String
        var token: String
        var severity: Severity
        var codes: [String]
        var signature: SignatureStatus? = nil
    }

    static func keySet() throws -> KeySet {
        let jwks: JSONValue = ["keys": [
            ["kty": "RSA", "kid": "rsa-1", "n": .string(Base64.urlEncode(Array(rsa.publicKey.derRepresentation).rsaModulus)),
             "e": "AQAB"],
            ["kty": "EC", "crv": "P-256", "x": .string(Base64.urlEncode(p256.publicKey.rawRepresentation.prefix(32))),
             "y": .string(Base64.urlEncode(p256.publicKey.rawRepresentation.suffix(32)))],
            ["kty": "OKP", "crv": "Ed25519", "x": .string(Base64.urlEncode(ed25519.publicKey.rawRepresentation))],
        ]]
        return try KeySet(jwks: Array(TokenMinter.canonicalJSON(jwks).utf8))
    }

    func rows() -> [Row] {
        let t = Int(TestSupport.now.timeIntervalSince1970)
        func at(_ offset: Int) -> JSONValue { .number(Double(t + offset)) }
        let hs = Signer.hmac("HS256", "a-strong-random-key-4c1e9f0b7d2a")
        let day = 86_400
        return [
            // 0 documentation samples
            Row(name: "jwt.io sample", token: TokenMinter.jwt(claims: ["sub": "1234567890", "name": "John Doe", "iat": 1_516_239_022], key: "your-256-bit-secret"), severity: .info, codes: ["doc-sample"]),
            Row(name: "RFC 7519 sample", token: TokenMinter.jwt(claims: ["iss": "joe", "exp": 1_300_819_380, "http://example.com/is_root": true]), severity: .info, codes: ["doc-sample"]),
            // 1 forgeable
            Row(name: "alg none narrow", token: Self.mint(.none, claims: ["sub": "a", "exp": at(day)]), severity: .high, codes: ["alg-none", "expires"], signature: .unsigned),
            Row(name: "alg NONE broad", token: TokenMinter.jwt(alg: "NONE", claims: ["sub": "a", "scope": "admin"]), severity: .critical, codes: ["alg-none", "scope-broad", "no-expiry"], signature: .unsigned),
            Row(name: "alg none expired", token: Self.mint(.none, claims: ["sub": "a", "exp": at(-day)]), severity: .high, codes: ["alg-none", "expired"], signature: .unsigned),
            Row(name: "alg none expiring soon stays high", token: Self.mint(.none, claims: ["sub": "a", "exp": at(60)]), severity: .high, codes: ["alg-none", "expires"], signature: .unsigned),
            Row(name: "weak HS256", token: Self.mint(.hmac("HS256", "secret"), claims: ["sub": "a", "exp": at(day)]), severity: .high, codes: ["weak-hmac-secret"], signature: .weakSecret),
            Row(name: "weak HS384 broad", token: Self.mint(.hmac("HS384", "changeme"), claims: ["sub": "a", "scope": "repo"]), severity: .critical, codes: ["weak-hmac-secret", "scope-broad"], signature: .weakSecret),
            Row(name: "weak HS512 expired", token: Self.mint(.hmac("HS512", "your-512-bit-secret"), claims: ["sub": "a", "exp": at(-day)]), severity: .high, codes: ["weak-hmac-secret", "expired"], signature: .weakSecret),
            Row(name: "weak key with admin flag", token: Self.mint(.hmac("HS256", "secret"), claims: ["sub": "a", "isAdmin": true]), severity: .critical, codes: ["weak-hmac-secret", "scope-broad"], signature: .weakSecret),
            // 2 expired
            Row(name: "expired exactly now", token: Self.mint(hs, claims: ["sub": "a", "exp": at(0)]), severity: .low, codes: ["expired"]),
            Row(name: "expired broad", token: Self.mint(hs, claims: ["sub": "a", "scp": "Files.ReadWrite.All", "exp": at(-3600)]), severity: .low, codes: ["expired", "scope-broad"]),
            Row(name: "expired refresh", token: Self.mint(hs, claims: ["sub": "a", "typ": "Refresh", "exp": at(-10)]), severity: .low, codes: ["expired"]),
            Row(name: "expired years ago", token: Self.mint(hs, claims: ["sub": "a", "exp": at(-3 * 365 * day)]), severity: .low, codes: ["expired"]),
            // 3 broad
            Row(name: "broad no exp", token: Self.mint(hs, claims: ["sub": "a", "scope": "repo admin:org"]), severity: .critical, codes: ["scope-broad", "no-expiry"]),
            Row(name: "broad with exp", token: Self.mint(hs, claims: ["sub": "a", "scope": "repo", "exp": at(30 * day)]), severity: .high, codes: ["scope-broad", "expires"]),
            Row(name: "k8s masters group", token: Self.mint(.rsa("RS256", Self.rsa), header: ["kid": "rsa-1"], claims: ["iss": "https://kubernetes.default.svc.cluster.local", "sub": "system:serviceaccount:kube-system:admin", "groups": ["system:masters"], "exp": at(365 * day)]), severity: .high, codes: ["scope-broad", "provider"]),
            Row(name: "google cloud-platform", token: Self.mint(.es256, claims: ["iss": "https://accounts.google.com", "scope": "https://www.googleapis.com/auth/cloud-platform"]), severity: .critical, codes: ["scope-broad", "no-expiry", "provider"]),
            Row(name: "okta manage", token: Self.mint(hs, claims: ["iss": "https://acme.okta.com/oauth2/default", "scp": ["okta.users.manage"], "exp": at(7 * day)]), severity: .high, codes: ["scope-broad", "provider"]),
            Row(name: "keycloak realm admin", token: Self.mint(hs, claims: ["iss": "https://sso.acme.example/realms/master", "realm_access": ["roles": ["realm-admin"]]]), severity: .critical, codes: ["scope-broad", "provider"]),
            Row(name: "hasura admin role", token: Self.mint(hs, claims: ["sub": "a", "https://hasura.io/jwt/claims": ["x-hasura-allowed-roles": ["admin"], "x-hasura-default-role": "admin"], "exp": at(day)]), severity: .high, codes: ["scope-broad"]),
            Row(name: "supabase service_role", token: Self.mint(hs, claims: ["iss": "supabase", "role": "service_role", "exp": at(3650 * day)]), severity: .high, codes: ["scope-broad", "provider"]),
            Row(name: "wildcard", token: Self.mint(hs, claims: ["sub": "a", "permissions": ["*:*"], "exp": at(day)]), severity: .high, codes: ["scope-broad"]),
            // 4 refresh
            Row(name: "refresh typ", token: Self.mint(hs, claims: ["sub": "a", "typ": "Refresh", "exp": at(30 * day)]), severity: .high, codes: ["refresh-token"]),
            Row(name: "refresh token_use", token: Self.mint(hs, claims: ["sub": "a", "token_use": "refresh"]), severity: .high, codes: ["refresh-token", "no-expiry"]),
            Row(name: "keycloak offline", token: Self.mint(hs, claims: ["sub": "a", "typ": "Offline", "iss": "https://sso.acme.example/realms/demo", "exp": at(day)]), severity: .high, codes: ["refresh-token", "provider"]),
            // 5 medium
            Row(name: "narrow", token: Self.mint(hs, claims: ["sub": "a", "scope": "read:user", "exp": at(day)]), severity: .medium, codes: ["scope-narrow"]),
            Row(name: "no scope", token: Self.mint(hs, claims: ["sub": "a", "exp": at(day)]), severity: .medium, codes: ["no-scope"]),
            Row(name: "id token", token: Self.mint(.es256, claims: ["iss": "https://accounts.google.com", "sub": "1", "aud": "c", "nonce": "n", "exp": at(2 * 3600)]), severity: .medium, codes: ["id-token", "provider"]),
            Row(name: "cognito id token", token: Self.mint(hs, claims: ["iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab", "token_use": "id", "exp": at(day)]), severity: .medium, codes: ["id-token", "provider"]),
            Row(name: "github actions oidc", token: Self.mint(.rsa("RS256", Self.rsa), claims: ["iss": "https://token.actions.githubusercontent.com", "sub": "repo:acme/app:ref:refs/heads/main", "exp": at(300 * 12)]), severity: .medium, codes: ["no-scope", "provider"]),
            Row(name: "supabase anon", token: Self.mint(hs, claims: ["iss": "supabase", "role": "anon", "exp": at(3650 * day)]), severity: .medium, codes: ["scope-narrow", "provider", "public-by-design"]),
            Row(name: "entra read", token: Self.mint(.rsa("RS256", Self.rsa), claims: ["iss": "https://login.microsoftonline.com/tid/v2.0", "scp": "User.Read Mail.Read", "exp": at(day)]), severity: .medium, codes: ["scope-narrow", "provider"]),
            // 6 expires soon (boundary at one hour)
            Row(name: "broad expires in 59:59", token: Self.mint(hs, claims: ["sub": "a", "scope": "repo", "exp": at(3599)]), severity: .medium, codes: ["scope-broad", "expires-soon"]),
            Row(name: "broad expires in 1:00:00", token: Self.mint(hs, claims: ["sub": "a", "scope": "repo", "exp": at(3600)]), severity: .high, codes: ["scope-broad", "expires"]),
            Row(name: "narrow expires soon is low", token: Self.mint(hs, claims: ["sub": "a", "scope": "read:user", "exp": at(120)]), severity: .low, codes: ["expires-soon"]),
            Row(name: "refresh expires soon", token: Self.mint(hs, claims: ["sub": "a", "typ": "Refresh", "exp": at(1800)]), severity: .medium, codes: ["refresh-token", "expires-soon"]),
            // 7 not yet valid
            Row(name: "nbf in the future", token: Self.mint(hs, claims: ["sub": "a", "scope": "read:user", "nbf": at(day), "exp": at(10 * day)]), severity: .medium, codes: ["not-yet-valid"]),
            // signatures with supplied keys
            Row(name: "RS256 verified", token: Self.mint(.rsa("RS256", Self.rsa), header: ["kid": "rsa-1"], claims: ["sub": "a", "exp": at(day)]), severity: .medium, codes: ["signature-verified"], signature: .verified),
            Row(name: "PS256 verified", token: Self.mint(.rsa("PS256", Self.rsa), claims: ["sub": "a", "exp": at(day)]), severity: .medium, codes: ["signature-verified"], signature: .verified),
            Row(name: "ES256 verified", token: Self.mint(.es256, claims: ["sub": "a", "exp": at(day)]), severity: .medium, codes: ["signature-verified"], signature: .verified),
            Row(name: "EdDSA verified", token: Self.mint(.eddsa, claims: ["sub": "a", "exp": at(day)]), severity: .medium, codes: ["signature-verified"], signature: .verified),
            Row(name: "RS256 by another key", token: Self.mint(.rsa("RS256", Self.otherRSA), claims: ["sub": "a", "exp": at(day)]), severity: .medium, codes: ["signature-mismatch"], signature: .unverified),
            // header red flags
            Row(name: "jku", token: Self.mint(hs, header: ["jku": "https://evil.example/jwks.json"], claims: ["sub": "a", "exp": at(day)]), severity: .medium, codes: ["header-jku"]),
            Row(name: "x5u", token: Self.mint(hs, header: ["x5u": "https://evil.example/cert.pem"], claims: ["sub": "a", "exp": at(day)]), severity: .medium, codes: ["header-x5u"]),
            Row(name: "embedded jwk", token: Self.mint(hs, header: ["jwk": ["kty": "oct", "k": "AAAA"]], claims: ["sub": "a", "exp": at(day)]), severity: .medium, codes: ["header-jwk"]),
            Row(name: "kid traversal", token: Self.mint(hs, header: ["kid": "../../dev/null"], claims: ["sub": "a", "exp": at(day)]), severity: .medium, codes: ["kid-injection"]),
        ]
    }

    func testTable() throws {
        var settings = TestSupport.settings(showSecrets: false)
        settings.keys = try Self.keySet()
        let rows = rows()
        XCTAssertGreaterThanOrEqual(rows.count, 40)
        var seenCodes: Set<String> = []
        var seenSeverities: Set<Severity> = []
        for row in rows {
            let finding: Finding
            do {
                finding = try TokenDecoder.finding(for: row.token, settings: settings, rules: TestSupport.builtinRules())
            } catch {
                XCTFail("\(row.name): \(error)")
                continue
            }
            let codes = finding.reasons.map(\.code)
            seenCodes.formUnion(codes)
            seenSeverities.insert(finding.severity)
            XCTAssertEqual(finding.severity, row.severity, "\(row.name): \(codes)")
            XCTAssertTrue(finding.severity.scoreRange.contains(finding.score), "\(row.name): score \(finding.score)")
            for code in row.codes { XCTAssertTrue(codes.contains(code), "\(row.name): \(code) missing from \(codes)") }
            if let signature = row.signature { XCTAssertEqual(finding.jwt?.signature, signature, row.name) }
        }
        let allCodes: Set<String> = [
            "doc-sample", "alg-none", "weak-hmac-secret", "expired", "scope-broad", "no-expiry", "refresh-token", "scope-narrow",
            "no-scope", "id-token", "expires-soon", "expires", "not-yet-valid", "provider", "public-by-design",
            "signature-verified", "signature-mismatch", "header-jku", "header-x5u", "header-jwk", "kid-injection",
        ]
        XCTAssertEqual(allCodes.subtracting(seenCodes), [], "every reason code is covered")
        XCTAssertEqual(seenSeverities, Set(Severity.allCases))
    }

    /// The built-in providers are built from tables generated at build time (start-up): they
    /// must be the providers the file gives when parsed, in order.
    func testTheBuiltinProvidersAreTheFilesProviders() throws {
        let parsed = try Provider.list(toml: BuiltinResource.text("providers.toml"), origin: "providers.toml")
        XCTAssertGreaterThanOrEqual(parsed.count, 11)
        XCTAssertEqual(EmbeddedVocabularies.providers(), parsed)
        XCTAssertEqual(ProviderCatalog.builtin.providers, parsed)
        XCTAssertEqual(ProviderCatalog.builtin.issuerPatterns.map { $0?.source }, parsed.map(\.issuer))
        XCTAssertEqual(ProviderCatalog.builtin.subjectPatterns.map { $0?.source }, parsed.map(\.subject))
    }

    func testProvidersRecogniseTheirExamples() {
        let catalog = ProviderCatalog.builtin
        XCTAssertGreaterThanOrEqual(catalog.providers.count, 11)
        for provider in catalog.providers {
            XCTAssertFalse(provider.examples.isEmpty, provider.id)
            for example in provider.examples {
                XCTAssertEqual(catalog.recognise(issuer: example)?.id, provider.id, example)
            }
        }
        XCTAssertNil(catalog.recognise(issuer: "https://issuer.example"))
    }

    func testNestedJWTUsesInnerClaims() throws {
        let inner = TokenMinter.jwt(claims: ["sub": "inner", "scope": "admin"])
        let outer = TokenMinter.canonicalJSON(.object(["alg": "HS256", "cty": "JWT"]))
        let payload = Base64.urlEncode(Array(inner.utf8))
        // An HS256 MAC is 32 bytes (a shorter one reads as a token cut short).
        let token = Base64.urlEncode(Array(outer.utf8)) + "." + payload + "." + Base64.urlEncode(Array(repeating: UInt8(0x5A), count: 32))
        let finding = try TokenDecoder.finding(for: token, settings: TestSupport.settings(), rules: TestSupport.builtinRules())
        XCTAssertEqual(finding.jwt?.claims["sub"], "inner")
        XCTAssertNotNil(finding.jwt?.nestedHeader)
        XCTAssertEqual(finding.severity, .critical)
    }

    func testPEMKeysAndErrors() throws {
        let pem = Self.p256.publicKey.pemRepresentation + "\n" + Self.rsa.publicKey.pemRepresentation
        let keys = try KeySet(pem: pem)
        XCTAssertEqual(keys.keys.count, 2)
        let token = Self.mint(.es256, claims: ["sub": "pem"])
        XCTAssertEqual(keys.verify(try JWT.decode(Array(token.utf8)).get()), true)
        XCTAssertThrowsError(try KeySet(pem: Self.p256.pemRepresentation)) { error in
            XCTAssertTrue("\(error)".contains("private key"), "\(error)")
        }
        XCTAssertThrowsError(try KeySet(jwks: Array(#"{"keys":[{"kty":"RSA","n":"!!"}]}"#.utf8)))
    }
}

extension Array where Element == UInt8 {
    /// The modulus of an RSA SubjectPublicKeyInfo (DER): the first INTEGER inside the BIT STRING.
    var rsaModulus: [UInt8] {
        // Walk: SEQ { SEQ {oid, null}, BITSTRING { 00 SEQ { INTEGER n, INTEGER e } } }
        var index = 0
        func length() -> Int {
            var count = Int(self[index]); index += 1
            if count & 0x80 != 0 {
                let bytes = count & 0x7F
                count = 0
                for _ in 0..<bytes { count = count << 8 | Int(self[index]); index += 1 }
            }
            return count
        }
        index += 1; _ = length()                   // outer SEQUENCE
        index += 1; let algorithm = length(); index += algorithm // algorithm SEQUENCE
        index += 1; _ = length(); index += 1        // BIT STRING, unused-bits byte
        index += 1; _ = length()                   // inner SEQUENCE
        index += 1; var modulusLength = length()   // INTEGER n
        if self[index] == 0 { index += 1; modulusLength -= 1 }
        return Array(self[index..<(index + modulusLength)])
    }
}

final class ExposedSigningKeyTests: XCTestCase {
    /// A `JWT_SECRET=…` in the same file makes the HMAC tokens signed with it forgeable, whichever
    /// comes first; a token signed with another key is untouched.
    func testSigningKeyInTheSameInputMakesTokensForgeable() {
        let key = "Qm7vX2kP9wR4tZ8nL1sD5fH3"
        let signed = TokenMinter.jwt(claims: ["sub": "a", "scope": "read:x", "exp": 1_900_000_000], key: key)
        let other = TokenMinter.jwt(claims: ["sub": "b", "scope": "read:x", "exp": 1_900_000_000], key: "another-strong-key-0Jd83kQ")
        for text in ["JWT_SECRET=\(key)\ntoken=\(signed)\nother=\(other)\n", "token=\(signed)\nother=\(other)\nJWT_SECRET=\(key)\n"] {
            let (findings, _) = TestSupport.scan([("app.env", Array(text.utf8))], settings: TestSupport.settings(showSecrets: false))
            let byRule = Dictionary(grouping: findings, by: \.ruleId)
            XCTAssertEqual(byRule["jwt-signing-secret"]?.count, 1)
            XCTAssertEqual(byRule["jwt-signing-secret"]?.first?.severity, .high)
            let tokens = (byRule["jwt"] ?? []).sorted { $0.line < $1.line }
            XCTAssertEqual(tokens.count, 2)
            let forged = tokens.first { $0.jwt?.claims["sub"] == "a" }
            XCTAssertEqual(forged?.jwt?.signature, .weakSecret, text)
            XCTAssertEqual(forged?.severity, .high)
            XCTAssertTrue(forged?.reasons.first?.message.contains("jwt-signing-secret at line") ?? false, "\(forged?.reasons ?? [])")
            XCTAssertFalse(forged?.reasons.map(\.message).joined().contains(key) ?? true, "the key is not shown")
            let untouched = tokens.first { $0.jwt?.claims["sub"] == "b" }
            XCTAssertEqual(untouched?.jwt?.signature, .unverified)
            XCTAssertEqual(untouched?.severity, .medium)
        }
    }
}
