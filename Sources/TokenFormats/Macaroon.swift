/// The version 2 binary macaroon format (libmacaroons, pymacaroons; what PyPI API tokens carry
/// after `pypi-`), read only as far as telling a whole macaroon from a cut one: a PyPI token cut
/// short in a log or a pasted snippet still matches the token pattern but cannot authenticate.
public enum Macaroon {
    /// Field types of the v2 format.
    private static let endOfSection: UInt64 = 0
    private static let signature: UInt64 = 6

    /// Whether `bytes` is a whole v2 macaroon: version 2, a header section, caveat sections, and a
    /// 32-byte signature that ends exactly at the last byte.
    public static func isWhole(_ bytes: [UInt8]) -> Bool {
        guard bytes.first == 2 else { return false }
        var index = 1
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count, shift < 63 {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        /// Reads fields up to and including the section's end; false when the data ends first.
        func section() -> Bool {
            while let type = varint() {
                if type == endOfSection { return true }
                guard let length = varint(), length <= UInt64(bytes.count - index) else { return false }
                index += Int(length)
            }
            return false
        }
        guard section() else { return false }
        // Caveat sections, then an empty one that ends the list.
        while true {
            guard index < bytes.count else { return false }
            if bytes[index] == 0 {
                index += 1
                break
            }
            guard section() else { return false }
        }
        guard varint() == signature, varint() == 32 else { return false }
        return index + 32 == bytes.count
    }

    /// A PyPI token (`pypi-` and base64url) holds a whole macaroon.
    public static func isWholePyPIToken(_ token: [UInt8]) -> Bool {
        let prefix = Array("pypi-".utf8)
        guard token.starts(with: prefix), let bytes = Base64.decode(token.dropFirst(prefix.count)) else { return false }
        return isWhole(bytes)
    }
}
