import FixtureKit
import Foundation
import XCTest
import TokenFormats
import TokenScanJudge
import TokenScanModel

/// Fingerprints in reports do not give a short secret away (issue "Hardening, round two",
/// design §8): they are `v2:` values, a guessable secret is stretched before the keyed hash,
/// baselines stay stable across runs, and v1 entries in baselines and ignore files still match
/// for one release, with a warning that names `--write-baseline`.
final class FingerprintCLITests: XCTestCase {
    let now = "2026-01-01T00:00:00Z"

    /// 10,000 candidates a dictionary attack would try; the secret is one of them.
    static let candidates: [String] = (0..<10_000).map { index in
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var state = UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ 12_345
        return String((0..<9).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return alphabet[Int(state >> 33) % alphabet.count]
        })
    }
    static let secret = candidates[7_777]

    func findings(_ run: CLIRun) throws -> [Finding] {
        struct Report: Decodable { var findings: [Finding] }
        return try JSONDecoder().decode(Report.self, from: Data(run.stdout.utf8)).findings
    }

    /// The reported fingerprint of a 9-character JWT_SECRET is `v2:`; the dictionary attack that
    /// recovered it from a v1 fingerprint (HMAC under the public default key) finds nothing in it
    /// now, although the same attack on the v1 value finds the secret.
    func testShortSecretIsNotRecoveredFromTheReport() throws {
        let directory = try temporaryDirectory()
        try "JWT_SECRET=\(Self.secret)\n".write(to: directory.appendingPathComponent("app.env"), atomically: true, encoding: .utf8)
        let result = try run(["scan", directory.path, "--now", now, "--format", "json", "--fail-on", "never"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let finding = try XCTUnwrap(try findings(result).first { $0.ruleId == "jwt-signing-secret" }, result.stdout)
        XCTAssertTrue(finding.fingerprint.hasPrefix("v2:"), finding.fingerprint)
        XCTAssertEqual(finding.fingerprint.count, 3 + 32)
        XCTAssertFalse(result.stdout.contains(Self.secret))

        let fingerprinter = Fingerprinter()
        let v1 = fingerprinter.legacyFingerprint(Array(Self.secret.utf8))
        let cheap = Self.candidates.first { fingerprinter.legacyFingerprint(Array($0.utf8)) == v1 }
        XCTAssertEqual(cheap, Self.secret, "the v1 fingerprint falls to the dictionary within 10,000 HMACs")
        XCTAssertNil(Self.candidates.first { "v2:" + fingerprinter.legacyFingerprint(Array($0.utf8)) == finding.fingerprint })
        XCTAssertFalse(result.stdout.contains(v1), "the report carries no v1 value")
        // Each guess against the v2 value costs a 16 MiB scrypt (N = 2^14, r = 8): the 10,000
        // candidates cost 10,000 of them, where v1 cost 10,000 HMACs.
        XCTAssertTrue(SecretStrength.isGuessable(Array(Self.secret.utf8)))
        XCTAssertGreaterThanOrEqual(Fingerprinter.Stretch.rounds, 1 << 14)
        XCTAssertGreaterThanOrEqual(Fingerprinter.Stretch.memory, 16 << 20)
        XCTAssertEqual(fingerprinter.fingerprint(Array(Self.secret.utf8)), finding.fingerprint, "same key + secret: same fingerprint, on any machine")
    }

    /// A baseline written by one run accepts everything on the next (v2 entries), and the text
    /// report, SARIF partialFingerprints and redact masks carry the same v2 value.
    func testBaselineIsStableAndEveryOutputSharesTheV2Value() throws {
        let directory = try temporaryDirectory()
        let token = TokenMinter.jwt(claims: ["sub": "fp", "scope": "admin", "exp": 1_900_000_000])
        try "JWT_SECRET=\(Self.secret)\nTOKEN=\(token)\n".write(to: directory.appendingPathComponent("app.env"), atomically: true, encoding: .utf8)
        let baseline = directory.appendingPathComponent("baseline.json").path
        let first = try run(["scan", directory.appendingPathComponent("app.env").path, "--now", now, "--write-baseline", baseline, "--fail-on", "never"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let written = try Baseline.load(path: baseline)
        XCTAssertEqual(written.entries.count, 2)
        XCTAssertTrue(written.entries.allSatisfy { $0.fingerprint.hasPrefix("v2:") }, "\(written.entries)")
        let again = try run(["scan", directory.appendingPathComponent("app.env").path, "--now", now, "--write-baseline", baseline, "--fail-on", "never"])
        XCTAssertEqual(again.status, 0)
        XCTAssertEqual(try Baseline.load(path: baseline), written, "a second run writes the same baseline")
        let gated = try run(["scan", directory.appendingPathComponent("app.env").path, "--now", now, "--baseline", baseline])
        XCTAssertEqual(gated.status, 0, gated.stdout + gated.stderr)
        XCTAssertFalse(gated.stderr.contains("v1"), gated.stderr)

        let json = try findings(try run(["scan", directory.path, "--now", now, "--format", "json", "--fail-on", "never"]))
        let jwt = try XCTUnwrap(json.first { $0.kind == "jwt" })
        let sarif = try run(["scan", directory.path, "--now", now, "--format", "sarif", "--fail-on", "never"])
        XCTAssertTrue(sarif.stdout.contains("\"tokenscan/v2\" : \"\(jwt.fingerprint)\""), sarif.stdout)
        let redacted = try run(["redact"], stdin: Data("Authorization: Bearer \(token)\n".utf8))
        let digits = jwt.fingerprint.dropFirst(3).prefix(8)
        XCTAssertTrue(redacted.stdout.contains("[REDACTED:jwt:\(digits)]"), redacted.stdout + redacted.stderr)
    }

    /// A baseline and a `.tokenscanignore` written before v2 still accept their findings in this
    /// release, each with a warning naming `--write-baseline`; rewriting the baseline turns its
    /// entries into v2 ones, and the warning goes.
    func testV1EntriesStillMatchWithAWarning() throws {
        let directory = try temporaryDirectory()
        let token = TokenMinter.jwt(claims: ["sub": "legacy", "scope": "admin", "exp": 1_900_000_000])
        let file = directory.appendingPathComponent("app.env")
        try "TOKEN=\(token)\n".write(to: file, atomically: true, encoding: .utf8)
        let v1 = Fingerprinter().legacyFingerprint(Array(token.utf8))
        let baseline = directory.appendingPathComponent("baseline.json").path
        try Baseline(entries: [.init(fingerprint: v1, path: file.path, ruleId: "jwt", kind: "jwt")]).encoded()
            .write(toFile: baseline, atomically: true, encoding: .utf8)

        let old = try run(["scan", file.path, "--now", now, "--baseline", baseline, "--format", "json"])
        XCTAssertEqual(old.status, 0, "the v1 entry still accepts the token: \(old.stdout) \(old.stderr)")
        XCTAssertTrue(old.stderr.contains("fingerprint of the v1 derivation") && old.stderr.contains("--write-baseline \(baseline)"), old.stderr)

        let rewrite = try run(["scan", file.path, "--now", now, "--baseline", baseline, "--write-baseline", baseline])
        XCTAssertEqual(rewrite.status, 0, rewrite.stderr)
        let upgraded = try Baseline.load(path: baseline)
        XCTAssertEqual(upgraded.entries.map(\.fingerprint), [Fingerprinter().fingerprint(Array(token.utf8))])
        let after = try run(["scan", file.path, "--now", now, "--baseline", baseline])
        XCTAssertEqual(after.status, 0, after.stderr)
        XCTAssertFalse(after.stderr.contains("v1"), after.stderr)

        // A .tokenscanignore line of v1 (`fingerprint:HEX`) accepts too, with its warning.
        try "fingerprint:\(v1)\n".write(to: directory.appendingPathComponent(".tokenscanignore"), atomically: true, encoding: .utf8)
        let ignored = try run(["scan", directory.path, "--now", now, "--format", "json"])
        XCTAssertEqual(ignored.status, 0, ignored.stdout + ignored.stderr)
        XCTAssertTrue(ignored.stderr.contains(".tokenscanignore lists fingerprints of the v1 derivation") && ignored.stderr.contains("--write-baseline"), ignored.stderr)
        // The current form, `fingerprint:v2:HEX`, accepts without a warning.
        try "fingerprint:\(Fingerprinter().fingerprint(Array(token.utf8)))\n".write(to: directory.appendingPathComponent(".tokenscanignore"), atomically: true, encoding: .utf8)
        let current = try run(["scan", directory.path, "--now", now])
        XCTAssertEqual(current.status, 0, current.stdout + current.stderr)
        XCTAssertFalse(current.stderr.contains("v1"), current.stderr)
    }
}
