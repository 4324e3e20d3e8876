import Crypto
import Foundation

/// Known weak and published HMAC keys (`Rules/weak-secrets.txt`), tried against HS256/384/512
/// signatures. A hit means anyone can forge tokens for that issuer, which outranks expiry.
public struct WeakSecrets: Sendable {
    public let secrets: [[UInt8]]

    public init(secrets: [String]) {
        self.secrets = secrets.map { Array($0.utf8) }
    }

    /// Parses the file format: one secret per line, `# ` comments, blank lines ignored.
    public init(text: String) {
        self.init(secrets: text.split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
            .filter { !$0.isEmpty && !$0.hasPrefix("# ") && $0 != "#" })
    }

    public static let builtin: WeakSecrets = {
        let text = EmbeddedResources.files.first { $0.name == "weak-secrets.txt" }?.contents ?? ""
        return WeakSecrets(text: text)
    }()

    /// The key that produced `jwt`'s HMAC signature, if it is one of the known secrets (or of `extra`).
    public func findKey(for jwt: JWT, extra: [[UInt8]] = []) -> [UInt8]? {
        guard jwt.form == .jws, !jwt.signature.isEmpty, let alg = jwt.algorithm?.uppercased() else { return nil }
        let input = jwt.signingInput
        let signature = jwt.signature
        func check<H: HashFunction>(_: H.Type) -> [UInt8]? {
            guard signature.count == H.Digest.byteCount else { return nil }
            for key in extra + secrets {
                let code = HMAC<H>.authenticationCode(for: input, using: SymmetricKey(data: key))
                if code.elementsEqual(signature) { return key }
            }
            return nil
        }
        switch alg {
        case "HS256": return check(SHA256.self)
        case "HS384": return check(SHA384.self)
        case "HS512": return check(SHA512.self)
        default: return nil
        }
    }
}
