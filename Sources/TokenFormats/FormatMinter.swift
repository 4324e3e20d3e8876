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
        func varint(_ value: Int) -> [UInt8] {
            var value = value
            var out: [UInt8] = []
            while value >= 0x80 {
                out.append(UInt8(value & 0x7F) | 0x80)
                value >>= 7
            }
            return out + [UInt8(value)]
        }
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
