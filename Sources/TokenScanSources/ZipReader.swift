import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSuppression

#if canImport(Glibc)
import Glibc
#endif
import CZlib

/// Reads a zip archive's entries from a file through its central directory (stored and deflated
/// entries; Zip64 sizes and offsets), each as a streaming source. Guards against zip bombs: an
/// entry that inflates beyond its declared size or past `maxRatio` times its compressed size is
/// cut off with an error naming it.
public final class ZipReader {
    public struct Entry: Sendable, Equatable {
        public var path: String
        public var method: UInt16
        public var compressedSize: Int
        public var size: Int
        public var localHeaderOffset: Int
        public var isDirectory: Bool { path.hasSuffix("/") }
        public var isEncrypted: Bool
    }

    package let descriptor: Int32
    package let path: String
    public let entries: [Entry]

    /// `descriptor` stays owned by the caller.
    public init(descriptor: Int32, path: String) throws(InputError) {
        self.descriptor = descriptor
        self.path = path
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .posix(path, "cannot stat") }
        let fileSize = Int(info.st_size)
        entries = try ZipReader.readDirectory(descriptor, fileSize: fileSize, path: path)
    }

    package static func pread(_ fd: Int32, _ count: Int, at offset: Int, path: String) throws(InputError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let read = bytes.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress! + filled, count - filled, off_t(offset + filled)) }
            if read < 0 {
                if errno == EINTR { continue }
                throw .posix(path, "read failed")
            }
            if read == 0 { break }
            filled += read
        }
        guard filled == count else { throw InputError(path: path, reason: "truncated zip archive") }
        return bytes
    }

    package static func u16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
    package static func u32(_ b: [UInt8], _ i: Int) -> Int { u16(b, i) | u16(b, i + 2) << 16 }
    package static func u64(_ b: [UInt8], _ i: Int) -> Int { u32(b, i) | u32(b, i + 4) << 32 }

    package static func readDirectory(_ fd: Int32, fileSize: Int, path: String) throws(InputError) -> [Entry] {
        let tailLength = min(fileSize, 65_535 + 22)
        let tail = try pread(fd, tailLength, at: fileSize - tailLength, path: path)
        var found: Int?
        var index = tail.count - 22
        while index >= 0 {
            if u32(tail, index) == 0x0605_4B50 {
                found = index
                break
            }
            index -= 1
        }
        guard let eocd = found else { throw InputError(path: path, reason: "not a zip archive (no end of central directory)") }
        var count = u16(tail, eocd + 10)
        var directorySize = u32(tail, eocd + 12)
        var directoryOffset = u32(tail, eocd + 16)
        // Zip64: the end-of-central-directory locator sits 20 bytes before the record.
        if (directoryOffset == 0xFFFF_FFFF || count == 0xFFFF) && eocd >= 20,
            tail[eocd - 20] == 0x50, tail[eocd - 19] == 0x4B, tail[eocd - 18] == 0x06, tail[eocd - 17] == 0x07 {
            let record = try pread(fd, 56, at: u64(tail, eocd - 20 + 8), path: path)
            guard u32(record, 0) == 0x0606_4B50 else { throw InputError(path: path, reason: "corrupt zip64 directory") }
            count = u64(record, 32)
            directorySize = u64(record, 40)
            directoryOffset = u64(record, 48)
        }
        guard directoryOffset + directorySize <= fileSize, directorySize < (256 << 20) else {
            throw InputError(path: path, reason: "corrupt zip central directory")
        }
        let directory = try pread(fd, directorySize, at: directoryOffset, path: path)
        var entries: [Entry] = []
        var cursor = 0
        for _ in 0..<count {
            guard cursor + 46 <= directory.count, u32(directory, cursor) == 0x0201_4B50 else {
                throw InputError(path: path, reason: "corrupt zip central directory entry")
            }
            let flags = u16(directory, cursor + 8)
            let method = UInt16(u16(directory, cursor + 10))
            var compressed = u32(directory, cursor + 20)
            var size = u32(directory, cursor + 24)
            let nameLength = u16(directory, cursor + 28)
            let extraLength = u16(directory, cursor + 30)
            let commentLength = u16(directory, cursor + 32)
            var offset = u32(directory, cursor + 42)
            let nameStart = cursor + 46
            guard nameStart + nameLength + extraLength <= directory.count else {
                throw InputError(path: path, reason: "corrupt zip central directory entry")
            }
            let name = String(decoding: directory[nameStart..<(nameStart + nameLength)], as: UTF8.self)
            // Zip64 extra field (0x0001): 64-bit sizes and offset, in that order, for fields set to 0xFFFFFFFF.
            var extra = nameStart + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = u16(directory, extra), length = u16(directory, extra + 2)
                if id == 0x0001 {
                    var field = extra + 4
                    if size == 0xFFFF_FFFF, field + 8 <= extraEnd { size = u64(directory, field); field += 8 }
                    if compressed == 0xFFFF_FFFF, field + 8 <= extraEnd { compressed = u64(directory, field); field += 8 }
                    if offset == 0xFFFF_FFFF, field + 8 <= extraEnd { offset = u64(directory, field) }
                }
                extra += 4 + length
            }
            entries.append(Entry(path: name, method: method, compressedSize: compressed, size: size,
                                 localHeaderOffset: offset, isEncrypted: flags & 1 != 0))
            cursor = nameStart + nameLength + extraLength + commentLength
        }
        return entries
    }

    /// The content of `entry`, decompressed as it is read.
    public func source(for entry: Entry, maxRatio: Int = 1000) throws(InputError) -> ZipEntrySource {
        let display = "\(path)!\(entry.path)"
        guard !entry.isEncrypted else { throw InputError(path: display, reason: "encrypted zip entry: not scanned") }
        guard entry.method == 0 || entry.method == 8 else {
            throw InputError(path: display, reason: "zip compression method \(entry.method) is not supported: not scanned")
        }
        let header = try ZipReader.pread(descriptor, 30, at: entry.localHeaderOffset, path: path)
        guard ZipReader.u32(header, 0) == 0x0403_4B50 else { throw InputError(path: display, reason: "corrupt zip local header") }
        let dataOffset = entry.localHeaderOffset + 30 + ZipReader.u16(header, 26) + ZipReader.u16(header, 28)
        return try ZipEntrySource(
            descriptor: descriptor, path: display, offset: dataOffset, compressedSize: entry.compressedSize,
            declaredSize: entry.size, deflated: entry.method == 8, maxRatio: maxRatio)
    }
}

/// One zip entry's bytes: read with `pread` (the archive is not re-read from the start for each
/// entry) and inflated on the fly.
public struct ZipEntrySource: ByteSource {
    package let descriptor: Int32
    package let path: String
    package var offset: Int
    package var compressedLeft: Int
    package let declaredSize: Int
    package let limit: Int
    package let bombReason: String
    package var produced = 0
    package let inflater: Inflater?

    package typealias Inflater = InflateState

    package init(descriptor: Int32, path: String, offset: Int, compressedSize: Int, declaredSize: Int, deflated: Bool, maxRatio: Int) throws(InputError) {
        self.descriptor = descriptor
        self.path = path
        self.offset = offset
        compressedLeft = compressedSize
        self.declaredSize = declaredSize
        // A bomb guard that real data never hits: the declared size (plus slack) and a ratio cap.
        let expansion = ExpansionLimit(maxRatio: maxRatio, declaredSize: declaredSize, format: "zip")
        limit = expansion.allowed(compressed: compressedSize)
        bombReason = expansion.reason(compressed: compressedSize)
        if deflated {
            let inflater = Inflater()
            guard tokenscan_inflate_init_raw(inflater.stream) == Z_OK else {
                throw InputError(path: path, reason: "cannot initialise zip decompression")
            }
            self.inflater = inflater
        } else {
            inflater = nil
        }
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard let inflater else {
            let count = min(buffer.count, compressedLeft)
            guard count > 0 else { return 0 }
            let read = Glibc.pread(descriptor, buffer.baseAddress, count, off_t(offset))
            guard read > 0 else { throw read == 0 ? InputError(path: path, reason: "truncated zip entry") : .posix(path, "read failed") }
            offset += read
            compressedLeft -= read
            return read
        }
        while !inflater.done {
            if inflater.start == inflater.end && compressedLeft > 0 {
                let count = min(inflater.input.count, compressedLeft)
                let read = Glibc.pread(descriptor, inflater.input.baseAddress, count, off_t(offset))
                guard read > 0 else { throw read == 0 ? InputError(path: path, reason: "truncated zip entry") : .posix(path, "read failed") }
                offset += read
                compressedLeft -= read
                inflater.start = 0
                inflater.end = read
            }
            let stream = inflater.stream
            let available = inflater.end - inflater.start
            let room = min(buffer.count, limit - produced + 1)
            stream.pointee.next_in = (inflater.input.baseAddress! + inflater.start).assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_in = UInt32(available)
            stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(room)
            let status = inflate(stream, Z_NO_FLUSH)
            inflater.start += available - Int(stream.pointee.avail_in)
            let count = room - Int(stream.pointee.avail_out)
            produced += count
            if produced > limit {
                inflater.done = true
                throw InputError(path: path, reason: bombReason)
            }
            switch status {
            case Z_STREAM_END: inflater.done = true
            case Z_OK, Z_BUF_ERROR:
                if count == 0 && compressedLeft == 0 && inflater.start == inflater.end {
                    throw InputError(path: path, reason: "truncated zip entry")
                }
            default:
                inflater.done = true
                throw InputError(path: path, reason: "corrupt zip entry data")
            }
            if count > 0 { return count }
        }
        return 0
    }
}
