import Crypto
import CryptoExtras
import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// Public keys (and shared secrets) the user trusts, for offline signature checks (`--jwks`).
///
/// With the issuer's keys a finding can say "this token really was issued by you" (verified) or
/// "this token was not signed by any of your keys" (forged, or another issuer's), which decides
/// whether a leak needs a rotation at all.
public struct KeySet: Sendable {
    public enum Material: Sendable {
        case rsa(_RSA.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
        case p521(P521.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
        case hmac(SymmetricKey)
    }

    public struct Key: Sendable {
        public var kid: String?
        public var material: Material
    }

    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    public var keys: [Key]

    public init(keys: [Key] = []) { self.keys = keys }

    public var isEmpty: Bool { keys.isEmpty }

    /// A JWKS (`{"keys": […]}`), a single JWK, or PEM public keys.
    public static func load(path: String) throws(LoadError) -> KeySet {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(path: path, message: "cannot read the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        do throws(LoadError) {
            if text.contains("-----BEGIN") { return try KeySet(pem: text) }
            return try KeySet(jwks: Array(data))
        } catch {
            throw LoadError(path: path, message: error.message)
        }
    }

    public init(jwks bytes: [UInt8]) throws(LoadError) {
        guard let value = JSONValue.parse(bytes), let object = value.object else {
            throw LoadError(path: "", message: "not a JWKS or JWK (JSON object expected)")
        }
        let entries = object["keys"]?.array?.compactMap(\.object) ?? [object]
        keys = []
        for (index, jwk) in entries.enumerated() {
            do {
                keys.append(try KeySet.key(fromJWK: jwk))
            } catch {
                throw LoadError(path: "", message: "key \(index + 1)\(jwk["kid"]?.string.map { " (kid \($0))" } ?? ""): \(error)")
            }
        }
        if keys.isEmpty { throw LoadError(path: "", message: "no keys") }
    }

    public init(pem text: String) throws(LoadError) {
        keys = []
        let blocks = text.components(separatedBy: "-----BEGIN ").dropFirst()
        for block in blocks {
            let label = block.prefix { $0 != "-" }
            let body = "-----BEGIN " + block.components(separatedBy: "-----END ").first! + "-----END \(label)-----"
            if label.contains("PRIVATE") {
                throw LoadError(path: "", message: "contains a private key; give tokenscan public keys only")
            }
            guard label == "PUBLIC KEY" || label == "RSA PUBLIC KEY" else {
                throw LoadError(path: "", message: "unsupported PEM block '\(label)' (use PUBLIC KEY blocks)")
            }
            if let key = try? _RSA.Signing.PublicKey(pemRepresentation: body) {
                keys.append(Key(kid: nil, material: .rsa(key)))
            } else if let key = try? P256.Signing.PublicKey(pemRepresentation: body) {
                keys.append(Key(kid: nil, material: .p256(key)))
            } else if let key = try? P384.Signing.PublicKey(pemRepresentation: body) {
                keys.append(Key(kid: nil, material: .p384(key)))
            } else if let key = try? P521.Signing.PublicKey(pemRepresentation: body) {
                keys.append(Key(kid: nil, material: .p521(key)))
            } else if let key = KeySet.ed25519(spkiPEM: body) {
                keys.append(Key(kid: nil, material: .ed25519(key)))
            } else {
                throw LoadError(path: "", message: "a PUBLIC KEY block is not an RSA, P-256/384/521 or Ed25519 key")
            }
        }
        if keys.isEmpty { throw LoadError(path: "", message: "no PEM public keys") }
    }

    package struct JWKError: Error, CustomStringConvertible {
        package var description: String
    }

    package static func key(fromJWK jwk: [String: JSONValue]) throws -> Key {
        func bytes(_ name: String) throws -> [UInt8] {
            guard let text = jwk[name]?.string, let decoded = Base64.decode(Array(text.utf8)), !decoded.isEmpty else {
                throw JWKError(description: "missing or invalid '\(name)'")
            }
            return decoded
        }
        let kid = jwk["kid"]?.string
        switch jwk["kty"]?.string {
        case "RSA":
            return Key(kid: kid, material: .rsa(try _RSA.Signing.PublicKey(n: try bytes("n"), e: try bytes("e"))))
        case "EC":
            let raw = try bytes("x") + bytes("y")
            switch jwk["crv"]?.string {
            case "P-256": return Key(kid: kid, material: .p256(try P256.Signing.PublicKey(rawRepresentation: raw)))
            case "P-384": return Key(kid: kid, material: .p384(try P384.Signing.PublicKey(rawRepresentation: raw)))
            case "P-521": return Key(kid: kid, material: .p521(try P521.Signing.PublicKey(rawRepresentation: raw)))
            default: throw JWKError(description: "unsupported EC curve \(jwk["crv"]?.string ?? "(none)")")
            }
        case "OKP":
            guard jwk["crv"]?.string == "Ed25519" else { throw JWKError(description: "unsupported OKP curve") }
            return Key(kid: kid, material: .ed25519(try Curve25519.Signing.PublicKey(rawRepresentation: try bytes("x"))))
        case "oct":
            return Key(kid: kid, material: .hmac(SymmetricKey(data: try bytes("k"))))
        default:
            throw JWKError(description: "unsupported key type \(jwk["kty"]?.string ?? "(none)")")
        }
    }

    /// An Ed25519 SubjectPublicKeyInfo: a fixed 12-byte prefix and the 32-byte key.
    package static func ed25519(spkiPEM pem: String) -> Curve25519.Signing.PublicKey? {
        let base64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let der = Base64.decode(Array(base64.utf8)), der.count == 44,
            der.prefix(12).elementsEqual([0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00])
        else { return nil }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: der.suffix(32))
    }

    /// `true`: a key verifies the signature; `false`: keys for its algorithm exist and none
    /// verifies it; `nil`: no key applies (other algorithm family, or unsigned).
    public func verify(_ jwt: JWT) -> Bool? {
        guard jwt.form == .jws, !jwt.signature.isEmpty, let alg = jwt.algorithm?.uppercased() else { return nil }
        let kid = jwt.header["kid"]?.string
        // Keys with the token's kid first; keys without a kid are candidates for any token.
        let candidates = keys.filter { $0.kid == nil || kid == nil || $0.kid == kid }
        var applicable = false
        for key in candidates {
            guard let result = KeySet.check(jwt, alg: alg, key: key.material) else { continue }
            applicable = true
            if result { return true }
        }
        return applicable ? false : nil
    }

    package static func check(_ jwt: JWT, alg: String, key: Material) -> Bool? {
        let input = jwt.signingInput
        let signature = jwt.signature
        switch (alg, key) {
        case ("RS256", .rsa(let key)), ("PS256", .rsa(let key)):
            return key.isValidSignature(.init(rawRepresentation: signature), for: SHA256.hash(data: input),
                                        padding: alg.hasPrefix("PS") ? .PSS : .insecurePKCS1v1_5)
        case ("RS384", .rsa(let key)), ("PS384", .rsa(let key)):
            return key.isValidSignature(.init(rawRepresentation: signature), for: SHA384.hash(data: input),
                                        padding: alg.hasPrefix("PS") ? .PSS : .insecurePKCS1v1_5)
        case ("RS512", .rsa(let key)), ("PS512", .rsa(let key)):
            return key.isValidSignature(.init(rawRepresentation: signature), for: SHA512.hash(data: input),
                                        padding: alg.hasPrefix("PS") ? .PSS : .insecurePKCS1v1_5)
        case ("ES256", .p256(let key)):
            guard let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: input)
        case ("ES384", .p384(let key)):
            guard let parsed = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: input)
        case ("ES512", .p521(let key)):
            guard let parsed = try? P521.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: input)
        case ("EDDSA", .ed25519(let key)), ("ED25519", .ed25519(let key)):
            return key.isValidSignature(signature, for: input)
        case ("HS256", .hmac(let key)):
            return HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: input, using: key)
        case ("HS384", .hmac(let key)):
            return HMAC<SHA384>.isValidAuthenticationCode(signature, authenticating: input, using: key)
        case ("HS512", .hmac(let key)):
            return HMAC<SHA512>.isValidAuthenticationCode(signature, authenticating: input, using: key)
        default:
            return nil
        }
    }
}
