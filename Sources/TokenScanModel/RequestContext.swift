import FoundationEssentials

/// Where in a request a token travelled, read from the line it was found on: the HTTP method, the
/// URL path (never the query, which is where tokens sit) and the header or parameter name.
/// Log audits need this to tell which endpoint leaked a token and through which channel.
public struct RequestContext: Sendable, Codable, Equatable {
    public var method: String?
    public var path: String?
    /// `Authorization`, or the query/form parameter (`access_token`) or JSON key holding the token.
    public var field: String?

    public var isEmpty: Bool { method == nil && path == nil && field == nil }

    public init(method: String? = nil, path: String? = nil, field: String? = nil) {
        self.method = method
        self.path = path
        self.field = field
    }
}
