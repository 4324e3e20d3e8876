/// A Biscuit token (biscuitsec.org; github.com/biscuit-auth/biscuit, SPECIFICATIONS.md and
/// schema.proto), taken apart without its root public key: its blocks' Datalog, with the symbol
/// and public key tables applied, so facts and checks read as their authors wrote them.
///
/// The wire form is base64url (printed alone, after `biscuit:` or after `Bearer `) of a protobuf
/// `Biscuit { optional rootKeyId = 1; SignedBlock authority = 2; repeated SignedBlock blocks = 3;
/// Proof proof = 4 }`; each `SignedBlock { bytes block = 1; PublicKey nextKey = 2; bytes
/// signature = 3; optional ExternalSignature externalSignature = 4 }` holds a serialised `Block`.
/// A token is whole when its proof (the next block's private key, or the final signature of a
/// sealed token) follows its blocks: a token cut short in a log ends before it.
///
/// Why: the blocks are the token's claims. The authority block's facts say what it grants (its
/// rights); every block's checks must pass, so a check on `time` is its expiry and a check on
/// `operation` narrows what the authority granted (attenuation can only narrow).
public struct Biscuit: Sendable, Equatable {
    public var rootKeyID: UInt32?
    /// The authority block first, then the attenuation blocks in order.
    public var blocks: [Block]
    /// A sealed token carries the final signature instead of the next private key: it can no
    /// longer be attenuated.
    public var sealed: Bool

    public struct Block: Sendable, Equatable {
        /// The format version the block was written at (3 to 6 today; absent in version 2 blocks).
        public var version: UInt32?
        public var context: String?
        public var facts: [Predicate] = []
        public var rules: [Rule] = []
        public var checks: [Check] = []
        /// Block-wide `trusting` annotations.
        public var scopes: [Scope] = []
        /// The key that signed a third-party block (`ExternalSignature.publicKey`), as `ed25519/…`.
        public var externalKey: String?
        /// Why this block's Datalog could not be read, when it could not (its signature chain is
        /// intact, so the token is still one): the rest of the token is still judged.
        public var unreadable: String?

        public init(version: UInt32? = 3, facts: [Predicate] = [], rules: [Rule] = [], checks: [Check] = []) {
            self.version = version
            self.facts = facts
            self.rules = rules
            self.checks = checks
        }
    }

    /// A Datalog term, its symbols resolved.
    public indirect enum Term: Sendable, Equatable {
        case variable(String)
        case integer(Int64)
        case string(String)
        /// Seconds since 1970 (UTC).
        case date(UInt64)
        case bytes([UInt8])
        case bool(Bool)
        case set([Term])
        /// A term of a kind this reader does not know (a later format version's), by field number.
        case unknown(UInt64)
    }

    public struct Predicate: Sendable, Equatable {
        public var name: String
        public var terms: [Term]
        public init(_ name: String, _ terms: [Term]) {
            self.name = name
            self.terms = terms
        }
    }

    /// One step of an expression, which Biscuit writes for a stack machine (SPECIFICATIONS.md,
    /// "Expressions"): a value, or an operator applied to the top one or two values.
    public enum Op: Sendable, Equatable {
        case value(Term)
        case unary(UnaryOp)
        case binary(BinaryOp)
        /// An operation this reader does not know (a later version's), by field number.
        case unknown(UInt64)
    }

    /// `OpUnary.Kind`.
    public enum UnaryOp: UInt64, Sendable { case negate = 0, parens, length }

    /// `OpBinary.Kind`.
    public enum BinaryOp: UInt64, Sendable {
        case lessThan = 0, greaterThan, lessOrEqual, greaterOrEqual, equal, contains, prefix, suffix, regex
        case add, sub, mul, div, and, or, intersection, union, bitwiseAnd, bitwiseOr, bitwiseXor, notEqual
    }

    public enum Scope: Sendable, Equatable {
        case authority
        case previous
        /// A public key of the block's key table, as `ed25519/…` or `secp256r1/…`.
        case publicKey(String)
    }

    /// A rule (`head <- body, expressions`); a check's query is one whose head is not used.
    public struct Rule: Sendable, Equatable {
        public var head: Predicate
        public var body: [Predicate]
        public var expressions: [[Op]]
        public var scopes: [Scope]
        public init(head: Predicate = Predicate("query", []), body: [Predicate], expressions: [[Op]] = [], scopes: [Scope] = []) {
            self.head = head
            self.body = body
            self.expressions = expressions
            self.scopes = scopes
        }
    }

    public struct Check: Sendable, Equatable {
        /// `check all` (every match must satisfy the expressions) rather than `check if`.
        public var all: Bool
        /// Alternatives (`or`): the check passes when one does.
        public var queries: [Rule]
        public init(all: Bool = false, queries: [Rule]) {
            self.all = all
            self.queries = queries
        }
    }

    public enum DecodeError: Error, Sendable, Equatable {
        /// Not base64 of a protobuf that starts as a Biscuit does (the authority block, or a root
        /// key id and then the authority block).
        case notBiscuit
        /// It starts as a Biscuit but ends before its proof, or inside a field: a token cut short.
        case truncated
        /// The structure around the blocks is not a Biscuit's (a field it does not have, a block
        /// without its next key or signature, a proof of neither kind).
        case malformed(String)
    }

    /// Symbols 0…1023 are reserved for the default table; a token's own start at 1024
    /// (SPECIFICATIONS.md, "Symbol table").
    public static let symbolOffset: UInt64 = 1024
    /// The default symbol table (SPECIFICATIONS.md, "Symbol table"; test022_default_symbols).
    public static let defaultSymbols = [
        "read", "write", "resource", "operation", "right", "time", "role", "owner", "tenant", "namespace", "user", "team",
        "service", "admin", "email", "group", "member", "ip_address", "client", "client_ip", "domain", "path", "version",
        "cluster", "node", "hostname", "nonce", "query",
    ]
    /// The longest token text read: the biggest published sample is 2.4 KB; a token a hundred
    /// times that is no credential anyone sends in a header.
    public static let maximumLength = 256 * 1024

    /// The protobuf a token's text holds: base64 in either alphabet, padded or not, after an
    /// optional `biscuit:` (the specification's prefix for text that does not say what it is).
    public static func bytes(of token: [UInt8]) -> [UInt8]? {
        guard token.count <= maximumLength else { return nil }
        return Base64.decode(token.starts(with: prefix) ? Array(token.dropFirst(prefix.count)) : token)
    }

    static let prefix = Array("biscuit:".utf8)

    /// Whether the token's first bytes are a Biscuit's, whole or not: the authority field
    /// (optionally after a root key id), its `block` bytes, and a `Block` field first. A value of
    /// that shape is a Biscuit to accept or refuse, not an opaque token.
    public static func hasShape(_ token: [UInt8]) -> Bool {
        let body = token.starts(with: prefix) ? Array(token.dropFirst(prefix.count)) : token
        guard let bytes = Base64.decode(body.prefix(min(64, body.count / 4 * 4))) else { return false }
        return startsLikeBiscuit(bytes[...])
    }

    /// The protobuf's first bytes: `[08 varint] 12 len 0A len <Block field key>`.
    private static func startsLikeBiscuit(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        func key(_ expected: UInt8) -> Bool {
            guard index < bytes.endIndex, bytes[index] == expected else { return false }
            index += 1
            return true
        }
        func length() -> Bool {
            guard case .success(let value) = Protobuf.varint(bytes, at: &index) else { return false }
            return value >= 2
        }
        if key(0x08) {
            guard case .success(let id) = Protobuf.varint(bytes, at: &index), id <= UInt64(UInt32.max) else { return false }
        }
        guard key(0x12), length(), key(0x0A), length(), index < bytes.endIndex else { return false }
        // A Block starts with one of its fields 1…8, each length-delimited but `version` (3).
        return [0x0A, 0x12, 0x18, 0x22, 0x2A, 0x32, 0x3A, 0x42].contains(bytes[index])
    }

    public static func decode(_ token: [UInt8]) -> Result<Biscuit, DecodeError> {
        guard let bytes = bytes(of: token) else {
            return .failure(hasShape(token) ? .truncated : .notBiscuit)
        }
        guard startsLikeBiscuit(bytes[...]) else { return .failure(.notBiscuit) }
        let fields: [Protobuf.Field]
        switch Protobuf.fields(bytes[...]) {
        case .success(let read): fields = read
        case .failure(.truncated): return .failure(.truncated)
        case .failure(let error): return .failure(.malformed("its protobuf is not well formed (\(error))"))
        }
        var rootKeyID: UInt32?
        var signed: [SignedBlock] = []
        var proof: ArraySlice<UInt8>?
        for field in fields {
            switch (field.number, field.value) {
            case (1, .varint(let id)) where id <= UInt64(UInt32.max) && signed.isEmpty: rootKeyID = UInt32(id)
            case (2, .bytes(let block)) where signed.isEmpty && proof == nil,
                 (3, .bytes(let block)) where !signed.isEmpty && proof == nil:
                switch SignedBlock.read(block) {
                case .success(let read): signed.append(read)
                case .failure(let error): return .failure(error)
                }
            case (4, .bytes(let value)) where proof == nil && !signed.isEmpty: proof = value
            default: return .failure(.malformed("field \(field.number) is not where a Biscuit has one"))
            }
        }
        guard let proof else { return .failure(.truncated) }
        let sealed: Bool
        switch Protobuf.fields(proof) {
        case .success(let content) where content.count == 1 && content[0].number == 1 && content[0].bytes?.count == 32: sealed = false
        case .success(let content) where content.count == 1 && content[0].number == 2 && (content[0].bytes?.count ?? 0) >= 64: sealed = true
        default: return .failure(.malformed("its proof is neither the next private key nor a final signature"))
        }
        return .success(Biscuit(rootKeyID: rootKeyID, blocks: BlockReader.read(signed), sealed: sealed))
    }

    /// A `SignedBlock`: the serialised block and what proves it (nothing of which is judged).
    struct SignedBlock {
        var block: ArraySlice<UInt8>
        /// `ExternalSignature.publicKey` of a third-party block.
        var externalKey: String?

        static func read(_ bytes: ArraySlice<UInt8>) -> Result<SignedBlock, DecodeError> {
            guard case .success(let fields) = Protobuf.fields(bytes) else { return .failure(.malformed("a signed block is not a protobuf message")) }
            var block: ArraySlice<UInt8>?
            var nextKey = false
            var signature = false
            var externalKey: String?
            for field in fields {
                switch (field.number, field.value) {
                case (1, .bytes(let value)): block = value
                case (2, .bytes(let value)): nextKey = Biscuit.publicKey(value) != nil
                // Its length is the verifier's to judge (the specification's test003 has a 16-byte one).
                case (3, .bytes(let value)): signature = !value.isEmpty
                case (4, .bytes(let value)):
                    guard case .success(let external) = Protobuf.fields(value),
                          let key = external.first(where: { $0.number == 2 })?.bytes.flatMap(Biscuit.publicKey) else {
                        return .failure(.malformed("a third-party block's external signature has no public key"))
                    }
                    externalKey = key
                default: return .failure(.malformed("a signed block has a field \(field.number) it does not have"))
                }
            }
            guard let block, nextKey, signature else {
                return .failure(.malformed("a signed block lacks its block, next public key or signature"))
            }
            return .success(SignedBlock(block: block, externalKey: externalKey))
        }
    }

    /// A `PublicKey` message as Biscuit's text writes one (`ed25519/<hex>`, `secp256r1/<hex>`);
    /// nil when it is not one.
    static func publicKey(_ bytes: ArraySlice<UInt8>) -> String? {
        guard case .success(let fields) = Protobuf.fields(bytes) else { return nil }
        let algorithm = fields.first { $0.number == 1 }?.varint ?? 0
        guard let key = fields.first(where: { $0.number == 2 })?.bytes else { return nil }
        switch (algorithm, key.count) {
        case (0, 32): return "ed25519/" + hex(key)
        case (1, 33): return "secp256r1/" + hex(key)
        default: return nil
        }
    }

    static func hex(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
    }

    /// Whether `text` is a Biscuit public key as its tools print one: `ed25519/` and 64 hex
    /// digits, or `secp256r1/` and 66 (a compressed point). Published on purpose, never a finding.
    public static func isPublicKey(_ text: [UInt8]) -> Bool {
        func hexDigits(after prefix: String, count: Int) -> Bool {
            let prefix = Array(prefix.utf8)
            guard text.count == prefix.count + count, zip(text, prefix).allSatisfy({ ($0 | 0x20) == $1 }) else { return false }
            return text.dropFirst(prefix.count).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0 | 0x20) }
        }
        return hexDigits(after: "ed25519/", count: 64) || hexDigits(after: "secp256r1/", count: 66)
    }
}
