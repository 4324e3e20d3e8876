import Foundation
import XCTest
import FixtureKit
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanEngine
@testable import TokenScanSearch
@testable import TokenScanJudge
@testable import TokenScanSuppression
@testable import TokenScanSources
@testable import TokenScanReport
@testable import TokenScanApp

/// Tar and zip readers against archives written by Python's tarfile and zipfile modules.
final class ArchiveReaderTests: XCTestCase {
    func python(_ script: String, in directory: URL) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/python3")
        else { throw XCTSkip("python3 is missing") }
        let (status, output) = try Command.run(["python3", "-c", script], in: directory)
        XCTAssertEqual(status, 0, output)
    }

    func readAll(_ source: inout some ByteSource) throws -> String {
        var bytes: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            let count = try source.read(into: buffer)
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func testTarWithLongNamesAndGzip() throws {
        let directory = try TestSupport.temporaryDirectory()
        try python("""
            import tarfile, io
            for name, mode in (("a.tar", "w"), ("a.tar.gz", "w:gz"), ("pax.tar", "w|")):
                with tarfile.open(name, mode, format=tarfile.PAX_FORMAT if name == "pax.tar" else tarfile.GNU_FORMAT) as t:
                    for path, text in (("short.txt", "hello\\n"), ("d/" + "x" * 150 + ".log", "long name\\n" * 100), ("empty", "")):
                        data = text.encode(); info = tarfile.TarInfo(path); info.size = len(data)
                        t.addfile(info, io.BytesIO(data))
                    info = tarfile.TarInfo("dir"); info.type = tarfile.DIRTYPE; t.addfile(info)
            """, in: directory)
        for name in ["a.tar", "a.tar.gz", "pax.tar"] {
            let file = try FileDescriptorSource.open(directory.appendingPathComponent(name).path, displayPath: name)
            defer { file.close() }
            var entries: [(String, String)] = []
            func collect(_ reader: TarReader<some ByteSource>) throws {
                while let entry = try reader.next() {
                    var source = reader.entrySource()
                    // Leave one entry unread: next() must skip it.
                    entries.append((entry.path, entry.path == "empty" ? "" : (entry.isRegularFile ? try readAll(&source) : "<dir>")))
                }
            }
            if name.hasSuffix(".gz") {
                try collect(TarReader(try GzipSource(file, path: name), path: name))
            } else {
                try collect(TarReader(file, path: name))
            }
            XCTAssertEqual(entries.map(\.0), ["short.txt", "d/" + String(repeating: "x", count: 150) + ".log", "empty", "dir/"], name)
            XCTAssertEqual(entries[0].1, "hello\n")
            XCTAssertEqual(entries[1].1, String(repeating: "long name\n", count: 100))
        }
    }

    func testZipStoredDeflatedAndBomb() throws {
        let directory = try TestSupport.temporaryDirectory()
        try python("""
            import zipfile
            with zipfile.ZipFile("a.zip", "w") as z:
                z.writestr(zipfile.ZipInfo("stored.txt"), "plain text\\n")
                z.writestr("deflated.log", "line of text\\n" * 5000, compress_type=zipfile.ZIP_DEFLATED)
                z.writestr("dir/", "")
            # A bomb: 50 MB of zeros declared as 1 KB.
            with zipfile.ZipFile("bomb.zip", "w", compression=zipfile.ZIP_DEFLATED) as z:
                z.writestr("zeros.bin", b"\\0" * (50 << 20))
            data = bytearray(open("bomb.zip", "rb").read())
            import struct
            central = data.rfind(b"PK\\x01\\x02"); struct.pack_into("<I", data, central + 24, 1024)
            local = data.find(b"PK\\x03\\x04"); struct.pack_into("<I", data, local + 22, 1024)
            open("bomb.zip", "wb").write(bytes(data))
            """, in: directory)
        let fd = open(directory.appendingPathComponent("a.zip").path, O_RDONLY)
        defer { close(fd) }
        let zip = try ZipReader(descriptor: fd, path: "a.zip")
        XCTAssertEqual(zip.entries.map(\.path), ["stored.txt", "deflated.log", "dir/"])
        var stored = try zip.source(for: zip.entries[0])
        XCTAssertEqual(try readAll(&stored), "plain text\n")
        var deflated = try zip.source(for: zip.entries[1])
        XCTAssertEqual(try readAll(&deflated), String(repeating: "line of text\n", count: 5000))

        let bombFD = open(directory.appendingPathComponent("bomb.zip").path, O_RDONLY)
        defer { close(bombFD) }
        let bomb = try ZipReader(descriptor: bombFD, path: "bomb.zip")
        var source = try bomb.source(for: bomb.entries[0])
        XCTAssertThrowsError(try readAll(&source)) { error in
            XCTAssertTrue("\(error)".contains("zip bomb"), "\(error)")
        }
        XCTAssertThrowsError(try ZipReader(descriptor: fd == bombFD ? -1 : open("/etc/hostname", O_RDONLY), path: "hostname"))
    }
}
