extension TokenMinter {
    /// A PASETO token laid out as its version makes it (`Paseto`), the same for the same seed:
    /// a `public` token is its claims as JSON followed by signature-length deterministic bytes (a
    /// scanner cannot verify the signature without the issuer's public key anyway); a `local`
    /// token is a nonce, ciphertext of the claims' length and a tag, all deterministic bytes.
    /// Time claims are RFC 3339 text, as PASETO's registered claims are written.
    public static func paseto(
        version: Int, purpose: Paseto.Purpose, claims: [String: JSONValue], footer: String? = nil, seed: String
    ) -> String {
        let message = Array(canonicalJSON(.object(claims)).utf8)
        let payload: [UInt8]
        switch purpose {
        case .public:
            payload = message + bytes(count: Paseto.signatureLength(version: version), seed: "paseto/\(seed)/signature")
        case .local:
            payload = bytes(count: Paseto.sealLength(version: version) + message.count, seed: "paseto/\(seed)/sealed")
        }
        var token = "v\(version).\(purpose.rawValue).\(Base64.urlEncode(payload))"
        if let footer { token += "." + Base64.urlEncode(Array(footer.utf8)) }
        return token
    }
}

extension TokenMinter {
    /// A Fernet token made at `timestamp` (Unix seconds) as the specification lays it out
    /// (`Fernet`), the same for the same seed: IV, `blocks` AES blocks of ciphertext and the HMAC
    /// are deterministic bytes. `padded: false` strips the `=` as OpenStack Keystone does.
    public static func fernet(timestamp: UInt64, blocks: Int = 4, padded: Bool = true, seed: String) -> String {
        let time = BigEndian.bytes(timestamp, count: 8)
        let body = bytes(count: 16 + 16 * blocks + 32, seed: "fernet/\(seed)")
        let token = Base64.urlEncode([0x80] + time + body)
        guard padded else { return token }
        return token + String(repeating: "=", count: (4 - token.utf8.count % 4) % 4)
    }
}

extension TokenMinter {
    /// A Branca token made at `timestamp` (Unix seconds) as the specification lays it out
    /// (`Branca`), the same for the same seed: the nonce, `payloadLength` bytes of ciphertext and
    /// the tag are deterministic bytes (no key exists for them), base62 as every library writes it.
    public static func branca(timestamp: UInt32, payloadLength: Int = 40, seed: String) -> String {
        let header = [Branca.version] + BigEndian.bytes(UInt64(timestamp), count: 4)
        return Base62.encode(header + bytes(count: 24 + payloadLength + 16, seed: "branca/\(seed)"))
    }
}

extension TokenMinter {
    /// A macaroon serialised as `Macaroon` reads it, the same for the same seed: the signature is
    /// 32 deterministic bytes (no root key exists for it). Version 1 is base64url of text packets;
    /// version 2 the binary fields, as base64url or hex (how LND writes them).
    public static func macaroon(
        version: Int = 2, location: String?, identifier: [UInt8], caveats: [String], encoding: Macaroon.Encoding = .base64, seed: String
    ) -> String {
        let signature = bytes(count: 32, seed: "macaroon/\(seed)/signature")
        if version == 1 {
            func packet(_ key: String, _ value: [UInt8]) -> [UInt8] {
                let length = 4 + key.utf8.count + 1 + value.count + 1
                let digits = String(length, radix: 16)
                return Array((String(repeating: "0", count: 4 - digits.count) + digits + key + " ").utf8) + value + [0x0A]
            }
            var text = location.map { packet("location", Array($0.utf8)) } ?? []
            text += packet("identifier", identifier)
            for caveat in caveats { text += packet("cid", Array(caveat.utf8)) }
            return Base64.urlEncode(text + packet("signature", signature))
        }
        func varint(_ value: Int) -> [UInt8] { Protobuf.encodeVarint(UInt64(value)) }
        func field(_ type: Int, _ data: [UInt8]) -> [UInt8] { varint(type) + varint(data.count) + data }
        var binary: [UInt8] = [2]
        if let location { binary += field(1, Array(location.utf8)) }
        binary += field(2, identifier) + [0]
        for caveat in caveats { binary += field(2, Array(caveat.utf8)) + [0] }
        binary += [0] + field(6, signature)
        switch encoding {
        case .base64: return Base64.urlEncode(binary)
        case .hex:
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: binary.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
        }
    }

    /// An LND macaroon (location `lnd`): macaroon-bakery's version 3 identifier, a 16-byte nonce,
    /// storage id `0` and the permissions as protobuf ops (`Macaroon.bakeryPermissions`), then
    /// `caveats` (`time-before …`, `ipaddr …`), hex as lncli prints it unless `encoding` says otherwise.
    public static func lndMacaroon(
        permissions: [(entity: String, actions: [String])], caveats: [String] = [], encoding: Macaroon.Encoding = .hex, seed: String
    ) -> String {
        func field(_ number: Int, _ data: [UInt8]) -> [UInt8] {
            var length = data.count
            var out: [UInt8] = [UInt8(number << 3 | 2)]
            while length >= 0x80 {
                out.append(UInt8(length & 0x7F) | 0x80)
                length >>= 7
            }
            return out + [UInt8(length)] + data
        }
        var identifier: [UInt8] = [3] + field(1, bytes(count: 16, seed: "lnd/\(seed)/nonce")) + field(2, Array("0".utf8))
        for op in permissions {
            identifier += field(3, field(1, Array(op.entity.utf8)) + op.actions.flatMap { field(2, Array($0.utf8)) })
        }
        return macaroon(location: "lnd", identifier: identifier, caveats: caveats, encoding: encoding, seed: seed)
    }
}

extension TokenMinter {
    /// A Biscuit token laid out as the specification lays one out (`Biscuit`), carrying `blocks`
    /// (the authority block first), the same for the same seed. Symbols are interned as a Biscuit
    /// library interns them (the default table, then each block's new strings from 1024 on).
    ///
    /// Nothing is signed: every next public key, signature and the proof (the next private key,
    /// or a sealed token's final signature) are deterministic bytes of the right length. No root
    /// key exists for such a token, so it cannot be used anywhere, yet a scanner, which cannot
    /// verify a signature without the issuer's root public key, reads it as it reads a real one.
    public static func biscuit(blocks: [Biscuit.Block], rootKeyID: UInt32? = nil, sealed: Bool = false, seed: String) -> String {
        Base64.urlEncode(biscuitBytes(blocks: blocks, rootKeyID: rootKeyID, sealed: sealed, seed: seed))
    }

    /// The protobuf `biscuit(blocks:…)` encodes.
    public static func biscuitBytes(blocks: [Biscuit.Block], rootKeyID: UInt32? = nil, sealed: Bool = false, seed: String) -> [UInt8] {
        var symbols = Biscuit.defaultSymbols
        var out: [UInt8] = rootKeyID.map { Protobuf.encode(1, varint: UInt64($0)) } ?? []
        for (index, block) in blocks.enumerated() {
            let encoded = BiscuitEncoder.encode(block, symbols: &symbols)
            let nextKey = Protobuf.encode(1, varint: 0) + Protobuf.encode(2, bytes: bytes(count: 32, seed: "biscuit/\(seed)/key/\(index)"))
            let signed = Protobuf.encode(1, bytes: encoded) + Protobuf.encode(2, bytes: nextKey)
                + Protobuf.encode(3, bytes: bytes(count: 64, seed: "biscuit/\(seed)/signature/\(index)"))
            out += Protobuf.encode(index == 0 ? 2 : 3, bytes: signed)
        }
        let proof = sealed
            ? Protobuf.encode(2, bytes: bytes(count: 64, seed: "biscuit/\(seed)/final"))
            : Protobuf.encode(1, bytes: bytes(count: 32, seed: "biscuit/\(seed)/secret"))
        return out + Protobuf.encode(4, bytes: proof)
    }
}

/// Writes a block's Datalog as `Block` protobuf, interning its strings in the token's table.
private enum BiscuitEncoder {
    static func encode(_ block: Biscuit.Block, symbols: inout [String]) -> [UInt8] {
        var added: [String] = []
        func symbol(_ text: String) -> UInt64 {
            if let index = Biscuit.defaultSymbols.firstIndex(of: text) { return UInt64(index) }
            if let index = symbols.firstIndex(of: text) {
                return Biscuit.symbolOffset + UInt64(index - Biscuit.defaultSymbols.count)
            }
            symbols.append(text)
            added.append(text)
            return Biscuit.symbolOffset + UInt64(symbols.count - 1 - Biscuit.defaultSymbols.count)
        }
        func term(_ value: Biscuit.Term) -> [UInt8] {
            switch value {
            case .variable(let name): Protobuf.encode(1, varint: symbol(name))
            case .integer(let value): Protobuf.encode(2, varint: UInt64(bitPattern: value))
            case .string(let value): Protobuf.encode(3, varint: symbol(value))
            case .date(let seconds): Protobuf.encode(4, varint: seconds)
            case .bytes(let value): Protobuf.encode(5, bytes: value)
            case .bool(let value): Protobuf.encode(6, varint: value ? 1 : 0)
            case .set(let members): Protobuf.encode(7, bytes: members.flatMap { Protobuf.encode(1, bytes: term($0)) })
            case .unknown(let field): Protobuf.encode(Int(field), varint: 0)
            }
        }
        func predicate(_ predicate: Biscuit.Predicate) -> [UInt8] {
            Protobuf.encode(1, varint: symbol(predicate.name)) + predicate.terms.flatMap { Protobuf.encode(2, bytes: term($0)) }
        }
        func scope(_ scope: Biscuit.Scope) -> [UInt8] {
            switch scope {
            case .authority: Protobuf.encode(1, varint: 0)
            case .previous: Protobuf.encode(1, varint: 1)
            // Minted tokens trust no third party: a key scope needs the key table, left out here.
            case .publicKey: []
            }
        }
        func expression(_ ops: [Biscuit.Op]) -> [UInt8] {
            ops.flatMap { op -> [UInt8] in
                let content: [UInt8] = switch op {
                case .value(let value): Protobuf.encode(1, bytes: term(value))
                case .unary(let unary): Protobuf.encode(2, bytes: Protobuf.encode(1, varint: unary.rawValue))
                case .binary(let binary): Protobuf.encode(3, bytes: Protobuf.encode(1, varint: binary.rawValue))
                case .unknown(let field): Protobuf.encode(Int(field), bytes: [UInt8]())
                }
                return Protobuf.encode(1, bytes: content)
            }
        }
        func rule(_ rule: Biscuit.Rule) -> [UInt8] {
            Protobuf.encode(1, bytes: predicate(rule.head)) + rule.body.flatMap { Protobuf.encode(2, bytes: predicate($0)) }
                + rule.expressions.flatMap { Protobuf.encode(3, bytes: expression($0)) }
                + rule.scopes.flatMap { Protobuf.encode(4, bytes: scope($0)) }
        }
        // Symbols are interned while the Datalog is written, and go first in the block.
        var datalog: [UInt8] = block.version.map { Protobuf.encode(3, varint: UInt64($0)) } ?? []
        datalog += block.facts.flatMap { Protobuf.encode(4, bytes: Protobuf.encode(1, bytes: predicate($0))) }
        datalog += block.rules.flatMap { Protobuf.encode(5, bytes: rule($0)) }
        datalog += block.checks.flatMap { check in
            Protobuf.encode(6, bytes: check.queries.flatMap { Protobuf.encode(1, bytes: rule($0)) } + (check.all ? Protobuf.encode(2, varint: 1) : []))
        }
        datalog += block.scopes.flatMap { Protobuf.encode(7, bytes: scope($0)) }
        let context = block.context.map { Protobuf.encode(2, bytes: Array($0.utf8)) } ?? []
        return added.flatMap { Protobuf.encode(1, bytes: Array($0.utf8)) } + context + datalog
    }
}

extension Biscuit {
    /// `check if time($time), $time <= <date>`: how Biscuit libraries write an expiry
    /// (biscuit-rust's `check_expiration_date`, biscuit-cli's `--add-ttl`).
    public static func expiryCheck(_ seconds: UInt64) -> Check {
        Check(queries: [Rule(
            body: [Predicate("time", [.variable("time")])],
            expressions: [[.value(.variable("time")), .value(.date(seconds)), .binary(.lessOrEqual)]])])
    }

    /// `check if operation("read")` (one operation) or
    /// `check if operation($op), ["read", "list"].contains($op)`: an attenuation to those operations.
    public static func operationCheck(_ operations: [String]) -> Check {
        if operations.count == 1 { return Check(queries: [Rule(body: [Predicate("operation", [.string(operations[0])])])]) }
        return Check(queries: [Rule(
            body: [Predicate("operation", [.variable("op")])],
            expressions: [[.value(.set(operations.map(Term.string))), .value(.variable("op")), .binary(.contains)]])])
    }
}
