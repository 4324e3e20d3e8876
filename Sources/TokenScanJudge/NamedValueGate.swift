import TokenFormats
import TokenScanModel
import TokenScanRules

/// Tells a credential assigned to a name from the values that stand where credentials stand but
/// are none: references to the environment, UUIDs and digests, versions, paths, URLs, identifiers,
/// counting and repeated characters, placeholders, and values that are themselves base64 of text
/// (judged in their decoded form instead).
///
/// Why shapes and not only entropy: a git SHA or a UUID has the entropy of a token, and a
/// camelCase identifier as long as a token has more than a short one. Each check here names one
/// shape that people assign to token-named variables without it being a token.
public enum NamedValueGate {
    public enum Verdict: Equatable, Sendable {
        case credential
        case dismissed(Dismissal, why: String)
    }

    public static func judge(_ value: [UInt8], as nameClass: NameClass) -> Verdict {
        let text = String(decoding: value, as: UTF8.self)
        if value.count < nameClass.minLength { return .dismissed(.lowEntropy, why: "shorter than \(nameClass.minLength) characters") }
        if value.count > nameClass.maxLength { return .dismissed(.lookAlike, why: "longer than \(nameClass.maxLength) characters") }
        if let why = environmentReference(text) { return .dismissed(.placeholder, why: why) }
        if Placeholder.isPlaceholder(value) { return .dismissed(.placeholder, why: "a placeholder") }
        if isUUID(value) && !nameClass.acceptsUUID { return .dismissed(.lookAlike, why: "a UUID") }
        if isHex(value) && hexDigestLengths.contains(value.count) && !nameClass.acceptsHex {
            return .dismissed(.lookAlike, why: "a hex digest (\(value.count * 4) bits)")
        }
        if value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return .dismissed(.lookAlike, why: "digits only") }
        if isVersion(value) { return .dismissed(.lookAlike, why: "a version") }
        if text.contains("://") { return .dismissed(.lookAlike, why: "a URL") }
        if isPath(text) { return .dismissed(.lookAlike, why: "a path") }
        if isIdentifier(text) { return .dismissed(.lookAlike, why: "an identifier") }
        if hasCountingRun(value) { return .dismissed(.placeholder, why: "counting characters") }
        if Entropy.bits(value) < nameClass.entropy { return .dismissed(.lowEntropy, why: "low entropy") }
        if isBase64OfText(value) && !(nameClass.acceptsEncodedJSON && isBase64OfJSONObject(value)) {
            return .dismissed(.encoded, why: "base64 of text: judged decoded")
        }
        return .credential
    }

    /// Lengths in hex digits of MD5, SHA-1 (git), SHA-224, SHA-256, SHA-384, SHA-512.
    static let hexDigestLengths: Set<Int> = [32, 40, 56, 64, 96, 128]

    /// `process.env.X`, `os.environ[…]`, `ENV['X']`, `System.getenv(…)`, `$X`, `${X}`, `%X%`:
    /// the value is read from elsewhere.
    static func environmentReference(_ text: String) -> String? {
        if let first = text.first, first == "$" || first == "%" || first == "@" { return "an environment reference" }
        let lower = text.lowercased()
        for marker in ["process.env", "os.environ", "getenv", "env[", "env.", "secrets.", "vars.", "config."] where lower.hasPrefix(marker) {
            return "an environment reference"
        }
        return nil
    }

    static func isHex(_ value: [UInt8]) -> Bool {
        value.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
    }

    /// 8-4-4-4-12 hex digits.
    static func isUUID(_ value: [UInt8]) -> Bool {
        guard value.count == 36 else { return false }
        for (index, byte) in value.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                if byte != UInt8(ascii: "-") { return false }
            } else if !isHex([byte]) {
                return false
            }
        }
        return true
    }

    /// `1.2.3`, `v2.0.1-beta.3`, `2024.01.15`: digit groups joined by dots, an optional `v` and a
    /// pre-release or build suffix.
    static func isVersion(_ value: [UInt8]) -> Bool {
        var body = value[...]
        if body.first == UInt8(ascii: "v") || body.first == UInt8(ascii: "V") { body = body.dropFirst() }
        let core = body.prefix { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }
        guard core.contains(UInt8(ascii: ".")), core.first.map({ $0 != UInt8(ascii: ".") }) == true else { return false }
        let rest = body.dropFirst(core.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "-") || rest.first == UInt8(ascii: "+")
    }

    /// `/var/run/…`, `./x`, `~/x`, `C:\…`, or segments of words joined by `/` (`config/secrets/api`).
    static func isPath(_ text: String) -> Bool {
        if text.hasPrefix("/") || text.hasPrefix("./") || text.hasPrefix("../") || text.hasPrefix("~/") { return true }
        if text.count > 2, text.dropFirst().hasPrefix(":\\") || text.dropFirst().hasPrefix(":/") { return true }
        let segments = text.split(separator: "/", omittingEmptySubsequences: false)
        return segments.count >= 2 && segments.allSatisfy { !$0.isEmpty && isIdentifier(String($0), minimumWords: 1) }
    }

    /// camelCase, PascalCase, snake_case, kebab-case, SCREAMING_CASE and dotted names built of
    /// words: every part is a word of two or more letters (one-letter parts are rare in names and
    /// frequent in random text), and words of three or more letters have vowels, as words do.
    /// Digits may stand as parts of their own (`v2`, `oauth2`).
    static func isIdentifier(_ text: String, minimumWords: Int = 2) -> Bool {
        var words: [String] = []
        var current = ""
        var previous: Character?
        func close() {
            if !current.isEmpty { words.append(current) }
            current = ""
        }
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            guard character.isASCII else { return false }
            if character == "_" || character == "-" || character == "." || character == "/" {
                close()
            } else if character.isLetter {
                if character.isUppercase, let previous, previous.isLowercase || previous.isNumber {
                    close()
                } else if character.isUppercase, let previous, previous.isUppercase, index + 1 < characters.count,
                    characters[index + 1].isLowercase {
                    close() // "HTTPServer" → HTTP, Server
                } else if let previous, previous.isNumber {
                    close()
                }
                current.append(character)
            } else if character.isNumber {
                if let previous, previous.isLetter { close() }
                current.append(character)
            } else {
                return false
            }
            previous = character
        }
        close()
        let letterWords = words.filter { $0.first?.isLetter == true }
        guard words.count >= minimumWords, !letterWords.isEmpty else { return false }
        if words.count - letterWords.count > 2 { return false }
        if letterWords.count == 1 {
            // One long word without separators: a word reads as one when about two in five of its
            // letters are vowels (random letters have about one in five) and no four consonants
            // stand together.
            let word = letterWords[0]
            guard word.count >= 4 else { return true }
            let ratio = Double(word.filter { vowels.contains($0) }.count) / Double(word.count)
            return ratio >= 0.3 && ratio <= 0.6 && isWordLike(word)
        }
        // Words of names average three and a half letters or more and read as words; random text splits
        // into pairs and consonant clusters ("Kz", "Dgxj").
        let letters = letterWords.reduce(0) { $0 + $1.count }
        let unreadable = letterWords.filter { !isWordLike($0) }.count
        return letterWords.allSatisfy { $0.count >= 2 } && 2 * letters >= 7 * letterWords.count && unreadable * 6 <= letterWords.count
    }

    private static let vowels = Set("aeiouyAEIOUY")

    /// A word of a name: an acronym (up to four capitals: `DB`, `HTTP`), or letters with a vowel
    /// and no run of four consonants.
    static func isWordLike(_ word: String) -> Bool {
        if word.count <= 4 && word.allSatisfy(\.isUppercase) { return true }
        guard word.contains(where: { vowels.contains($0) }) else { return false }
        var run = 0
        for character in word {
            run = vowels.contains(character) ? 0 : run + 1
            if run >= 4 { return false }
        }
        return true
    }

    /// A run of six characters that each follow the one before (`abcdef`, `123456`, `ZYXWVU`).
    static func hasCountingRun(_ value: [UInt8]) -> Bool {
        var up = 1, down = 1
        for index in value.indices.dropFirst() {
            let step = Int(value[index]) - Int(value[index - 1])
            up = step == 1 ? up + 1 : 1
            down = step == -1 ? down + 1 : 1
            if up >= 6 || down >= 6 { return true }
        }
        return false
    }

    /// Base64 of a JSON object: an encrypted envelope such as Laravel's session cookie
    /// (`{"iv":…,"value":…,"mac":…}`, Illuminate\Encryption\Encrypter::encrypt), whole as it is.
    static func isBase64OfJSONObject(_ value: [UInt8]) -> Bool {
        guard let decoded = Base64.decode(value), case .object? = JSONValue.parse(decoded) else { return false }
        return true
    }

    /// Strict base64 (standard alphabet, length a multiple of four) whose bytes are printable
    /// text: a value stored encoded (a Kubernetes Secret's `data:`), which the decoding layer
    /// judges as what it decodes to. Random tokens decode to binary.
    static func isBase64OfText(_ value: [UInt8]) -> Bool {
        guard value.count >= 12, value.count % 4 == 0,
            value.allSatisfy({ Base64.table[Int($0)] != 0xFF || $0 == UInt8(ascii: "=") }),
            let decoded = Base64.decode(value), decoded.count >= 8
        else { return false }
        return decoded.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }
}
