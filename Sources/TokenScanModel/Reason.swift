import FoundationEssentials
import TokenFormats

/// A stable, machine-readable code and a sentence a person understands.
public struct Reason: Sendable, Codable, Equatable {
    public var code: String
    public var message: String
    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// The risk model's verdict on one token.
public struct Assessment: Sendable, Equatable {
    public var severity: Severity
    /// 0–100, inside the severity's band; orders findings within a severity.
    public var score: Int
    public var reasons: [Reason]

    package init(severity: Severity, score: Int, reasons: [Reason]) {
        self.severity = severity
        self.score = score
        self.reasons = reasons
    }
}
