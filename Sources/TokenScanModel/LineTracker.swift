import TokenFormats

#if canImport(Glibc)
import Glibc
#endif

/// A position in text: 1-based line and column, columns counting Unicode scalars (bytes that are
/// not UTF-8 continuation bytes, so invalid bytes count one each, as a decoder would replace them).
public struct TextPosition: Sendable, Equatable, Comparable, Codable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public static func < (lhs: TextPosition, rhs: TextPosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// Turns byte offsets into lines and columns while a stream passes through a buffer.
///
/// Counting is lazy: nothing is counted until a match needs a position, and then only the bytes
/// between the last known position and the match (newlines with `memchr`, scalars only after the
/// last newline). A checkpoint at the start of the current buffer lets positions be asked in any
/// order within it.
package struct LineTracker {
    /// Offset (relative to the current buffer) and position of the checkpoint.
    private var checkpointOffset = 0
    private var checkpoint = TextPosition(line: 1, column: 1)
    private var cursorOffset = 0
    private var cursor = TextPosition(line: 1, column: 1)

    package init() {}

    /// Starts counting after `prefix` bytes that are not text: a UTF-8 byte-order mark, which no
    /// editor shows as a column.
    package init(skipping prefix: Int) {
        checkpointOffset = prefix
        cursorOffset = prefix
    }

    /// The position of `offset` in `buffer`; `offset` must not be before the checkpoint.
    package mutating func position(of offset: Int, in buffer: UnsafeRawBufferPointer) -> TextPosition {
        if offset < cursorOffset {
            cursorOffset = checkpointOffset
            cursor = checkpoint
        }
        cursor = LineTracker.advance(cursor, over: buffer, from: cursorOffset, to: offset)
        cursorOffset = offset
        return cursor
    }

    /// Moves the checkpoint to `offset` and then rebases all offsets by `-shift` (the buffer's
    /// contents moved `shift` bytes towards its start).
    package mutating func checkpoint(at offset: Int, in buffer: UnsafeRawBufferPointer, shiftingBy shift: Int) {
        let position = position(of: offset, in: buffer)
        checkpointOffset = offset - shift
        checkpoint = position
        cursorOffset = checkpointOffset
        cursor = position
    }

    /// Counts lines and scalars in `buffer[from..<to]` starting at `start`.
    package static func advance(_ start: TextPosition, over buffer: UnsafeRawBufferPointer, from: Int, to: Int) -> TextPosition {
        guard to > from, let base = buffer.baseAddress else { return start }
        var position = start
        var lineStart = from
        var cursor = from
        while cursor < to, let found = memchr(base + cursor, 0x0A, to - cursor) {
            let newline = base.distance(to: UnsafeRawPointer(found))
            position.line += 1
            position.column = 1
            cursor = newline + 1
            lineStart = cursor
        }
        var scalars = 0
        for index in lineStart..<to where buffer[index] & 0xC0 != 0x80 { scalars += 1 }
        position.column += scalars
        return position
    }
}
