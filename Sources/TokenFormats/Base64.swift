/// Base64 decoding that accepts what real tokens contain: the URL-safe and the standard alphabet,
/// with or without padding. Foundation's decoder rejects unpadded base64url, which is what JWTs use.
public enum Base64 {
    package static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        table[Int(UInt8(ascii: "+"))] = 62
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "/"))] = 63
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Decodes `input`; `nil` on any character outside the alphabets, misplaced padding, or a
    /// length that cannot be base64 (remainder 1).
    public static func decode<C: Collection>(_ input: C) -> [UInt8]? where C.Element == UInt8 {
        var length = input.count
        // Strip up to two trailing '=' (padding is optional).
        var end = input.endIndex
        var stripped = 0
        while stripped < 2, length > 0 {
            let last = input.index(input.startIndex, offsetBy: length - 1)
            guard input[last] == UInt8(ascii: "=") else { break }
            end = last
            length -= 1
            stripped += 1
        }
        if length % 4 == 1 { return nil }
        if stripped > 0 && (length + stripped) % 4 != 0 { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(length * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        var index = input.startIndex
        while index != end {
            let value = table[Int(input[index])]
            if value == 0xFF { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
            index = input.index(after: index)
        }
        return output
    }

    /// Encodes as base64url without padding (how JWT segments are written).
    public static func urlEncode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in bytes {
            accumulator = accumulator << 8 | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                out.append(alphabet[Int((accumulator >> UInt32(bits)) & 0x3F)])
            }
        }
        if bits > 0 { out.append(alphabet[Int((accumulator << UInt32(6 - bits)) & 0x3F)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
