// Writes the fixture corpus (Fixtures/templates with tokens minted in) to a directory, with the
// expected findings, so that the fixtures can be inspected or scanned by hand:
//   swift run fixturegen /tmp/fixtures && tokenscan scan /tmp/fixtures --now 2026-01-01T00:00:00Z
import FixtureKit
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: fixturegen OUTPUT-DIRECTORY\n".utf8))
    exit(2)
}
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
do {
    let (files, expected) = try FixtureCorpus.generate(templates: root.appendingPathComponent("Fixtures/templates"))
    let output = URL(fileURLWithPath: arguments[1])
    try FixtureCorpus.write(files, to: output)
    let manifest = expected.map(\.description).joined(separator: "\n") + "\n"
    try Data(manifest.utf8).write(to: output.appendingPathComponent("EXPECTED.txt"))
    print("wrote \(files.count) files with \(expected.count) tokens to \(output.path) (EXPECTED.txt lists them)")
} catch {
    FileHandle.standardError.write(Data("fixturegen: \(error)\n".utf8))
    exit(1)
}
