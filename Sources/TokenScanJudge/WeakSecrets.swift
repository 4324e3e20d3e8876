import Crypto
import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// Known weak and published HMAC keys (`Rules/weak-secrets.txt`), tried against HS256/384/512
/// signatures. A hit means anyone can forge tokens for that issuer, which outranks expiry.
public struct WeakSecrets: Sendable {
    /// The secrets, in the list's order.
    public var secrets: [[UInt8]] { tables.secrets }
    /// The list, parsed at first use, and HMAC states with each key's padded block already
    /// hashed: checking a token against all keys then costs the token's own blocks per key, not
    /// the key setup (a few µs, not a millisecond). Built on first use, per hash: most scans meet
    /// no HMAC-signed JWT, and a one-file scan should not pay 1,600 key setups — nor the 0.13 ms
    /// of splitting the built-in list — at start-up.
    private let tables: Tables

    private final class Tables: @unchecked Sendable {
        private let lock = Lock()
        /// The list's text until it is parsed into `parsed`.
        private var text: String?
        private var parsed: [[UInt8]]?
        private var sha256: [KeyedHash<SHA256>]?
        private var sha384: [KeyedHash<SHA384>]?
        private var sha512: [KeyedHash<SHA512>]?

        init(secrets: [[UInt8]]) { parsed = secrets }
        init(text: String) { self.text = text }

        var secrets: [[UInt8]] {
            lock.lock()
            defer { lock.unlock() }
            return secretsLocked()
        }

        private func secretsLocked() -> [[UInt8]] {
            if let parsed { return parsed }
            let secrets = WeakSecrets.parse(text ?? "")
            parsed = secrets
            text = nil
            return secrets
        }

        func table<H: HashFunction>(_ type: H.Type) -> [KeyedHash<H>] {
            lock.lock()
            defer { lock.unlock() }
            let secrets = secretsLocked()
            func build<T>(_ slot: inout [KeyedHash<T>]?) -> [KeyedHash<T>] {
                if let built = slot { return built }
                let built = secrets.map { KeyedHash<T>(key: $0) }
                slot = built
                return built
            }
            if H.self == SHA256.self { return build(&sha256) as! [KeyedHash<H>] }
            if H.self == SHA384.self { return build(&sha384) as! [KeyedHash<H>] }
            if H.self == SHA512.self { return build(&sha512) as! [KeyedHash<H>] }
            return secrets.map { KeyedHash<H>(key: $0) }
        }
    }

    public init(secrets: [String]) {
        tables = Tables(secrets: secrets.map { Array($0.utf8) })
    }

    /// A list in the file format (`parse`), parsed at first use.
    public init(text: String) {
        tables = Tables(text: text)
    }

    /// The file format: one secret per line, `# ` comments, blank lines ignored. Works on bytes:
    /// `String` line handling cost 1.5 ms here.
    static func parse(_ text: String) -> [[UInt8]] {
        var secrets: [[UInt8]] = []
        for line in text.utf8.split(separator: UInt8(ascii: "\n")) {
            let bytes = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            if bytes.isEmpty || bytes.elementsEqual([UInt8(ascii: "#")]) || bytes.starts(with: [UInt8(ascii: "#"), UInt8(ascii: " ")]) { continue }
            secrets.append(Array(bytes))
        }
        return secrets
    }

    public static let builtin = WeakSecrets(text: BuiltinResource.text("weak-secrets.txt"))

    /// The key that produced `jwt`'s HMAC signature, if it is one of the known secrets (or of `extra`).
    public func findKey(for jwt: JWT, extra: [[UInt8]] = []) -> [UInt8]? {
        guard jwt.form == .jws, !jwt.signature.isEmpty, let alg = jwt.algorithm?.uppercased() else { return nil }
        func check<H: HashFunction>(_ hash: H.Type) -> [UInt8]? {
            guard jwt.signature.count == H.Digest.byteCount else { return nil }
            for key in extra.map({ KeyedHash<H>(key: $0) }) + tables.table(H.self) where key.signs(jwt.signingInput, jwt.signature) {
                return key.key
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

/// HMAC (RFC 2104) with the inner and outer hash states precomputed for one key.
package struct KeyedHash<H: HashFunction>: @unchecked Sendable {
    package let key: [UInt8]
    private let inner: H
    private let outer: H

    package init(key: [UInt8]) {
        self.key = key
        var block = key.count > H.blockByteCount ? Array(H.hash(data: key)) : key
        block += [UInt8](repeating: 0, count: H.blockByteCount - block.count)
        var inner = H()
        inner.update(data: block.map { $0 ^ 0x36 })
        var outer = H()
        outer.update(data: block.map { $0 ^ 0x5C })
        self.inner = inner
        self.outer = outer
    }

    package func signs(_ message: [UInt8], _ signature: [UInt8]) -> Bool {
        var innerHash = inner
        innerHash.update(data: message)
        var outerHash = outer
        outerHash.update(data: Array(innerHash.finalize()))
        return outerHash.finalize().elementsEqual(signature)
    }
}
