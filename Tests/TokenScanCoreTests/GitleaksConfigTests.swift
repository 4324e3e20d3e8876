import Foundation
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

/// Reading a gitleaks configuration as tokenscan rules and allow rules (`GitleaksConfig`).
final class GitleaksConfigTests: XCTestCase {
    static let fixture = TestSupport.repositoryRoot.appendingPathComponent("Fixtures/gitleaks/gitleaks.toml").path

    /// Secrets in the formats of the fixture's rules, made at test time.
    let acmeKey = "acme_live_" + TokenMinter.opaque(length: 32, seed: "acme", alphabet: "abcdefghijklmnopqrstuvwxyz0123456789")
    let acmeTestKey = "acme_test_" + TokenMinter.opaque(length: 32, seed: "acme-test", alphabet: "abcdefghijklmnopqrstuvwxyz0123456789")
    let deployToken = TokenMinter.opaque(length: 40, seed: "deploy")
    let cookie = TokenMinter.opaque(length: 48, seed: "cookie", alphabet: "0123456789ABCDEF")

    func load() throws -> GitleaksImport {
        try GitleaksConfig.load(path: Self.fixture, reservedRuleIDs: Set(TestSupport.builtinRules().map(\.id)))
    }

    func testRealisticConfigTranslatesRulesAndNamesWhatItDrops() throws {
        let imported = try load()
        XCTAssertEqual(imported.rules.map(\.id), ["acme-api-key", "acme-deploy-token", "internal-session-cookie", "gitleaks:jwt"])
        let acme = imported.rules[0]
        XCTAssertEqual(acme.keywords, ["acme_live_", "acme_test_"])
        XCTAssertEqual(acme.secretGroup, .number(1))
        XCTAssertEqual(acme.minEntropy, 3.5.nextUp, "gitleaks drops secrets at or below the threshold")
        XCTAssertEqual(acme.tags, ["acme", "api-key", "gitleaks"])
        XCTAssertEqual(acme.origin, Self.fixture)
        XCTAssertTrue(acme.validate.contains("allow-placeholders"), "reports what the regex finds, as gitleaks does")
        XCTAssertLessThan(acme.priority, TestSupport.builtinRules().map(\.priority).min()!)
        XCTAssertEqual(imported.rules[1].path, #"(?:^|/)\.?ci/[^/]+\.ya?ml$"#)
        XCTAssertEqual(imported.rules[2].secretGroup, .firstNonEmpty)

        // The rule allowlist, the AND allowlist, and the two global ones (one with two paths).
        XCTAssertEqual(imported.allowRules.count, 4)
        XCTAssertEqual(imported.allowRules.map(\.ruleIds), [["acme-api-key"], ["internal-session-cookie"], [], ["acme-api-key"]])
        XCTAssertNotNil(imported.allowRules[1].path)
        XCTAssertNotNil(imported.allowRules[1].stopwords, "AND: one rule with both checks")
        XCTAssertNotNil(imported.allowRules[3].line, "regexTarget = line")

        let messages = imported.warnings.map(\.description)
        func warned(_ rule: String?, _ text: String, file: StaticString = #filePath, line: UInt = #line) {
            let prefix = Self.fixture + (rule.map { ": rule '\($0)'" } ?? "")
            XCTAssertTrue(messages.contains { $0.hasPrefix(prefix + ":") && $0.contains(text) }, "\(prefix) … \(text) in\n\(messages.joined(separator: "\n"))",
                          file: file, line: line)
        }
        warned(nil, "[extend] useDefault: gitleaks' default rules and allowlists are not imported")
        warned(nil, "'jwt' as 'gitleaks:jwt'")
        warned("legacy-service-token", "regex does not compile as PCRE2 (missing closing parenthesis")
        warned("pem-files", "a path-only rule")
        warned("internal-session-cookie", "unknown key 'severity' ignored")
        XCTAssertEqual(messages.count, 5, messages.joined(separator: "\n"))
    }

    /// The imported rules run with the built-in ones through the whole pipeline; the allowlists
    /// suppress what they name, for imported and built-in rules alike.
    func testImportedRulesFindAndAllowlistsSuppress() throws {
        let imported = try load()
        let jwt = TokenMinter.jwt(claims: ["sub": "vendored", "scope": "repo"])
        let files: [(String, String)] = [
            ("src/settings.py", """
                ACME_KEY = "\(acmeKey)"
                SANDBOX_KEY = "\(acmeTestKey)"
                WEAK_KEY = "acme_live_abababababababababababababababab"
                EXAMPLE_KEY = "\(acmeKey)"  # onboarding-sample
                """),
            (".ci/release.yml", "deploy_token: \(deployToken)\n"),
            ("src/release.yml", "deploy_token: \(deployToken)\n"),
            ("docs/portal.md", "SESSIONID=\(cookie)\nportal_session=DEADBEEF\(cookie.dropFirst(8))\n"),
            ("vendor/lib/client.py", "KEY = \"\(acmeKey)\"\nTOKEN = \"\(jwt)\"\n"),
        ]
        let (findings, summary) = TestSupport.scan(files.map { ($0.0, Array($0.1.utf8)) }, rules: TestSupport.builtinRules() + imported.rules,
                                                   allowRules: imported.allowRules)
        XCTAssertEqual(findings.map { "\($0.path):\($0.line) \($0.ruleId) \($0.secret)" }, [
            "src/settings.py:1 acme-api-key \(acmeKey)",
            ".ci/release.yml:1 acme-deploy-token \(deployToken)",
            // Outside the imported rule's path, the built-in named-value rule reads the name.
            "src/release.yml:1 named-value \(deployToken)",
            "docs/portal.md:1 internal-session-cookie \(cookie)",
        ])
        XCTAssertEqual(findings[0].kind, "generic")
        XCTAssertEqual(findings[0].tokenClass, "secret (gitleaks rule 'acme-api-key')")
        XCTAssertEqual(findings[0].severity, .medium)
        // Sandbox key (rule allowlist), onboarding sample (line), the stopword cookie in docs/ (AND),
        // and vendor/ for the imported rule and the built-in JWT rule alike.
        XCTAssertEqual(summary.dismissed["allow-rule"], 5, "\(summary.dismissed)")
        XCTAssertEqual(summary.dismissed["low-entropy"], 1)
    }

    func testGoRegexTranslation() {
        XCTAssertEqual(GoRegex.translate(#"a\vb"#), .init(pattern: #"a\x0Bb"#, needsUTF: false), "Go's \\v is one character")
        XCTAssertEqual(GoRegex.translate(#"\0\101\7x"#).pattern, #"\o{0}\o{101}\7x"#, "octal escapes; \\7 alone stays")
        XCTAssertEqual(GoRegex.translate(#"(?P<key>\w+)\z"#), .init(pattern: #"(?P<key>\w+)\z"#, needsUTF: false))
        XCTAssertEqual(GoRegex.translate(#"\Q\v.\E\v"#).pattern, #"\Q\v.\E\x0B"#, "quoted text stays literal")
        XCTAssertTrue(GoRegex.translate(#"\pL+"#).needsUTF)
        XCTAssertTrue(GoRegex.translate(#"[\x{1F600}]"#).needsUTF)
        XCTAssertFalse(GoRegex.translate(#"\x41\x{7F}"#).needsUTF)
        XCTAssertTrue(GoRegex.translate("schlüssel=(\\w+)").needsUTF)
        for source in [#"(?i)\b(acme_[a-z0-9]{32})(?:['"\s;]|$)"#, #"a\vb"#, #"\101"#, #"\pL+ü"#] {
            let translation = GoRegex.translate(source)
            XCTAssertNoThrow(try Pattern(translation.pattern, options: translation.needsUTF ? [.utf] : []), source)
        }
        let tab = GoRegex.translate(#"x\vy"#)
        let pattern = try! Pattern(tab.pattern)
        XCTAssertTrue(AllowRule.matches(pattern, Array("x\u{0B}y".utf8), MatchScratch()))
        XCTAssertFalse(AllowRule.matches(pattern, Array("x\ny".utf8), MatchScratch()), "PCRE2's \\v would match a newline")
    }

    /// Old-style `[allowlist]`, `OR` split into one rule per kind of check, `regexTarget = match`,
    /// commits, viper's case-insensitive keys, and allowlists that cannot be used.
    func testAllowlistsOfEveryShape() throws {
        let text = """
            [[rules]]
            id = "demo"
            regex = '''demo_key\\s*=\\s*([a-z0-9]{24})'''
            keywords = ["demo_key"]

            [allowlist]
            description = "old style"
            paths = ['''\\.lock$''', '''(unclosed''']
            regexTarget = "match"
            regexes = ['''^demo_key = ''']
            stopWords = ["sample"]
            Commits = ["ABCDEF0123456789ABCDEF0123456789ABCDEF01"]

            [[allowlists]]
            condition = "sometimes"
            paths = ['''x''']

            [[allowlists]]
            condition = "AND"
            paths = ['''docs/''', '''(bad''']
            regexes = ['''x''']

            [[allowlists]]
            description = "nothing in it"
            """
        let imported = try GitleaksConfig.translate(text, path: "g.toml")
        XCTAssertEqual(imported.rules.map(\.id), ["demo"])
        let allow = imported.allowRules
        XCTAssertEqual(allow.count, 4, "OR: path, match regex, stopwords, commits")
        XCTAssertNotNil(allow[0].path)
        XCTAssertNotNil(allow[1].match)
        XCTAssertNil(allow[1].secret)
        XCTAssertEqual(allow[2].stopwords?.words, ["sample"])
        XCTAssertEqual(allow[3].commits, ["abcdef0123456789abcdef0123456789abcdef01"])
        XCTAssertTrue(allow.allSatisfy { $0.ruleIds.isEmpty }, "global")
        let messages = imported.warnings.map(\.message)
        XCTAssertTrue(messages.contains { $0.hasPrefix("[allowlist]: path '(unclosed' does not compile as PCRE2") && $0.hasSuffix("that entry is dropped") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.contains("[[allowlists]] 1: unknown condition 'sometimes'") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.contains("[[allowlists]] 2: path '(bad'") && $0.contains("allowlist not imported (its condition is AND)") },
                      "an AND allowlist without one of its checks would allow more: \(messages)")
        XCTAssertTrue(messages.contains { $0.contains("[[allowlists]] 3: has no paths, regexes, stopwords or commits") }, "\(messages)")

        // The commit condition holds only for findings added by that commit (tokenscan git).
        let finding = Finding(ruleId: "demo", kind: "generic", severity: .medium, score: 50, path: "a.env", line: 1, column: 1,
                              endLine: 1, endColumn: 2, secret: "s", fingerprint: "f", reasons: [])
        let subject = { (commit: String?) in AllowRule.Subject(secret: Array("abc".utf8), match: Array("demo_key = abc".utf8), line: [], commit: commit) }
        let scratch = MatchScratch()
        XCTAssertTrue(allow[3].accepts(finding, subject: subject("ABCDEF0123456789ABCDEF0123456789ABCDEF01"), now: TestSupport.now, scratch: scratch))
        XCTAssertFalse(allow[3].accepts(finding, subject: subject(nil), now: TestSupport.now, scratch: scratch))
        XCTAssertTrue(allow[1].accepts(finding, subject: subject(nil), now: TestSupport.now, scratch: scratch))
    }

    /// `[extend] path`: the extended file's rules are the base, merged as gitleaks merges them.
    func testExtendPathMergesRules() throws {
        let base = """
            [[rules]]
            id = "shared"
            description = "base description"
            regex = '''shared_([a-z]{10})'''
            keywords = ["shared_"]
            [[rules]]
            id = "noisy"
            regex = '''noisy_[a-z]{10}'''
            [allowlist]
            paths = ['''^third_party/''']
            """
        let text = """
            [extend]
            path = "base.toml"
            disabledRules = ["noisy"]
            [[rules]]
            id = "shared"
            entropy = 2.5
            keywords = ["shared-"]
            [[rules]]
            id = "own"
            regex = '''own_[0-9]{8}'''
            """
        var read: [String] = []
        let imported = try GitleaksConfig.translate(text, path: "config/.gitleaks.toml") { file in
            read.append(file)
            return file == "config/base.toml" ? base : nil
        }
        XCTAssertEqual(read, ["config/base.toml"], "relative to the extending file first")
        XCTAssertEqual(imported.rules.map(\.id), ["shared", "own"])
        XCTAssertEqual(imported.rules[0].description, "base description")
        XCTAssertEqual(imported.rules[0].regex, "shared_([a-z]{10})")
        XCTAssertEqual(imported.rules[0].minEntropy, 2.5.nextUp)
        XCTAssertEqual(imported.rules[0].keywords, ["shared-", "shared_"])
        XCTAssertEqual(imported.allowRules.count, 1)
        XCTAssertEqual(imported.warnings, [])

        let missing = try GitleaksConfig.translate("[extend]\npath = \"nope.toml\"\n[[rules]]\nid = \"x\"\nregex = 'x'\n", path: "g.toml")
        XCTAssertEqual(missing.warnings.map(\.message), ["[extend] path 'nope.toml' cannot be read; not imported"])
    }

    func testNothingTranslatableIsAnErrorOnlyWhenTheFileWasNamed() throws {
        let directory = try TestSupport.temporaryDirectory()
        let file = directory.appendingPathComponent(".gitleaks.toml").path
        try "[extend]\nuseDefault = true\n".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try GitleaksConfig.load(path: file, required: true)) { error in
            XCTAssertTrue("\(error)".contains("no rule or allowlist could be translated ([extend] useDefault"), "\(error)")
        }
        let discovered = try GitleaksConfig.load(path: file, required: false)
        XCTAssertTrue(discovered.isEmpty)
        XCTAssertEqual(discovered.warnings.last?.message, "no rule or allowlist could be translated; the file is ignored")
        try "[[rules]\nid = 1\n".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try GitleaksConfig.load(path: file, required: false), "invalid TOML is an error") { error in
            XCTAssertEqual((error as? ConfigError)?.line, 1)
        }
    }

    /// gitleaks' secret: `secretGroup`, else the first group that matched something, else the match.
    func testSecretGroupSelection() throws {
        func secrets(_ regex: String, _ group: SecretGroup?, _ text: String) throws -> [String] {
            var rule = Rule(id: "g", kind: "generic", regex: regex, validate: ["allow-placeholders"])
            rule.secretGroup = group
            let (hits, _) = try TestSupport.hits(Array(text.utf8), matcher: TestSupport.matcher([rule]))
            return hits.map { String(decoding: $0.secret, as: UTF8.self) }
        }
        XCTAssertEqual(try secrets("(?:a=(\\w+)|b=(\\w+))", .firstNonEmpty, "a=one b=two"), ["one", "two"])
        XCTAssertEqual(try secrets("(?:a=(\\w*))(x?)", .firstNonEmpty, "a=;"), ["a="], "no group matched text: the whole match")
        XCTAssertEqual(try secrets("(k)=(\\w+)", .number(2), "k=v1"), ["v1"])
        XCTAssertEqual(try secrets("k=\\w+", .firstNonEmpty, "k=v1"), ["k=v1"])
        XCTAssertThrowsError(try Matcher(rules: [{ var r = Rule(id: "g", kind: "generic", regex: "(a)"); r.secretGroup = .number(2); return r }()]))
    }

    /// A rule with a `path` runs only on inputs whose path matches; other rules everywhere.
    func testPathRestrictedRulesRunOnlyOnMatchingPaths() {
        var rule = Rule(id: "ci-only", kind: "generic", regex: "ci_token=([a-z0-9]{16})", keywords: ["ci_token="], validate: ["allow-placeholders"])
        rule.path = #"\.ya?ml$"#
        let text = Array("ci_token=\(TokenMinter.opaque(length: 16, seed: "ci", alphabet: "abcdefghijklmnopqrstuvwxyz0123456789"))\n".utf8)
        let (findings, _) = TestSupport.scan([("a/pipeline.yml", text), ("a/notes.txt", text), ("b.yaml", text)], rules: [rule])
        XCTAssertEqual(findings.map(\.path), ["a/pipeline.yml", "b.yaml"])
    }
}
