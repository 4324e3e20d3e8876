/// A path as the file system has it — any bytes but NUL — with the text reports show for it.
///
/// Why: Linux names are bytes, not text. A name that is not valid UTF-8 (a Latin-1 file from an
/// old archive, or one made to hide from tools) used to be decoded into a `String` with U+FFFD,
/// which names no file: the walker could not open it and skipped it, or a whole directory, as
/// "cannot access". Paths are walked and opened as these bytes; `display` is what people and
/// `Finding.path` see, and reports that must be lossless carry `bytes` too (JSON `pathBytes`,
/// SARIF percent-encoding).
public struct RawPath: Sendable, Hashable {
    public let bytes: [UInt8]
    /// `bytes` as text: unchanged when valid UTF-8; otherwise each byte of an invalid sequence
    /// as `\xNN` (lower-case hex, as `TerminalText` writes escapes).
    public let display: String
    /// Whether `bytes` is valid UTF-8 (then `display` is exactly its text).
    public let isUTF8: Bool

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        if let text = String(validating: bytes, as: UTF8.self) {
            display = text
            isUTF8 = true
        } else {
            display = RawPath.escape(bytes)
            isUTF8 = false
        }
    }

    public init(_ text: String) {
        bytes = Array(text.utf8)
        display = text
        isUTF8 = true
    }

    private init(bytes: [UInt8], display: String, isUTF8: Bool) {
        self.bytes = bytes
        self.display = display
        self.isUTF8 = isUTF8
    }

    /// `self/name` (no doubled slash after a directory that ends in one).
    public func appending(_ name: RawPath) -> RawPath {
        if bytes.isEmpty { return name }
        let slash = bytes.last == UInt8(ascii: "/")
        return RawPath(bytes: bytes + (slash ? [] : [UInt8(ascii: "/")]) + name.bytes,
                       display: display + (slash ? "" : "/") + name.display, isUTF8: isUTF8 && name.isUTF8)
    }

    /// Calls `body` with the path as a NUL-terminated C string (for `open`, `lstat`, `opendir`).
    public func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count, body)
        }
    }

    /// Valid UTF-8 sequences as text, every other byte as `\xNN`.
    static func escape(_ bytes: [UInt8]) -> String {
        var text = ""
        var index = 0
        while index < bytes.count {
            let length = RawPath.sequenceLength(bytes, at: index)
            if length > 0 {
                text += String(decoding: bytes[index..<(index + length)], as: UTF8.self)
                index += length
            } else {
                let hex = String(bytes[index], radix: 16)
                text += "\\x" + (hex.count == 1 ? "0" : "") + hex
                index += 1
            }
        }
        return text
    }

    /// The length of the valid UTF-8 sequence at `index`, or 0 when the byte there starts none.
    private static func sequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let first = bytes[index]
        if first < 0x80 { return 1 }
        let length: Int
        switch first {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        return String(validating: bytes[index..<(index + length)], as: UTF8.self) == nil ? 0 : length
    }
}
