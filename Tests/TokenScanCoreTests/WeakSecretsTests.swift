import XCTest
import TokenFormats
import TokenScanJudge

/// Every key in `Rules/weak-secrets.txt` makes a token forgeable whatever HMAC hash signs it: the
/// key is public, and HS384 or HS512 with it is no harder to forge than HS256.
final class WeakSecretsTests: XCTestCase {
    func testEveryListedSecretIsFoundUnderHS256HS384AndHS512() throws {
        let secrets = WeakSecrets.builtin.secrets
        XCTAssertTrue(secrets.contains(Array("a-string-secret-at-least-256-bits-long".utf8)), "jwt.io's current example secret")
        var missed: [String] = []
        for secret in secrets {
            let key = String(decoding: secret, as: UTF8.self)
            for alg in ["HS256", "HS384", "HS512"] {
                let token = TokenMinter.jwt(alg: alg, claims: ["sub": "svc", "exp": 2_000_000_000], key: key)
                guard case .success(let jwt) = JWT.decode(Array(token.utf8)) else {
                    XCTFail("\(alg) token does not decode")
                    continue
                }
                if WeakSecrets.builtin.findKey(for: jwt) != secret { missed.append("\(alg) \(key)") }
            }
        }
        XCTAssertEqual(missed, [], "\(missed.count) of \(secrets.count * 3) tokens signed with a listed key were not recognised")
    }
}
