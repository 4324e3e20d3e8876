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

/// Design §5, row by row.
final class RiskModelTests: XCTestCase {
    let now = TestSupport.now
    var t: Int { Int(now.timeIntervalSince1970) }

    func assess(_ token: String) -> Finding {
        let (findings, _) = TestSupport.scan([("t.txt", Array("token: \(token)\n".utf8))], settings: TestSupport.settings(showSecrets: false))
        XCTAssertEqual(findings.count, 1, token)
        return findings.first!
    }

    func codes(_ finding: Finding) -> [String] { finding.reasons.map(\.code) }

    func testDocumentationSampleIsInfo() {
        let finding = assess(TokenMinter.jwt(claims: ["sub": "1234567890", "name": "John Doe", "iat": 1_516_239_022], key: "your-256-bit-secret"))
        XCTAssertEqual(finding.severity, .info)
        XCTAssertEqual(codes(finding), ["doc-sample"])
    }

    func testUnsignedIsForgeableEvenWhenExpired() {
        let narrow = assess(TokenMinter.jwt(alg: "none", claims: ["sub": "a", "exp": .number(Double(t - 86_400))]))
        XCTAssertEqual(narrow.severity, .high)
        XCTAssertEqual(codes(narrow).first, "alg-none")
        XCTAssertTrue(codes(narrow).contains("expired"))
        let broad = assess(TokenMinter.jwt(alg: "None", claims: ["sub": "a", "scope": "admin"]))
        XCTAssertEqual(broad.severity, .critical)
        XCTAssertEqual(broad.jwt?.signature, .unsigned)
    }

    func testWeakHMACSecretIsForgeable() {
        let finding = assess(TokenMinter.jwt(claims: ["sub": "a", "exp": .number(Double(t + 86_400))], key: "changeme"))
        XCTAssertEqual(finding.severity, .high)
        XCTAssertEqual(finding.jwt?.signature, .weakSecret)
        XCTAssertEqual(codes(finding).first, "weak-hmac-secret")
        XCTAssertFalse(finding.reasons.map(\.message).joined().contains("changeme"), "the key is shown only with --show-secrets")
        for alg in ["HS384", "HS512"] {
            XCTAssertEqual(assess(TokenMinter.jwt(alg: alg, claims: ["sub": "b"], key: "secret")).jwt?.signature, .weakSecret, alg)
        }
    }

    /// A token bound to a key (RFC 7800 `cnf`, RFC 9449 DPoP) keeps its row of §5 and says that
    /// it is usable only by whoever holds that key.
    func testSenderConstrainedTokenKeepsItsRowAndSaysSo() {
        let live: [String: JSONValue] = ["sub": "a", "scope": "repo", "exp": .number(Double(t + 86_400))]
        let plain = assess(TokenMinter.jwt(claims: live))
        for cnf: JSONValue in [["jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"], ["x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"]] {
            var claims = live
            claims["cnf"] = cnf
            let bound = assess(TokenMinter.jwt(claims: claims))
            XCTAssertEqual(bound.severity, plain.severity, "\(cnf)")
            XCTAssertEqual(codes(bound), codes(plain) + ["sender-constrained"], "\(cnf)")
            XCTAssertTrue(bound.reasons.last!.message.contains("only"), bound.reasons.last!.message)
        }
        // A cnf claim that names no key binds nothing.
        var empty = live
        empty["cnf"] = .object([:])
        XCTAssertEqual(codes(assess(TokenMinter.jwt(claims: empty))), codes(plain))
    }

    /// A DPoP proof carries its public key in its header by design (RFC 9449 §4.2): no
    /// `header-jwk` warning, and its `nonce` does not make it an ID token.
    func testDPoPProofIsSenderConstrainedNotAnIDTokenNorASelfSignedWarning() {
        let jwk: JSONValue = ["kty": "EC", "crv": "P-256", "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs", "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"]
        let proof = assess(TokenMinter.jwt(
            alg: "ES256", header: ["typ": "dpop+jwt", "jwk": jwk],
            claims: ["jti": "e1j3V_bKic8-LAEB", "htm": "POST", "htu": "https://server.example.com/token", "iat": .number(Double(t - 60)), "nonce": "eyJ7S_zG.eyJH0-Z.HX4w-7v"],
            fakeSignatureLength: 64))
        XCTAssertEqual(proof.severity, .medium)
        XCTAssertFalse(codes(proof).contains("header-jwk"), "\(codes(proof))")
        XCTAssertFalse(codes(proof).contains("id-token"), "\(codes(proof))")
        XCTAssertTrue(codes(proof).contains("sender-constrained"), "\(codes(proof))")
        // The same header without typ dpop+jwt is still a self-signed-key warning.
        let selfSigned = assess(TokenMinter.jwt(alg: "ES256", header: ["typ": "JWT", "jwk": jwk], claims: ["sub": "a"], fakeSignatureLength: 64))
        XCTAssertTrue(codes(selfSigned).contains("header-jwk"), "\(codes(selfSigned))")
    }

    func testExpiredIsLow() {
        let finding = assess(TokenMinter.jwt(claims: ["sub": "a", "scope": "repo", "exp": .number(Double(t - 3600))]))
        XCTAssertEqual(finding.severity, .low)
        XCTAssertEqual(codes(finding), ["expired", "scope-broad"])
        XCTAssertEqual(finding.jwt?.expiry.status, .expired)
    }

    func testBroadScopeWithoutExpiryIsCritical() {
        let finding = assess(TokenMinter.jwt(claims: ["sub": "a", "scp": ["Files.ReadWrite.All"]]))
        XCTAssertEqual(finding.severity, .critical)
        XCTAssertEqual(codes(finding), ["scope-broad", "no-expiry"])
    }

    func testBroadScopeWithExpiryIsHigh() {
        let finding = assess(TokenMinter.jwt(claims: ["sub": "a", "realm_access": ["roles": ["realm-admin"]], "exp": .number(Double(t + 86_400 * 3))]))
        XCTAssertEqual(finding.severity, .high)
        XCTAssertEqual(codes(finding), ["scope-broad", "expires", "provider"], "realm_access marks a Keycloak token")
    }

    func testRefreshTokenIsHigh() {
        let finding = assess(TokenMinter.jwt(claims: ["sub": "a", "token_use": "refresh", "exp": .number(Double(t + 86_400))]))
        XCTAssertEqual(finding.severity, .high)
        XCTAssertEqual(codes(finding).first, "refresh-token")
    }

    func testNarrowLiveTokenIsMedium() {
        let finding = assess(TokenMinter.jwt(claims: ["sub": "a", "scope": "read:user", "exp": .number(Double(t + 86_400))]))
        XCTAssertEqual(finding.severity, .medium)
        XCTAssertEqual(codes(finding), ["scope-narrow", "expires"])
        let id = assess(TokenMinter.jwt(claims: ["sub": "a", "nonce": "n", "exp": .number(Double(t + 86_400))]))
        XCTAssertEqual(id.severity, .medium)
        XCTAssertEqual(codes(id), ["id-token", "no-scope", "expires"])
    }

    func testExpiresSoonLowersOneLevelButNotBelowLow() {
        let finding = assess(TokenMinter.jwt(claims: ["sub": "a", "scope": "repo", "exp": .number(Double(t + 600))]))
        XCTAssertEqual(finding.severity, .medium, "high lowered to medium")
        XCTAssertTrue(codes(finding).contains("expires-soon"))
        let narrow = assess(TokenMinter.jwt(claims: ["sub": "a", "exp": .number(Double(t + 600))]))
        XCTAssertEqual(narrow.severity, .low)
    }

    func testNotYetValidKeepsSeverity() {
        let finding = assess(TokenMinter.jwt(claims: ["sub": "a", "scope": "repo", "nbf": .number(Double(t + 86_400)), "exp": .number(Double(t + 86_400 * 10))]))
        XCTAssertEqual(finding.severity, .high)
        XCTAssertTrue(codes(finding).contains("not-yet-valid"))
        XCTAssertEqual(finding.jwt?.expiry.status, .notYetValid)
    }

    func testScoresStayInsideTheirBands() {
        for finding in [
            assess(TokenMinter.jwt(claims: ["sub": "a", "scope": "repo"])),
            assess(TokenMinter.jwt(claims: ["sub": "a", "exp": .number(Double(t - 86_400 * 900))])),
            assess(TokenMinter.jwt(claims: ["sub": "a", "exp": .number(Double(t + 86_400 * 9000))])),
        ] {
            XCTAssertTrue(finding.severity.scoreRange.contains(finding.score), "\(finding.severity) \(finding.score)")
        }
    }

    func testOpaqueBearerUsesRuleSeverity() {
        let finding = assess("x\nAuthorization: Bearer 8f14e45fceea167a5a36dedd4bea2543b1c9")
        XCTAssertEqual(finding.ruleId, "authorization-bearer")
        XCTAssertEqual(finding.severity, .medium)
        XCTAssertEqual(codes(finding), ["opaque-token"])
    }

    /// Tokens without claims: the reason names the rule's provider and class and says when a
    /// checksum verified; without them it reads as before; a refresh class adds `refresh-token`.
    func testOpaqueReasonNamesProviderClassAndChecksum() {
        let facts = TokenFacts(kind: "bearer", baseSeverity: .medium)
        let assessment = RiskModel().assess(facts, now: TestSupport.now)
        XCTAssertEqual(assessment.reasons, [Reason("opaque-token", "A bearer token whose scope and lifetime cannot be read from it: treat it as live.")])
        XCTAssertEqual(assessment.score, 54)
        var verified = TokenFacts(kind: "acme", baseSeverity: .high)
        verified.providerName = "ACME"
        verified.declaredClass = "OAuth refresh token"
        verified.verifiedChecksum = .github
        let rated = RiskModel().assess(verified, now: TestSupport.now)
        XCTAssertEqual(rated.severity, .high)
        XCTAssertEqual(rated.reasons.map(\.message).first, "An ACME OAuth refresh token (checksum valid) whose scope and lifetime cannot be read from it: treat it as live.")
        XCTAssertEqual(rated.reasons.map(\.code), ["opaque-token", "refresh-token"])
        XCTAssertTrue((80...89).contains(rated.score), "\(rated.score)")
    }

    func testIndefiniteArticle() {
        for (phrase, article) in [("GitHub token", "A"), ("npm access token", "An"), ("OAuth access token", "An"), ("bearer token", "A"),
                                  ("SSH key", "An"), ("HashiCorp Vault token", "A"), ("Atlassian token", "An"), ("PyPI token", "A")] {
            XCTAssertEqual(RiskModel.article(for: phrase), article, phrase)
        }
    }

    /// Moving `now` past `exp` never raises the score of a token that is not forgeable; a broader
    /// scope never lowers it.
    func testMonotonicity() throws {
        let model = RiskModel()
        let scratch = MatchScratch()
        var generator = SplitMix(seed: 7)
        let scopes = ["read:user", "repo", "openid", "admin", "Mail.Read", "write:packages", ""]
        for _ in 0..<300 {
            var claims: [String: JSONValue] = ["sub": "s"]
            if generator.next() % 4 != 0 { claims["exp"] = .number(Double(t) + Double(Int(generator.next() % 4_000_000)) - 2_000_000) }
            let scope = scopes[Int(generator.next() % UInt64(scopes.count))]
            if !scope.isEmpty { claims["scope"] = .string(scope) }
            if generator.next() % 5 == 0 { claims["typ"] = "Refresh" }
            let jwt = try JWT.decode(Array(TokenMinter.jwt(claims: claims).utf8)).get()
            let facts = TokenFacts.from(jwt: jwt, kind: "jwt", baseSeverity: .medium, taxonomy: .builtin, scratch: scratch)
            let early = model.assess(facts, now: now)
            let later = model.assess(facts, now: now.addingTimeInterval(Double(generator.next() % 3_000_000)))
            XCTAssertLessThanOrEqual(later.score, early.score, "\(claims)")

            var broader = claims
            broader["scope"] = .string(((claims["scope"]?.string).map { $0 + " " } ?? "") + "admin")
            let broadJWT = try JWT.decode(Array(TokenMinter.jwt(claims: broader).utf8)).get()
            let broadFacts = TokenFacts.from(jwt: broadJWT, kind: "jwt", baseSeverity: .medium, taxonomy: .builtin, scratch: scratch)
            XCTAssertGreaterThanOrEqual(model.assess(broadFacts, now: now).score, early.score, "\(claims) → \(broader)")
        }
    }
}

final class ScopeTaxonomyTests: XCTestCase {
    /// The built-in taxonomy is built from tables generated at build time (start-up): it must be
    /// the taxonomy the file gives when parsed, patterns and order included.
    func testTheBuiltinTaxonomyIsTheFilesTaxonomy() throws {
        let text = BuiltinResource.text("scopes.toml")
        let parsed = try ScopeDefinition(toml: text, origin: "scopes.toml")
        XCTAssertEqual(EmbeddedVocabularies.scopes(), parsed)
        XCTAssertGreaterThan(parsed.claimPaths.count, 10)
        XCTAssertEqual(parsed.vocabularies.map(\.scopeClass), [.broad, .write, .offline, .read])
        XCTAssertFalse(parsed.vocabularies.allSatisfy { $0.patterns.isEmpty })
        let taxonomy = ScopeTaxonomy.builtin, whole = try ScopeTaxonomy(toml: text, origin: "scopes.toml")
        XCTAssertEqual(taxonomy.claimPaths, whole.claimPaths)
        XCTAssertEqual(taxonomy.adminClaims, whole.adminClaims)
        XCTAssertEqual(taxonomy.vocabularies.map(\.0), whole.vocabularies.map(\.0))
        XCTAssertEqual(taxonomy.vocabularies.map { $0.1.exact }, whole.vocabularies.map { $0.1.exact })
        XCTAssertEqual(taxonomy.vocabularies.map { $0.1.contains }, whole.vocabularies.map { $0.1.contains })
        XCTAssertEqual(taxonomy.vocabularies.map { $0.1.patterns.map(\.source) }, whole.vocabularies.map { $0.1.patterns.map(\.source) })
        XCTAssertEqual(taxonomy.examples.map(\.scope), whole.examples.map(\.scope))
    }

    /// Scopes are compared lowercased, so a definition's words are too, also when it was made in
    /// code rather than read (the reader lowercases them itself).
    func testADefinitionsWordsAreComparedLowercased() throws {
        var definition = ScopeDefinition()
        definition.vocabularies = [ScopeDefinition.Vocabulary(scopeClass: .broad, exact: ["Admin:Org"], contains: ["SuperUser"], patterns: [])]
        let taxonomy = try ScopeTaxonomy(definition, origin: "code")
        XCTAssertEqual(taxonomy.classify("ADMIN:ORG"), .broad)
        XCTAssertEqual(taxonomy.classify("role-superuser-x"), .broad)
        XCTAssertEqual(taxonomy.classify("read:org"), .other)
    }

    /// A configuration's pattern that does not compile is named with its scope class or its
    /// provider's place (the patterns are compiled after the file is read).
    func testAPatternThatDoesNotCompileIsNamed() {
        XCTAssertThrowsError(try ScopeTaxonomy(toml: "[write]\npatterns = ['^ok$', '(']\n", origin: "conf.toml")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("conf.toml") && message.contains("write: pattern '(' does not compile"), message)
        }
        XCTAssertThrowsError(try ProviderCatalog(toml: "[[providers]]\nid = 'a'\nname = 'A'\n\n[[providers]]\nid = 'b'\nname = 'B'\nsubject = '['\n",
                                                 origin: "conf.toml")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("conf.toml") && message.contains("providers[1]: pattern '[' does not compile"), message)
        }
    }

    func testBuiltinExamples() {
        let taxonomy = ScopeTaxonomy.builtin
        XCTAssertGreaterThan(taxonomy.examples.count, 10)
        for (scope, expected) in taxonomy.examples {
            XCTAssertEqual(taxonomy.classify(scope), expected, scope)
        }
    }

    func testScopeClaimsAreCollected() {
        let claims: [String: JSONValue] = [
            "scope": "openid profile", "scp": ["User.Read"], "roles": ["Admin"], "cognito:groups": ["ops"],
            "resource_access": ["account": ["roles": ["manage-account"]]],
            "https://hasura.io/jwt/claims": ["x-hasura-allowed-roles": ["user", "editor"]],
            "is_admin": true, "admin": false,
        ]
        let taxonomy = ScopeTaxonomy.builtin
        XCTAssertEqual(taxonomy.scopes(in: claims), ["openid", "profile", "User.Read", "Admin", "ops", "manage-account", "user", "editor"])
        XCTAssertEqual(taxonomy.adminFlags(in: claims), ["is_admin"])
    }

    /// The weak-secret list's format: one secret per line, CRLF too; `# ` lines and a lone `#` are
    /// comments, blank lines are skipped, and a secret may itself start with `#`.
    func testWeakSecretListFormat() {
        let list = WeakSecrets(text: "# comment\nsecret\r\n\n#\n#hash\n  spaced  \r\nlast")
        XCTAssertEqual(list.secrets.map { String(decoding: $0, as: UTF8.self) }, ["secret", "#hash", "  spaced  ", "last"])
        XCTAssertGreaterThan(WeakSecrets.builtin.secrets.count, 500)
        XCTAssertTrue(WeakSecrets.builtin.secrets.contains(Array("secret".utf8)))
    }
}
