/// The name a base64 value is assigned to (`api-token: <base64>` in a Kubernetes Secret's
/// `data:`, `"API_KEY": "<base64>"`, `TOKEN=<base64>`), carried into the decoded text.
///
/// Why: decoding a Secret's value yields the bare token, and a bare opaque token says nothing
/// about itself; its key says what it is. Writing `NAME=` (the name's bytes mapped to where they
/// stand, the `=` to the separator) in front of the decoded value lets the one named-value rule
/// judge it by its name and its decoded content, as it judges a value written in clear.
package enum AssignedName {
    /// The longest name looked at.
    static let maximumName = 80

    /// The span of the name assigned to the value that starts at `start` of `buffer` (with an
    /// optional opening quote before it, then `:` or `=` and blanks, a closing quote of the name),
    /// and the separator's offset; nil when the value is not assigned to a name.
    package static func before(_ start: Int, in buffer: UnsafeRawBufferPointer) -> (name: Range<Int>, separator: Int)? {
        var index = start
        func previous() -> UInt8? { index > 0 ? buffer[index - 1] : nil }
        if let byte = previous(), byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { index -= 1 }
        while let byte = previous(), byte == 0x20 || byte == 0x09 { index -= 1 }
        guard let separator = previous(), separator == UInt8(ascii: ":") || separator == UInt8(ascii: "=") else { return nil }
        index -= 1
        let separatorOffset = index
        if let byte = previous(), byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { index -= 1 }
        let end = index
        while let byte = previous(), isNameByte(byte), end - index < maximumName { index -= 1 }
        guard index < end else { return nil }
        if let byte = previous(), isNameByte(byte) { return nil }
        return (index..<end, separatorOffset)
    }

    /// Prefixes `text` (a decoded value) with `name=` when the value is one bare word (no blank,
    /// quote or line break: a token, not a document) and a name stands before it in `buffer`.
    package static func carry(into text: inout DecodedText, valueStart: Int, in buffer: UnsafeRawBufferPointer) {
        guard text.count <= 4096, !text.bytes.contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }),
            let (name, separator) = before(valueStart, in: buffer)
        else { return }
        var prefixed = DecodedText()
        for offset in name { prefixed.append(buffer[offset], from: offset, to: offset + 1) }
        prefixed.append(UInt8(ascii: "="), from: separator, to: separator + 1)
        for index in 0..<text.count { prefixed.append(text.bytes[index], from: text.starts[index], to: text.ends[index]) }
        text = prefixed
    }

    /// A character of a name: letters, digits, `_`, `.`, `-`.
    package static func isNameByte(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }
}
