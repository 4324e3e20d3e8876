import TokenFormats

/// Path strings taken apart without `NSString`.
///
/// Why: on this toolchain's Foundation, `("x" as NSString).deletingLastPathComponent` traps for
/// every one-character path, so `tokenscan scan x` and `--output y` crashed the process. These
/// follow `NSString`'s results otherwise (`PathNameTests`).
public enum PathName {
    /// The directory part: `""` for a bare name, `"/"` for a name in the root; trailing and
    /// repeated slashes do not count as components.
    public static func parent(of path: String) -> String {
        let bytes = Array(path.utf8)
        var end = bytes.count
        while end > 1 && bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        guard let slash = bytes[..<end].lastIndex(of: UInt8(ascii: "/")) else { return "" }
        var cut = slash
        while cut > 0 && bytes[cut - 1] == UInt8(ascii: "/") { cut -= 1 }
        return cut == 0 ? "/" : String(decoding: bytes[..<cut], as: UTF8.self)
    }

    /// The last component: the name after the last slash (trailing slashes ignored).
    public static func lastComponent(of path: String) -> String {
        let bytes = Array(path.utf8)
        var end = bytes.count
        while end > 1 && bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        let start = bytes[..<end].lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
        return start >= end ? (end == 1 && bytes.first == UInt8(ascii: "/") ? "/" : "") : String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// `path` made absolute against `currentDirectory` and standardized lexically, as
    /// `URL(fileURLWithPath:).standardizedFileURL.path` gives it: no `.` or `..` components, no
    /// repeated or trailing slash (`..` at the root stays there). No link is resolved. Why not
    /// `URL`: its parser was a tenth of a one-file scan's configuration step.
    public static func absolute(_ path: String, in currentDirectory: String) -> String {
        let joined = path.hasPrefix("/") ? path : currentDirectory + "/" + path
        var components: [Substring] = []
        for component in joined.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// `component` inside `directory` (`NSString.appendingPathComponent` for the relative names
    /// configuration files list): one slash between them, and `component` alone when `directory`
    /// is empty.
    public static func appending(_ component: String, to directory: String) -> String {
        if directory.isEmpty { return component }
        return directory.hasSuffix("/") ? directory + component : directory + "/" + component
    }
}
