import XCTest
@testable import TokenScanModel
@testable import TokenScanSources

/// When the assembler asks for a changed file's content verdict (a `git cat-file` round trip that
/// reads the whole new blob): only when an added line holds a NUL byte, the one thing that can
/// make added text unscannable. A history of source files asks nothing.
final class BlobAssemblerTests: XCTestCase {
    private let file = DiffFile(path: "app.env", change: .modified, newObject: String(repeating: "1", count: 40),
                                oldObjects: [String(repeating: "2", count: 40)])

    private func assemble(_ lines: [[UInt8]], verdict: ContentVerdict) -> (inputs: [ScanInput], asked: Int) {
        var assembler = BlobAssembler(staged: true, maximumBytes: 1 << 20)
        var asked = 0
        assembler.classify = { _ in
            asked += 1
            return verdict
        }
        var inputs: [ScanInput] = []
        assembler.take(.file(file)) { inputs.append($0) }
        for (index, line) in lines.enumerated() {
            assembler.take(.added(line[...], line: index + 1)) { inputs.append($0) }
        }
        assembler.flush { inputs.append($0) }
        return (inputs, asked)
    }

    func testAddedTextWithoutANulByteIsScannedWithoutAVerdict() {
        let (inputs, asked) = assemble([Array("A=1".utf8), Array("TOKEN=x".utf8)], verdict: .binary(offset: 0))
        XCTAssertEqual(asked, 0)
        guard case .blob(let blob)? = inputs.first, inputs.count == 1 else { return XCTFail("\(inputs)") }
        XCTAssertEqual(blob.bytes, Array("A=1\nTOKEN=x\n".utf8))
        XCTAssertEqual(blob.lineMap, [1, 2])
    }

    func testANulByteInAnAddedLineAsksOnceAndABinaryFileIsSkippedWhole() {
        let (inputs, asked) = assemble([Array("A=1".utf8), [0x89, 0x50, 0], Array("TOKEN=x".utf8), [0]],
                                       verdict: .binary(offset: 2))
        XCTAssertEqual(asked, 1)
        guard case .skipped(let skipped)? = inputs.first, inputs.count == 1 else { return XCTFail("\(inputs)") }
        XCTAssertEqual(skipped.path, "app.env")
        XCTAssertTrue(skipped.reason.hasPrefix("binary file (staged): NUL byte at offset 2"), skipped.reason)
    }

    func testANulByteInTextThatIsTextStaysScanned() {
        let (inputs, asked) = assemble([[0x41, 0, 0x3D, 0], Array("B=2".utf8)], verdict: .text)
        XCTAssertEqual(asked, 1)
        guard case .blob(let blob)? = inputs.first, inputs.count == 1 else { return XCTFail("\(inputs)") }
        XCTAssertEqual(blob.lineMap, [1, 2])
    }
}
