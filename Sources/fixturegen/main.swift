// Writes a fixture corpus to a directory so that it can be inspected or scanned by hand.
//
//   swift run fixturegen /tmp/fixtures
//       Fixtures/templates with tokens minted in, and EXPECTED.txt listing them;
//   swift run fixturegen labelled /tmp/labelled [SEED]
//       the labelled corpus of issue #4: files in /tmp/labelled/corpus, the tokens' expected places
//       in /tmp/labelled/TOKENS.txt and the look-alikes' in /tmp/labelled/LOOK-ALIKES.txt.
//
// Then: tokenscan scan DIR --now 2026-01-01T00:00:00Z
import FixtureKit
import Foundation

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
    exit(status)
}

let usage = "usage: fixturegen OUTPUT-DIRECTORY\n       fixturegen labelled OUTPUT-DIRECTORY [SEED]"
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains(where: { $0 == "-h" || $0 == "--help" }) {
    print(usage)
    exit(0)
}
// An option-looking argument is a mistake, never an output directory: `fixturegen --help` once
// minted a corpus full of tokens into `./--help/`, inside the checkout.
if let option = arguments.first(where: { $0.hasPrefix("-") }) {
    fail("fixturegen: unknown option '\(option)'\n\(usage)", status: 2)
}
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
do {
    switch arguments.count {
    case 1 where arguments[0] != "labelled":
        let (files, expected) = try FixtureCorpus.generate(templates: root.appendingPathComponent("Fixtures/templates"))
        let output = URL(fileURLWithPath: arguments[0])
        try FixtureCorpus.write(files, to: output)
        let manifest = expected.map(\.description).joined(separator: "\n") + "\n"
        try Data(manifest.utf8).write(to: output.appendingPathComponent("EXPECTED.txt"))
        print("wrote \(files.count) files with \(expected.count) tokens to \(output.path) (EXPECTED.txt lists them)")
    case 2 where arguments[0] == "labelled", 3 where arguments[0] == "labelled":
        var seed = LabelledCorpus.defaultSeed
        if arguments.count == 3 {
            guard let value = UInt64(arguments[2].replacingOccurrences(of: "0x", with: ""), radix: arguments[2].hasPrefix("0x") ? 16 : 10)
            else { fail("fixturegen: SEED must be a number (decimal or 0x hex)\n\(usage)", status: 2) }
            seed = value
        }
        let corpus = LabelledCorpus.generate(seed: seed)
        let output = URL(fileURLWithPath: arguments[1])
        let files = output.appendingPathComponent("corpus")
        try FixtureCorpus.write(corpus.files, to: files)
        let (tokens, lookAlikes) = LabelledCorpus.manifest(corpus)
        try Data(tokens.utf8).write(to: output.appendingPathComponent("TOKENS.txt"))
        try Data(lookAlikes.utf8).write(to: output.appendingPathComponent("LOOK-ALIKES.txt"))
        print("wrote \(corpus.files.count) files with \(corpus.tokens.count) tokens and \(corpus.lookAlikes.count) look-alikes to \(files.path)")
        print("(\(output.path)/TOKENS.txt and LOOK-ALIKES.txt list where each one is)")
    default:
        fail(usage, status: 2)
    }
} catch {
    fail("fixturegen: \(error)", status: 1)
}
