/// A macaroon (Birgisson et al., "Macaroons: Cookies with Contextual Caveats", NDSS 2014), taken
/// apart as far as its serialisation allows without the root key: location, identifier, caveats
/// and the 32-byte signature.
///
/// Two serialisations exist (github.com/rescrv/libmacaroons, README and macaroons.c): version 1,
/// base64 of text packets (`XXXX` four hex digits of the packet's length, then `key value\n`, the
/// keys `location`, `identifier`, `cid`, `vid`, `cl`, `signature`), and version 2, a binary form of
/// typed fields (varint type, varint length, data; 1 location, 2 identifier, 4 verifier id, 6
/// signature; 0 ends a section), written as base64(url) or, by Lightning's LND, as hex (lncli,
/// `admin.macaroon` in hex, the `Grpc-Metadata-macaroon` header).
///
/// Why: the caveats are the macaroon's claims (`time-before` / `time <` is its expiry), and an LND
/// macaroon's identifier lists its permissions; a macaroon cut short in a log cannot authenticate.
public struct Macaroon: Sendable, Equatable {
    public enum Encoding: String, Sendable { case base64, hex }

    public struct Caveat: Sendable, Equatable {
        /// The caveat's identifier: a predicate (`time-before 2026-…`) for a first-party caveat.
        public var identifier: [UInt8]
        /// A third-party caveat carries a verifier id and usually a location.
        public var isThirdParty: Bool
    }

    public var version: Int
    public var encoding: Encoding
    public var location: String?
    public var identifier: [UInt8]
    public var caveats: [Caveat]

    public enum DecodeError: Error, Sendable, Equatable {
        /// Not base64 or hex, or not the start of either serialisation.
        case notMacaroon
        /// The data ends before the signature, or the signature is not the last 32 bytes.
        case truncated
    }

    /// Field types of the v2 format.
    private static let endOfSection: UInt64 = 0
    private static let locationField: UInt64 = 1
    private static let identifierField: UInt64 = 2
    private static let verifierField: UInt64 = 4
    private static let signatureField: UInt64 = 6

    /// The bytes a token's text holds: hex (LND writes `0201…`) or base64 in either alphabet.
    public static func bytes(of token: [UInt8]) -> (bytes: [UInt8], encoding: Encoding)? {
        guard token.count <= 64 * 1024 else { return nil }
        if token.count % 2 == 0, token.count >= 4, token.allSatisfy(Macaroon.isHexDigit),
           let bytes = Macaroon.hex(token), bytes.first == 2 {
            return (bytes, .hex)
        }
        return Base64.decode(token).map { ($0, .base64) }
    }

    /// Whether the token's first bytes are a macaroon's (v2: version 2 and a location or identifier
    /// field; v1: a packet length and a `location` or `identifier` key), whole or not: a value of
    /// that shape is a macaroon to accept or refuse, not an opaque token.
    public static func hasShape(_ token: [UInt8]) -> Bool {
        guard let (bytes, _) = bytes(of: Array(token.prefix(min(64, token.count / 4 * 4)))) else { return false }
        if bytes.count >= 3, bytes[0] == 2, bytes[1] == 1 || bytes[1] == 2 { return true }
        return isV1Start(bytes)
    }

    /// A packet length and a `location` or `identifier` key: how every v1 macaroon begins.
    private static func isV1Start(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 14, bytes[0..<4].allSatisfy(Macaroon.isHexDigit) else { return false }
        return bytes[4...].starts(with: "location ".utf8) || bytes[4...].starts(with: "identifier ".utf8)
    }

    public static func decode(_ token: [UInt8]) -> Result<Macaroon, DecodeError> {
        guard let (bytes, encoding) = bytes(of: token) else { return .failure(.notMacaroon) }
        if bytes.first == 2 { return decodeV2(bytes, encoding: encoding) }
        return decodeV1(bytes, encoding: encoding)
    }

    /// Version 2 (libmacaroons `macaroon_serialize_v2`): header section, caveat sections, an empty
    /// section, then the signature, which must end exactly at the last byte.
    private static func decodeV2(_ bytes: [UInt8], encoding: Encoding) -> Result<Macaroon, DecodeError> {
        var index = 1
        func varint() -> UInt64? { Macaroon.varint(bytes[...], at: &index) }
        /// A section's fields up to its end; nil when the data ends first.
        func section() -> [UInt64: [UInt8]]? {
            var fields: [UInt64: [UInt8]] = [:]
            while let type = varint() {
                if type == endOfSection { return fields }
                guard let length = varint(), length <= UInt64(bytes.count - index) else { return nil }
                fields[type] = Array(bytes[index..<index + Int(length)])
                index += Int(length)
            }
            return nil
        }
        guard bytes.count >= 3, bytes[1] == UInt8(locationField) || bytes[1] == UInt8(identifierField) else {
            return .failure(.notMacaroon)
        }
        guard let header = section(), let identifier = header[identifierField] else { return .failure(.truncated) }
        var caveats: [Caveat] = []
        while true {
            guard index < bytes.count else { return .failure(.truncated) }
            if bytes[index] == 0 {
                index += 1
                break
            }
            guard let fields = section(), let id = fields[identifierField] else { return .failure(.truncated) }
            caveats.append(Caveat(identifier: id, isThirdParty: fields[verifierField] != nil))
        }
        guard varint() == signatureField, varint() == 32, index + 32 == bytes.count else { return .failure(.truncated) }
        let location = header[locationField].map { String(decoding: $0, as: UTF8.self) }
        return .success(Macaroon(version: 2, encoding: encoding, location: location, identifier: identifier, caveats: caveats))
    }

    /// Version 1: packets of `XXXX key value\n`; the last is `signature` with 32 bytes.
    private static func decodeV1(_ bytes: [UInt8], encoding: Encoding) -> Result<Macaroon, DecodeError> {
        guard isV1Start(bytes) else { return .failure(.notMacaroon) }
        var index = 0
        var location: String?
        var identifier: [UInt8]?
        var caveats: [Caveat] = []
        while index + 4 <= bytes.count {
            guard bytes[index..<index + 4].allSatisfy(Macaroon.isHexDigit),
                  let length = Int(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16), length > 5,
                  index + length <= bytes.count, bytes[index + length - 1] == UInt8(ascii: "\n") else {
                return .failure(.truncated)
            }
            let body = bytes[(index + 4)..<(index + length - 1)]
            guard let space = body.firstIndex(of: UInt8(ascii: " ")) else { return .failure(.notMacaroon) }
            let value = Array(body[(space + 1)...])
            switch String(decoding: body[body.startIndex..<space], as: UTF8.self) {
            case "location": location = String(decoding: value, as: UTF8.self)
            case "identifier": identifier = value
            case "cid": caveats.append(Caveat(identifier: value, isThirdParty: false))
            case "vid": if !caveats.isEmpty { caveats[caveats.count - 1].isThirdParty = true }
            case "cl": break
            case "signature":
                guard value.count == 32, index + length == bytes.count, let identifier else { return .failure(.truncated) }
                return .success(Macaroon(version: 1, encoding: encoding, location: location, identifier: identifier, caveats: caveats))
            default: return .failure(.notMacaroon)
            }
            index += length
        }
        return .failure(.truncated)
    }

    /// Whether `bytes` is a whole v2 macaroon: version 2, a header section, caveat sections, and a
    /// 32-byte signature that ends exactly at the last byte.
    public static func isWhole(_ bytes: [UInt8]) -> Bool {
        guard bytes.first == 2, case .success = decodeV2(bytes, encoding: .base64) else { return false }
        return true
    }

    /// A PyPI token (`pypi-` and base64url) holds a whole macaroon.
    public static func isWholePyPIToken(_ token: [UInt8]) -> Bool {
        let prefix = Array("pypi-".utf8)
        guard token.starts(with: prefix), let bytes = Base64.decode(token.dropFirst(prefix.count)) else { return false }
        return isWhole(bytes)
    }

    /// The expiry its first-party caveats state: the earliest `time-before <RFC 3339>` (Go's
    /// macaroon-bakery checkers, which LND's `lncli bakemacaroon --timeout` writes) or
    /// `time < <RFC 3339>` (libmacaroons' and pymacaroons' timestamp verifier), in seconds.
    public var expiry: Double? {
        let times = caveats.filter { !$0.isThirdParty }.compactMap { caveat -> Double? in
            let text = caveat.identifier
            for prefix in ["time-before ", "time < "] where text.starts(with: prefix.utf8) {
                let rest = text.dropFirst(prefix.utf8.count).drop { $0 == UInt8(ascii: " ") }
                return ClaimTime.rfc3339(Array(rest))
            }
            return nil
        }
        return times.min()
    }

    /// An LND macaroon's permissions: macaroon-bakery's identifier version 3 (the byte 3, then the
    /// protobuf `MacaroonId{nonce = 1, storageId = 2, repeated Op ops = 3}`, `Op{entity = 1,
    /// repeated actions = 2}`; gopkg.in/macaroon-bakery.v2, bakery/internal/macaroonpb/id.proto) as
    /// `entity:action` pairs; nil when the identifier is not one.
    public var bakeryPermissions: [String]? {
        guard identifier.first == 3 else { return nil }
        guard let fields = Macaroon.protobuf(identifier[1...]) else { return nil }
        var permissions: [String] = []
        for (number, value) in fields where number == 3 {
            guard let op = Macaroon.protobuf(value[...]) else { return nil }
            guard let entity = op.first(where: { $0.0 == 1 })?.1 else { return nil }
            for (field, action) in op where field == 2 {
                permissions.append("\(String(decoding: entity, as: UTF8.self)):\(String(decoding: action, as: UTF8.self))")
            }
        }
        return permissions.isEmpty ? nil : permissions
    }

    /// Length-delimited protobuf fields (wire type 2) in order; nil on any other wire type or a
    /// length past the end.
    private static func protobuf(_ bytes: ArraySlice<UInt8>) -> [(Int, [UInt8])]? {
        var index = bytes.startIndex
        func varint() -> UInt64? { Macaroon.varint(bytes, at: &index) }
        var fields: [(Int, [UInt8])] = []
        while index < bytes.endIndex {
            guard let key = varint(), key & 7 == 2, let length = varint(), length <= UInt64(bytes.endIndex - index) else { return nil }
            fields.append((Int(key >> 3), Array(bytes[index..<index + Int(length)])))
            index += Int(length)
        }
        return fields
    }

    /// An unsigned LEB128 varint (the v2 format's and protobuf's) at `index`, which it moves past;
    /// nil when the bytes end first.
    private static func varint(_ bytes: ArraySlice<UInt8>, at index: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.endIndex, shift < 63 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    private static func hex(_ text: [UInt8]) -> [UInt8]? {
        func nibble(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 2)
        var index = 0
        while index + 1 < text.count {
            guard let high = nibble(text[index]), let low = nibble(text[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}
