/// A reader for the part of XML 1.0 (with namespaces) that SAML messages are written in, building
/// a small bounded tree: elements with their resolved namespace, attributes and character data.
///
/// Why a reader of its own: the targets linked into `tokenscan` import FoundationEssentials only
/// (Package.swift), which has no `XMLParser` (FoundationXML brings libxml2 into the static binary).
/// And what is read is scanned input, hostile by assumption: nothing is fetched or expanded. A
/// document type declaration (`<!DOCTYPE`, where entities and external subsets are declared) is
/// refused, as is any entity reference other than XML's five predefined ones and character
/// references, so neither "billion laughs" nor an external entity can do anything; input size,
/// nesting depth, element count and attributes per element are bounded (`Limits`), and the tree
/// is built without recursion.
public enum XMLReader {
    public struct Limits: Sendable, Equatable {
        /// Bytes of a document (a SAML response with its signatures and certificate is ~10 KB).
        public var maxBytes = 1 << 20
        /// Elements open at once (a SAML response's deepest path, to an encrypted key's cipher
        /// value or a certificate in a signature, is about ten).
        public var maxDepth = 32
        public var maxElements = 20_000
        public var maxAttributes = 64
        /// Namespaces for prefixes a document uses without declaring them: an element cut out of
        /// a larger document (an `<saml:Assertion>` whose `xmlns:saml` is on the response around
        /// it, in a log that printed the assertion alone). Empty: an undeclared prefix is an error.
        public var conventionalPrefixes: [String: String] = [:]
        public init() {}
    }

    /// One element: its local name, the namespace its prefix resolves to (`""` for none), its
    /// attributes by the name written (namespace declarations left out), its character data
    /// (CDATA included) and child elements.
    public struct Element: Sendable, Equatable {
        public var namespace: String
        public var name: String
        public var attributes: [String: String]
        public var text: String
        public var children: [Element]

        /// The direct children named `name` in `namespace`.
        public func children(_ name: String, in namespace: String) -> [Element] {
            children.filter { $0.name == name && $0.namespace == namespace }
        }

        public func child(_ name: String, in namespace: String) -> Element? {
            children.first { $0.name == name && $0.namespace == namespace }
        }

        /// Character data with the whitespace around it trimmed (indentation in pretty-printed XML).
        public var trimmedText: String {
            let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
            return String(text.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
        }
    }

    public enum Failure: Error, Sendable, Equatable {
        /// A `<!DOCTYPE …>` (or any other `<!` declaration): refused, never processed.
        case declaration
        /// A reference to an entity other than `lt`, `gt`, `amp`, `quot`, `apos`.
        case entity(String)
        /// The input ends inside the document: cut short.
        case truncated
        /// Not well-formed XML as far as this reader checks (the reason).
        case malformed(String)
        /// A bound of `Limits` was reached (which one).
        case limit(String)
    }

    /// The document element of `bytes` (a UTF-8 byte order mark, an XML declaration, comments and
    /// processing instructions before it are skipped; whatever follows it is not read).
    public static func parse(_ bytes: [UInt8], limits: Limits = Limits()) -> Result<Element, Failure> {
        guard bytes.count <= limits.maxBytes else { return .failure(.limit("larger than \(limits.maxBytes) bytes")) }
        var parser = Parser(bytes: bytes, limits: limits)
        do { return .success(try parser.document()) } catch { return .failure(error) }
    }

    private struct Parser {
        let bytes: [UInt8]
        let limits: Limits
        var index = 0
        var elements = 0
        /// Open elements, innermost last, each with the namespace prefixes it declares.
        var stack: [(element: Element, written: [UInt8], prefixes: [(String, String)])] = []

        init(bytes: [UInt8], limits: Limits) {
            self.bytes = bytes
            self.limits = limits
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        }

        mutating func document() throws(Failure) -> Element {
            while true {
                guard index < bytes.count else { throw stack.isEmpty && elements == 0 ? .malformed("no element") : .truncated }
                if bytes[index] != UInt8(ascii: "<") {
                    let start = index
                    while index < bytes.count && bytes[index] != UInt8(ascii: "<") { index += 1 }
                    let text = try Parser.unescape(bytes[start..<index])
                    if stack.isEmpty {
                        guard text.allSatisfy(Parser.isSpace) else { throw .malformed("text outside the document element") }
                    } else {
                        stack[stack.count - 1].element.text += String(decoding: text, as: UTF8.self)
                    }
                    continue
                }
                if starts("<?") {
                    try skip(past: "?>")
                } else if starts("<!--") {
                    try skip(past: "-->")
                } else if starts("<![CDATA[") {
                    guard !stack.isEmpty else { throw .malformed("CDATA outside the document element") }
                    let start = index + 9
                    try skip(past: "]]>")
                    stack[stack.count - 1].element.text += String(decoding: bytes[start..<(index - 3)], as: UTF8.self)
                } else if starts("<!") {
                    throw .declaration
                } else if starts("</") {
                    if let root = try endTag() { return root }
                } else if let root = try startTag() {
                    return root
                }
            }
        }

        func starts(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard index + count <= bytes.count else {
                // A prefix of the marker at the very end: the input was cut inside it.
                return false
            }
            let pointer = text.utf8Start
            for offset in 0..<count where bytes[index + offset] != pointer[offset] { return false }
            return true
        }

        mutating func skip(past marker: StaticString) throws(Failure) {
            let count = marker.utf8CodeUnitCount
            let pointer = marker.utf8Start
            var position = index
            while position + count <= bytes.count {
                var matched = true
                for offset in 0..<count where bytes[position + offset] != pointer[offset] {
                    matched = false
                    break
                }
                if matched {
                    index = position + count
                    return
                }
                position += 1
            }
            throw .truncated
        }

        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }

        static func isNameByte(_ byte: UInt8) -> Bool {
            !(isSpace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "=")
                || byte == UInt8(ascii: "<") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'"))
        }

        mutating func name() throws(Failure) -> [UInt8] {
            let start = index
            while index < bytes.count && Parser.isNameByte(bytes[index]) { index += 1 }
            guard index < bytes.count else { throw .truncated }
            guard index > start else { throw .malformed("a tag or attribute without a name") }
            return Array(bytes[start..<index])
        }

        mutating func skipSpace() throws(Failure) {
            while index < bytes.count && Parser.isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count else { throw .truncated }
        }

        /// Reads `<name attributes…>` or `<name …/>`; returns the document element when it was
        /// an empty-element tag with nothing open.
        mutating func startTag() throws(Failure) -> Element? {
            index += 1
            let written = try name()
            var attributes: [(name: [UInt8], value: [UInt8])] = []
            var empty = false
            while true {
                try skipSpace()
                if bytes[index] == UInt8(ascii: ">") {
                    index += 1
                    break
                }
                if bytes[index] == UInt8(ascii: "/") {
                    guard index + 1 < bytes.count else { throw .truncated }
                    guard bytes[index + 1] == UInt8(ascii: ">") else { throw .malformed("'/' inside a tag") }
                    index += 2
                    empty = true
                    break
                }
                let attribute = try name()
                try skipSpace()
                guard bytes[index] == UInt8(ascii: "=") else { throw .malformed("an attribute without a value") }
                index += 1
                try skipSpace()
                let quote = bytes[index]
                guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { throw .malformed("an attribute value without quotes") }
                index += 1
                let start = index
                while index < bytes.count && bytes[index] != quote {
                    guard bytes[index] != UInt8(ascii: "<") else { throw .malformed("'<' in an attribute value") }
                    index += 1
                }
                guard index < bytes.count else { throw .truncated }
                let value = try Parser.unescape(bytes[start..<index])
                index += 1
                guard !attributes.contains(where: { $0.name == attribute }) else { throw .malformed("an attribute given twice") }
                attributes.append((attribute, value))
                guard attributes.count <= limits.maxAttributes else { throw .limit("more than \(limits.maxAttributes) attributes on one element") }
            }
            elements += 1
            guard elements <= limits.maxElements else { throw .limit("more than \(limits.maxElements) elements") }
            guard stack.count < limits.maxDepth else { throw .limit("nested deeper than \(limits.maxDepth) elements") }

            var prefixes: [(String, String)] = []
            var plain: [String: String] = [:]
            for (rawName, rawValue) in attributes {
                let name = String(decoding: rawName, as: UTF8.self), value = String(decoding: rawValue, as: UTF8.self)
                if name == "xmlns" {
                    prefixes.append(("", value))
                } else if name.hasPrefix("xmlns:") {
                    prefixes.append((String(name.dropFirst(6)), value))
                } else {
                    plain[name] = value
                }
            }
            let qualified = String(decoding: written, as: UTF8.self)
            let (prefix, local) = Parser.split(qualified)
            guard let namespace = resolve(prefix, declaredHere: prefixes) else { throw .malformed("the prefix '\(prefix)' is not declared") }
            let element = Element(namespace: namespace, name: local, attributes: plain, text: "", children: [])
            if empty {
                if stack.isEmpty { return element }
                stack[stack.count - 1].element.children.append(element)
                return nil
            }
            stack.append((element, written, prefixes))
            return nil
        }

        /// Reads `</name>`; returns the document element once it is closed.
        mutating func endTag() throws(Failure) -> Element? {
            index += 2
            let written = try name()
            try skipSpace()
            guard bytes[index] == UInt8(ascii: ">") else { throw .malformed("text inside an end tag") }
            index += 1
            guard let open = stack.popLast() else { throw .malformed("an end tag with no element open") }
            guard open.written == written else { throw .malformed("an end tag that does not match its start tag") }
            if stack.isEmpty { return open.element }
            stack[stack.count - 1].element.children.append(open.element)
            return nil
        }

        static func split(_ name: String) -> (prefix: String, local: String) {
            guard let colon = name.firstIndex(of: ":") else { return ("", name) }
            return (String(name[..<colon]), String(name[name.index(after: colon)...]))
        }

        func resolve(_ prefix: String, declaredHere: [(String, String)]) -> String? {
            if let declared = declaredHere.last(where: { $0.0 == prefix }) { return declared.1 }
            for open in stack.reversed() {
                if let declared = open.prefixes.last(where: { $0.0 == prefix }) { return declared.1 }
            }
            if prefix.isEmpty { return "" }
            if prefix == "xml" { return "http://www.w3.org/XML/1998/namespace" }
            return limits.conventionalPrefixes[prefix]
        }

        /// Character data with its references replaced: the five predefined entities and
        /// character references only (anything else would need a DTD, which is refused).
        static func unescape(_ text: ArraySlice<UInt8>) throws(Failure) -> [UInt8] {
            guard text.contains(UInt8(ascii: "&")) else { return Array(text) }
            var out: [UInt8] = []
            out.reserveCapacity(text.count)
            var index = text.startIndex
            while index < text.endIndex {
                let byte = text[index]
                guard byte == UInt8(ascii: "&") else {
                    out.append(byte)
                    index += 1
                    continue
                }
                guard let semicolon = text[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                    throw .malformed("'&' that starts no reference")
                }
                let reference = String(decoding: text[(index + 1)..<semicolon], as: UTF8.self)
                switch reference {
                case "lt": out.append(UInt8(ascii: "<"))
                case "gt": out.append(UInt8(ascii: ">"))
                case "amp": out.append(UInt8(ascii: "&"))
                case "quot": out.append(UInt8(ascii: "\""))
                case "apos": out.append(UInt8(ascii: "'"))
                default:
                    guard reference.hasPrefix("#") else { throw .entity(reference) }
                    let digits = reference.dropFirst()
                    let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                    guard let value, let scalar = Unicode.Scalar(value), value != 0 else { throw .malformed("a character reference to no character") }
                    out += Array(String(Character(scalar)).utf8)
                }
                index = semicolon + 1
            }
            return out
        }
    }
}
