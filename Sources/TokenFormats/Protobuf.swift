/// A reader of the protocol buffers wire format (protobuf.dev/programming-guides/encoding): the
/// fields of one message, each a number and a value, never interpreting nested messages itself.
///
/// Why a reader of its own, this small: the scanner reads protobufs out of tokens it did not
/// make (a Biscuit token is one; so is an LND macaroon's identifier), so every length is checked
/// against what remains, a varint is at most ten bytes, and nothing recurses: a caller that reads
/// a nested message calls `fields` again on its bytes, and bounds its own depth. Hostile input
/// yields an error, never a trap or an allocation larger than the input.
public enum Protobuf {
    /// One field as written on the wire. Groups (wire types 3 and 4, deprecated since proto2)
    /// are refused: no format the scanner reads uses them.
    public enum Value: Sendable, Equatable {
        case varint(UInt64)
        case fixed64(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed32(UInt32)
    }

    public struct Field: Sendable, Equatable {
        public var number: UInt64
        public var value: Value

        /// The value of a `varint` field (a protobuf `uint32`, `uint64`, `int64`, `bool` or enum).
        public var varint: UInt64? {
            if case .varint(let value) = value { return value }
            return nil
        }

        /// The bytes of a length-delimited field (`bytes`, `string`, an embedded message).
        public var bytes: ArraySlice<UInt8>? {
            if case .bytes(let value) = value { return value }
            return nil
        }
    }

    public enum WireError: Error, Sendable, Equatable {
        /// The bytes end inside a field: a key, a varint, a fixed-size value or a length-delimited
        /// value runs past the end (a message cut short).
        case truncated
        /// A varint longer than ten bytes, or one whose tenth byte sets bits past 64.
        case overlongVarint
        /// Field number 0 (no valid message has one), or a number past 2^29 - 1.
        case invalidFieldNumber
        /// Wire type 3, 4 (groups), 6 or 7.
        case unsupportedWireType(UInt8)
    }

    /// Every field of the message `bytes` holds, in order; the first error ends the reading.
    public static func fields(_ bytes: ArraySlice<UInt8>) -> Result<[Field], WireError> {
        var fields: [Field] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            switch field(bytes, at: &index) {
            case .success(let field): fields.append(field)
            case .failure(let error): return .failure(error)
            }
        }
        return .success(fields)
    }

    /// The field at `index`, which it moves past.
    public static func field(_ bytes: ArraySlice<UInt8>, at index: inout Int) -> Result<Field, WireError> {
        let key: UInt64
        switch varint(bytes, at: &index) {
        case .success(let value): key = value
        case .failure(let error): return .failure(error)
        }
        let number = key >> 3
        guard number >= 1, number <= 536_870_911 else { return .failure(.invalidFieldNumber) }
        switch UInt8(key & 7) {
        case 0:
            return varint(bytes, at: &index).map { Field(number: number, value: .varint($0)) }
        case 1:
            guard bytes.endIndex - index >= 8 else { return .failure(.truncated) }
            let value = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[index + $1]) << (8 * UInt64($1)) }
            index += 8
            return .success(Field(number: number, value: .fixed64(value)))
        case 2:
            let length: UInt64
            switch varint(bytes, at: &index) {
            case .success(let value): length = value
            case .failure(let error): return .failure(error)
            }
            guard length <= UInt64(bytes.endIndex - index) else { return .failure(.truncated) }
            let value = bytes[index..<index + Int(length)]
            index += Int(length)
            return .success(Field(number: number, value: .bytes(value)))
        case 5:
            guard bytes.endIndex - index >= 4 else { return .failure(.truncated) }
            let value = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[index + $1]) << (8 * UInt32($1)) }
            index += 4
            return .success(Field(number: number, value: .fixed32(value)))
        case let type:
            return .failure(.unsupportedWireType(type))
        }
    }

    /// An unsigned LEB128 varint at `index`, which it moves past.
    public static func varint(_ bytes: ArraySlice<UInt8>, at index: inout Int) -> Result<UInt64, WireError> {
        var value: UInt64 = 0
        for position in 0..<10 {
            guard index < bytes.endIndex else { return .failure(.truncated) }
            let byte = bytes[index]
            index += 1
            // The tenth byte holds bit 63 only.
            if position == 9, byte > 1 { return .failure(.overlongVarint) }
            value |= UInt64(byte & 0x7F) << UInt64(7 * position)
            if byte & 0x80 == 0 { return .success(value) }
        }
        return .failure(.overlongVarint)
    }

    // MARK: Writing (the minters' half: what `fields` reads back)

    /// `value` as an unsigned LEB128 varint.
    public static func encodeVarint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return out + [UInt8(value)]
    }

    /// A varint field (`uint32`, `uint64`, `int64` as two's complement, `bool`, an enum).
    public static func encode(_ number: Int, varint value: UInt64) -> [UInt8] {
        encodeVarint(UInt64(number) << 3) + encodeVarint(value)
    }

    /// A length-delimited field (`bytes`, `string`, an embedded message).
    public static func encode(_ number: Int, bytes value: some Collection<UInt8>) -> [UInt8] {
        encodeVarint(UInt64(number) << 3 | 2) + encodeVarint(UInt64(value.count)) + Array(value)
    }
}
