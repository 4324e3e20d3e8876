import TokenFormats
import TokenScanEngine
import TokenScanModel

/// Text recovered from an encoded span, and where each recovered byte came from.
///
/// Why a map per byte: a token found inside decoded text must still be reported at the characters
/// of the original file that encode it (a base64 blob, a `%2E`, a string split over two lines), and
/// with nested layers (base64 inside base64) the maps compose. `starts` and `ends` never decrease,
/// so the original span of decoded bytes `a..<b` is `starts[a]..<ends[b - 1]`.
package struct DecodedText {
    package var bytes: [UInt8] = []
    /// `starts[i]..<ends[i]`: the text that encodes `bytes[i]`, in the coordinates of the buffer
    /// that was decoded (after `compose`: of the original chunk).
    package var starts: [Int] = []
    package var ends: [Int] = []

    package var count: Int { bytes.count }

    package mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    @inline(__always) package mutating func append(_ byte: UInt8, from start: Int, to end: Int) {
        bytes.append(byte)
        starts.append(start)
        ends.append(end)
    }

    /// Appends the UTF-8 encoding of `scalar`, every byte mapped to `start..<end`.
    package mutating func append(scalar: UInt32, from start: Int, to end: Int) {
        guard let value = Unicode.Scalar(scalar) else {
            // A lone surrogate or out of range: U+FFFD, as a decoder would.
            for byte in [UInt8(0xEF), 0xBF, 0xBD] { append(byte, from: start, to: end) }
            return
        }
        for byte in String(Character(value)).utf8 { append(byte, from: start, to: end) }
    }

    /// Re-expresses the map in the coordinates of `parent`'s original (this text was decoded from
    /// `parent.bytes`).
    package mutating func compose(with parent: DecodedText) {
        for index in starts.indices {
            let start = starts[index]
            let end = ends[index]
            starts[index] = parent.starts[start]
            ends[index] = parent.ends[max(start, end - 1)]
        }
    }

    /// The original span of the decoded bytes `range` (not empty).
    package func origin(of range: Range<Int>) -> Range<Int> {
        starts[range.lowerBound]..<ends[range.upperBound - 1]
    }

    /// True when the bytes read as text: printable ASCII, whitespace and well-formed UTF-8, with at
    /// most one stray byte in 50. Random binary (an image, a hash, misaligned base64) fails within
    /// its first bytes; encoded tokens, JSON and `user:password` pass.
    package static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return false }
        var stray = 0
        var index = 0
        let allowed = bytes.count / 50
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x20 && byte < 0x7F || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                index += 1
                continue
            }
            let length = byte >= 0xF0 && byte < 0xF5 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 && byte < 0xE0 ? 2 : 0
            if length > 0 && index + length <= bytes.count
                && bytes[(index + 1)..<(index + length)].allSatisfy({ $0 & 0xC0 == 0x80 }) {
                index += length
                continue
            }
            stray += 1
            if stray > allowed || index < 8 { return false }
            index += 1
        }
        return true
    }
}
