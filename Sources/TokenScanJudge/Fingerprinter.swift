import Crypto
import CryptoExtras
import FoundationEssentials
import Glibc
import TokenFormats
import TokenScanModel

/// Fingerprints identify a secret by content so that baselines, ignore files, de-duplication and
/// `redact` masks survive edits, moves and re-runs, on every machine of a team: a fingerprint is a
/// pure function of the key and the secret, with no per-machine state.
///
/// Why a version (`v2:<32 hex>`): v1 was HMAC-SHA256 under a key that is public by default
/// (`tokenscan-fingerprint-v1`), so anyone holding a report could test guesses offline at the
/// speed of HMAC; a 9-character `JWT_SECRET` fell to fewer than 1,000 guesses. v2 keeps the
/// HMAC, but a secret that could be guessed (`SecretStrength`) is first stretched with scrypt
/// (`Stretch`), memory-hard so that GPUs gain little: every guess costs the attacker what the
/// scan paid once per unique secret (the result is cached, so a log repeating one short secret a
/// million times derives it once). Random tokens (JWTs, checksummed provider tokens, 128-bit
/// session ids) skip the stretch: nobody can enumerate them, and a scan meets them by the
/// hundred thousand. The residual risk (a guessable secret is still found by an attacker who
/// spends the work, unless the key is private) is in the README's threat model.
public struct Fingerprinter: Sendable {
    package let key: SymmetricKey
    private let keyBytes: [UInt8]
    private let cache: StretchCache
    public static let defaultKey = "tokenscan-fingerprint-v1"
    /// What every current fingerprint starts with.
    public static let versionPrefix = "v2:"

    /// scrypt's parameters for guessable secrets: N = 2^14, r = 8, p = 1 (16 MiB and tens of
    /// milliseconds per derivation). Changing them changes every fingerprint of such a secret:
    /// that is a new version (`v3:`), never an edit.
    public enum Stretch {
        public static let rounds = 1 << 14
        public static let blockSize = 8
        public static let parallelism = 1
        /// Bytes of memory one guess needs (128 · r · N).
        public static var memory: Int { 128 * blockSize * rounds }
    }

    public init(key: String = Fingerprinter.defaultKey) {
        keyBytes = Array(key.utf8)
        self.key = SymmetricKey(data: keyBytes)
        cache = StretchCache()
    }

    /// The v2 fingerprint: `v2:` and 32 hex digits.
    public func fingerprint(_ secret: some Collection<UInt8>) -> String {
        let secret = Array(secret)
        var material: [UInt8] = Array("tokenscan-fingerprint-v2".utf8)
        if SecretStrength.isGuessable(secret) {
            material.append(1)
            material += stretched(secret)
        } else {
            material.append(0)
            material += secret
        }
        return Fingerprinter.versionPrefix + Digest.hex(HMAC<SHA256>.authenticationCode(for: material, using: key).prefix(16))
    }

    /// The v1 fingerprint (32 hex digits, no prefix), computed only to honour v1 entries of
    /// baselines and ignore files for one release.
    public func legacyFingerprint(_ secret: some Collection<UInt8>) -> String {
        Digest.hex(HMAC<SHA256>.authenticationCode(for: Array(secret), using: key).prefix(16))
    }

    /// Whether a fingerprint read from a baseline or an ignore file is of the v1 derivation.
    public static func isLegacy(_ fingerprint: String) -> Bool { !fingerprint.hasPrefix(versionPrefix) }

    /// The hex digits of a fingerprint, without its version: `redact` masks show the first eight.
    public static func digits(of fingerprint: String) -> Substring {
        fingerprint.hasPrefix(versionPrefix) ? fingerprint.dropFirst(versionPrefix.count) : Substring(fingerprint)
    }

    /// How many secrets this fingerprinter has stretched (not served from its cache).
    package var stretchCount: Int { cache.derivations }

    /// scrypt of the secret, salted with the key (an organisation's own key makes tables computed
    /// for the default key useless), cached per unique secret.
    private func stretched(_ secret: [UInt8]) -> [UInt8] {
        if let known = cache.value(for: secret) { return known }
        let salt = Array("tokenscan-fingerprint-v2\u{0}".utf8) + keyBytes
        // scrypt fails only on parameters outside its domain, and these are constants inside it.
        let derived = (try? KDF.Scrypt.deriveKey(
            from: secret, salt: salt, outputByteCount: 32,
            rounds: Stretch.rounds, blockSize: Stretch.blockSize, parallelism: Stretch.parallelism))
            .map { $0.withUnsafeBytes { Array($0) } } ?? Array(SHA256.hash(data: salt + secret))
        cache.store(derived, for: secret)
        return derived
    }
}

/// Stretched secrets by secret, shared by every worker thread of a run. Bounded: past
/// `capacity` entries it starts over (a scan with that many distinct guessable secrets pays
/// their derivation again, it does not grow without end).
final class StretchCache: @unchecked Sendable {
    private let lock = Lock()
    private var values: [[UInt8]: [UInt8]] = [:]
    private var count = 0
    static let capacity = 65_536

    func value(for secret: [UInt8]) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        return values[secret]
    }

    func store(_ value: [UInt8], for secret: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        if values.count >= StretchCache.capacity { values.removeAll(keepingCapacity: true) }
        values[secret] = value
        count += 1
    }

    var derivations: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}

/// Whether a secret could be found by guessing: its strength estimated from its length and the
/// character classes it uses (digits 10, lower case 26, upper case 26, anything else 33), the
/// estimate an attacker's brute force must beat. Under 128 bits it is guessable. The estimate is
/// generous to the secret (a dictionary phrase of 28 lower-case letters counts as 131 bits):
/// that residual risk is named in the README.
public enum SecretStrength {
    public static let strongBits = 128.0

    public static func estimatedBits(_ secret: some Collection<UInt8>) -> Double {
        var digits = false, lower = false, upper = false, other = false
        for byte in secret {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits = true
            case UInt8(ascii: "a")...UInt8(ascii: "z"): lower = true
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): upper = true
            default: other = true
            }
        }
        let alphabet = (digits ? 10 : 0) + (lower ? 26 : 0) + (upper ? 26 : 0) + (other ? 33 : 0)
        guard alphabet > 1 else { return 0 }
        return Double(secret.count) * log2(Double(alphabet))
    }

    public static func isGuessable(_ secret: some Collection<UInt8>) -> Bool { estimatedBits(secret) < strongBits }
}
