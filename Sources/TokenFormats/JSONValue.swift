import FoundationEssentials

/// A JSON value, kept as data so that claims can be inspected, scored and written back out
/// (`Sendable`, unlike `JSONSerialization`'s `Any`).
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let bool): try container.encode(bool)
        case .number(let number):
            if number.rounded() == number, abs(number) < 9.007e15 {
                try container.encode(Int64(number))
            } else {
                try container.encode(number)
            }
        case .string(let string): try container.encode(string)
        case .array(let array): try container.encode(array)
        case .object(let object): try container.encode(object)
        }
    }

    /// How deep `parse` lets arrays and objects nest. Real documents (JWT claims, JWKS) nest a
    /// few levels; hostile ones nest 100,000 deep to exhaust the stack of recursive decoders.
    public static let maxDepth = 64

    /// Parses a JSON text; `nil` if it is not JSON or nests deeper than `maxDepth`. A NUL byte
    /// is never JSON (Foundation's decoder stops at one and takes `{…}\0junk` for `{…}`).
    public static func parse(_ bytes: [UInt8]) -> JSONValue? {
        guard !bytes.contains(0), !exceedsDepth(bytes, maxDepth) else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// Whether arrays and objects in `bytes` nest deeper than `limit`, without parsing: one pass
    /// that counts brackets outside strings, so that deep input is turned away before any
    /// recursive decoder sees it.
    public static func exceedsDepth(_ bytes: some Collection<UInt8>, _ limit: Int) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return false
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var object: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// A number, or a string holding one (some issuers write `"exp": "1700000000"`).
    public var number: Double? {
        switch self {
        case .number(let value): value
        case .string(let value): Double(value.trimming(.whitespaces))
        default: nil
        }
    }

    public var bool: Bool? {
        switch self {
        case .bool(let value): value
        case .string(let value): ["true", "1", "yes"].contains(value.lowercased()) ? true : (["false", "0", "no"].contains(value.lowercased()) ? false : nil)
        case .number(let value): value != 0
        default: nil
        }
    }

    /// A string, or an array of strings (`aud`, `scope` in either form), or a space-separated string split.
    public var strings: [String] {
        switch self {
        case .string(let value): [value]
        case .array(let values): values.compactMap(\.string)
        default: []
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
