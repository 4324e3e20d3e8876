import FoundationEssentials
import TokenFormats

/// Why a configuration file cannot be used: the file, the line and the key, so it can be fixed
/// without guessing.
public struct ConfigError: Error, Sendable, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int?
    public var key: String?
    public var message: String
    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? "")\(key.map { ": '\($0)'" } ?? ""): \(message)"
    }

    package init(file: String, line: Int? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }
}
