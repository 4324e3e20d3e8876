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

/// Every rule in `Rules/` proves itself: its examples are found with the exact secret, its
/// counterexamples are not reported (SwiftLint-style self-testing rules).
final class RuleExampleTests: XCTestCase {
    func testBuiltinRulesPassTheirExamples() {
        let rules = TestSupport.builtinRules()
        XCTAssertGreaterThanOrEqual(rules.count, 4)
        let failures = RuleChecker.check(rules)
        XCTAssertEqual(failures, [], failures.map(\.description).joined(separator: "\n"))
    }

    func testEveryRuleHasExamplesAndCounterexamples() {
        for rule in TestSupport.builtinRules() {
            XCTAssertFalse(rule.examples.isEmpty, rule.id)
            XCTAssertFalse(rule.counterexamples.isEmpty, rule.id)
            XCTAssertFalse(rule.keywords.isEmpty, "\(rule.id): built-in rules need keywords for the prefilter")
            for example in rule.examples {
                XCTAssertTrue(example.secret != nil || example.mint != nil, "\(rule.id): examples state the exact secret or mint it")
            }
        }
    }

    func testCheckerCatchesAWrongExample() {
        var rule = TestSupport.builtinRules().first { $0.id == "authorization-bearer" }!
        rule.examples = [RuleExample(text: "Authorization: Bearer 8f14e45fceea167a5a36dedd4bea2543b1c9", secret: "8f14e45f")]
        rule.counterexamples = ["Authorization: Bearer 9f14e45fceea167a5a36dedd4bea2543b1c9"]
        let failures = RuleChecker.check([rule])
        XCTAssertEqual(failures.count, 2, failures.map(\.description).joined(separator: "\n"))
    }

    func testLoaderErrorsNameFileRuleAndKey() {
        XCTAssertThrowsError(try RuleLoader.load(toml: "[[rules]]\nid = \"x\"\nregex = \"a\"\nkeywords = 3\n", origin: "mine.toml")) { error in
            XCTAssertEqual("\(error)", "mine.toml: rule 'x': 'keywords' must be an array of strings")
        }
        XCTAssertThrowsError(try RuleLoader.load(toml: "[[rules]]\nid = \"x\"\nregex = \"a\"\nregexp = \"b\"\n", origin: "mine.toml")) { error in
            XCTAssertTrue("\(error)".contains("unknown key 'regexp'"), "\(error)")
        }
        XCTAssertThrowsError(try RuleLoader.load(toml: "[[rules]\nid = 1", origin: "bad.toml")) { error in
            let error = error as! RuleError
            XCTAssertEqual(error.line, 1)
            XCTAssertTrue(error.description.hasPrefix("bad.toml:1: invalid TOML"), error.description)
        }
    }

    /// `rotate`: where a token is revoked, for the text report's advice; an https URL or nothing.
    /// Every built-in rule with a provider names one.
    func testRotateLinks() throws {
        let rules = try RuleLoader.load(toml: "[[rules]]\nid = \"x\"\nregex = \"a\"\nrotate = \"https://example.com/keys\"\n", origin: "mine.toml")
        XCTAssertEqual(rules.first?.rotate, "https://example.com/keys")
        XCTAssertThrowsError(try RuleLoader.load(toml: "[[rules]]\nid = \"x\"\nregex = \"a\"\nrotate = \"revoke it\"\n", origin: "mine.toml")) { error in
            XCTAssertTrue("\(error)".contains("'rotate' must be an https:// URL"), "\(error)")
        }
        for rule in TestSupport.builtinRules() where rule.provider != nil {
            XCTAssertNotNil(rule.rotate, "\(rule.id) names its provider but not where to revoke its tokens")
        }
    }

    func testUserRuleFileIsLoadedAndChecked() throws {
        let directory = try TestSupport.temporaryDirectory()
        let file = directory.appendingPathComponent("acme.toml")
        try """
        [[rules]]
        id = "acme-key"
        description = "ACME API keys"
        kind = "acme"
        regex = '''(?<secret>acme_[a-f0-9]{32})'''
        keywords = ["acme_"]
        severity = "high"
        counterexamples = ["acme_0000"]
        [[rules.examples]]
        text = "key: acme_9f3c2e71b4d85a06c1e9f72b3d4a8e5c"
        secret = "acme_9f3c2e71b4d85a06c1e9f72b3d4a8e5c"
        """.write(to: file, atomically: true, encoding: .utf8)
        let rules = try RuleCatalog.load(path: directory.path)
        XCTAssertEqual(rules.map(\.id), ["acme-key"])
        XCTAssertEqual(rules[0].baseSeverity, .high)
        XCTAssertEqual(RuleChecker.check(rules), [])
        let (findings, _) = TestSupport.scan([("k.txt", Array("x acme_9f3c2e71b4d85a06c1e9f72b3d4a8e5c\n".utf8))],
                                             rules: TestSupport.builtinRules() + rules)
        XCTAssertEqual(findings.map(\.ruleId), ["acme-key"])
        XCTAssertEqual(findings.first?.severity, .high)
    }

    /// Provider rules commit no token: every example of a provider kind is minted at check time.
    func testProviderRuleExamplesAreMinted() {
        let providerKinds: Set = ["github", "gitlab", "slack", "google", "stripe", "npm", "pypi", "openai", "anthropic", "vault", "atlassian", "shopify"]
        let rules = TestSupport.builtinRules().filter { providerKinds.contains($0.kind) }
        XCTAssertEqual(Set(rules.map(\.kind)), providerKinds)
        for rule in rules {
            XCTAssertNotNil(rule.tokenClass, rule.id)
            XCTAssertNotNil(rule.provider, rule.id)
            XCTAssertGreaterThan(rule.priority, 40, "\(rule.id) must win over the generic bearer and signing-secret rules on the same span")
            for example in rule.examples {
                XCTAssertNotNil(example.mint, "\(rule.id): provider examples are minted, never committed")
            }
        }
    }

    /// A provider rule as a user would write it: an npm token with its checksum, a minted example
    /// and a counterexample whose checksum is one character off.
    static let npmRule = #"""
        [[rules]]
        id = "my-npm"
        kind = "npm"
        provider = "npm"
        tokenClass = "access token"
        regex = '(?<secret>npm_[A-Za-z0-9]{36})'
        keywords = ["npm_"]
        validate = ["npm-crc32"]
        severity = "high"
        counterexamples = ["npm_jUPEs2gynkwzwkkPl3aiE6wM39WRS53x9IhO"]
        [[rules.examples]]
        text = "//registry.npmjs.org/:_authToken={{token}}"
        mint = "npm"
        """#

    func testLoaderReadsProviderFieldsAndMintedExamples() throws {
        let rules = try RuleLoader.load(toml: Self.npmRule, origin: "p.toml")
        XCTAssertEqual(rules[0].tokenClass, "access token")
        XCTAssertEqual(rules[0].provider, "npm")
        XCTAssertEqual(rules[0].checksums, [.npm])
        XCTAssertEqual(rules[0].examples, [RuleExample(text: "//registry.npmjs.org/:_authToken={{token}}", mint: .npm)])
        XCTAssertEqual(RuleChecker.check(rules), [])
        let (text, secret) = RuleChecker.instantiate(rules[0].examples[0], rule: rules[0], number: 1)
        XCTAssertEqual(text, "//registry.npmjs.org/:_authToken=\(secret!)")
        XCTAssertTrue(TokenChecksum.npm.verify(Array(secret!.utf8)))
    }

    func testLoaderRejectsUnknownValidationsAndBadMintedExamples() {
        func error(_ body: String) -> String {
            do {
                _ = try RuleLoader.load(toml: "[[rules]]\nid = \"x\"\nregex = \"a\"\n" + body, origin: "m.toml")
                return "no error"
            } catch {
                return error.description
            }
        }
        XCTAssertTrue(error("validate = [\"github-crc23\"]").hasPrefix("m.toml: rule 'x': unknown validation 'github-crc23'"))
        XCTAssertTrue(error("[[rules.examples]]\ntext = \"{{token}}\"\nmint = \"github:ghq\"").contains("unknown mint format 'github:ghq'"))
        XCTAssertTrue(error("[[rules.examples]]\ntext = \"{{token}}\"\nmint = \"npm\"\nsecret = \"npm_x\"").contains("leave out 'secret'"))
        XCTAssertTrue(error("[[rules.examples]]\ntext = \"no marker\"\nmint = \"npm\"").contains("needs {{token}}"))
        XCTAssertTrue(error("tokenClass = \"\"").contains("must not be empty"))
        XCTAssertEqual(error("validate = [\"jwt\", \"allow-placeholders\", \"npm-crc32\"]"), "no error")
        XCTAssertTrue(error("role = \"signing\"").contains("role must be one of credential, carrier, signing-key"))
    }

    /// Behaviour keys on the typed `role`, which rule data names; a rule file without it keeps
    /// the older kind convention.
    func testRoleComesFromRuleDataWithTheKindConventionAsDefault() throws {
        func role(_ body: String) throws -> SecretRole {
            try RuleLoader.load(toml: "[[rules]]\nid = \"x\"\nregex = \"a\"\n" + body, origin: "m.toml")[0].role
        }
        XCTAssertEqual(try role(""), .credential)
        XCTAssertEqual(try role("kind = \"bearer\""), .carrier)
        XCTAssertEqual(try role("kind = \"hmac-secret\""), .signingKey)
        XCTAssertEqual(try role("kind = \"session\"\nrole = \"signing-key\""), .signingKey)
        XCTAssertEqual(try role("kind = \"bearer\"\nrole = \"credential\""), .credential)
        let builtin = try RuleCatalog.builtin()
        XCTAssertEqual(builtin.filter { $0.role == .carrier }.map(\.id).sorted(), ["authorization-bearer"])
        XCTAssertEqual(builtin.filter { $0.role == .namedValue }.map(\.id).sorted(), ["named-pair", "named-pair-reversed", "named-value", "oauth-token-parameter"])
        XCTAssertEqual(builtin.filter { $0.role == .signingKey }.map(\.id), ["jwt-signing-secret"])
    }

    /// A minted example of a checksummed format also proves that the rule rejects a wrong checksum:
    /// a rule that forgot its `validate` fails the check (and so does its wrong-checksum counterexample).
    func testCheckerCatchesARuleThatDoesNotValidateItsChecksum() throws {
        var rule = try RuleLoader.load(toml: Self.npmRule, origin: "p.toml")[0]
        rule.validate = []
        let failures = RuleChecker.check([rule])
        let report = failures.map(\.description).joined(separator: "\n")
        XCTAssertEqual(failures.count, 2, report)
        XCTAssertTrue(failures.contains { $0.message.hasPrefix("example 1: the minted npm token with a wrong checksum is still reported") }, report)
        XCTAssertTrue(failures.contains { $0.message.hasPrefix("counterexample 1 is reported") }, report)
    }

    func testCheckerCatchesAMintedExampleTheRuleDoesNotFind() throws {
        var rule = try RuleLoader.load(toml: Self.npmRule, origin: "p.toml")[0]
        rule.examples = [RuleExample(text: "t={{token}}", mint: .githubPersonal)]
        let failures = RuleChecker.check([rule])
        XCTAssertEqual(failures.count, 1)
        XCTAssertTrue(failures.first?.message.hasPrefix("example 1 is not found") == true, failures.map(\.description).joined())
    }

    func testDuplicateRuleIDsAreRejected() {
        let rule = Rule(id: "dup", kind: "x", regex: "a", origin: "one.toml")
        var other = rule
        other.origin = "two.toml"
        XCTAssertThrowsError(try Matcher(rules: [rule, other])) { error in
            XCTAssertTrue("\(error)".contains("duplicate rule id (also in one.toml)"), "\(error)")
        }
    }
}
