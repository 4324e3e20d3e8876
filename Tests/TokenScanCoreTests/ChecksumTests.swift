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

/// CRC32, the positional encodings and each provider's checksum scheme, against published vectors,
/// values computed with Python's `zlib.crc32`, and an independent bitwise implementation.
///
/// No whole token with a valid checksum appears in this file: published vectors are split into the
/// part the checksum covers and the checksum, and joined only at run time.
final class ChecksumTests: XCTestCase {
    /// CRC-32/ISO-HDLC bit by bit (reflected polynomial 0xEDB88320), written from the definition
    /// rather than from zlib's tables, to cross-check the zlib-backed implementation.
    static func bitwiseCRC32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    func testCRC32MatchesPublishedVectors() {
        // The CRC catalogue's check value for CRC-32/ISO-HDLC, and values from Python's zlib.crc32.
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([UInt8]()), 0)
        XCTAssertEqual(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)), 0x414F_A339)
        XCTAssertEqual(CRC32.checksum((0...255).map { UInt8($0) }), 0x2905_8C73)
    }

    func testCRC32AgreesWithABitwiseImplementation() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 7, 30, 31, 183, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            XCTAssertEqual(CRC32.checksum(bytes), Self.bitwiseCRC32(bytes), "length \(length)")
        }
    }

    func testPositionalEncodings() {
        // Expected values computed with Python (repeated divmod over the alphabet, left-padded).
        let cases: [(UInt64, String, String, String)] = [
            (0, "000000", "0000000", "00000000"),
            (61, "00000z", "000001p", "0000003D"),
            (62, "000010", "000001q", "0000003E"),
            (3843, "0000zz", "00002yr", "00000F03"),
            (714_468_973, "0mLq17", "0btdjsd", "2A95EE6D"),
            (0xFFFF_FFFF, "4gfFC3", "1z141z3", "FFFFFFFF"),
        ]
        for (value, base62, base36, hex) in cases {
            XCTAssertEqual(PositionalEncoding.base62.encode(value, width: 6), base62)
            XCTAssertEqual(PositionalEncoding.base36.encode(value, width: 7), base36)
            XCTAssertEqual(PositionalEncoding.upperHex.encode(value, width: 8), hex)
            XCTAssertEqual(PositionalEncoding.base62.decode(Array(base62.utf8)), value)
            XCTAssertEqual(PositionalEncoding.base36.decode(Array(base36.utf8)), value)
        }
        XCTAssertEqual(PositionalEncoding.base62.encode(5, width: 0), "5", "width is a minimum")
        XCTAssertNil(PositionalEncoding.base62.decode(Array("0mLq1/".utf8)), "not in the alphabet")
        XCTAssertNil(PositionalEncoding.base36.decode(Array("0BTDJSD".utf8)), "base36 is lower case")
        XCTAssertNil(PositionalEncoding.base62.decode(Array(String(repeating: "z", count: 12).utf8)), "overflow")
    }

    /// therootcompany/base62-token.js documents GitHub's scheme with two (expired) real tokens; their
    /// random parts and checksums are kept apart here. The checksum covers the 30 characters after
    /// the prefix only, and the leading zero of the padding is part of it.
    func testGitHubSchemeMatchesPublishedTokens() {
        let published = [("zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ", "0mLq17"), ("adE7dp8rHP6gUTuPwxLTZjZdtya3sV", "0UQzQM")]
        for (body, checksum) in published {
            XCTAssertEqual(TokenChecksum.base62Checksum(of: Array(body.utf8)), checksum)
            let token = "ghp" + "_" + body + checksum
            XCTAssertTrue(TokenChecksum.github.verify(Array(token.utf8)), token)
            XCTAssertEqual(TokenChecksum.github.seal("ghp_" + body), token)
            // Without the leading zero the value is right but the token is not GitHub's.
            XCTAssertFalse(TokenChecksum.github.verify(Array(("ghp_" + body + String(checksum.dropFirst())).utf8)))
        }
    }

    func testGitHubAndNpmSchemesRejectWrongTokens() {
        // A random body whose correct checksum (Python) is 4110kL.
        let body = "2lClRY3IqVehSKEbYNlm8g5pbYPb04"
        XCTAssertEqual(TokenChecksum.base62Checksum(of: Array(body.utf8)), "4110kL")
        for (scheme, prefix) in [(TokenChecksum.github, "gho_"), (.npm, "npm_")] {
            XCTAssertTrue(scheme.verify(Array((prefix + body + "4110kL").utf8)))
            for wrong in ["4110kS", "4110KL", "4110k", "4110kLx", "0000000"] {
                XCTAssertFalse(scheme.verify(Array((prefix + body + wrong).utf8)), wrong)
            }
            XCTAssertFalse(scheme.verify(Array((prefix + body.dropLast() + "-4110kL").utf8)), "not base62")
            XCTAssertFalse(scheme.verify(Array((body + "4110kL").utf8)), "no prefix")
        }
    }

    /// The vector of GitLab's own spec for its routable-token decoder
    /// (spec/lib/authn/token_field/decoders/v1/routable_payload_spec.rb): the part before the CRC
    /// and the CRC GitLab expects, and the neighbouring CRC the spec rejects.
    func testGitLabSchemeMatchesGitLabsSpec() {
        let covered = "glrtr-W5m1cHR6skC98Bx7XkuYjmM6MQpnOjgKbzpyegp0OjIQ.01.18"
        XCTAssertTrue(TokenChecksum.gitlab.verify(Array((covered + "1uebm4k").utf8)))
        XCTAssertFalse(TokenChecksum.gitlab.verify(Array((covered + "1uebm4l").utf8)))
        XCTAssertEqual(TokenChecksum.gitlab.seal(covered), covered + "1uebm4k")
        // The CRC covers the prefix: another prefix with the same CRC is rejected.
        XCTAssertFalse(TokenChecksum.gitlab.verify(Array(("glpat-" + covered.dropFirst(6) + "1uebm4k").utf8)))
        // The older routable form, without the version (Python: zlib.crc32 in base36).
        let older = "glpat-gaZle2I6lfN5SgGPDv5YYWM6MQpvOjJieAp1OjlmMRA.01.17"
        XCTAssertEqual(TokenChecksum.gitlab.seal(older), older + "1b8mbwe")
        XCTAssertFalse(TokenChecksum.gitlab.verify(Array("1b8mbwe".utf8)), "too short to hold a payload")
    }

    func testAtlassianScheme() {
        // A random token body; Python: format(zlib.crc32(body), "08X") == "F6751CE6".
        let covered = "ATATT3xFfGF0MbqLM7KNi4PsHzfc8zRxBEG_Ft3Pg-H8MSmLC-t1AH9SDBeL7Ox8NRehaLUVTDGdw1-iN81ljk6YC-JECSBLNaK2VNxk6-zY2gkLpoYjv9yzgwnKjNSRuGbHCPQiUrHwLmKu6AG5T_zJ3AOEwQEhgWLIFxJW9app8dY-3xZzMbn="
        XCTAssertEqual(TokenChecksum.atlassian.seal(covered), covered + "F6751CE6")
        XCTAssertTrue(TokenChecksum.atlassian.verify(Array((covered + "F6751CE6").utf8)))
        XCTAssertFalse(TokenChecksum.atlassian.verify(Array((covered + "F6751CE0").utf8)))
        XCTAssertFalse(TokenChecksum.atlassian.verify(Array((covered + "f6751ce6").utf8)), "Atlassian writes upper-case hex")
    }

    /// Every minted checksummed token verifies with the bitwise CRC and a base-N encoder written
    /// here, not only with the implementation that sealed it.
    func testMintedChecksumsAgreeWithAnIndependentImplementation() {
        func encode(_ value: UInt32, _ alphabet: String, width: Int) -> String {
            let symbols = Array(alphabet)
            var digits: [Character] = []
            var rest = Int(value)
            while rest > 0 {
                digits.insert(symbols[rest % symbols.count], at: 0)
                rest /= symbols.count
            }
            return String(repeating: symbols[0], count: max(0, width - digits.count)) + String(digits)
        }
        for format in ProviderTokenFormat.allCases {
            guard let checksum = format.checksum else { continue }
            for seed in ["a", "b", "c"] {
                let token = TokenMinter.provider(format, seed: seed)
                let expected: String
                switch checksum {
                case .github, .npm:
                    let body = token.split(separator: "_").last!.prefix(30)
                    expected = encode(Self.bitwiseCRC32(Array(body.utf8)), "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", width: 6)
                case .gitlab:
                    expected = encode(Self.bitwiseCRC32(Array(token.dropLast(7).utf8)), "0123456789abcdefghijklmnopqrstuvwxyz", width: 7)
                case .atlassian:
                    expected = encode(Self.bitwiseCRC32(Array(token.dropLast(8).utf8)), "0123456789ABCDEF", width: 8)
                }
                XCTAssertTrue(token.hasSuffix(expected), "\(format.rawValue): \(token)")
                XCTAssertTrue(checksum.verify(Array(token.utf8)), format.rawValue)
                XCTAssertFalse(checksum.verify(Array(TokenMinter.corruptingChecksum(of: token, checksum).utf8)), format.rawValue)
            }
        }
    }
}
