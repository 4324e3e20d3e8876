import TokenFormats
import TokenScanEngine
import TokenScanModel

#if canImport(Glibc)
import Glibc
#endif

/// Tokens split over several lines, put back together:
/// - shell line continuations: `…eyJhbGc\` + newline + `iOiJ…` (the backslash, the line break and
///   the next line's indentation are dropped);
/// - string concatenation across lines: `"eyJ…" +` + newline + `"…"` in JS, Java, Go, Swift, C#,
///   and Python's implicit concatenation of adjacent literals (the literals' contents are joined);
/// - hard-wrapped log lines: a line cut at a common terminal or log width (80, 120 …) whose last
///   characters and the next line's first characters are token characters.
///
/// Joining is tried only on a line where a rule keyword occurs (`eyJ`, `ghp_`, `bearer` …), since a
/// token can only continue onto the next line from a line where it begins; this keeps the cost to
/// the lines that matter.
package enum SplitTokenJoiner: String, CaseIterable {
    case lineContinuation = "line-continuation"
    case stringConcatenation = "string-concatenation"
    case wrappedLine = "wrapped-line"

    /// The widths at which terminals, log shippers and `fold` cut lines.
    package static let wrapWidths: Set<Int> = [76, 78, 79, 80, 100, 120, 128, 132, 140, 150, 160, 200, 240, 250, 255, 256, 500, 512, 1000, 1024, 2000, 2048, 4000, 4096, 8192]
    /// At most this many lines are joined into one.
    package static let maxLines = 64
    /// How far before the keyword the joined text starts (the header or assignment before a token).
    package static let leftReach = 1024

    /// Joins the split token that may begin on the line holding `keywords[first]` (offsets in
    /// `buffer`, ascending). Returns the joiner used (nil: nothing to join), the offset from which
    /// later keywords are worth trying (after the joined lines, or after this line), and the index
    /// of the first keyword past that offset.
    package static func join(
        _ buffer: UnsafeRawBufferPointer, keywords: [Int], first: Int, into output: inout DecodedText
    ) -> (joiner: SplitTokenJoiner?, next: Int) {
        // Most lines with a keyword end in something no joiner continues: tell from the line's
        // end (found forwards) before its start is looked for and its keywords are gathered.
        let end = lineBounds(buffer, from: keywords[first])
        guard mayContinue(buffer, lineEnd: end) else { return (nil, end.next) }
        let line = lineBounds(buffer, around: keywords[first])
        var last = first
        while last + 1 < keywords.count && keywords[last + 1] < line.contentEnd { last += 1 }
        let onLine = keywords[first...last]
        guard let (joiner, end) = join(buffer, line: line, keywords: onLine, into: &output) else { return (nil, line.next) }
        return (joiner, max(end, line.next))
    }

    /// Whether a joiner could continue the line that `line` ends (its `start` is not used): the
    /// joiners' own first tests, on the line's last bytes and the next line's first ones.
    private static func mayContinue(_ buffer: UnsafeRawBufferPointer, lineEnd line: Line) -> Bool {
        guard line.contentEnd < buffer.count, line.contentEnd > 0 else { return false }
        let last = buffer[line.contentEnd - 1]
        if last == UInt8(ascii: "\\") { return true }
        if line.next < buffer.count && isTokenCharacter(last) && isTokenCharacter(buffer[line.next]) { return true }
        var close = line.contentEnd - 1
        while close > 0 && (isBlank(buffer[close]) || isOperator(buffer[close])) { close -= 1 }
        return isQuote(buffer[close]) && opensLiteral(lineAt: line.next, in: buffer)
    }

    private static func join(
        _ buffer: UnsafeRawBufferPointer, line: Line, keywords: ArraySlice<Int>, into output: inout DecodedText
    ) -> (SplitTokenJoiner, Int)? {
        guard line.contentEnd < buffer.count, let firstKeyword = keywords.first, let lastKeyword = keywords.last else { return nil }
        // Python's `"…" \` + newline + `"…"` is concatenation more than continuation.
        if let end = joinConcatenation(buffer, line: line, keywords: keywords, into: &output) {
            return (.stringConcatenation, end)
        }
        let last = line.contentEnd > line.start ? buffer[line.contentEnd - 1] : 0
        if last == UInt8(ascii: "\\") {
            return joinContinuation(buffer, from: max(line.start, firstKeyword - leftReach), into: &output).map { (.lineContinuation, $0) }
        }
        if let end = joinWrapped(buffer, line: line, keyword: lastKeyword, into: &output) {
            return (.wrappedLine, end)
        }
        return nil
    }

    package struct Line {
        package var start: Int
        /// The end of the line's content (before `\r\n` or `\n`).
        package var contentEnd: Int
        /// The start of the next line (after the line break), or the buffer's end.
        package var next: Int
    }

    package static func lineBounds(_ buffer: UnsafeRawBufferPointer, around offset: Int) -> Line {
        let lowest = max(0, offset - 16 * 1024)
        var start = offset
        if let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) {
            while start > lowest && base[start - 1] != 0x0A { start -= 1 }
        }
        return lineBounds(buffer, from: start)
    }

    package static func lineBounds(_ buffer: UnsafeRawBufferPointer, from start: Int) -> Line {
        guard start < buffer.count, let base = buffer.baseAddress else { return Line(start: start, contentEnd: start, next: start) }
        guard let found = memchr(base + start, 0x0A, buffer.count - start) else {
            return Line(start: start, contentEnd: buffer.count, next: buffer.count)
        }
        let newline = base.distance(to: UnsafeRawPointer(found))
        let contentEnd = newline > start && buffer[newline - 1] == 0x0D ? newline - 1 : newline
        return Line(start: start, contentEnd: contentEnd, next: newline + 1)
    }

    @inline(__always) package static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    @inline(__always) package static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"),
            UInt8(ascii: "="): true
        default: false
        }
    }

    // MARK: Shell continuations

    private static func joinContinuation(_ buffer: UnsafeRawBufferPointer, from start: Int, into output: inout DecodedText) -> Int? {
        output.removeAll()
        var line = lineBounds(buffer, from: start)
        var lines = 0
        var position = start
        while true {
            let continues = line.contentEnd > line.start && buffer[line.contentEnd - 1] == UInt8(ascii: "\\")
                && line.next < buffer.count && lines < maxLines
            let contentEnd = continues ? line.contentEnd - 1 : line.contentEnd
            for index in position..<contentEnd { output.append(buffer[index], from: index, to: index + 1) }
            guard continues else { break }
            lines += 1
            line = lineBounds(buffer, from: line.next)
            position = line.start
            while position < line.contentEnd && isBlank(buffer[position]) { position += 1 }
        }
        return lines > 0 ? line.contentEnd : nil
    }

    // MARK: String concatenation

    private static func isQuote(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`")
    }

    /// The literal ending with the closing quote at `close`: its opening quote, on the same line.
    private static func literal(endingAt close: Int, in buffer: UnsafeRawBufferPointer, lineStart: Int) -> Int? {
        let quote = buffer[close]
        var index = close - 1
        while index >= lineStart {
            if buffer[index] == quote {
                var backslashes = 0
                while index - backslashes - 1 >= lineStart && buffer[index - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
                if backslashes % 2 == 0 { return index }
            }
            index -= 1
        }
        return nil
    }

    /// The closing quote of the literal opening at `open`, on the same line.
    private static func literal(openingAt open: Int, in buffer: UnsafeRawBufferPointer, lineEnd: Int) -> Int? {
        let quote = buffer[open]
        var index = open + 1
        while index < lineEnd {
            if buffer[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if buffer[index] == quote { return index }
            index += 1
        }
        return nil
    }

    /// `+`, PHP's `.`, or Python's line-continuing `\\` between literals.
    private static func isOperator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "\\")
    }

    /// After a literal's closing quote: the end of the line holds only `+` (or `.`, PHP's operator,
    /// or `\\`) and blanks, or nothing (implicit concatenation). Returns whether an operator was seen, or nil
    /// when something else follows.
    private static func trailer(after close: Int, in buffer: UnsafeRawBufferPointer, lineEnd: Int) -> Bool? {
        var index = close + 1
        var sawOperator = false
        while index < lineEnd {
            let byte = buffer[index]
            if isBlank(byte) {
                index += 1
            } else if !sawOperator && isOperator(byte) {
                sawOperator = true
                index += 1
            } else {
                return nil
            }
        }
        return sawOperator
    }

    /// Whether the line at `start` opens a literal (after blanks, and a `+` or `.` that continues
    /// the expression), as the next part of a concatenation must: the cheap test that most lines
    /// ending in a quote (access logs' user agents, JSON) fail, made before the first line's
    /// literal is looked for.
    private static func opensLiteral(lineAt start: Int, in buffer: UnsafeRawBufferPointer) -> Bool {
        var index = start
        while index < buffer.count && isBlank(buffer[index]) { index += 1 }
        if index < buffer.count && (buffer[index] == UInt8(ascii: "+") || buffer[index] == UInt8(ascii: ".")) {
            index += 1
            while index < buffer.count && isBlank(buffer[index]) { index += 1 }
        }
        return index < buffer.count && isQuote(buffer[index])
    }

    private static func joinConcatenation(
        _ buffer: UnsafeRawBufferPointer, line firstLine: Line, keywords: ArraySlice<Int>, into output: inout DecodedText
    ) -> Int? {
        // The last literal of the first line must end the line (but for `+` or `\\`) and hold a keyword.
        var close = firstLine.contentEnd - 1
        while close > firstLine.start && (isBlank(buffer[close]) || isOperator(buffer[close])) {
            close -= 1
        }
        guard close > firstLine.start, isQuote(buffer[close]),
            trailer(after: close, in: buffer, lineEnd: firstLine.contentEnd) != nil,
            opensLiteral(lineAt: firstLine.next, in: buffer),
            let open = literal(endingAt: close, in: buffer, lineStart: firstLine.start)
        else { return nil }
        // A keyword inside the literal starts a token (`"eyJ…" +`); one before it names the value
        // (`API_TOKEN = "…" +`): then the assignment is joined too, so that the name is read with it.
        let named = !keywords.contains(where: { open < $0 && $0 < close })
        guard !named || keywords.contains(where: { firstLine.start <= $0 && $0 < open }) else { return nil }
        output.removeAll()
        let from = named ? firstLine.start : open + 1
        for index in from..<close { output.append(buffer[index], from: index, to: index + 1) }
        var line = firstLine
        var joined = 1
        var end = close + 1
        while joined < maxLines && line.next < buffer.count {
            let next = lineBounds(buffer, from: line.next)
            var index = next.start
            while index < next.contentEnd && isBlank(buffer[index]) { index += 1 }
            if index < next.contentEnd && (buffer[index] == UInt8(ascii: "+") || buffer[index] == UInt8(ascii: ".")) {
                index += 1
                while index < next.contentEnd && isBlank(buffer[index]) { index += 1 }
            }
            guard index < next.contentEnd, isQuote(buffer[index]),
                let nextClose = literal(openingAt: index, in: buffer, lineEnd: next.contentEnd)
            else { break }
            for offset in (index + 1)..<nextClose { output.append(buffer[offset], from: offset, to: offset + 1) }
            joined += 1
            end = nextClose + 1
            // The chain goes on only when this literal also ends its line (but for `+`).
            guard trailer(after: nextClose, in: buffer, lineEnd: next.contentEnd) != nil else { break }
            line = next
        }
        guard joined > 1 else { return nil }
        if named { output.append(buffer[end - 1], from: end - 1, to: end) }
        return end
    }

    // MARK: Wrapped lines

    private static func joinWrapped(_ buffer: UnsafeRawBufferPointer, line first: Line, keyword: Int, into output: inout DecodedText) -> Int? {
        // Cheap tests first: most lines with a keyword end in something else.
        let bytes = first.contentEnd - first.start
        guard bytes >= 76, first.next < buffer.count, isTokenCharacter(buffer[first.contentEnd - 1]),
            isTokenCharacter(buffer[first.next])
        else { return nil }
        let width = scalarCount(buffer, first.start..<first.contentEnd)
        guard wrapWidths.contains(width) else { return nil }
        // The keyword must be where the line's trailing run of token characters begins (or just
        // before it: `Bearer <token>`), so that the run is the start of a token.
        var runStart = first.contentEnd
        while runStart > first.start && isTokenCharacter(buffer[runStart - 1]) { runStart -= 1 }
        guard keyword >= runStart - 16 else { return nil }
        output.removeAll()
        let start = max(first.start, keyword - leftReach)
        for index in start..<first.contentEnd { output.append(buffer[index], from: index, to: index + 1) }
        var line = lineBounds(buffer, from: first.next)
        var joined = 1
        while true {
            for index in line.start..<line.contentEnd { output.append(buffer[index], from: index, to: index + 1) }
            joined += 1
            // A further line belongs to the same wrapped line only when this one is full width too.
            guard joined < maxLines, line.contentEnd > line.start, line.next < buffer.count,
                scalarCount(buffer, line.start..<line.contentEnd) == width,
                isTokenCharacter(buffer[line.contentEnd - 1]), isTokenCharacter(buffer[line.next])
            else { break }
            line = lineBounds(buffer, from: line.next)
        }
        return line.contentEnd
    }

    private static func scalarCount(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int {
        var count = 0
        for index in range where buffer[index] & 0xC0 != 0x80 { count += 1 }
        return count
    }
}
