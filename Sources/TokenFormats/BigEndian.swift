/// Unsigned big-endian integers in token headers (Fernet's 64-bit and Branca's 32-bit timestamps).
public enum BigEndian {
    public static func unsigned(_ bytes: some Collection<UInt8>) -> UInt64 {
        bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// `value` as `count` big-endian bytes.
    public static func bytes(_ value: UInt64, count: Int) -> [UInt8] {
        (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}
