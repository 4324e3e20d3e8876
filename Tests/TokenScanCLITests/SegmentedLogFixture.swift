import Foundation
import XCTest
import TokenFormats

extension XCTestCase {
    /// A 20 MiB access log (three segments) whose token lines stand around every mebibyte mark (a
    /// token across the mark, one on the next line) and a token split over the two lines where a
    /// segment ends and the next begins.
    /// Returns the text and, per token, the line it is on.
    func largeSegmentedLog() -> (text: Data, lines: [String: Int]) {
        let mebibyte = 1 << 20
        var text = Data()
        text.reserveCapacity(21 * mebibyte)
        var line = 1
        var placed: [String: Int] = [:]
        var filler = 0
        func append(_ string: String) {
            text.append(contentsOf: string.utf8)
            line += string.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        func fill(to offset: Int) {
            while text.count + 80 < offset {
                append("10.0.\(filler % 256).\(filler % 199) \"GET /api/v1/item/\(filler)?page=\(filler % 50) HTTP/1.1\" 200\n")
                filler += 1
            }
            if text.count < offset { append(String(repeating: "-", count: offset - text.count - 1) + "\n") }
        }
        func token(_ name: String) -> String {
            TokenMinter.jwt(claims: ["sub": .string(name), "scope": "repo", "exp": 1_900_000_000])
        }
        let segment = 8 * mebibyte
        for mark in ((1...19).map { $0 * mebibyte } + [segment - 2000, 2 * segment - 2000]).sorted() {
            if mark % segment == 0 {
                // A token split by a shell line continuation whose first line holds the segment's
                // mark: the next segment starts with its second half (the join needs the margin).
                let split = token("split-\(mark)")
                let prefix = "curl -H \"Authorization: Bearer "
                let half = split.index(split.startIndex, offsetBy: split.count / 2)
                fill(to: mark - prefix.utf8.count - 10)
                placed[split] = line
                append("\(prefix)\(split[..<half])\\\n\(split[half...])\" https://api.example/v1\n")
                continue
            }
            // A JWT whose middle lies on the mark (its line holds the mark: the segment before owns it).
            let across = token("across-\(mark)")
            let prefix = "GET /a?access_token="
            fill(to: mark - prefix.utf8.count - across.utf8.count / 2)
            placed[across] = line
            append("\(prefix)\(across) HTTP/1.1\n")
            // And one on the next line.
            let after = token("after-\(mark)")
            placed[after] = line
            append("Authorization: Bearer \(after)\n")
        }
        fill(to: 20 * mebibyte)
        let last = token("last")
        placed[last] = line
        append("token=\(last)\n")
        return (text, placed)
    }
}
