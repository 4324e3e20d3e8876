import TokenFormats

/// Why a rule file or rule could not be used. Always names the file, and the rule when known.
public struct RuleError: Error, Sendable, CustomStringConvertible, Equatable {
    public var file: String
    public var ruleID: String?
    public var line: Int?
    public var message: String

    public init(file: String, ruleID: String? = nil, line: Int? = nil, message: String) {
        self.file = file
        self.ruleID = ruleID
        self.line = line
        self.message = message
    }

    public var description: String {
        var prefix = file
        if let line { prefix += ":\(line)" }
        if let ruleID { prefix += ": rule '\(ruleID)'" }
        return "\(prefix): \(message)"
    }
}
