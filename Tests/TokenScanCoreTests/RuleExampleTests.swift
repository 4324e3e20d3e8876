import XCTest
@testable import TokenScanCore

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
                XCTAssertNotNil(example.secret, "\(rule.id): examples state the exact secret")
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

    func testDuplicateRuleIDsAreRejected() {
        let rule = Rule(id: "dup", kind: "x", regex: "a", origin: "one.toml")
        var other = rule
        other.origin = "two.toml"
        XCTAssertThrowsError(try Matcher(rules: [rule, other])) { error in
            XCTAssertTrue("\(error)".contains("duplicate rule id (also in one.toml)"), "\(error)")
        }
    }
}
