extension StringProtocol {
    /// The text cut or padded with spaces to `length` UTF-16 code units: what Foundation's
    /// `padding(toLength:withPad:" ", startingAt: 0)` returns (it is not in FoundationEssentials),
    /// kept unit for unit so that text reports stay byte-identical. It also truncates: callers pad
    /// to the longest entry when nothing may be cut.
    public func padded(toLength length: Int) -> String {
        let units = utf16.count
        if units >= length {
            return String(decoding: Array(utf16.prefix(length)), as: UTF16.self)
        }
        return String(self) + String(repeating: " ", count: length - units)
    }
}
