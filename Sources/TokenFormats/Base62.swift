/// Base62 as Branca writes its tokens (github.com/tuupola/branca-spec, README "Base62") and as the
/// base-x libraries its implementations use do it: the whole byte string read as one big-endian
/// number and written in the alphabet `0-9A-Za-z` (GitHub's checksum alphabet,
/// `PositionalEncoding.base62`), each leading zero byte as one leading `0`.
///
/// Why a number and not groups of bits: 62 is no power of two, so no character stands for fixed
/// bits and no prefix survives encoding; a Branca token is told from other base62 text only by
/// decoding it whole and finding its version byte.
public enum Base62 {
    /// The alphabet's symbols in value order.
    public static let alphabet = PositionalEncoding.base62.alphabet

    /// A symbol's value, or 0xFF for a byte outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, symbol) in alphabet.enumerated() { table[Int(symbol)] = UInt8(value) }
        return table
    }()

    /// Whether every byte of `text` is a base62 symbol.
    public static func isBase62(_ text: some Collection<UInt8>) -> Bool {
        text.allSatisfy { values[Int($0)] != 0xFF }
    }

    /// The bytes `text` spells, or nil when a byte is outside the alphabet. Five symbols at a time
    /// (62⁵ < 2³²) into 32-bit limbs, so a 4 KiB value costs a few hundred thousand multiplications.
    public static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        let symbols = Array(text)
        var leadingZeros = 0
        while leadingZeros < symbols.count, symbols[leadingZeros] == alphabet[0] { leadingZeros += 1 }
        // The number in 32-bit limbs, least significant first.
        var limbs: [UInt32] = []
        var index = leadingZeros
        while index < symbols.count {
            let end = min(index + 5, symbols.count)
            var chunk: UInt64 = 0, scale: UInt64 = 1
            for symbol in symbols[index..<end] {
                let value = values[Int(symbol)]
                guard value != 0xFF else { return nil }
                chunk = chunk * 62 + UInt64(value)
                scale *= 62
            }
            var carry = chunk
            for limb in limbs.indices {
                let product = UInt64(limbs[limb]) * scale + carry
                limbs[limb] = UInt32(truncatingIfNeeded: product)
                carry = product >> 32
            }
            while carry > 0 {
                limbs.append(UInt32(truncatingIfNeeded: carry))
                carry >>= 32
            }
            index = end
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(limbs.count * 4)
        for limb in limbs.reversed() {
            bytes += [UInt8(limb >> 24), UInt8(truncatingIfNeeded: limb >> 16), UInt8(truncatingIfNeeded: limb >> 8), UInt8(truncatingIfNeeded: limb)]
        }
        let significant = bytes.drop { $0 == 0 }
        return [UInt8](repeating: 0, count: leadingZeros) + significant
    }

    /// `bytes` in base62 (what `decode` reads back).
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        let leadingZeros = input.prefix { $0 == 0 }.count
        // Digits, least significant first: each byte multiplies the number so far by 256.
        var digits: [UInt8] = []
        for byte in input.dropFirst(leadingZeros) {
            var carry = UInt32(byte)
            for position in digits.indices {
                let value = UInt32(digits[position]) << 8 + carry
                digits[position] = UInt8(value % 62)
                carry = value / 62
            }
            while carry > 0 {
                digits.append(UInt8(carry % 62))
                carry /= 62
            }
        }
        let symbols = [UInt8](repeating: alphabet[0], count: leadingZeros) + digits.reversed().map { alphabet[Int($0)] }
        return String(decoding: symbols, as: UTF8.self)
    }
}
