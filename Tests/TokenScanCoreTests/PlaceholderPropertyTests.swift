import XCTest
import TokenFormats

/// The placeholder check must not fire inside real tokens: random text spells short words
/// (`none`, `here`, `fake`, `your`, `null`) all the time, so those count only as whole words, and
/// a long random segment is a token's secret part whatever label stands beside it.
final class PlaceholderPropertyTests: XCTestCase {
    /// Random tokens of many lengths and both alphabets real tokens use: none is a placeholder.
    func testRandomTokensOfManyLengthsAreNeverPlaceholders() {
        let base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        var lost: [String] = []
        var checked = 0
        for length in stride(from: 20, through: 2_060, by: 30) {
            for seed in 0..<40 {
                for alphabet in [TokenMinter.base62, base64url] {
                    let token = TokenMinter.opaque(length: length, seed: "placeholder-property/\(length)/\(seed)", alphabet: alphabet)
                    checked += 1
                    if Placeholder.isPlaceholder(Array(token.utf8)) { lost.append(token) }
                }
            }
        }
        XCTAssertEqual(checked, 69 * 40 * 2)
        XCTAssertEqual(lost, [], "\(lost.count) of \(checked) random tokens were taken for placeholders")
    }

    /// A marker word spelled inside random text (`nNOnE`, `xHERE7`, `fake` mid-token) at every position.
    func testMarkerWordsSpelledByChanceDoNotDismissARandomToken() {
        for word in ["nNOnE", "none", "NONE", "here", "Fake", "your", "null", "TOKEN"] {
            for position in stride(from: 0, through: 1_400, by: 50) {
                let random = TokenMinter.opaque(length: 1_400, seed: "azure-refresh/\(word)/\(position)",
                                                alphabet: TokenMinter.base64url)
                let start = random.index(random.startIndex, offsetBy: position)
                let token = random[..<start] + word + random[start...]
                XCTAssertFalse(Placeholder.isPlaceholder(Array(token.utf8)), "\(word) at \(position)")
            }
        }
    }

    /// OpenAI keys without a project carry the label `None`: a whole word, beside a random part.
    func testALabelBesideARandomPartIsNotAPlaceholder() {
        let key = "sk-None-" + TokenMinter.opaque(length: 20, seed: "none-key-a") + "T3BlbkFJ" + TokenMinter.opaque(length: 20, seed: "none-key-b")
        XCTAssertFalse(Placeholder.isPlaceholder(Array(key.utf8)), key)
    }

    /// Whole marker words with nothing random beside them are placeholders, as are low-entropy values.
    func testWholeWordsAndLowEntropyValuesArePlaceholders() {
        for text in ["your-token-here", "YourTokenHere", "YOUR_TOKEN", "xoxb-your-bot-token", "fake-key-1234",
                     "none", "null", "NULL_TOKEN_VALUE", "dummy.dummy.dummy", "sk-xxxxxxxxxxxxxxxxxxxxT3BlbkFJxxxxxxxxxxxxxxxxxxxx",
                     "abababababababab", "0000000000000000", "s.YourVaultTokenHere000000", "YOUR_API_TOKEN_GOES_HERE_1234", #"\(key)\ntoken=\(signed)"#] {
            XCTAssertTrue(Placeholder.isPlaceholder(Array(text.utf8)), text)
        }
    }
}
