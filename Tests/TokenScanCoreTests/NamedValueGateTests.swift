import XCTest
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanJudge
@testable import TokenScanEngine
import FixtureKit

/// The name vocabulary (most specific name wins, users' entries first) and the look-alike gate,
/// one shape at a time; the corpus tests measure them together.
final class NamedValueGateTests: XCTestCase {
    let vocabulary = NameVocabulary.builtin

    /// The built-in vocabulary is built from tables generated at build time (start-up): it must
    /// be the vocabulary the file gives when parsed, in the same order.
    func testTheBuiltinVocabularyIsTheWholeFilesVocabulary() throws {
        let text = try XCTUnwrap(EmbeddedResources.files.first { $0.name == "named-values.toml" }?.contents)
        let whole = try NameVocabulary(toml: text, origin: "named-values.toml")
        XCTAssertEqual(vocabulary.classes, whole.classes)
        XCTAssertEqual(vocabulary.entries, whole.entries)
        XCTAssertGreaterThan(whole.entries.count, 10)
        XCTAssertGreaterThan(whole.classes.count, 5)
    }

    func testTheMostSpecificNameDecides() {
        XCTAssertEqual(vocabulary.classify("API_TOKEN")?.id, "token")
        XCTAssertEqual(vocabulary.classify("apiKey")?.id, "api-key")
        XCTAssertEqual(vocabulary.classify("google-refresh-token")?.id, "refresh-token")
        XCTAssertEqual(vocabulary.classify("AWS_SESSION_TOKEN")?.id, "aws-session-token")
        XCTAssertEqual(vocabulary.classify("SESSION_TOKEN")?.id, "session")
        XCTAssertEqual(vocabulary.classify("csrf_token")?.ignore, true)
        XCTAssertEqual(vocabulary.classify("nextPageToken")?.ignore, true)
        XCTAssertNil(vocabulary.classify("max_tokens"))
        XCTAssertNil(vocabulary.classify("token_count"))
    }

    /// An STS session token's header (`valuePrefixes`) names its class under any credential's
    /// name; a name that holds no credential stays one, and other values keep their name's class.
    func testAValuesOwnHeaderNamesItsClass() {
        let sts = Array(("IQoJb3JpZ2luX2VjE" + String(repeating: "Q", count: 40)).utf8)
        XCTAssertEqual(vocabulary.classify("SessionToken", value: sts)?.id, "aws-session-token")
        XCTAssertEqual(vocabulary.classify("sessionToken", value: Array("Xk2mQ9vT4pL7wR1nB8cF3dG6hJ0sA5eZ".utf8))?.id, "session")
        XCTAssertEqual(vocabulary.classify("csrf_token", value: sts)?.ignore, true)
        XCTAssertNil(vocabulary.classify("max_tokens", value: sts))
        XCTAssertEqual(vocabulary.classify("SecretAccessKey")?.id, "aws-secret-access-key")
        XCTAssertEqual(vocabulary.classify("aws_secret_access_key")?.id, "aws-secret-access-key")
    }

    /// Session cookies by the names the frameworks give them; a dotted name is one name.
    func testSessionCookieNames() {
        for name in ["JSESSIONID", "PHPSESSID", "sessionid", "ASP.NET_SessionId", ".ASPXAUTH", "connect.sid", "_shop_session",
                     "laravel_session", "session", ".AspNetCore.Session", ".AspNetCore.Cookies", ".AspNetCore.Identity.Application",
                     "PLAY_SESSION", "rack.session", "wordpress_logged_in_5c0f3e"] {
            XCTAssertEqual(vocabulary.classify(name)?.id, "session", name)
        }
        XCTAssertEqual(vocabulary.classify("ai_session")?.ignore, true, "Application Insights' analytics")
        XCTAssertEqual(vocabulary.classify("XSRF-TOKEN")?.ignore, true)
        for name in ["_ga", "_fbp", "sid", "app.sid", "AspNetCore.Culture", "cookies"] { XCTAssertNil(vocabulary.classify(name), name) }
    }

    /// The matcher reads only names that hold one of the rule's keywords: a credential's name
    /// without one would never be read (names that exclude, `csrf*`, only refine ones that do).
    /// A signed URL's signature is read as a pair only (a HAR `queryString`), not as an assignment:
    /// `sig=` in a URL is the signed-URL rules' (`named-pair` holds `sig`, `named-value` does not).
    func testEveryBuiltinNameHoldsAKeywordOfTheRule() throws {
        for id in ["named-value", "named-pair"] {
            let rule = try XCTUnwrap(try RuleCatalog.builtin().first { $0.id == id })
            for entry in vocabulary.entries where vocabulary.classes[entry.classID]?.ignore == false
                && (id == "named-pair" || entry.classID != "url-signature") {
                XCTAssertTrue(rule.keywords.contains { entry.core.contains($0.lowercased().filter { $0 != "_" && $0 != "-" }) }, "\(id): \(entry.core)")
            }
        }
    }

    func testAdditionsComeFirstAndMayUseBuiltinClasses() throws {
        let additions = try NameVocabulary(toml: "[[names]]\nclass = \"refresh-token\"\nnames = [\"*blob\"]\n", origin: "test",
                                           known: vocabulary.classes)
        let merged = vocabulary.merging(additions)
        XCTAssertEqual(merged.classify("ACME_BLOB")?.id, "refresh-token")
        XCTAssertThrowsError(try NameVocabulary(toml: "[[names]]\nclass = \"nope\"\nnames = [\"x\"]\n", origin: "test"))
        XCTAssertThrowsError(try NameVocabulary(toml: "[[names]]\nclass = \"token\"\nnames = [\"a*b\"]\n", origin: "test",
                                                known: vocabulary.classes))
    }

    func testEachLookAlikeShapeIsDismissedAndRandomTokensPass() throws {
        let token = try XCTUnwrap(vocabulary.classes["token"])
        let apiKey = try XCTUnwrap(vocabulary.classes["api-key"])
        for (value, why) in [
            ("550e8400-e29b-41d4-a716-446655440000", "UUID"), ("2fd4e1c67a2d28fced849ee1bb76e7391b93eb12", "git SHA"),
            ("v12.4.1-beta.3", "version"), ("/var/run/secrets/token", "path"), ("config/secrets/apiToken", "path"),
            ("https://oauth2.googleapis.com/token", "URL"), ("getAccessTokenFromProviderCache", "camelCase"),
            ("user_profile_cache_handler", "snake_case"), ("USER_PROFILE_CACHE_HANDLER", "SCREAMING_CASE"),
            ("process.env.API_TOKEN", "environment"), ("${API_TOKEN}", "environment"), ("abcdefghijklmnopqr42", "counting"),
            ("01234567890123456789", "digits"), ("Y2hhbmdlbWUtdmFsdWUtZGV2", "base64 of text"),
        ] {
            XCTAssertNotEqual(NamedValueGate.judge(Array(value.utf8), as: token), .credential, "\(why): \(value)")
        }
        XCTAssertEqual(NamedValueGate.judge(Array("550e8400-e29b-41d4-a716-446655440000".utf8), as: apiKey), .credential,
                       "a UUID is a credential under an API key's name (Heroku)")
        var random = SplitMix64(seed: 15)
        let alphabets = ["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~",
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"]
        var rejected: [String] = []
        var drawn = 0
        while drawn < 3000 {
            let alphabet = Array(alphabets[drawn % 3])
            let value = Array((0..<random.int(20...64)).map { _ in alphabet[random.below(alphabet.count)] })
            let bytes = Array(String(value).utf8)
            // Placeholder words inside random text are another part of issue #15.
            if Placeholder.isPlaceholder(bytes) { continue }
            drawn += 1
            if NamedValueGate.judge(bytes, as: token) != .credential { rejected.append(String(value)) }
        }
        XCTAssertLessThanOrEqual(rejected.count, 3, "random tokens rejected: \(rejected.prefix(10))")
    }

    /// Names are classified on bytes (fast); the result must be the one the String forms give
    /// (`normalize`/`normalizeWhole`, then the most specific entry), for every built-in name and
    /// random names made of the bytes names hold (dots, `_`, `-`, case, leading and doubled dots,
    /// non-ASCII letters).
    func testByteClassificationAgreesWithTheStringForms() {
        func reference(_ name: String) -> String? {
            let last = NameVocabulary.normalize(name)
            guard !last.isEmpty else { return nil }
            let whole = NameVocabulary.normalizeWhole(name)
            var best: NameVocabulary.Entry?
            for entry in vocabulary.entries {
                let subject = entry.dotted ? whole : last
                let hit = switch (entry.anyPrefix, entry.anySuffix) {
                case (false, false): subject == entry.core
                case (true, false): subject.hasSuffix(entry.core)
                case (false, true): subject.hasPrefix(entry.core)
                case (true, true): subject.contains(entry.core)
                }
                if hit && (best == nil || entry.core.count > best!.core.count) { best = entry }
            }
            return best?.classID
        }
        var names = vocabulary.entries.map(\.core)
        names += ["", ".", "..", "a.b.", "x._", "._", ".AspNetCore.Session", "SESSION.", "Ünïcode_Token", "straße_key", "api key"]
        var random = SplitMix64(seed: 0x5EED)
        let parts = ["api", "API", "_", "-", ".", "token", "Token", "key", "KEY", "session", "id", "refresh", "csrf", "sid",
                     "connect", "aspnetcore", "secret", "ö", " ", "x", "9"]
        for _ in 0..<4000 {
            names.append((0..<Int.random(in: 1...6, using: &random)).map { _ in parts.randomElement(using: &random)! }.joined())
        }
        for name in names {
            XCTAssertEqual(vocabulary.classify(name)?.id, reference(name).flatMap { vocabulary.classes[$0]?.id }, "name: \(name)")
        }
    }
}
