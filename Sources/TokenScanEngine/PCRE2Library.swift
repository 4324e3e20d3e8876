import CPCRE2

/// The PCRE2 library tokenscan runs with, for `tokenscan --version`: what a pattern matches (and
/// how fast, with the JIT) depends on the PCRE2 release, so a bug report should name it.
public enum PCRE2Library {
    /// As the library reports itself, e.g. "10.42 2022-12-11" (the linked library's, not the
    /// version of the headers it was compiled against).
    public static let version: String = {
        let what = UInt32(PCRE2_CONFIG_VERSION)
        // With no buffer, pcre2_config returns the length the answer needs, terminator included.
        let length = pcre2_config_8(what, nil)
        guard length > 0 else { return "unknown" }
        var buffer = [UInt8](repeating: 0, count: Int(length))
        guard pcre2_config_8(what, &buffer) > 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }()
}
