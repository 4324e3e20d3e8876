import FixtureKit
import TokenScanEngine
import XCTest

/// `Rule.start`: a rule that says where its matches begin is tried only there. The claim is the
/// rule author's; these tests hold the built-in rules to it by comparing, on every corpus the
/// suite has, what each such rule finds anchored with what its regex finds searching freely.
final class MatchStartTests: XCTestCase {
    func testEveryRuleThatSaysWhereItsMatchesStartFindsWhatAFreeSearchFinds() throws {
        let anchoredRules = TestSupport.builtinRules().filter { $0.start != nil }
        XCTAssertEqual(Set(anchoredRules.map(\.id)), ["authorization-bearer", "named-pair", "named-pair-reversed", "named-value", "oauth-token-parameter"])
        var inputs: [[UInt8]] = []
        for corpus in [LabelledCorpus.generate(), NamedValueCorpus.generate(), SignedURLCorpus.generate(), BearerFormatCorpus.generate()] {
            inputs += corpus.files.map(\.bytes)
        }
        for rule in anchoredRules {
            inputs += rule.examples.map { Array($0.text.utf8) } + rule.counterexamples.map { Array($0.utf8) }
        }
        // Names at the edges of the search: at the very start, after punctuation a name may not
        // begin with, inside a longer word, longer than a name may be, and in a PHP define().
        // (The value is built here, not written whole, so that the repository's self-scan does
        // not read these lines as assignments.)
        let value = String("Ze5As0Jh6Gd3Fc8Bn1Rw7Lp4Tv9Qm2kX".reversed())
        inputs.append(Array("""
            API_TOKEN=\(value)
            -API_TOKEN=\(value) 9API_TOKEN=\(value)
            .session_token: \(value) x.y.api_key: "\(value)"
            \(String(repeating: "A", count: 90))_TOKEN=\(value)
            define('SERVICE_SECRET', '\(value)'); foo: api_token=Zr8wQ3mN6vK1xT9pL4sB7dF2hJ5cG0aY
            x_access_token=Qm9sZC1yYW5kb20tdG9rZW4tNzI4Mw&xrefresh_token=Qm9sZC1yYW5kb20tdG9rZW4tNzI4Mw
            curl -bJSESSIONID=\(value) -b'connect.sid=\(value)' x--token=\(value) --api-key \(value) --auth-token=\(value)
            java -Dapi.token=\(value) --session-token -\(value) ---api_token=\(value) --token --secret-key \(value)
            """.utf8))
        // The named-pair rule's name after each spacing its lookbehind spells out and one it does
        // not, a name without a keyword beside one with it, a dotted name, a name that is cut.
        inputs.append(Array("""
            {"name":"sessionid","value":"\(value)"} {"name": "X-Api-Key", "path": "/", "value": "\(value)"}
            {"name" : ".AspNetCore.Session", "value" : "\(value)"} {"name":  "api_token", "value": "\(value)"}
            [{"name": "X-Request-Id", "value": "\(value)"}, {"name": "x-auth-token", "value": "\(value)"}]
            {"credential_type":"RefreshToken","secret":"\(value)"} {"name": "-x_token", "value": "\(value)"}
            {"key": "x-api-key", "value": "\(value)"} {"key":"token","value":"\(value)"} {"value": "\(value)", "key": "api_key"}
            {"value":"\(value)","name":"sessionid"} {"value": "\(value)", "path": "/", "name": "x-api-key"} {"value": "\(value)"}
            """.utf8))
        // A YAML name/value pair (Kubernetes' env), quoted and not, and a `valueFrom:`.
        inputs.append(Array("""
              - name: API_TOKEN
                value: \(value)
              - name: "SESSION_SECRET"
                value: '\(value)'
              - Name: x_api_key
            Value: \(value)
              - name: DB_PASSWORD
                valueFrom: \(value)
            """.utf8))
        for rule in anchoredRules {
            var free = rule
            free.start = nil
            let anchored = TestSupport.matcher([rule])
            let searching = TestSupport.matcher([free])
            XCTAssertNotNil(anchored.rules[0].anchoredPattern)
            var found = 0
            for input in inputs {
                let expected = matches(searching, input)
                XCTAssertEqual(matches(anchored, input), expected, "\(rule.id) on: \(String(decoding: input.prefix(200), as: UTF8.self))")
                found += expected.count
            }
            // The corpora hold fewer HAR and JSON-log pairs (named-pair: 58) than assignments, and
            // pairs written value first only in the lines above and the rule's examples.
            XCTAssertGreaterThan(found, rule.id == "named-pair-reversed" ? 3 : 50, "\(rule.id): too few matches to compare")
        }
    }

    func testAWordIsWalkedBackOnceHoweverManyKeywordsItHolds() {
        let text = Array("a SESSION_TOKEN_KEY=1 -x.api_key: tokenize key".utf8)
        func hits(_ keywords: [String]) -> [Int] {
            let lower = Array(String(decoding: text, as: UTF8.self).lowercased().utf8)
            var positions: [Int] = []
            for keyword in keywords {
                let needle = Array(keyword.utf8)
                for offset in 0...(lower.count - needle.count) where Array(lower[offset..<(offset + needle.count)]) == needle {
                    positions.append(offset)
                }
            }
            return positions.sorted()
        }
        var starts: [Int] = []
        text.withUnsafeBytes { buffer in
            Matcher.matchStarts(.keywordWord, hits: hits(["session", "token", "key"]), in: buffer, into: &starts)
        }
        // SESSION_TOKEN_KEY (2), -x.api_key (22: `-` is a word byte), tokenize (34), key (43).
        XCTAssertEqual(starts, [2, 22, 34, 43])
        text.withUnsafeBytes { buffer in
            Matcher.matchStarts(.keyword, hits: [5, 5, 9], in: buffer, into: &starts)
        }
        XCTAssertEqual(starts, [5, 9])
        // Quoted: only words between quotes (a JSON key), however many keywords they hold; not
        // the first word of a quoted sentence.
        let json = Array(#"{"name": "x_token", "value": 1} token "api_key_token" "token here""#.utf8)
        let positions = [12, 32, 43, 47, 55]
        json.withUnsafeBytes { buffer in
            Matcher.matchStarts(.quotedKeywordWord, hits: positions, in: buffer, into: &starts)
        }
        XCTAssertEqual(starts, [10, 39])
    }

    /// `assigned-keyword-word` admits a word only where the named-value rule's separators and a
    /// value of at least 12 token bytes follow it: no PCRE2 call for calls, comparisons, objects,
    /// short values, variables or a plain word followed by a value.
    func testAnAssignedWordNeedsOneOfTheRulesSeparatorsAndAValue() {
        let value = "Xk2mQ9vT4pL7wR1n"
        // (line, the name a match starts at, or nil)
        let cases: [(String, String?)] = [
            ("API_TOKEN=\(value)", "API_TOKEN"),
            ("export PAYMENTS_API_KEY=\"\(value)\"", "PAYMENTS_API_KEY"),
            ("  \"apiKey\": \"\(value)\",", "apiKey"),
            ("{\\\"token\\\": \\\"\(value)\\\"}", "token"),
            ("api_key => r'\(value)'", "api_key"),
            ("AUTH_TOKEN := `\(value)`", "AUTH_TOKEN"),
            ("let bearerToken: String = \"\(value)\"", "bearerToken"),
            ("var apiToken string = \"\(value)\"", "apiToken"),
            ("public const string AuthToken = @\"\(value)\";", "AuthToken"),
            ("define('SERVICE_SECRET', '\(value)');", "SERVICE_SECRET"),
            ("mycli --api-key \(value) --region eu", "--api-key"),
            ("  - name: API_TOKEN\n    value: x", "API_TOKEN"),
            ("API_TOKEN=null", nil),
            ("api_token = \"short\"", nil),
            ("if api_token == \(value)", nil),
            ("\"session\": {\"id\": 1}", nil),
            ("API_TOKEN=${API_TOKEN}", nil),
            ("x = getToken(\(value))", nil),
            ("log(api_key, \(value))", nil),
            ("mycli -token \(value)", nil),
            ("mycli --auth-token --use-credential-helper-from-env", nil),
            ("the token \(value) was refused", nil),
            ("API_TOKEN\n", nil),
            ("token::\(value)", nil),
        ]
        for (line, name) in cases {
            let text = Array(line.utf8)
            let lower = Array(line.lowercased().utf8)
            var hits: [Int] = []
            for keyword in ["token", "key", "secret", "session", "auth"].map({ Array($0.utf8) }) where lower.count >= keyword.count {
                for offset in 0...(lower.count - keyword.count) where Array(lower[offset..<(offset + keyword.count)]) == keyword {
                    hits.append(offset)
                }
            }
            var starts: [Int] = []
            text.withUnsafeBytes { buffer in
                Matcher.matchStarts(.assignedKeywordWord, hits: hits.sorted(), in: buffer, into: &starts)
            }
            let expected = name.flatMap { line.range(of: $0) }.map { [line.utf8.distance(from: line.startIndex, to: $0.lowerBound)] } ?? []
            XCTAssertEqual(starts, expected, line)
        }
    }

    func testStartIsCheckedWhenRulesAreLoaded() {
        let base = """
            [[rules]]
            id = "x"
            kind = "opaque"
            regex = 'x_key=(?<secret>[a-z]{8})'

            """
        XCTAssertThrowsError(try RuleLoader.load(toml: base + "keywords = [\"x_key\"]\nstart = \"nowhere\"\n", origin: "custom.toml")) { error in
            XCTAssertTrue("\(error)".contains("start must be one of keyword, keyword-word"), "\(error)")
        }
        XCTAssertThrowsError(try RuleLoader.load(toml: base + "start = \"keyword\"\n", origin: "custom.toml")) { error in
            XCTAssertTrue("\(error)".contains("'start' needs keywords"), "\(error)")
        }
        XCTAssertEqual(try RuleLoader.load(toml: base + "keywords = [\"x_key\"]\nstart = \"keyword\"\n", origin: "custom.toml").first?.start, .keyword)
    }

    /// Anchored calls are timed in batches of `Matcher.anchoredClockStride`: a batch over the time
    /// budget stops the rule (named in the failures) as one slow free-search call does, and fewer
    /// calls than a batch are not timed at all (each is bounded by PCRE2's match limit).
    func testAnchoredCallsAreTimedInBatches() throws {
        let rule = try XCTUnwrap(try RuleLoader.load(toml: """
            [[rules]]
            id = "slow"
            kind = "opaque"
            regex = 'x_key=(?<secret>[a-z]{8})'
            keywords = ["x_key"]
            start = "keyword"

            """, origin: "custom.toml").first)
        let matcher = try Matcher(rules: [rule], timeBudget: .zero)
        func failures(attempts: Int) -> [RuleFailure] {
            let input = Array(String(repeating: "x_key=1 ", count: attempts).utf8)
            let scratch = matcher.makeScratch()
            var resume = [0]
            return input.withUnsafeBytes { buffer in
                matcher.scan(buffer, accept: 0..<buffer.count, resume: &resume, scratch: scratch) { _ in }
            }
        }
        XCTAssertEqual(failures(attempts: Matcher.anchoredClockStride - 1), [])
        let stopped = failures(attempts: Matcher.anchoredClockStride * 3)
        XCTAssertEqual(stopped.count, 1)
        XCTAssertEqual(stopped.first?.offset, 8 * (Matcher.anchoredClockStride - 1), "the batch's last attempt")
        XCTAssertTrue(stopped.first?.reason.contains("\(Matcher.anchoredClockStride) match calls at its start positions took longer than") == true,
                      stopped.first?.reason ?? "")
    }

    /// A rule's keyword hits, kept per keyword, are merged in one ascending list.
    func testKeywordHitListsMergeInOrder() {
        XCTAssertEqual(Matcher.mergeSorted([1, 4, 9], [2, 4, 10, 11]), [1, 2, 4, 4, 9, 10, 11])
        XCTAssertEqual(Matcher.mergeSorted([], [3]), [3])
        XCTAssertEqual(Matcher.mergeSorted([5, 6], []), [5, 6])
    }

    private func matches(_ matcher: Matcher, _ input: [UInt8]) -> [RuleMatch] {
        let scratch = matcher.makeScratch()
        var resume = [Int](repeating: 0, count: matcher.rules.count)
        var found: [RuleMatch] = []
        input.withUnsafeBytes { buffer in
            _ = matcher.scan(buffer, accept: 0..<buffer.count, resume: &resume, scratch: scratch) { found.append($0) }
        }
        return found
    }
}
