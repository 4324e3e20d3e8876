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
import FuzzKit

/// Bounded, deterministic fuzzing of everything that parses hostile input: random and mutated
/// inputs must never crash, hang or break an invariant. Each case is a seed; a failure names it,
/// and a seed that once failed belongs in `regressionSeeds`.
final class FuzzTests: XCTestCase {
    static let regressionSeeds: [UInt64] = []

    func bytes(_ generator: inout SplitMix, maxLength: Int, alphabet: [UInt8]? = nil) -> [UInt8] {
        let length = Int(generator.next() % UInt64(maxLength + 1))
        return (0..<length).map { _ in
            let value = UInt8(truncatingIfNeeded: generator.next())
            return alphabet.map { $0[Int(value) % $0.count] } ?? value
        }
    }

    /// Mutates a valid token: flips, inserts, deletes, duplicates segments.
    func mutate(_ input: [UInt8], _ generator: inout SplitMix) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int(1 + generator.next() % 4) where !bytes.isEmpty {
            let index = Int(generator.next() % UInt64(bytes.count))
            switch generator.next() % 4 {
            case 0: bytes[index] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            case 1: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: index)
            case 2: bytes.remove(at: index)
            default: bytes.insert(contentsOf: bytes[index..<min(bytes.count, index + 20)], at: index)
            }
        }
        return bytes
    }

    func testJWTDecoderAndAnalyzerNeverCrash() {
        let base = Array(TokenMinter.jwt(claims: ["sub": "f", "scope": ["a", "b"], "exp": 1_900_000_000, "nested": ["x": [1, 2, ["y": true]]]]).utf8)
        let alphabet = Array("eyJ.ABCabc012-_=+/{}\":,".utf8)
        var generator = SplitMix(seed: 1)
        let analyzer = Analyzer(settings: TestSupport.settings())
        let rule = TestSupport.builtinRules().first { $0.id == "jwt" }!
        for seed in Self.regressionSeeds + (0..<3000).map(UInt64.init) {
            generator = SplitMix(seed: seed)
            let input = seed % 2 == 0 ? mutate(base, &generator) : bytes(&generator, maxLength: 300, alphabet: alphabet)
            if case .success(let jwt) = JWT.decode(input) {
                XCTAssertTrue(jwt.form == .jws || jwt.form == .jwe, "seed \(seed)")
            }
            let hit = SearchHit(ruleIndex: 0, secret: input, byteRange: 0..<input.count, start: TextPosition(line: 1, column: 1),
                                end: TextPosition(line: 1, column: 1), context: input, secretInContext: 0..<input.count)
            if case .success(let finding) = analyzer.analyze(hit, rule: rule, path: "fuzz") {
                XCTAssertTrue(finding.severity.scoreRange.contains(finding.score), "seed \(seed)")
            }
        }
    }

    func testDeeplyNestedClaimsHitTheDepthLimitNotTheStack() {
        for depth in [100, 1000, 10_000, 100_000] {
            let json = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let token = Base64.urlEncode(Array(#"{"alg":"HS256"}"#.utf8)) + "." + Base64.urlEncode(Array("{\"a\":\(json)}".utf8)) + ".c2ln"
            XCTAssertEqual(JWT.decode(Array(token.utf8)), .failure(.limitExceeded(.depth(segment: 1, limit: JWT.maxDepth), header: ["alg": "HS256"])),
                           "depth \(depth)")
        }
    }

    func testBase64DecoderAgreesWithFoundation() {
        var generator = SplitMix(seed: 2)
        for _ in 0..<3000 {
            let raw = bytes(&generator, maxLength: 64)
            let standard = Data(raw).base64EncodedString()
            XCTAssertEqual(Base64.decode(Array(standard.utf8)), raw)
            XCTAssertEqual(Base64.decode(Array(Base64.urlEncode(raw).utf8)), raw)
            let garbage = bytes(&generator, maxLength: 40)
            if let decoded = Base64.decode(garbage), let foundation = Data(base64Encoded: Data(garbage)) {
                XCTAssertEqual(decoded, Array(foundation))
            }
        }
    }

    /// Inputs that once crashed the scanner (toml++ asserts on them); each must be a clean error.
    func testCrashRegressions() {
        let crashes = [
            "[[rules]]\nid = \"x\"\n[\u{E9}[rules.examples]]\n",          // non-ASCII in a table header
            "[[rules]]\nid = \"x\"\n[[\nkeywords = [x\"]\n",               // a table header without a key
            "[ \n",
            "[[\t=",
            "s=[}", "s=[1,}", "s = {a=[}}", "s=[[}]",                        // a closer of the other kind (fuzz-rules)
        ]
        for text in crashes {
            XCTAssertThrowsError(try RuleLoader.load(toml: text, origin: "crash.toml")) { error in
                XCTAssertNotNil((error as? RuleError)?.line, "\(error)")
            }
            XCTAssertThrowsError(try Configuration.parse(text, path: "crash.toml"))
        }
        // Valid documents that look similar are still accepted.
        XCTAssertNoThrow(try TOMLDocument.precheck("x = [\n  [1, 2],\n  [ [3] ],\n]\n[a]\n[[b]]\n[ \"q\" ]\ny = { z = [1] }\n# ünïcode ok\ns = 'é'\nt = [{a = [1]}, '}]', \"[}\"]\n"))
    }

    func testRuleLoaderRejectsGarbageWithErrors() {
        var generator = SplitMix(seed: 3)
        let valid = Array("""
            [[rules]]
            id = "x"
            regex = '''(?<secret>x[0-9]+)'''
            keywords = ["x"]
            [[rules.examples]]
            text = "x1"
            """.utf8)
        for seed in 0..<6000 {
            let text = String(decoding: seed % 2 == 0 ? mutate(valid, &generator) : bytes(&generator, maxLength: 200), as: UTF8.self)
            if let rules = try? RuleLoader.load(toml: text, origin: "fuzz.toml") {
                _ = try? Matcher(rules: rules) // compile errors are errors, never crashes
            }
        }
    }

    /// Whatever the chunk size and read pattern, a streamed search equals a whole-buffer search.
    func testChunkedSearchEqualsWholeBuffer() throws {
        let matcher = TestSupport.matcher(TestSupport.smallWindowRules())
        let tokens = (0..<4).map { TokenMinter.jwt(claims: ["sub": .string("c\($0)")]) } + ["Bearer 8f14e45fceea167a5a36dedd4bea2543b1c9"]
        for seed in UInt64(0)..<60 {
            var generator = SplitMix(seed: seed)
            var input: [UInt8] = []
            while input.count < 6000 {
                if generator.next() % 5 == 0 {
                    input += Array(tokens[Int(generator.next() % UInt64(tokens.count))].utf8)
                } else {
                    input += bytes(&generator, maxLength: 80)
                }
            }
            let (reference, _) = try TestSupport.hits(input, matcher: matcher)
            let (chunked, _) = try TestSupport.hits(input, matcher: matcher, chunkSize: Int(1 + generator.next() % 900),
                                                    maxRead: Int(1 + generator.next() % 700))
            XCTAssertEqual(chunked.map(\.byteRange), reference.map(\.byteRange), "seed \(seed)")
            XCTAssertEqual(chunked.map(\.start), reference.map(\.start), "seed \(seed)")
        }
    }

    /// Every input a libFuzzer target (`scripts/fuzz`) once failed on is kept in
    /// `Fixtures/fuzz-regressions/<target>/` and replayed here through the same target body; the
    /// bodies also run on generated inputs of their kind, so that a broken harness shows here too.
    func testFuzzTargetsOnRegressionsAndGeneratedInputs() throws {
        let regressions = TestSupport.repositoryRoot.appendingPathComponent("Fixtures/fuzz-regressions")
        XCTAssertTrue(FileManager.default.fileExists(atPath: regressions.path))
        var inputs: [(String, String, [UInt8])] = []
        for target in FuzzTargets.names {
            let directory = regressions.appendingPathComponent(target)
            for file in ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted() where !file.hasPrefix(".") {
                inputs.append((target, file, Array(try Data(contentsOf: directory.appendingPathComponent(file)))))
            }
        }
        var generator = SplitMix(seed: 8)
        let tokens = [TokenMinter.jwt(claims: ["sub": "f", "scope": "repo"]), TokenMinter.jwt(alg: "none", claims: ["sub": "n"]),
                      "Authorization: Bearer 8f14e45fceea167a5a36dedd4bea2543b1c9"]
        let rules = try String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("Rules/jwt.toml"), encoding: .utf8)
        // A whole Biscuit, mutated: the wire reader and the Datalog printer meet every kind of damage.
        let biscuit = TokenMinter.biscuitBytes(blocks: [
            Biscuit.Block(facts: [Biscuit.Predicate("right", [.string("f"), .string("write")])], checks: [Biscuit.expiryCheck(1_900_000_000)]),
            Biscuit.Block(checks: [Biscuit.operationCheck(["read", "list"])]),
        ], seed: "fuzz")
        for round in 0..<40 {
            let token = Array(tokens[round % tokens.count].utf8)
            inputs.append(("jwt", "generated \(round)", mutate(token, &generator)))
            inputs.append(("decoders", "generated \(round)", bytes(&generator, maxLength: 600)))
            inputs.append(("decoders", "biscuit \(round)", mutate(biscuit, &generator)))
            inputs.append(("rules", "generated \(round)", round == 0 ? Array(rules.utf8) : mutate(Array(rules.utf8.prefix(900)), &generator)))
            inputs.append(("searcher", "generated \(round)", [UInt8(round), UInt8(round * 7 % 256)] + bytes(&generator, maxLength: 300) + token + bytes(&generator, maxLength: 300)))
        }
        for (target, name, data) in inputs {
            FuzzTargets.run(target, data) { XCTFail("\(target) \(name): \($0)") }
        }
    }

    func testGzipOfRandomBytesFailsCleanly() {
        var generator = SplitMix(seed: 4)
        for _ in 0..<500 {
            var source = try! GzipSource(MemorySource([0x1F, 0x8B, 0x08, 0x00] + bytes(&generator, maxLength: 400)), path: "fuzz.gz")
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
            defer { buffer.deallocate() }
            var total = 0
            while let count = try? source.read(into: buffer), count > 0 { total += count }
            XCTAssertLessThan(total, 100 << 20)
        }
    }
}
