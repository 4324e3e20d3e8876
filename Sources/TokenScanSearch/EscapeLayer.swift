import TokenFormats
import TokenScanEngine
import TokenScanModel

#if canImport(Glibc)
import Glibc
#endif

/// Character escapes that hide a token from a plain pattern: percent-encoding
/// (`Authorization%3A%20Bearer%20…`, `%2E`, and `%252E` twice over), JSON and JavaScript string
/// escapes (`\/`, `\u002e`, `\"` in JSON logged inside JSON; Java properties' `\=` and `\:`), and HTML character references
/// (`&#46;`, `&#x2e;`, `&period;`).
///
/// Each layer is found by its trigger character, and the line around a trigger is decoded as a
/// whole (at most `radius` bytes each side), so that a header name and the token after it are
/// decoded together.
package enum EscapeLayer: String, CaseIterable {
    case percent
    case jsonEscape = "json-escape"
    case htmlEntity = "html-entity"

    /// How far around a trigger a region reaches on a long line.
    package static let radius = 8 * 1024

    package var trigger: UInt8 {
        switch self {
        case .percent: UInt8(ascii: "%")
        case .jsonEscape: UInt8(ascii: "\\")
        case .htmlEntity: UInt8(ascii: "&")
        }
    }

    /// Calls `body` with the region around every trigger in `range` that starts an escape of this
    /// layer; regions do not overlap.
    package func regions(in buffer: UnsafeRawBufferPointer, triggersIn range: Range<Int>, body: (Range<Int>) -> Void) {
        guard let base = buffer.baseAddress else { return }
        var cursor = range.lowerBound
        var covered = 0 // regions end here or before
        while cursor < range.upperBound, let found = memchr(base + cursor, Int32(trigger), range.upperBound - cursor) {
            let position = base.distance(to: UnsafeRawPointer(found))
            cursor = position + 1
            guard position >= covered, escapeLength(in: buffer, at: position) != nil else { continue }
            var start = position
            let lowest = max(0, position - EscapeLayer.radius)
            while start > lowest && buffer[start - 1] != 0x0A { start -= 1 }
            var end = position
            let highest = min(buffer.count, position + EscapeLayer.radius)
            while end < highest && buffer[end] != 0x0A { end += 1 }
            covered = end
            body(start..<end)
        }
    }

    /// Decodes `region` of `buffer` into `output` (cleared first): escapes of this layer are
    /// replaced, everything else is copied. False when nothing was decoded.
    package func decode(_ buffer: UnsafeRawBufferPointer, region: Range<Int>, into output: inout DecodedText) -> Bool {
        output.removeAll()
        var decoded = false
        var index = region.lowerBound
        while index < region.upperBound {
            let byte = buffer[index]
            if byte == trigger, let length = escapeLength(in: buffer, at: index, limit: region.upperBound) {
                index += decodeEscape(buffer, at: index, length: length, into: &output)
                decoded = true
            } else {
                output.append(byte, from: index, to: index + 1)
                index += 1
            }
        }
        return decoded
    }

    /// The length of the escape at `index` (which holds the trigger), or nil when none starts there.
    package func escapeLength(in buffer: UnsafeRawBufferPointer, at index: Int, limit: Int? = nil) -> Int? {
        let end = limit ?? buffer.count
        func byte(_ offset: Int) -> UInt8? { index + offset < end ? buffer[index + offset] : nil }
        switch self {
        case .percent:
            guard let high = byte(1), let low = byte(2), PercentEncoding.hexDigit(high) != nil, PercentEncoding.hexDigit(low) != nil else { return nil }
            return 3
        case .jsonEscape:
            guard let kind = byte(1) else { return nil }
            switch kind {
            case UInt8(ascii: "u"):
                if byte(2) == UInt8(ascii: "{") {
                    // JavaScript `\u{1F600}`.
                    var length = 3
                    while let digit = byte(length), PercentEncoding.hexDigit(digit) != nil, length < 10 { length += 1 }
                    return length > 3 && byte(length) == UInt8(ascii: "}") ? length + 1 : nil
                }
                for offset in 2..<6 {
                    guard let digit = byte(offset), PercentEncoding.hexDigit(digit) != nil else { return nil }
                }
                return 6
            case UInt8(ascii: "x"):
                guard let high = byte(2), let low = byte(3), PercentEncoding.hexDigit(high) != nil, PercentEncoding.hexDigit(low) != nil else { return nil }
                return 4
            // `\=` and `\:` are Java-properties escapes (`jira.token=ATATT3…\=1A2B3C4D`).
            case UInt8(ascii: "/"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"), UInt8(ascii: "="), UInt8(ascii: ":"):
                return 2
            default:
                return nil
            }
        case .htmlEntity:
            guard let next = byte(1) else { return nil }
            var length = 2
            if next == UInt8(ascii: "#") {
                let isHex = byte(2) == UInt8(ascii: "x") || byte(2) == UInt8(ascii: "X")
                length = isHex ? 3 : 2
                let digitsStart = length
                while let digit = byte(length), length < 12,
                    isHex ? PercentEncoding.hexDigit(digit) != nil : (digit >= 0x30 && digit <= 0x39) {
                    length += 1
                }
                guard length > digitsStart else { return nil }
                // The `;` is optional in HTML for numeric references.
                return byte(length) == UInt8(ascii: ";") ? length + 1 : length
            }
            while let letter = byte(length), length < 12, EscapeLayer.isLetter(letter) { length += 1 }
            guard byte(length) == UInt8(ascii: ";"), length > 2 else { return nil }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: buffer[(index + 1)..<(index + length)]), as: UTF8.self)
            return EscapeLayer.entities[name] == nil ? nil : length + 1
        }
    }

    /// Appends what the escape at `index` stands for; returns the bytes it consumed.
    private func decodeEscape(_ buffer: UnsafeRawBufferPointer, at index: Int, length: Int, into output: inout DecodedText) -> Int {
        let end = index + length
        switch self {
        case .percent:
            output.append(PercentEncoding.hexDigit(buffer[index + 1])! << 4 | PercentEncoding.hexDigit(buffer[index + 2])!, from: index, to: end)
        case .jsonEscape:
            switch buffer[index + 1] {
            case UInt8(ascii: "u"):
                let digits = buffer[index + 2] == UInt8(ascii: "{") ? (index + 3)..<(end - 1) : (index + 2)..<end
                var value: UInt32 = 0
                for offset in digits { value = value << 4 | UInt32(PercentEncoding.hexDigit(buffer[offset])!) }
                // A surrogate pair written as two escapes: `\uD83D\uDE00`.
                if (0xD800..<0xDC00).contains(value), end + 6 <= buffer.count, buffer[end] == UInt8(ascii: "\\"),
                    buffer[end + 1] == UInt8(ascii: "u"), escapeLength(in: buffer, at: end) == 6 {
                    var low: UInt32 = 0
                    for offset in (end + 2)..<(end + 6) { low = low << 4 | UInt32(PercentEncoding.hexDigit(buffer[offset])!) }
                    if (0xDC00..<0xE000).contains(low) {
                        output.append(scalar: 0x10000 + (value - 0xD800) << 10 + (low - 0xDC00), from: index, to: end + 6)
                        return length + 6
                    }
                }
                output.append(scalar: value, from: index, to: end)
            case UInt8(ascii: "x"):
                output.append(scalar: UInt32(PercentEncoding.hexDigit(buffer[index + 2])! << 4 | PercentEncoding.hexDigit(buffer[index + 3])!), from: index, to: end)
            default:
                output.append(buffer[index + 1], from: index, to: end)
            }
        case .htmlEntity:
            let body = UnsafeRawBufferPointer(rebasing: buffer[(index + 1)..<end])
            if body.first == UInt8(ascii: "#") {
                let isHex = body.count > 1 && (body[1] | 0x20) == UInt8(ascii: "x")
                var value: UInt32 = 0
                for digit in body.dropFirst(isHex ? 2 : 1) where digit != UInt8(ascii: ";") {
                    value = value &* (isHex ? 16 : 10) &+ UInt32(isHex ? PercentEncoding.hexDigit(digit)! : digit - 0x30)
                }
                output.append(scalar: value, from: index, to: end)
            } else {
                let name = String(decoding: body.dropLast(), as: UTF8.self)
                output.append(scalar: EscapeLayer.entities[name] ?? 0xFFFD, from: index, to: end)
            }
        }
        return length
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    /// The named references that stand for characters tokens and headers are made of (HTML5
    /// names), and the common ones around them.
    package static let entities: [String: UInt32] = [
        "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27, "nbsp": 0x20, "sol": 0x2F, "period": 0x2E,
        "colon": 0x3A, "semi": 0x3B, "equals": 0x3D, "lowbar": 0x5F, "UnderBar": 0x5F, "plus": 0x2B, "percnt": 0x25,
        "num": 0x23, "quest": 0x3F, "comma": 0x2C, "excl": 0x21, "commat": 0x40, "dollar": 0x24, "ast": 0x2A,
        "bsol": 0x5C, "lpar": 0x28, "rpar": 0x29, "lsqb": 0x5B, "rsqb": 0x5D, "lcub": 0x7B, "rcub": 0x7D,
        "verbar": 0x7C, "grave": 0x60, "Hat": 0x5E, "tilde": 0x7E, "hyphen": 0x2010, "dash": 0x2010, "minus": 0x2212,
    ]
}
