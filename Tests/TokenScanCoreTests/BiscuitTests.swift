import Foundation
import XCTest
import FixtureKit
@testable import TokenFormats
@testable import TokenScanJudge

/// Biscuit tokens taken apart (`Protobuf`, `Biscuit`): the wire reader on hostile and cut input,
/// every published sample of the specification read to the Datalog the specification lists for
/// it, the expiry and scope facts, and the rule file's examples checked against the minter they
/// claim to come from.
final class BiscuitTests: XCTestCase {
    // MARK: Wire reader

    private func slice(_ bytes: [UInt8]) -> ArraySlice<UInt8> { bytes[...] }

    func testWireReaderReadsEveryWireTypeAndRefusesHostileInput() throws {
        let message: [UInt8] = Protobuf.encode(1, varint: 300) + Protobuf.encode(2, bytes: Array("hi".utf8))
            + [0x19] + [1, 0, 0, 0, 0, 0, 0, 0] + [0x25, 2, 0, 0, 0]
        let fields = try Protobuf.fields(message[...]).get()
        XCTAssertEqual(fields.map(\.number), [1, 2, 3, 4])
        XCTAssertEqual(fields[0].varint, 300)
        XCTAssertEqual(fields[1].bytes.map(Array.init), Array("hi".utf8))
        XCTAssertEqual(fields[2].value, .fixed64(1))
        XCTAssertEqual(fields[3].value, .fixed32(2))
        // Every cut of a message with a length-delimited field ends inside a field.
        for cut in 1..<message.count where ![3, 7, 16].contains(cut) {
            XCTAssertEqual(Protobuf.fields(message[..<cut]).failure, .truncated, "cut at \(cut)")
        }
        XCTAssertEqual(Protobuf.fields(slice([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])).failure, .truncated, "a length past the end")
        XCTAssertEqual(Protobuf.fields(slice([0x08] + [UInt8](repeating: 0xFF, count: 11))).failure, .overlongVarint)
        XCTAssertEqual(Protobuf.fields(slice([0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x02])).failure, .overlongVarint, "bit 64")
        XCTAssertEqual(try Protobuf.fields(slice([0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x01])).get().first?.varint, .max)
        XCTAssertEqual(Protobuf.fields(slice([0x00, 0x01])).failure, .invalidFieldNumber)
        XCTAssertEqual(Protobuf.fields(slice([0x0B])).failure, .unsupportedWireType(3), "a group")
        XCTAssertEqual(Protobuf.fields(slice([0x0F, 0x00])).failure, .unsupportedWireType(7))
        // A field read from the middle of a buffer keeps its indices.
        let slice = message[3...]
        XCTAssertNoThrow(try Protobuf.fields(slice).get())
    }

    /// Random bytes, cut tokens and bytes flipped in real ones never trap, and a reading that
    /// succeeds is a Biscuit whose Datalog prints.
    func testReaderNeverTrapsOnHostileInput() throws {
        var generator = SplitMix64(seed: 21)
        let samples = try Self.samples()
        for round in 0..<3000 {
            var bytes: [UInt8]
            switch round % 3 {
            case 0: bytes = generator.bytes(Int(generator.next() % 400))
            case 1:
                bytes = Biscuit.bytes(of: Array(samples[round % samples.count].token.utf8))!
                for _ in 0..<(1 + round % 5) { bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next()) }
            default:
                bytes = Biscuit.bytes(of: Array(samples[round % samples.count].token.utf8))!
                bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
            }
            if case .success(let biscuit) = Biscuit.decode(Array(Base64.urlEncode(bytes).utf8)) {
                for index in biscuit.blocks.indices { _ = biscuit.datalog(block: index) }
                _ = (biscuit.expiry, biscuit.rights)
            }
        }
    }

    // MARK: The specification's samples

    struct Sample {
        var file: String
        var token: String
        var blocks: [String]
    }

    /// The samples as `Rules/doc-samples.txt` keeps them, with the Datalog samples.json lists.
    static func samples() throws -> [Sample] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("Golden/biscuit-samples.json"))) as! [String: Any]
        let blocks = expected["samples"] as! [String: [[String: Any]]]
        let lines = try String(contentsOf: root.appendingPathComponent("../../Rules/doc-samples.txt").standardizedFileURL, encoding: .utf8)
            .split(separator: "\n").filter { $0.contains("Biscuit specification sample ") }
        return lines.map { line in
            let parts = line.split(separator: " ")
            let file = String(parts[4])
            return Sample(file: file, token: String(parts[0]), blocks: blocks[file]!.map { $0["code"] as! String })
        }
    }

    func testEverySampleDecodesToTheDatalogTheSpecificationLists() throws {
        let samples = try Self.samples()
        XCTAssertEqual(samples.count, 28)
        for sample in samples {
            let biscuit = try Biscuit.decode(Array(sample.token.utf8)).get()
            XCTAssertEqual(biscuit.blocks.count, sample.blocks.count, sample.file)
            var expected = sample.blocks
            switch sample.file {
            // Two samples were tampered with after samples.json's Datalog was written: test004's
            // block 1 is random bytes, test006's blocks 1 and 2 are swapped.
            case "test004_random_block.bc":
                expected[1] = "// Datalog not read: its block is not a protobuf message;\n"
                XCTAssertEqual(biscuit.blocks[1].unreadable, "its block is not a protobuf message")
            case "test006_reordered_blocks.bc": expected.swapAt(1, 2)
            default: break
            }
            for (index, code) in expected.enumerated() where index < biscuit.blocks.count {
                let printed = biscuit.datalog(block: index).map { $0 + ";\n" }.joined()
                XCTAssertEqual(printed, code, "\(sample.file) block \(index)")
            }
            XCTAssertTrue(Biscuit.hasShape(Array(sample.token.utf8)), sample.file)
            XCTAssertTrue(BiscuitDecoder().recognises(Array(sample.token.utf8)), sample.file)
        }
        let sealed = try XCTUnwrap(samples.first { $0.file == "test020_sealed.bc" })
        XCTAssertTrue(try Biscuit.decode(Array(sealed.token.utf8)).get().sealed)
        let thirdParty = try XCTUnwrap(samples.first { $0.file == "test024_third_party.bc" })
        XCTAssertEqual(try Biscuit.decode(Array(thirdParty.token.utf8)).get().blocks[1].externalKey,
                       "ed25519/acdd6d5b53bfee478bf689f8e012fe7988bf755e3d7c5152947abc149bc20189")
    }

    /// test009's `check if time($time), $time <= 2018-12-20T00:00:00Z` is its expiry; test001's
    /// authority rights, narrowed by its block 1 check to reading, are its scope.
    func testSampleExpiryAndRights() throws {
        let samples = try Self.samples()
        let expired = try Biscuit.decode(Array(samples.first { $0.file == "test009_expired_token.bc" }!.token.utf8)).get()
        XCTAssertEqual(expired.expiry, 1_545_264_000)
        let basic = try Biscuit.decode(Array(samples.first { $0.file == "test001_basic.bc" }!.token.utf8)).get()
        XCTAssertNil(basic.expiry)
        // Its block 1 check holds only for `operation("read")`: the write right is narrowed away.
        XCTAssertEqual(basic.allowedOperations, ["read"])
        XCTAssertEqual(basic.rights, ["file1:read", "file2:read"])
        // test013's rules on time are rules, not checks: no expiry.
        XCTAssertNil(try Biscuit.decode(Array(samples.first { $0.file == "test013_block_rules.bc" }!.token.utf8)).get().expiry)
    }

    // MARK: Claims

    func testExpiryIsTheEarliestTimeCheckOverAllBlocks() throws {
        let authority = Biscuit.Block(facts: [Biscuit.Predicate("right", [.string("file1"), .string("write")])], checks: [Biscuit.expiryCheck(2_000_000_000)])
        let attenuation = Biscuit.Block(checks: [Biscuit.expiryCheck(1_900_000_000), Biscuit.operationCheck(["read"])])
        let token = TokenMinter.biscuit(blocks: [authority, attenuation], seed: "narrow")
        let biscuit = try Biscuit.decode(Array(token.utf8)).get()
        XCTAssertEqual(biscuit.expiry, 1_900_000_000)
        XCTAssertEqual(biscuit.allowedOperations, ["read"])
        XCTAssertEqual(biscuit.rights, [], "the write right is narrowed away, and no right is left")
        XCTAssertEqual(biscuit.datalog(block: 1), [
            "check if time($time), $time <= 2030-03-17T17:46:40Z", "check if operation(\"read\")",
        ])
        // Without attenuation the write right stands.
        let whole = try Biscuit.decode(Array(TokenMinter.biscuit(blocks: [authority], seed: "w").utf8)).get()
        XCTAssertEqual(whole.rights, ["file1:write"])
        XCTAssertEqual(whole.expiry, 2_000_000_000)
    }

    func testOnlyCertainBoundsCount() throws {
        func expiry(_ ops: [Biscuit.Op], body: [Biscuit.Predicate] = [Biscuit.Predicate("time", [.variable("t")])]) throws -> Double? {
            let block = Biscuit.Block(checks: [Biscuit.Check(queries: [Biscuit.Rule(body: body, expressions: [ops])])])
            return try Biscuit.decode(Array(TokenMinter.biscuit(blocks: [block], seed: "b").utf8)).get().expiry
        }
        let t = Biscuit.Op.value(.variable("t"))
        let date = Biscuit.Op.value(.date(1_900_000_000))
        XCTAssertEqual(try expiry([t, date, .binary(.lessThan)]), 1_900_000_000)
        XCTAssertEqual(try expiry([date, t, .binary(.greaterOrEqual)]), 1_900_000_000, "written the other way round")
        XCTAssertEqual(try expiry([t, date, .binary(.lessThan), .value(.bool(true)), .binary(.and), .unary(.parens)]), 1_900_000_000)
        XCTAssertNil(try expiry([t, date, .binary(.lessThan), .value(.bool(true)), .binary(.or)]), "either side may hold")
        XCTAssertNil(try expiry([t, date, .binary(.lessThan), .unary(.negate)]))
        XCTAssertNil(try expiry([t, date, .binary(.greaterThan)]), "a lower bound is no expiry")
        XCTAssertNil(try expiry([t, date, .binary(.lessThan)], body: [Biscuit.Predicate("created", [.variable("t")])]), "not the request's time")
        XCTAssertNil(try expiry([t, .binary(.lessThan)]), "an expression that does not evaluate")
        // Two queries (`or`): the looser bound.
        let either = Biscuit.Check(queries: [1_800_000_000, 1_900_000_000].map {
            Biscuit.Rule(body: [Biscuit.Predicate("time", [.variable("t")])], expressions: [[t, .value(.date($0)), .binary(.lessOrEqual)]])
        })
        let token = TokenMinter.biscuit(blocks: [Biscuit.Block(checks: [either])], seed: "or")
        XCTAssertEqual(try Biscuit.decode(Array(token.utf8)).get().expiry, 1_900_000_000)
    }

    func testOperationSetsNarrowRights() throws {
        let authority = Biscuit.Block(facts: [
            Biscuit.Predicate("right", [.string("/a"), .string("read")]), Biscuit.Predicate("right", [.string("/a"), .string("write")]),
            Biscuit.Predicate("role", [.string("admin")]),
        ])
        let token = TokenMinter.biscuit(blocks: [authority, Biscuit.Block(checks: [Biscuit.operationCheck(["read", "list"])])], sealed: true, seed: "set")
        let biscuit = try Biscuit.decode(Array(token.utf8)).get()
        XCTAssertTrue(biscuit.sealed)
        XCTAssertEqual(biscuit.allowedOperations, ["read", "list"])
        XCTAssertEqual(biscuit.rights, ["/a:read", "admin"], "roles are not operations: kept")
        XCTAssertEqual(biscuit.datalog(block: 1), ["check if operation($op), [\"read\", \"list\"].contains($op)"])
    }

    // MARK: Shape, cuts, look-alikes

    func testCutTokensAndOtherProtobufs() throws {
        let token = TokenMinter.biscuit(blocks: [Biscuit.Block(facts: [Biscuit.Predicate("user", [.string("u-1")])])], seed: "cut")
        XCTAssertTrue(token.hasPrefix("E"))
        for cut in [1, 2, 5, 40, 60, token.count - 70] {
            XCTAssertEqual(Biscuit.decode(Array(token.dropLast(cut).utf8)).failure, .truncated, "cut \(cut)")
        }
        XCTAssertEqual(try Biscuit.decode(Array(("biscuit:" + token).utf8)).get().blocks.count, 1)
        // Another message that happens to start with field 2: not the Biscuit's layout.
        let other = Base64.urlEncode(Protobuf.encode(2, bytes: Protobuf.encode(1, bytes: Array("x".utf8))) + TokenMinter.bytes(count: 90, seed: "o"))
        XCTAssertFalse(Biscuit.hasShape(Array(other.utf8)))
        XCTAssertEqual(Biscuit.decode(Array(other.utf8)).failure, .notBiscuit)
        XCTAssertEqual(Biscuit.decode(Array(Base64.urlEncode(TokenMinter.bytes(count: 150, seed: "r")).utf8)).failure, .notBiscuit)
        // Data after the proof is no Biscuit's.
        guard case .malformed = Biscuit.decode(Array(Base64.urlEncode(Biscuit.bytes(of: Array(token.utf8))! + Protobuf.encode(9, varint: 1)).utf8)).failure else {
            return XCTFail("a field after the proof")
        }
        // Public keys as Biscuit's tools print them.
        XCTAssertTrue(Biscuit.isPublicKey(Array("ed25519/acdd6d5b53bfee478bf689f8e012fe7988bf755e3d7c5152947abc149bc20189".utf8)))
        XCTAssertTrue(Biscuit.isPublicKey(Array(("secp256r1/02" + String(repeating: "ab", count: 32)).utf8)))
        XCTAssertFalse(Biscuit.isPublicKey(Array("ed25519/acdd6d5b".utf8)))
    }

    func testRulesDatesAndTermsPrint() {
        XCTAssertEqual(Biscuit.rfc3339(0), "1970-01-01T00:00:00Z")
        XCTAssertEqual(Biscuit.rfc3339(1_545_264_000), "2018-12-20T00:00:00Z")
        XCTAssertEqual(Biscuit.rfc3339(951_782_400), "2000-02-29T00:00:00Z")
        XCTAssertEqual(Biscuit.text(.bytes([0x12, 0xab])), "hex:12ab")
        XCTAssertEqual(Biscuit.text(.set([.integer(-1), .bool(false)])), "[-1, false]")
    }

    // MARK: Rule file

    /// Rules/biscuit.toml's examples are what `TokenMinter.biscuit` mints for the Datalog their
    /// comments state (so nothing there was written by hand or taken from a live system).
    func testRuleExamplesComeFromTheMinter() throws {
        let rules = TestSupport.builtinRules().filter { $0.id.hasPrefix("biscuit") }
        let secrets = rules.flatMap(\.examples).compactMap(\.secret)
        XCTAssertEqual(secrets, BiscuitExamples.minted)
    }
}

/// The tokens Rules/biscuit.toml's examples hold, minted.
enum BiscuitExamples {
    static let now: UInt64 = 1_767_225_600  // 2026-01-01T00:00:00Z, the CLI tests' `--now`
    static var minted: [String] {
        let writeFile = Biscuit.Predicate("right", [.string("/srv/reports"), .string("write")])
        let readFile = Biscuit.Predicate("right", [.string("/srv/reports"), .string("read")])
        return [
            // An admin token without expiry: critical.
            TokenMinter.biscuit(blocks: [Biscuit.Block(facts: [Biscuit.Predicate("user", [.string("ops-bot")]), Biscuit.Predicate("role", [.string("admin")])])], seed: "example/admin"),
            // Read and write, expiring in a month: high.
            TokenMinter.biscuit(blocks: [Biscuit.Block(facts: [readFile, writeFile], checks: [Biscuit.expiryCheck(now + 30 * 86_400)])], seed: "example/write"),
            // Attenuated to reading: medium.
            TokenMinter.biscuit(blocks: [
                Biscuit.Block(facts: [readFile, writeFile]), Biscuit.Block(checks: [Biscuit.operationCheck(["read"]), Biscuit.expiryCheck(now + 3600 * 8)]),
            ], seed: "example/attenuated"),
            // Expired: low.
            TokenMinter.biscuit(blocks: [Biscuit.Block(facts: [writeFile], checks: [Biscuit.expiryCheck(now - 86_400)])], seed: "example/expired"),
        ]
    }
}

/// Deterministic bytes for the hostile-input test (SplitMix64).

private extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
