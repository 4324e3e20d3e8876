import FoundationEssentials
import TokenScanRules
import TokenScanSearch

/// A named value's name as written and the class the vocabulary gives it.
public struct NamedValue: Sendable, Equatable {
    public var name: String
    public var nameClass: NameClass
    /// When a `Set-Cookie` says the cookie runs out (`CookieLifetime`): the value's own lifetime.
    public var expiresAt: Date?

    public init(name: String, nameClass: NameClass, expiresAt: Date? = nil) {
        self.name = name
        self.nameClass = nameClass
        self.expiresAt = expiresAt
    }

    /// The name a `named-value` rule's match starts with: its leading run of name characters
    /// (`AssignedName.isNameByte`). The rule's regex starts its match at the name, in the text as
    /// written and in decoded text alike.
    public static func name(in match: [UInt8]) -> String {
        String(decoding: match.prefix(while: AssignedName.isNameByte), as: UTF8.self)
    }
}
