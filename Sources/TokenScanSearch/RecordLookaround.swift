/// Which hits carry text beyond their line (`SearchHit.before`/`after`), and how much.
///
/// Why: structured traffic keeps what judges a value on other lines. A HAR file, pretty-printed
/// as browsers export it, puts a header's name on the line before its `"value"`, the entry's
/// `startedDateTime` (from which a `Set-Cookie`'s `Max-Age` counts) lines above, and a cookie
/// object's `expires` lines below (issue #20). Only named values (the rules that read cookies) in
/// a JSON `"value"` pair get it, so other hits cost nothing more than their line.
package enum RecordLookaround {
    /// Bytes kept before the value's line: a HAR entry's request (headers, cookies, query) sits
    /// between its `startedDateTime` and its response's headers.
    package static let before = 16 * 1024
    /// Bytes searched after the value's line for the end of its object.
    package static let after = 1024

    /// The value starts inside a `"value"` pair on its line (`"value": "…`, any spacing).
    package static func wanted(_ view: UnsafeRawBufferPointer, lineStart: Int, value: Int) -> Bool {
        let key: [UInt8] = Array("\"value\"".utf8)
        var index = value - 1
        // Back over the value's opening quote, the colon and spaces, to the key's closing quote;
        // a header value (`sessionid=…` inside the string) stands after more text: look further.
        let limit = max(lineStart, value - 512)
        while index - key.count + 1 >= limit {
            if view[index] == key[key.count - 1] && view[index - key.count + 1] == key[0] {
                var matches = true
                for offset in 0..<key.count where view[index - key.count + 1 + offset] != key[offset] { matches = false; break }
                if matches { return true }
            }
            index -= 1
        }
        return false
    }

    /// Where the JSON object holding a value ends: just after the first `}` after `start`, or
    /// `after` bytes on, or the end of what is in view.
    package static func objectEnd(_ view: UnsafeRawBufferPointer, from start: Int) -> Int {
        let limit = min(view.count, start + after)
        var index = start
        while index < limit {
            if view[index] == UInt8(ascii: "}") { return index + 1 }
            index += 1
        }
        return limit
    }
}
