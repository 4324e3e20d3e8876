import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSuppression

/// UTF-16 text (Windows tools, PowerShell redirection, .NET logs, `.reg` exports) transcoded to
/// UTF-8 on the fly, so that the rules and the line and column counting see ordinary text.
///
/// Without this such a file reads as binary (every other byte is NUL) and its tokens are never
/// seen. Columns of findings count characters, as in any file; byte offsets are those of the
/// UTF-8 transcoding. Unpaired surrogates become U+FFFD, as a decoder would show them.
public struct UTF16Source<Base: ByteSource>: ByteSource {
    public typealias ByteOrder = UTF16ByteOrder
    public let order: ByteOrder
    private var base: Base
    private var input = [UInt8](repeating: 0, count: 64 * 1024)
    /// Bytes of `input` not yet transcoded (an odd byte, or a high surrogate waiting for its pair).
    private var carry: [UInt8] = []
    private var output: [UInt8] = []
    private var outputStart = 0
    private var atEnd = false
    private var skipBOM: Bool

    public init(_ base: Base, order: ByteOrder, hasBOM: Bool) {
        self.base = base
        self.order = order
        skipBOM = hasBOM
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while outputStart == output.count {
            if atEnd { return 0 }
            try refill()
        }
        let count = min(buffer.count, output.count - outputStart)
        output.withUnsafeBytes { bytes in
            buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + outputStart, byteCount: count)
        }
        outputStart += count
        return count
    }

    private mutating func refill() throws(InputError) {
        output.removeAll(keepingCapacity: true)
        outputStart = 0
        var units = carry
        carry.removeAll()
        var failure: InputError?
        let count = input.withUnsafeMutableBytes { bytes -> Int in
            do { return try base.read(into: bytes) } catch {
                failure = error as? InputError
                return 0
            }
        }
        if let failure { throw failure }
        if count == 0 { atEnd = true }
        units += input[0..<count]
        if skipBOM && units.count >= 2 {
            units.removeFirst(2)
            skipBOM = false
        }
        var index = 0
        func unit(at offset: Int) -> UInt16 {
            order == .littleEndian ? UInt16(units[offset]) | UInt16(units[offset + 1]) << 8
                : UInt16(units[offset]) << 8 | UInt16(units[offset + 1])
        }
        while index + 1 < units.count {
            let first = unit(at: index)
            var scalar = UInt32(first)
            var length = 2
            if (0xD800..<0xDC00).contains(first) {
                if index + 3 < units.count {
                    let second = unit(at: index + 2)
                    if (0xDC00..<0xE000).contains(second) {
                        scalar = 0x10000 + (UInt32(first) - 0xD800) << 10 + (UInt32(second) - 0xDC00)
                        length = 4
                    } else {
                        scalar = 0xFFFD
                    }
                } else if !atEnd {
                    break // the pair's second half is in the next read
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00..<0xE000).contains(first) {
                scalar = 0xFFFD
            }
            UTF16Source.appendUTF8(scalar, to: &output)
            index += length
        }
        if index < units.count {
            if atEnd {
                UTF16Source.appendUTF8(0xFFFD, to: &output) // an odd byte at the end
            } else {
                carry = Array(units[index...])
            }
        }
    }

    private static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}

/// The two UTF-16 byte orders, named as they appear in a finding's `encodings`.
public enum UTF16ByteOrder: String, Sendable {
    case littleEndian = "utf-16le"
    case bigEndian = "utf-16be"

    /// The byte order of UTF-16 text starting with `head`, and whether it starts with a BOM; nil
    /// when it is not UTF-16. Without a BOM, text that is mostly ASCII shows as NUL bytes at every
    /// odd (little-endian) or every even (big-endian) offset.
    public static func detect(_ head: [UInt8]) -> (order: UTF16ByteOrder, hasBOM: Bool)? {
        if head.count >= 2 && head[0] == 0xFF && head[1] == 0xFE {
            // FF FE 00 00 is UTF-32LE, which is not handled: leave it to the binary check.
            if head.count >= 4 && head[2] == 0 && head[3] == 0 { return nil }
            return (.littleEndian, true)
        }
        if head.count >= 2 && head[0] == 0xFE && head[1] == 0xFF { return (.bigEndian, true) }
        let pairs = min(head.count, 512) / 2
        guard pairs >= 8 else { return nil }
        var evenZeros = 0
        var oddZeros = 0
        var evenText = 0
        var oddText = 0
        func isText(_ byte: UInt8) -> Bool { byte >= 0x20 && byte < 0x7F || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        for pair in 0..<pairs {
            if head[2 * pair] == 0 { evenZeros += 1 } else if isText(head[2 * pair]) { evenText += 1 }
            if head[2 * pair + 1] == 0 { oddZeros += 1 } else if isText(head[2 * pair + 1]) { oddText += 1 }
        }
        // Binary formats have NULs too; UTF-16 text has text in the other half of its units.
        if oddZeros * 10 >= pairs * 7 && evenZeros * 10 <= pairs && evenText * 10 >= pairs * 9 { return (.littleEndian, false) }
        if evenZeros * 10 >= pairs * 7 && oddZeros * 10 <= pairs && oddText * 10 >= pairs * 9 { return (.bigEndian, false) }
        return nil
    }
}
