import Crypto
import Foundation

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
