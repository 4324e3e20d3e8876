import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSuppression

/// Reads a tar stream (ustar, GNU and pax long names) entry by entry from a `ByteSource`, without
/// seeking, so `.tar` and `.tar.gz` archives are scanned as they stream by.
public final class TarReader<Base: ByteSource> {
    public struct Entry: Sendable, Equatable {
        public var path: String
        public var size: Int
        public var isRegularFile: Bool
    }

    private var base: Base
    private let path: String
    /// Bytes of the current entry not yet read, and the padding after it.
    private var remaining = 0
    private var padding = 0
    private var pushback: [UInt8] = []

    public init(_ base: Base, path: String) {
        self.base = base
        self.path = path
    }

    /// Reads exactly `count` bytes (fewer only at the end of the stream).
    private func readExactly(_ count: Int) throws(InputError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        if !pushback.isEmpty {
            let take = min(count, pushback.count)
            bytes.replaceSubrange(0..<take, with: pushback[0..<take])
            pushback.removeFirst(take)
            filled = take
        }
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, count - filled), alignment: 1)
        defer { raw.deallocate() }
        while filled < count {
            let read = try base.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<(count - filled)]))
            if read == 0 { break }
            bytes.replaceSubrange(filled..<(filled + read), with: raw[0..<read])
            filled += read
        }
        return Array(bytes[0..<filled])
    }

    private func skip(_ count: Int) throws(InputError) {
        var left = count
        while left > 0 {
            let chunk = try readExactly(min(left, 64 * 1024))
            if chunk.isEmpty { throw InputError(path: path, reason: "truncated tar archive") }
            left -= chunk.count
        }
    }

    /// The next entry's header, after skipping what is left of the current one; nil at the end.
    public func next() throws(InputError) -> Entry? {
        try skip(remaining + padding)
        remaining = 0
        padding = 0
        var longName: String?
        while true {
            let header = try readExactly(512)
            if header.count < 512 {
                if header.isEmpty { return nil }
                throw InputError(path: path, reason: "truncated tar header")
            }
            if header.allSatisfy({ $0 == 0 }) { return nil }
            guard TarReader.checksumMatches(header) else {
                throw InputError(path: path, reason: "not a tar archive or corrupt header (bad checksum)")
            }
            let size = TarReader.octal(header[124..<136])
            let type = header[156]
            let dataPadding = (512 - size % 512) % 512
            switch type {
            case UInt8(ascii: "L"): // GNU long name
                longName = TarReader.string(try readExactly(size)[...])
                try skip(dataPadding)
                continue
            case UInt8(ascii: "x"): // pax extended header
                let records = TarReader.string(try readExactly(size)[...])
                for record in records.split(separator: "\n") {
                    if let range = record.firstRange(of: " path=") { longName = String(record[range.upperBound...]) }
                }
                try skip(dataPadding)
                continue
            case UInt8(ascii: "g"): // pax global header
                try skip(size + dataPadding)
                continue
            default:
                break
            }
            var name = longName ?? TarReader.string(header[0..<100])
            let prefix = TarReader.string(header[345..<500])
            if longName == nil && !prefix.isEmpty && header[257..<262].elementsEqual(Array("ustar".utf8)) {
                name = prefix + "/" + name
            }
            let isFile = type == 0 || type == UInt8(ascii: "0") || type == UInt8(ascii: "7")
            remaining = isFile ? size : size
            padding = dataPadding
            return Entry(path: name, size: size, isRegularFile: isFile)
        }
    }

    /// The current entry's content as a source (read it before calling `next()` again; what is
    /// not read is skipped).
    public func entrySource() -> TarEntrySource<Base> {
        TarEntrySource(reader: self)
    }

    package func readEntry(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard remaining > 0 else { return 0 }
        let want = min(buffer.count, remaining)
        var count = 0
        if !pushback.isEmpty {
            count = min(want, pushback.count)
            pushback.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
            pushback.removeFirst(count)
        } else {
            count = try base.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
            if count == 0 { throw InputError(path: path, reason: "truncated tar entry") }
        }
        remaining -= count
        return count
    }

    package static func checksumMatches(_ header: [UInt8]) -> Bool {
        let stored = octal(header[148..<156])
        var sum = 0
        for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : Int(byte) }
        return sum == stored
    }

    package static func octal(_ field: ArraySlice<UInt8>) -> Int {
        if let first = field.first, first & 0x80 != 0 { // base-256 (GNU) for large sizes
            return field.dropFirst().reduce(Int(first & 0x7F)) { $0 << 8 | Int($1) }
        }
        var value = 0
        for byte in field {
            if byte == 0 || byte == 0x20 { if value > 0 { break } else { continue } }
            guard byte >= 0x30 && byte <= 0x37 else { break }
            value = value * 8 + Int(byte - 0x30)
        }
        return value
    }

    package static func string(_ field: ArraySlice<UInt8>) -> String {
        String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }
}

/// One tar entry's bytes, for the searcher. It borrows the reader; the reader continues after it.
public struct TarEntrySource<Base: ByteSource>: ByteSource {
    package let reader: TarReader<Base>
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        try reader.readEntry(into: buffer)
    }
}
