import Foundation

// The text model of the labelled corpus: pieces of text that know where the secrets and
// look-alikes inside them are, and encoding layers that keep those places exact.

/// Deterministic pseudo-random numbers (SplitMix64): the same seed gives the same corpus, and
/// the tests' seeded generators are this one.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }
    public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    public mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
    mutating func string(_ length: Int, _ alphabet: String) -> String {
        let characters = Array(alphabet)
        return String((0..<length).map { _ in characters[below(characters.count)] })
    }
}

/// `byte` in hexadecimal, left-padded with zeros to `digits`.
func hex(_ byte: UInt8, digits: Int, upper: Bool) -> String {
    let text = String(byte, radix: 16, uppercase: upper)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
}

/// A secret the corpus holds: its text and what it must be reported as.
struct Secret: Hashable, Sendable {
    var value: String
    /// The finding's expected `kind`.
    var kind: String
    /// The rule expected to report it (informative: the test checks the kind).
    var rule: String
    /// What it is, for the manifest and the per-category recall (`github:ghp`, `jwt:rs256` …).
    var label: String

    func reported(by rule: String) -> Secret {
        var copy = self
        copy.rule = rule
        return copy
    }
}

/// A labelled span inside a `Piece`: a token, or a look-alike that must not be reported.
struct Mark {
    enum What {
        case token(Secret)
        case lookAlike(LabelledCorpus.LookAlikeKind, sample: String)
    }
    var what: What
    /// Byte offsets in the piece: from the first byte that encodes the secret's first byte to just
    /// after the last byte that encodes its last byte.
    var range: Range<Int>
    /// Layers applied to the secret, outermost first.
    var encodings: [LabelledCorpus.Encoding] = []
    var traits: [LabelledCorpus.Trait] = []
}

/// UTF-8 text with labelled spans. Encoding layers return new pieces whose marks point at the
/// encoded text, so that nesting layers composes the location rules of each.
struct Piece {
    var bytes: [UInt8] = []
    var marks: [Mark] = []

    init() {}
    init(_ text: String) { bytes = Array(text.utf8) }

    static func token(_ secret: Secret) -> Piece {
        var piece = Piece(secret.value)
        piece.marks = [Mark(what: .token(secret), range: 0..<piece.bytes.count)]
        return piece
    }

    static func lookAlike(_ kind: LabelledCorpus.LookAlikeKind, _ text: String) -> Piece {
        var piece = Piece(text)
        piece.marks = [Mark(what: .lookAlike(kind, sample: text), range: 0..<piece.bytes.count)]
        return piece
    }

    var offset: Int { bytes.count }

    mutating func put(_ text: String) { bytes += Array(text.utf8) }
    mutating func line(_ text: String = "") { put(text + "\n") }

    mutating func put(_ piece: Piece) {
        let shift = bytes.count
        bytes += piece.bytes
        marks += piece.marks.map { mark in
            var mark = mark
            mark.range = (mark.range.lowerBound + shift)..<(mark.range.upperBound + shift)
            return mark
        }
    }

    mutating func token(_ secret: Secret) { put(.token(secret)) }
    mutating func fake(_ kind: LabelledCorpus.LookAlikeKind, _ text: String) { put(.lookAlike(kind, text)) }

    /// Labels `from..<offset` as `secret` (for tokens written in parts: split across lines).
    mutating func record(_ secret: Secret, from start: Int, _ encodings: [LabelledCorpus.Encoding] = []) {
        marks.append(Mark(what: .token(secret), range: start..<bytes.count, encodings: encodings))
    }

    mutating func recordFake(_ kind: LabelledCorpus.LookAlikeKind, from start: Int, sample: String) {
        marks.append(Mark(what: .lookAlike(kind, sample: sample), range: start..<bytes.count))
    }

    static func + (lhs: Piece, rhs: Piece) -> Piece {
        var piece = lhs
        piece.put(rhs)
        return piece
    }

    static func + (lhs: Piece, rhs: String) -> Piece { lhs + Piece(rhs) }
    static func + (lhs: String, rhs: Piece) -> Piece { Piece(lhs) + rhs }

    /// The piece re-encoded as `bytes`, its marks moved by `map`. A mark gains the layer's name
    /// when `applies` says the layer touched it.
    private func layered(
        _ encoding: LabelledCorpus.Encoding, _ bytes: [UInt8], applies: (Mark) -> Bool = { _ in true }, _ map: (Range<Int>) -> Range<Int>
    ) -> Piece {
        var piece = Piece()
        piece.bytes = bytes
        piece.marks = marks.map { mark in
            var moved = mark
            moved.range = map(mark.range)
            if applies(mark) { moved.encodings.insert(encoding, at: 0) }
            return moved
        }
        return piece
    }

    // MARK: base64

    /// Base64 of the whole piece. Byte `a` of the input is first encoded by output character
    /// `4*(a/3) + a%3`; the last byte `l` of a span is last encoded by character `4*(l/3) + l%3 + 1`.
    func base64(url: Bool = false, padded: Bool = true) -> Piece {
        var text = Data(bytes).base64EncodedString()
        if url { text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_") }
        if !padded { text = String(text.prefix { $0 != "=" }) }
        // Without a `-` or `_` the text is in both alphabets; a scanner can only call it base64.
        let urlSafe = url && text.contains { $0 == "-" || $0 == "_" }
        return layered(urlSafe ? .base64url : .base64, Array(text.utf8)) { range in
            let first = range.lowerBound, last = range.upperBound - 1
            return (4 * (first / 3) + first % 3)..<(4 * (last / 3) + last % 3 + 2)
        }
    }

    // MARK: byte substitution (percent, JSON / JS escapes, HTML entities)

    /// What a substitution sees of one byte.
    struct Context {
        var byte: UInt8
        /// Inside a token's span; `first`: the token's first byte.
        var inToken: Bool
        var first: Bool
        var character: Character { Character(UnicodeScalar(byte)) }
    }

    /// Replaces bytes one by one (`nil`: kept). A span starts at its first byte's replacement and
    /// ends after its last byte's.
    func substituted(_ encoding: LabelledCorpus.Encoding, _ replace: (Context) -> String?) -> Piece {
        var starts = Set<Int>(), inside = [Bool](repeating: false, count: bytes.count)
        for mark in marks {
            guard case .token = mark.what else { continue }
            starts.insert(mark.range.lowerBound)
            for index in mark.range { inside[index] = true }
        }
        var output: [UInt8] = []
        var position: [Int] = []
        var changed = [Bool](repeating: false, count: bytes.count)
        position.reserveCapacity(bytes.count + 1)
        for (index, byte) in bytes.enumerated() {
            position.append(output.count)
            if let replacement = replace(Context(byte: byte, inToken: inside[index], first: starts.contains(index))),
                Array(replacement.utf8) != [byte] {
                output += Array(replacement.utf8)
                changed[index] = true
            } else {
                output.append(byte)
            }
        }
        position.append(output.count)
        // The layer counts for a token when it changed the token, or — for tokens that only their
        // context identifies (`Bearer …`, `access_token=…`, `JWT_SECRET=…`) — the text just before.
        let applies = { (mark: Mark) -> Bool in
            if mark.range.contains(where: { changed[$0] }) { return true }
            guard case .token(let secret) = mark.what, secret.kind == "bearer" || secret.kind == "hmac-secret" else { return false }
            return (max(0, mark.range.lowerBound - 24)..<mark.range.lowerBound).contains { changed[$0] }
        }
        return layered(encoding, output, applies: applies) { position[$0.lowerBound]..<position[$0.upperBound] }
    }

    /// Percent-encoding as URL components are encoded (everything but `A-Z a-z 0-9 - _ . ~`), plus
    /// `extra` characters inside tokens (`.` → `%2E` as some encoders do) and, with `first`, the
    /// token's first character (`%65yJ…`).
    func percentEncoded(extra: Set<Character> = [], first: Bool = false, lowercase: Bool = false, keep: Set<Character> = []) -> Piece {
        substituted(.percent) { context in
            let character = context.character
            let unreserved = character.isASCII && (character.isLetter || character.isNumber || "-_.~".contains(character))
            let encode = (!unreserved && !keep.contains(character)) || (context.inToken && extra.contains(character))
                || (first && context.first)
            guard encode else { return nil }
            return "%" + hex(context.byte, digits: 2, upper: !lowercase)
        }
    }

    /// A JSON (or JavaScript) string body: `"` and `\` escaped, `/` as `\/`; inside tokens `.` as
    /// `\u002e` when `dots`, and the first character as `\u00XX` when `first`.
    func jsonEscaped(quotes: Bool = true, slashes: Bool = true, dots: Bool = false, first: Bool = false, upper: Bool = false) -> Piece {
        substituted(.jsonEscape) { context in
            func unicode(_ byte: UInt8) -> String { "\\u" + hex(byte, digits: 4, upper: upper) }
            if context.inToken && first && context.first { return unicode(context.byte) }
            switch context.byte {
            case UInt8(ascii: "\""): return quotes ? "\\\"" : nil
            case UInt8(ascii: "\\"): return "\\\\"
            case UInt8(ascii: "/"): return slashes ? "\\/" : nil
            case UInt8(ascii: "\n"): return "\\n"
            case UInt8(ascii: "."): return context.inToken && dots ? unicode(context.byte) : nil
            default: return nil
            }
        }
    }

    enum EntityStyle: CaseIterable { case decimal, hex, named }

    /// HTML attribute text: `"` `&` `<` `>` as entities; inside tokens `.` `_` `-` `/` `=` in
    /// `style` and, with `first`, the first character as a decimal reference.
    func htmlEscaped(_ style: EntityStyle, first: Bool = false, punctuation: Bool = true) -> Piece {
        let named: [UInt8: String] = [
            UInt8(ascii: "."): "&period;", UInt8(ascii: "_"): "&lowbar;", UInt8(ascii: "/"): "&sol;",
            UInt8(ascii: "="): "&equals;", UInt8(ascii: "-"): "&#45;", UInt8(ascii: ":"): "&colon;",
        ]
        return substituted(.htmlEntity) { context in
            switch context.byte {
            case UInt8(ascii: "\""): return "&quot;"
            case UInt8(ascii: "&"): return "&amp;"
            case UInt8(ascii: "<"): return "&lt;"
            case UInt8(ascii: ">"): return "&gt;"
            default: break
            }
            if context.inToken && first && context.first { return "&#\(context.byte);" }
            guard context.inToken, punctuation, "._/=-".utf8.contains(context.byte) else { return nil }
            switch style {
            case .decimal: return "&#\(context.byte);"
            case .hex: return "&#x" + hex(context.byte, digits: 1, upper: false) + ";"
            case .named: return named[context.byte]
            }
        }
    }

    // MARK: hard wrapping (logs cut at a fixed width)

    /// Cuts every line longer than `width` characters into lines of `width` characters. A span
    /// that now crosses a cut gains the `wrapped-line` layer; it still starts at its first
    /// character and ends after its last.
    func hardWrapped(width: Int) -> Piece {
        var output: [UInt8] = []
        var position: [Int] = []
        var column = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            if byte == 0x0A {
                column = 0
            } else {
                if column == width {
                    output.append(0x0A)
                    column = 0
                }
                column += 1
            }
            for offset in 0..<length {
                position.append(output.count)
                output.append(bytes[index + offset])
            }
            index += length
        }
        var piece = Piece()
        piece.bytes = output
        piece.marks = marks.map { mark in
            var mark = mark
            let start = position[mark.range.lowerBound], end = position[mark.range.upperBound - 1] + 1
            mark.range = start..<end
            if output[start..<end].contains(0x0A) { mark.encodings.insert(.wrappedLine, at: 0) }
            return mark
        }
        return piece
    }
}

/// One file of the corpus while it is written.
struct Doc {
    var path: String
    var body = Piece()
    /// Written with a UTF-8 byte order mark. The mark is not a character of the text: columns on
    /// line 1 do not count it (as for UTF-16, whose mark is not text either).
    var utf8BOM = false
    /// Written as UTF-16 (`.utf16le` / `.utf16be`), with or without a byte order mark.
    var utf16: LabelledCorpus.Encoding?
    var utf16BOM = true
    /// Lines end in CR LF (positions do not change: CR ends nothing).
    var crlf = false

    init(_ path: String) { self.path = path }

    mutating func put(_ text: String) { body.put(text) }
    mutating func line(_ text: String = "") { body.line(text) }
    mutating func put(_ piece: Piece) { body.put(piece) }
    mutating func token(_ secret: Secret) { body.token(secret) }
    mutating func fake(_ kind: LabelledCorpus.LookAlikeKind, _ text: String) { body.fake(kind, text) }
    var offset: Int { body.offset }
    mutating func record(_ secret: Secret, from start: Int, _ encodings: [LabelledCorpus.Encoding] = []) {
        body.record(secret, from: start, encodings)
    }
    mutating func recordFake(_ kind: LabelledCorpus.LookAlikeKind, from start: Int, sample: String) {
        body.recordFake(kind, from: start, sample: sample)
    }
}
