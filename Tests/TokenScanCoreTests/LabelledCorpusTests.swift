import Foundation
import XCTest
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanEngine
@testable import TokenScanSearch
@testable import TokenScanJudge
@testable import TokenScanSuppression
@testable import TokenScanSources
@testable import TokenScanReport
@testable import TokenScanApp
import FixtureKit

/// Issue #4: the labelled corpus (≥ 300 tokens across kinds, encodings and file types, ≥ 300
/// look-alikes) is scanned by the real pipeline; every token must be reported at its line and
/// column as its kind, and nothing else may be reported.
final class LabelledCorpusTests: XCTestCase {
    /// What the scan test compares beyond path, start and kind. The end position is part of the
    /// contract; the encoding names are not settled yet (switch on once the decoders name them).
    static let strictness = LabelledCorpus.Strictness(end: true, encodings: true)

    static let corpus = LabelledCorpus.generate()

    func testCorpusCoversEveryKindEncodingAndFileType() {
        let corpus = Self.corpus
        XCTAssertGreaterThanOrEqual(corpus.tokens.count, 300)
        XCTAssertGreaterThanOrEqual(corpus.lookAlikes.count, 300)
        let labels = Set(corpus.tokens.map(\.label))
        for format in ProviderTokenFormat.standalone {
            XCTAssertTrue(labels.contains(format.rawValue), "no \(format.rawValue) token")
        }
        for label in ["jwt:hs256", "jwt:hs256-weak-key", "jwt:rs256", "jwt:es256", "jwt:alg-none", "jwt:expired", "jwt:entra-v2",
                      "jwt:entra-sts", "jwe", "bearer:opaque", "bearer:uuid", "hmac-secret"] {
            XCTAssertTrue(labels.contains(label), "no \(label) token")
        }
        let encodings = Set(corpus.tokens.flatMap(\.encodings))
        for encoding in LabelledCorpus.Encoding.allCases {
            XCTAssertTrue(encodings.contains(encoding.rawValue), "no token encoded with \(encoding.rawValue)")
        }
        XCTAssertTrue(corpus.tokens.contains { $0.encodings == ["base64", "base64"] }, "a .dockerconfigjson (two base64 layers)")
        XCTAssertTrue(corpus.tokens.contains { $0.encodings == ["percent", "percent"] }, "double percent-encoding")
        let traits = Set(corpus.tokens.flatMap(\.traits))
        for trait in LabelledCorpus.Trait.allCases {
            XCTAssertTrue(traits.contains(trait.rawValue), "no token with trait \(trait.rawValue)")
        }
        let fileTypes = Set(corpus.tokens.map(\.fileType))
        for type in ["env", "yaml", "yml", "json", "js", "py", "java", "go", "swift", "sh", "log", "har", "html", "md", "properties", "tf",
                     "Dockerfile", "ipynb"] {
            XCTAssertTrue(fileTypes.contains(type), "no token in a .\(type) file")
        }
        let lookAlikeKinds = Set(corpus.lookAlikes.map(\.kind))
        for kind in LabelledCorpus.LookAlikeKind.allCases where !LabelledCorpus.LookAlikeKind.namedValueOnly.contains(kind) {
            XCTAssertTrue(lookAlikeKinds.contains(kind.rawValue), "no \(kind.rawValue) look-alike")
        }
        let pathsWithTokens = Set(corpus.tokens.map(\.expectation.path))
        XCTAssertGreaterThan(Set(corpus.lookAlikes.map(\.path)).intersection(pathsWithTokens).count, 25, "look-alikes sit next to tokens")
        let starts = corpus.tokens.map { "\($0.expectation.path):\($0.expectation.line):\($0.expectation.column)" }
        XCTAssertEqual(Set(starts).count, starts.count, "one token per start position")
    }

    func testGenerationIsDeterministic() {
        let again = LabelledCorpus.generate()
        XCTAssertEqual(again.tokens, Self.corpus.tokens)
        XCTAssertEqual(again.lookAlikes, Self.corpus.lookAlikes)
        XCTAssertEqual(again.files.map(\.bytes), Self.corpus.files.map(\.bytes))
        XCTAssertNotEqual(LabelledCorpus.generate(seed: 1).tokens.map(\.secret), Self.corpus.tokens.map(\.secret))
    }

    /// The generator's own bookkeeping, checked independently of it: the text at every token's
    /// labelled place, with its labelled layers undone here (base64 through the inverse of the
    /// location rule, nested too; percent, escapes, entities; joined splits), is the token.
    func testLabelsPointAtTheTokens() throws {
        let files = Dictionary(uniqueKeysWithValues: Self.corpus.files.map { ($0.path, $0.bytes) })
        var lines: [String: [[Unicode.Scalar]]] = [:]
        for token in Self.corpus.tokens {
            let path = token.expectation.path
            if lines[path] == nil { lines[path] = Self.decodedLines(try XCTUnwrap(files[path])).map { Array($0.unicodeScalars) } }
            XCTAssertEqual(Self.undo(token, lines: lines[path]!), token.secret, "\(token)")
        }
        for token in Self.corpus.tokens {
            guard let format = ProviderTokenFormat(rawValue: token.label), let checksum = format.checksum else { continue }
            XCTAssertTrue(checksum.verify(Array(token.secret.utf8)), "\(token) carries a wrong checksum")
        }
    }

    /// The secret a token's label describes, read back from the file's decoded lines.
    static func undo(_ token: LabelledCorpus.Token, lines: [[Unicode.Scalar]]) -> String? {
        let e = token.expectation
        guard e.line >= 1, e.endLine <= lines.count, e.column >= 1, e.endColumn - 1 <= lines[e.endLine - 1].count else { return nil }
        var layers = token.encodings.filter { !$0.hasPrefix("utf-16") }
        if layers.first?.hasPrefix("base64") == true {
            // Base64 spans sit on one line; work in UTF-8 bytes of that line.
            let line = lines[e.line - 1]
            func byteOffset(_ column: Int) -> Int { String(String.UnicodeScalarView(line[..<(column - 1)])).utf8.count }
            var text = Array(String(String.UnicodeScalarView(line)).utf8)
            var span = byteOffset(e.column)..<byteOffset(e.endColumn)
            while let layer = layers.first, layer.hasPrefix("base64") {
                guard let (decoded, inner) = unbase64(text, span, url: layer == "base64url") else { return nil }
                text = decoded
                span = inner
                layers.removeFirst()
            }
            guard layers.isEmpty else { return nil }
            return String(decoding: text[span], as: UTF8.self)
        }
        var parts: [String] = []
        for number in e.line...e.endLine {
            let line = lines[number - 1]
            let from = number == e.line ? e.column - 1 : 0, to = number == e.endLine ? e.endColumn - 1 : line.count
            parts.append(String(String.UnicodeScalarView(line[from..<to])))
        }
        var text = parts.joined(separator: "\n")
        for layer in layers {
            switch layer {
            case "percent": text = text.removingPercentEncoding ?? "(bad percent-encoding)"
            case "json-escape": text = unescapeJSON(text)
            case "html-entity": text = unescapeHTML(text)
            case "wrapped-line": text = text.replacingOccurrences(of: "\n", with: "")
            case "line-continuation":
                text = text.replacingOccurrences(of: #"\\\n[ \t]*"#, with: "", options: .regularExpression)
            case "string-concatenation":
                text = text.replacingOccurrences(of: #"["']\s*\+?\s*\\?\n\s*\+?\s*["']"#, with: "", options: .regularExpression)
            default: return "(unknown layer \(layer))"
            }
        }
        return text
    }

    /// Decodes the base64 blob around `span` in `text` and maps `span` into the decoded bytes:
    /// character `c` of the blob starts byte `3*(c/4) + c%4`; the last character `d` ends byte
    /// `3*(d/4) + d%4 - 1`.
    static func unbase64(_ text: [UInt8], _ span: Range<Int>, url: Bool) -> ([UInt8], Range<Int>)? {
        func inAlphabet(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                || (url ? byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") : byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/"))
        }
        var start = span.lowerBound, end = span.upperBound
        while start > 0 && inAlphabet(text[start - 1]) { start -= 1 }
        while end < text.count && inAlphabet(text[end]) { end += 1 }
        var blob = String(decoding: text[start..<end], as: UTF8.self)
        if url { blob = blob.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") }
        blob += String(repeating: "=", count: (4 - blob.count % 4) % 4)
        guard let decoded = Data(base64Encoded: blob) else { return nil }
        let first = span.lowerBound - start, last = span.upperBound - 1 - start
        guard first % 4 != 3, last % 4 != 0 else { return nil }
        let from = 3 * (first / 4) + first % 4, through = 3 * (last / 4) + last % 4 - 1
        guard from <= through, through < decoded.count else { return nil }
        return (Array(decoded), from..<(through + 1))
    }

    static func unescapeJSON(_ text: String) -> String {
        var output = "", scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "\\", let next = scalars.popFirst() else {
                output.unicodeScalars.append(scalar)
                continue
            }
            switch next {
            case "u":
                let digits = String(String.UnicodeScalarView(scalars.prefix(4)))
                scalars = scalars.dropFirst(4)
                output.unicodeScalars.append(UInt32(digits, radix: 16).flatMap(Unicode.Scalar.init) ?? "?")
            case "n": output += "\n"
            default: output.unicodeScalars.append(next)
            }
        }
        return output
    }

    static func unescapeHTML(_ text: String) -> String {
        let named = ["quot": "\"", "amp": "&", "lt": "<", "gt": ">", "period": ".", "lowbar": "_", "sol": "/", "equals": "=", "colon": ":"]
        var output = "", rest = text[...]
        while let ampersand = rest.firstIndex(of: "&") {
            output += rest[..<ampersand]
            guard let semicolon = rest[ampersand...].firstIndex(of: ";") else { break }
            let name = rest[rest.index(after: ampersand)..<semicolon]
            if name.hasPrefix("#x"), let value = UInt32(name.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(value) {
                output.unicodeScalars.append(scalar)
            } else if name.hasPrefix("#"), let value = UInt32(name.dropFirst()), let scalar = Unicode.Scalar(value) {
                output.unicodeScalars.append(scalar)
            } else {
                output += named[String(name)] ?? "&\(name);"
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return output + rest
    }

    /// Issue #4's acceptance test: 100 % recall at the exact place, zero false positives.
    func testEveryLabelledTokenIsFoundAndNoLookAlikeIsReported() throws {
        let corpus = Self.corpus
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FixtureCorpus.write(corpus.files, to: directory)
        var options = ScanOptions()
        options.jobs = 2
        let (findings, summary, _) = TestSupport.scan(
            paths: [directory.path], options: options, settings: AnalysisSettings(now: LabelledCorpus.now))
        let prefix = directory.path + "/"
        let reported = findings.map {
            LabelledCorpus.Reported(
                path: String($0.path.dropFirst(prefix.count)), line: $0.line, column: $0.column, endLine: $0.endLine,
                endColumn: $0.endColumn, kind: $0.kind, ruleId: $0.ruleId, encodings: $0.encodings)
        }
        let evaluation = LabelledCorpus.evaluate(corpus, findings: reported, strictness: Self.strictness)
        let report = LabelledCorpus.report(evaluation, corpus: corpus)
        if ProcessInfo.processInfo.environment["LABELLED_CORPUS_REPORT"] != nil { print(report) }
        var details: [String] = []
        if !evaluation.missed.isEmpty {
            details.append("not found (\(evaluation.missed.count)):\n" + evaluation.missed.map { "  \($0)" }.joined(separator: "\n"))
        }
        if !evaluation.wrong.isEmpty {
            details.append("found at the right start but wrong (\(evaluation.wrong.count)):\n"
                + evaluation.wrong.map { "  \($0.token)\n    reported \($0.reported): \($0.why)" }.joined(separator: "\n"))
        }
        if !evaluation.unexpected.isEmpty {
            details.append("reported but not expected (\(evaluation.unexpected.count)):\n"
                + evaluation.unexpected.map { "  \($0.reported) — \($0.at)" }.joined(separator: "\n"))
        }
        if !summary.skipped.isEmpty {
            details.append("skipped inputs:\n" + summary.skipped.map { "  \($0.path): \($0.reason)" }.joined(separator: "\n"))
        }
        XCTAssertTrue(evaluation.passed, report + "\n" + details.joined(separator: "\n"))
    }

    /// The lines of a corpus file as a scanner should read them: UTF-16 (with or without a byte
    /// order mark) decoded, a UTF-8 byte order mark dropped.
    static func decodedLines(_ bytes: [UInt8]) -> [String] {
        var text: String
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) || (bytes.count > 1 && bytes[1] == 0 && bytes[0] != 0) {
            let bigEndian = bytes.starts(with: [0xFE, 0xFF])
            let body = bytes.starts(with: [0xFF, 0xFE]) || bigEndian ? Array(bytes.dropFirst(2)) : bytes
            var units: [UInt16] = []
            for index in stride(from: 0, to: body.count - 1, by: 2) {
                let first = UInt16(body[index]), second = UInt16(body[index + 1])
                units.append(bigEndian ? first << 8 | second : second << 8 | first)
            }
            text = String(decoding: units, as: UTF16.self)
        } else {
            text = String(decoding: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes, as: UTF8.self)
        }
        text = text.replacingOccurrences(of: "\r\n", with: "\n")
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
