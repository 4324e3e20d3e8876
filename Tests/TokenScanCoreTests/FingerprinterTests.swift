import Crypto
import CryptoExtras
import Foundation
import XCTest
@testable import TokenFormats
@testable import TokenScanJudge

/// The v2 derivation as a function (issue "Hardening, round two"): what it costs an attacker per
/// guess, what it costs a scan, and that it is the same on every machine.
final class FingerprinterTests: XCTestCase {
    /// The fingerprint of a guessable secret is HMAC over scrypt(N = 2^14, r = 8, p = 1) of it:
    /// recomputed here from the primitives, so the cost parameters are the ones really used.
    func testGuessableSecretIsStretchedWithScrypt() throws {
        let secret = Array("s3cr3tK9q".utf8)
        let key = Fingerprinter.defaultKey
        let salt = Array("tokenscan-fingerprint-v2\u{0}".utf8) + Array(key.utf8)
        let stretched = try KDF.Scrypt.deriveKey(from: secret, salt: salt, outputByteCount: 32, rounds: 1 << 14, blockSize: 8, parallelism: 1)
        let material = Array("tokenscan-fingerprint-v2".utf8) + [1] + stretched.withUnsafeBytes { Array($0) }
        let mac = HMAC<SHA256>.authenticationCode(for: material, using: SymmetricKey(data: Array(key.utf8)))
        let expected = "v2:" + mac.prefix(16).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(Fingerprinter().fingerprint(secret), expected)
        XCTAssertNotEqual(Fingerprinter(key: "acme").fingerprint(secret), expected, "an organisation's key changes it")
    }

    /// A log that repeats one short secret a million times derives it once (work counted, not
    /// timed); random tokens are never stretched.
    func testStretchIsCachedPerSecretAndSkippedForRandomTokens() {
        let fingerprinter = Fingerprinter()
        let secret = Array("hunter2hunter2".utf8)
        let first = fingerprinter.fingerprint(secret)
        for _ in 0..<10_000 { XCTAssertEqual(fingerprinter.fingerprint(secret), first) }
        XCTAssertEqual(fingerprinter.stretchCount, 1)
        let jwt = TokenMinter.jwt(claims: ["sub": "x", "exp": 1_900_000_000])
        _ = fingerprinter.fingerprint(Array(jwt.utf8))
        _ = fingerprinter.fingerprint(Array(("ghp_" + String(repeating: "aB3", count: 12)).utf8))
        XCTAssertEqual(fingerprinter.stretchCount, 1, "JWTs and long random tokens take the HMAC alone")
    }

    func testStrengthEstimate() {
        XCTAssertFalse(SecretStrength.isGuessable(Array("Zq8vN3kR7wT1mX5pL9sB2dF6".utf8)), "24 mixed letters and digits: 143 bits")
        XCTAssertTrue(SecretStrength.isGuessable(Array("s3cr3tK9q".utf8)))
        XCTAssertTrue(SecretStrength.isGuessable(Array("correcthorsebattery".utf8)))
        XCTAssertFalse(SecretStrength.isGuessable(Array("0123456789abcdef0123456789abcdef".utf8)), "a 128-bit hex session id")
        XCTAssertFalse(SecretStrength.isGuessable(Array(TokenMinter.jwt(claims: ["sub": "x"]).utf8)))
    }

    func testLegacyAndDigits() {
        let fingerprinter = Fingerprinter()
        let v1 = fingerprinter.legacyFingerprint(Array("abc".utf8))
        XCTAssertEqual(v1.count, 32)
        XCTAssertTrue(Fingerprinter.isLegacy(v1))
        let v2 = fingerprinter.fingerprint(Array("abc".utf8))
        XCTAssertFalse(Fingerprinter.isLegacy(v2))
        XCTAssertEqual(Fingerprinter.digits(of: v2).count, 32)
        XCTAssertEqual(Fingerprinter.digits(of: v1), Substring(v1))
    }
}
