import TokenFormats
import TokenScanEngine
import TokenScanModel

/// Base64 blobs (standard and URL-safe, padded or not): Kubernetes Secret `data:` values,
/// `Authorization: Basic` credentials, `.dockerconfigjson`, tokens pasted into env files encoded.
///
/// A run of base64 characters is a candidate when it is long enough to hold a token; it is decoded
/// and kept only when the result reads as text, which rejects hashes, identifiers, images and other
/// binary in the first few bytes.
package enum Base64Layer {
    /// The shortest run worth decoding: 18 bytes of text, less than any token with its context.
    /// `runs`' fast pass relies on it being at least 24.
    package static let minimumRun = 24

    private static let isBase64Character: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in 0..<256 where Base64.table[byte] != 0xFF { table[byte] = true }
        return table
    }()

    /// Calls `body` with every run of at least `minimumRun` base64 characters (plus its `=`
    /// padding) that starts in `range` and not inside a span of `skip` (sorted; already matched
    /// raw, such as the segments of a JWT, which the analyzer decodes itself). A run that begins
    /// before `range` is included whole when its start is in `buffer`.
    package static func runs(
        in buffer: UnsafeRawBufferPointer, starting range: Range<Int>, skip: [Range<Int>], body: (Range<Int>) -> Void
    ) {
        guard !range.isEmpty, let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let count = buffer.count
        let minimum = minimumRun
        isBase64Character.withUnsafeBufferPointer { isBase64 in
            var index = range.lowerBound
            // A run that started before the range is taken whole from its start, or from the
            // buffer's start when it began even earlier (a blob longer than a chunk's lookback;
            // `decode` finds the phase of its groups of four).
            if index > 0 && index < count && isBase64[Int(base[index - 1])] && isBase64[Int(base[index])] {
                var start = index - 1
                while start > 0 && isBase64[Int(base[start - 1])] { start -= 1 }
                index = start
            }
            var skipCursor = 0
            func emit(_ start: Int, _ end: Int) {
                var padded = end
                while padded < count && padded - end < 2 && base[padded] == UInt8(ascii: "=") { padded += 1 }
                while skipCursor < skip.count && skip[skipCursor].upperBound <= start { skipCursor += 1 }
                let inside = skipCursor < skip.count && skip[skipCursor].lowerBound <= start && end <= skip[skipCursor].upperBound
                if !inside { body(start..<padded) }
            }
            // Fast pass: one 8-byte word tested every 16 bytes. A run of 24 characters that starts
            // at or after `index` covers one of the words `index + 16k + 8 ..< index + 16k + 16`
            // whole (it starts at most 15 bytes before the next one and ends 24 bytes after its
            // start). Text is mostly words shorter than 8 characters, so most of it is passed over
            // 16 bytes at a time; a whole base64 word is widened character by character.
            var floor = index // no run starts before this that is not handled yet
            var word = index + 8
            let limit = min(count, range.upperBound + minimum)
            while word + 8 <= limit {
                // A run of 24 or more through this word starts 8 or more bytes before it or,
                // starting later, ends 16 or more after it: it covers the 8 bytes before the word
                // or the 8 after it whole. When neither is all base64, the run through here is too
                // short, and the walks that would measure it are skipped (source code's 8- to
                // 15-character identifiers: 95 % of the words that passed, on the bench's tree).
                guard allBase64(base + word),
                      allBase64(base + word - 8) || (word + 16 <= count && allBase64(base + word + 8)) else {
                    word += 16
                    continue
                }
                var start = word
                while start > floor && isBase64[Int(base[start - 1])] { start -= 1 }
                if start >= range.upperBound { return }
                var end = word + 8
                while end < count && isBase64[Int(base[end])] { end += 1 }
                if end - start >= minimum { emit(start, end) }
                floor = end + 1
                word = end + 9
            }
            // The last few words, character by character (a short run ending at the buffer's end
            // may not cover two whole words).
            index = max(floor, word - 40)
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
                if end - start >= minimum && start < range.upperBound { emit(start, end) }
                index = end + 1
            }
        }
    }

    /// True when the 8 bytes at `pointer` are all base64 characters (either alphabet). SWAR on one
    /// 64-bit word: byte-wise range tests with the result in each byte's high bit (no carry
    /// crosses bytes once bytes of 0x80 and above, never base64, are ruled out).
    @inline(__always) private static func allBase64(_ pointer: UnsafePointer<UInt8>) -> Bool {
        let word = UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)
        let high: UInt64 = 0x8080_8080_8080_8080
        if word & high != 0 { return false }
        @inline(__always) func repeated(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }
        @inline(__always) func within(_ value: UInt64, _ low: UInt8, _ upper: UInt8) -> UInt64 {
            let atLeast = value &+ repeated(0x80 - low)
            let above = value &+ repeated(0x7F - upper)
            return atLeast & ~above & high
        }
        var ok = within(word | repeated(0x20), 0x61, 0x7A) // letters, either case
        ok |= within(word, 0x30, 0x39)
        ok |= within(word, 0x2B, 0x2B) | within(word, 0x2D, 0x2D) | within(word, 0x2F, 0x2F) | within(word, 0x5F, 0x5F)
        return ok == high
    }

    /// Decodes `run` of `buffer` into `output` (cleared first); false when it is not base64 of text.
    ///
    /// A run at the buffer's very start may be the rest of a blob cut by a chunk boundary, whose
    /// groups of four begin one to three characters in: when it does not decode to text as it
    /// stands, the other three phases are tried (a wrong phase shifts every byte's bits, which
    /// `looksLikeText` rejects within the first 12 bytes).
    package static func decode(_ buffer: UnsafeRawBufferPointer, run: Range<Int>, into output: inout DecodedText) -> Bool {
        if decodeAligned(buffer, run: run, into: &output) { return true }
        guard run.lowerBound == 0 else { return false }
        for phase in 1...3 where decodeAligned(buffer, run: phase..<run.upperBound, into: &output) { return true }
        return false
    }

    private static func decodeAligned(_ buffer: UnsafeRawBufferPointer, run: Range<Int>, into output: inout DecodedText) -> Bool {
        output.removeAll()
        guard run.count > 0 else { return false }
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
    package static func name(of run: Range<Int>, in buffer: UnsafeRawBufferPointer) -> String {
        for index in run where buffer[index] == UInt8(ascii: "-") || buffer[index] == UInt8(ascii: "_") {
            return "base64url"
        }
        return "base64"
    }
}
