/// Base64 blobs (standard and URL-safe, padded or not): Kubernetes Secret `data:` values,
/// `Authorization: Basic` credentials, `.dockerconfigjson`, tokens pasted into env files encoded.
///
/// A run of base64 characters is a candidate when it is long enough to hold a token; it is decoded
/// and kept only when the result reads as text, which rejects hashes, identifiers, images and other
/// binary in the first few bytes.
enum Base64Layer {
    /// The shortest run worth decoding: 18 bytes of text, less than any token with its context.
    static let minimumRun = 24

    private static let isBase64Character: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in 0..<256 where Base64.table[byte] != 0xFF { table[byte] = true }
        return table
    }()

    /// Calls `body` with every run of at least `minimumRun` base64 characters (plus its `=`
    /// padding) that starts in `range` and not inside a span of `skip` (sorted; already matched
    /// raw, such as the segments of a JWT, which the analyzer decodes itself). A run that begins
    /// before `range` is included whole when its start is in `buffer`.
    static func runs(
        in buffer: UnsafeRawBufferPointer, starting range: Range<Int>, skip: [Range<Int>], body: (Range<Int>) -> Void
    ) {
        guard !range.isEmpty, let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let count = buffer.count
        let minimum = minimumRun
        isBase64Character.withUnsafeBufferPointer { isBase64 in
            var index = range.lowerBound
            // A run that started before the range is taken whole when its start is in the buffer
            // (decoding from its middle would misalign it), and skipped when it is not.
            if index > 0 && isBase64[Int(base[index - 1])] {
                var start = index - 1
                while start > 0 && isBase64[Int(base[start - 1])] { start -= 1 }
                if start > 0 {
                    index = start
                } else {
                    while index < count && isBase64[Int(base[index])] { index += 1 }
                }
            }
            var skipCursor = 0
            while index < range.upperBound {
                // A run of `minimum` characters that starts in [index, index + minimum) covers the
                // probe: when the probe is not base64, jump past it.
                let probe = index + minimum - 1
                guard probe < count else { return }
                if !isBase64[Int(base[probe])] {
                    index = probe + 1
                    continue
                }
                var start = probe
                while start > index && isBase64[Int(base[start - 1])] { start -= 1 }
                var end = probe + 1
                while end < count && isBase64[Int(base[end])] { end += 1 }
                if end - start >= minimum && start < range.upperBound {
                    var padded = end
                    while padded < count && padded - end < 2 && base[padded] == UInt8(ascii: "=") { padded += 1 }
                    while skipCursor < skip.count && skip[skipCursor].upperBound <= start { skipCursor += 1 }
                    let inside = skipCursor < skip.count && skip[skipCursor].lowerBound <= start && end <= skip[skipCursor].upperBound
                    if !inside { body(start..<padded) }
                }
                index = end + 1
            }
        }
    }

    /// Decodes `run` of `buffer` into `output` (cleared first); false when it is not base64 of text.
    static func decode(_ buffer: UnsafeRawBufferPointer, run: Range<Int>, into output: inout DecodedText) -> Bool {
        output.removeAll()
        var end = run.upperBound
        while end > run.lowerBound && buffer[end - 1] == UInt8(ascii: "=") { end -= 1 }
        // A remainder of one character cannot be base64; decode what precedes it.
        if (end - run.lowerBound) % 4 == 1 { end -= 1 }
        guard end - run.lowerBound >= minimumRun - 1 else { return false }
        var accumulator: UInt32 = 0
        var bits = 0
        var groupStart = run.lowerBound
        var produced = 0 // bytes produced in the current group of four characters
        var index = run.lowerBound
        while index < end {
            let value = Base64.table[Int(buffer[index])]
            if value == 0xFF { return false }
            if (index - run.lowerBound) % 4 == 0 {
                groupStart = index
                produced = 0
            }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                // Byte r of a group starts in character r and ends in character r + 1.
                let first = groupStart + produced
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)), from: first, to: first + 2)
                produced += 1
                // Reject binary early: the first bytes of random data are rarely all text.
                if output.count == 12 && !DecodedText.looksLikeText(output.bytes) { return false }
            }
            index += 1
        }
        return DecodedText.looksLikeText(output.bytes)
    }

    /// `base64url` when the run uses the URL-safe alphabet, `base64` otherwise.
    static func name(of run: Range<Int>, in buffer: UnsafeRawBufferPointer) -> String {
        for index in run where buffer[index] == UInt8(ascii: "-") || buffer[index] == UInt8(ascii: "_") {
            return "base64url"
        }
        return "base64"
    }
}
