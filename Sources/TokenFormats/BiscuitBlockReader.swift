/// Reads a Biscuit's serialised blocks (`Block { symbols = 1; context = 2; version = 3; facts = 4;
/// rules = 5; checks = 6; scope = 7; publicKeys = 8 }`, schema.proto) into Datalog with the
/// symbol and public key tables applied.
///
/// The tables follow SPECIFICATIONS.md ("Symbol table", "Public key tables"): the default
/// symbols, then each block's `symbols` appended in block order, so a later block reads the
/// symbols of the ones before it; a third-party block (one with an external signature) starts
/// from the default symbols and an empty key table of its own, and later blocks ignore its tables.
///
/// A block whose Datalog does not read (a symbol that is not in the table, a message that is not
/// well formed) is kept with the reason: its signature chain was whole, so the token is still one.
/// Nesting is bounded: sets hold terms but no sets (the specification forbids them), and an
/// expression is a flat list of operations, so no input makes this reader recurse.
enum BlockReader {
    struct Unreadable: Error {
        var reason: String
    }

    static func read(_ signed: [Biscuit.SignedBlock]) -> [Biscuit.Block] {
        var symbols = Biscuit.defaultSymbols
        var keys: [String] = []
        return signed.map { signed in
            guard case .success(let fields) = Protobuf.fields(signed.block) else {
                var block = Biscuit.Block(version: nil)
                block.unreadable = "its block is not a protobuf message"
                block.externalKey = signed.externalKey
                return block
            }
            let ownSymbols = fields.filter { $0.number == 1 }.compactMap { $0.bytes.map { String(decoding: $0, as: UTF8.self) } }
            let ownKeys = fields.filter { $0.number == 8 }.compactMap { $0.bytes.flatMap(Biscuit.publicKey) }
            var block: Biscuit.Block
            if signed.externalKey != nil {
                block = read(fields, symbols: Biscuit.defaultSymbols + ownSymbols, keys: ownKeys)
            } else {
                symbols += ownSymbols
                keys += ownKeys
                block = read(fields, symbols: symbols, keys: keys)
            }
            block.externalKey = signed.externalKey
            return block
        }
    }

    private static func read(_ fields: [Protobuf.Field], symbols: [String], keys: [String]) -> Biscuit.Block {
        let reader = BlockReader.Tables(symbols: symbols, keys: keys)
        var block = Biscuit.Block(version: nil)
        do throws(Unreadable) {
            for field in fields {
                switch (field.number, field.value) {
                case (1, .bytes): break
                case (2, .bytes(let context)): block.context = String(decoding: context, as: UTF8.self)
                case (3, .varint(let version)): block.version = UInt32(truncatingIfNeeded: version)
                case (4, .bytes(let fact)):
                    let predicate = try reader.message(fact).first { $0.number == 1 }?.bytes
                    guard let predicate else { throw Unreadable(reason: "a fact has no predicate") }
                    block.facts.append(try reader.predicate(predicate))
                case (5, .bytes(let rule)): block.rules.append(try reader.rule(rule))
                case (6, .bytes(let check)): block.checks.append(try reader.check(check))
                case (7, .bytes(let scope)): block.scopes.append(try reader.scope(scope))
                case (8, .bytes): break
                default: throw Unreadable(reason: "the block has a field \(field.number) this reader does not know")
                }
            }
        } catch {
            block.unreadable = error.reason
        }
        return block
    }

    /// The tables one block's Datalog is read with.
    struct Tables {
        var symbols: [String]
        var keys: [String]

        func message(_ bytes: ArraySlice<UInt8>) throws(Unreadable) -> [Protobuf.Field] {
            switch Protobuf.fields(bytes) {
            case .success(let fields): return fields
            case .failure(let error): throw Unreadable(reason: "a Datalog message is not well formed (\(error))")
            }
        }

        func symbol(_ index: UInt64) throws(Unreadable) -> String {
            if index < Biscuit.symbolOffset {
                guard index < UInt64(Biscuit.defaultSymbols.count) else { throw Unreadable(reason: "symbol \(index) is not a default symbol") }
                return Biscuit.defaultSymbols[Int(index)]
            }
            let own = index - Biscuit.symbolOffset + UInt64(Biscuit.defaultSymbols.count)
            guard own < UInt64(symbols.count) else { throw Unreadable(reason: "symbol \(index) is not in the token's symbol table") }
            return symbols[Int(own)]
        }

        func predicate(_ bytes: ArraySlice<UInt8>) throws(Unreadable) -> Biscuit.Predicate {
            var name: String?
            var terms: [Biscuit.Term] = []
            for field in try message(bytes) {
                switch (field.number, field.value) {
                case (1, .varint(let index)): name = try symbol(index)
                case (2, .bytes(let term)): terms.append(try self.term(term, inSet: false))
                default: throw Unreadable(reason: "a predicate has a field \(field.number) it does not have")
                }
            }
            guard let name else { throw Unreadable(reason: "a predicate has no name") }
            return Biscuit.Predicate(name, terms)
        }

        func term(_ bytes: ArraySlice<UInt8>, inSet: Bool) throws(Unreadable) -> Biscuit.Term {
            let fields = try message(bytes)
            guard fields.count == 1, let field = fields.first else { throw Unreadable(reason: "a term is not exactly one value") }
            switch (field.number, field.value) {
            case (1, .varint(let index)): return .variable(try symbol(index))
            case (2, .varint(let value)): return .integer(Int64(bitPattern: value))
            case (3, .varint(let index)): return .string(try symbol(index))
            case (4, .varint(let seconds)): return .date(seconds)
            case (5, .bytes(let value)): return .bytes(Array(value))
            case (6, .varint(let value)): return .bool(value != 0)
            case (7, .bytes(let set)):
                guard !inSet else { throw Unreadable(reason: "a set holds a set") }
                var members: [Biscuit.Term] = []
                for member in try message(set) {
                    guard member.number == 1, let value = member.bytes else { throw Unreadable(reason: "a set has a field \(member.number) it does not have") }
                    members.append(try term(value, inSet: true))
                }
                return .set(members)
            default: return .unknown(field.number)
            }
        }

        func rule(_ bytes: ArraySlice<UInt8>) throws(Unreadable) -> Biscuit.Rule {
            var head: Biscuit.Predicate?
            var rule = Biscuit.Rule(body: [])
            for field in try message(bytes) {
                switch (field.number, field.value) {
                case (1, .bytes(let value)): head = try predicate(value)
                case (2, .bytes(let value)): rule.body.append(try predicate(value))
                case (3, .bytes(let value)): rule.expressions.append(try expression(value))
                case (4, .bytes(let value)): rule.scopes.append(try scope(value))
                default: throw Unreadable(reason: "a rule has a field \(field.number) it does not have")
                }
            }
            guard let head else { throw Unreadable(reason: "a rule has no head") }
            rule.head = head
            return rule
        }

        func check(_ bytes: ArraySlice<UInt8>) throws(Unreadable) -> Biscuit.Check {
            var check = Biscuit.Check(queries: [])
            for field in try message(bytes) {
                switch (field.number, field.value) {
                case (1, .bytes(let value)): check.queries.append(try rule(value))
                // `Kind`: One (`check if`) = 0, All (`check all`) = 1; a later kind (`reject if`) is
                // not a check on what the token may do, and is read as `check if`'s strictness.
                case (2, .varint(let kind)): check.all = kind == 1
                default: throw Unreadable(reason: "a check has a field \(field.number) it does not have")
                }
            }
            return check
        }

        func scope(_ bytes: ArraySlice<UInt8>) throws(Unreadable) -> Biscuit.Scope {
            let fields = try message(bytes)
            switch (fields.first?.number, fields.first?.value) {
            case (1, .varint(0)): return .authority
            case (1, .varint(1)): return .previous
            case (2, .varint(let index)):
                guard index < UInt64(keys.count) else { throw Unreadable(reason: "public key \(index) is not in the token's key table") }
                return .publicKey(keys[Int(index)])
            default: throw Unreadable(reason: "a scope is neither authority, previous nor a public key")
            }
        }

        func expression(_ bytes: ArraySlice<UInt8>) throws(Unreadable) -> [Biscuit.Op] {
            var ops: [Biscuit.Op] = []
            for field in try message(bytes) {
                guard field.number == 1, let op = field.bytes else { throw Unreadable(reason: "an expression has a field \(field.number) it does not have") }
                let content = try message(op)
                guard content.count == 1, let inner = content.first else { throw Unreadable(reason: "an operation is not exactly one value") }
                switch (inner.number, inner.value) {
                case (1, .bytes(let value)): ops.append(.value(try term(value, inSet: false)))
                case (2, .bytes(let value)):
                    let kind = try message(value).first { $0.number == 1 }?.varint ?? 0
                    ops.append(Biscuit.UnaryOp(rawValue: kind).map(Biscuit.Op.unary) ?? .unknown(2))
                case (3, .bytes(let value)):
                    let kind = try message(value).first { $0.number == 1 }?.varint ?? 0
                    ops.append(Biscuit.BinaryOp(rawValue: kind).map(Biscuit.Op.binary) ?? .unknown(3))
                default: ops.append(.unknown(inner.number))
                }
            }
            return ops
        }
    }
}
