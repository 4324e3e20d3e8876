import CZlib
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSuppression

/// Decompresses gzip on the fly, so `.gz` logs and `gzip`ped stdin are searched with the same
/// bounded memory as plain input. Concatenated members (what `cat a.gz b.gz` and log rotation
/// produce) are read one after another. Corrupt data ends the input with an error that names the
/// compressed offset; whatever was decompressed before it has been searched. Output is bounded by
/// `ExpansionLimit` (as zip entries are): past `maxRatio` times the compressed bytes read (for a
/// gzip nested in another compressed layer, also past `maxRatio` times the outermost layer's, see
/// `ExpansionBudget`), the input ends with an error that names the limit.
public struct GzipSource<Base: ByteSource>: ByteSource {
    private var base: Base
    private let path: String
    private let state: State
    /// Compressed bytes read but not yet inflated: `state.input[inputStart..<inputEnd]`.
    private var inputStart = 0
    private var inputEnd = 0
    private var baseEnded = false
    private var finished = false
    private var midMember = false
    private var compressedOffset = 0
    private var produced = 0
    private let expansion: ExpansionLimit
    /// This input's budget: this stream's own when it is the outermost compressed layer (`nested`
    /// false), else the outermost layer's.
    package let budget: ExpansionBudget
    private let nested: Bool

    private typealias State = InflateState

    package init(_ base: Base, path: String, maxRatio: Int = 1000, within outer: ExpansionBudget? = nil) throws(InputError) {
        self.base = base
        self.path = path
        expansion = ExpansionLimit(maxRatio: maxRatio, format: "gzip")
        budget = outer ?? ExpansionBudget()
        nested = outer != nil
        state = State()
        guard tokenscan_inflate_init_gzip(state.stream) == Z_OK else {
            throw InputError(path: path, reason: "cannot initialise gzip decompression")
        }
    }

    /// An error met while inflating, raised after the bytes decompressed before it are returned,
    /// and again on every later read: a reader that stops at it early (a format sniff that
    /// already has bytes) leaves it to the next reader instead of losing it.
    private var pendingError: InputError?
    /// The last inflate call filled the caller's buffer: zlib may hold more output.
    private var outputMayBePending = false

    /// Whether a read would return without waiting: compressed bytes are buffered (inflate left
    /// them because the output was full, or a member ended), zlib may hold output, the input ended
    /// or an error waits; else whatever the compressed input's source says. Without this a live
    /// gzip stream was always "ready", so the pause that lets a live pipe's held-back line be
    /// judged (design §8) blocked in `read` until more compressed bytes came.
    public mutating func waitForInput(milliseconds: Int) -> Bool {
        if finished || pendingError != nil || baseEnded || inputStart < inputEnd || outputMayBePending { return true }
        return base.waitForInput(milliseconds: milliseconds)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if let pendingError { throw pendingError }
        guard !finished, buffer.count > 0 else { return 0 }
        let stream = state.stream
        while true {
            if inputStart == inputEnd && !baseEnded {
                let count = try base.read(into: state.input)
                inputStart = 0
                inputEnd = count
                if count == 0 { baseEnded = true }
            }
            if inputStart == inputEnd && baseEnded {
                finished = true
                if midMember {
                    let error = InputError(path: path, reason: "truncated gzip data at compressed byte \(compressedOffset)")
                    pendingError = error
                    throw error
                }
                return 0
            }
            let available = inputEnd - inputStart
            let outputSize = min(buffer.count, Int(UInt32.max))
            stream.pointee.next_in = (state.input.baseAddress! + inputStart).assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_in = UInt32(available)
            stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(outputSize)
            let status = inflate(stream, Z_NO_FLUSH)
            let consumed = available - Int(stream.pointee.avail_in)
            let produced = outputSize - Int(stream.pointee.avail_out)
            outputMayBePending = stream.pointee.avail_out == 0
            inputStart += consumed
            compressedOffset += consumed
            self.produced += produced
            if nested { budget.nestedOutput += produced } else { budget.compressed += consumed }
            let bound = self.produced > expansion.allowed(compressed: compressedOffset) ? compressedOffset
                : nested && budget.nestedOutput > expansion.allowed(compressed: budget.compressed) ? budget.compressed : nil
            if let bound {
                // What came out of this call is searched; the rest is not read.
                finished = true
                let error = InputError(path: path, reason: expansion.reason(compressed: bound))
                pendingError = error
                guard produced > 0 else { throw error }
                return produced
            }
            switch status {
            case Z_OK, Z_BUF_ERROR:
                midMember = true
            case Z_STREAM_END:
                // Another member may follow (concatenated .gz files); skip zero padding.
                midMember = false
                while inputStart < inputEnd && state.input[inputStart] == 0 {
                    inputStart += 1
                    compressedOffset += 1
                }
                inflateReset(stream)
            default:
                finished = true
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "error \(status)"
                let error = InputError(path: path, reason: "corrupt gzip data at compressed byte \(compressedOffset): \(message)")
                pendingError = error
                guard produced > 0 else { throw error }
            }
            if produced > 0 { return produced }
        }
    }

    /// Whether `bytes` start with the gzip magic number.
    public static func isGzip(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.count >= 2 && bytes.first == 0x1F && bytes.dropFirst().first == 0x8B
    }
}

/// zlib's stream and a compressed-input buffer (shared by gzip and zip entries); frees them when
/// the owning source goes away (a struct source cannot have a deinit).
package final class InflateState {
    package let stream: UnsafeMutablePointer<z_stream>
    package let input: UnsafeMutableRawBufferPointer
    /// Compressed bytes read but not yet inflated: `input[start..<end]` (zip entries).
    package var start = 0
    package var end = 0
    package var done = false

    package init() {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }
}

/// A source with its first bytes already read (to sniff the format), replayed before the rest.
public struct PrefixedSource<Base: ByteSource>: ByteSource {
    package var prefix: [UInt8]
    package var base: Base

    public init(prefix: [UInt8], base: Base) {
        self.prefix = prefix
        self.base = base
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if !prefix.isEmpty {
            let count = min(prefix.count, buffer.count)
            prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
            prefix.removeFirst(count)
            return count
        }
        return try base.read(into: buffer)
    }

    public mutating func waitForInput(milliseconds: Int) -> Bool {
        !prefix.isEmpty || base.waitForInput(milliseconds: milliseconds)
    }

    /// Reads up to `count` bytes from `base` to sniff them. `idleAfter`: a live stream may pause
    /// before `count` bytes arrived; once it has sent at least this many, a pause of
    /// `LiveInput.idleMilliseconds` ends the sniff (format magic needs 4 bytes, tar's 263).
    /// `errorsRepeat`: the source raises an error again on every later read (`GzipSource`), so
    /// an error after some bytes ends the sniff with them instead of losing them.
    public static func sniff(_ base: inout Base, count: Int, idleAfter: Int? = nil, errorsRepeat: Bool = false) throws(InputError) -> [UInt8] {
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { raw.deallocate() }
        var filled = 0
        while filled < count {
            if let idleAfter, filled >= idleAfter, !base.waitForInput(milliseconds: LiveInput.idleMilliseconds) { break }
            let read: Int
            do {
                read = try base.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
            } catch {
                // The bytes before the error are still searched; the reader after the sniff
                // meets the error (a source raises it again) and names it.
                guard errorsRepeat, filled > 0 else { throw error }
                break
            }
            if read == 0 { break }
            filled += read
        }
        return Array(raw[0..<filled])
    }
}
