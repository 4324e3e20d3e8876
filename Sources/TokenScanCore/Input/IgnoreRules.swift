// TEMPORARY STUB — replaced by the real matcher.
public struct IgnoreFile: Sendable {
    public init(contents: String, base: String) {}
    public var fingerprints: [String] { [] }
}
public struct IgnoreStack: Sendable {
    public init() {}
    public func pushing(_ file: IgnoreFile) -> IgnoreStack { self }
    public func isIgnored(_ path: String, isDirectory: Bool) -> Bool { false }
}
