import FoundationEssentials
import Glibc

/// Tells a mistyped subcommand from a path to scan.
///
/// Why: `scan` is the default subcommand, so `tokenscan sacn .` used to scan a path named `sacn`
/// and answer "sacn: no such file or directory", which hides the typo. A first argument that is a
/// plain word, names no subcommand and is not an existing path is an unknown command (exit 2); the
/// nearest subcommand is suggested, as git does.
public enum CommandSuggestion {
    /// The message for an unknown command, or nil when the arguments are fine (a subcommand, an
    /// option, or a path — existing, or one that looks like a path: `./x`, `a.txt`, `-`).
    public static func unknownCommand(arguments: [String], commands: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !commands.contains(first) else { return nil }
        let isWord = !first.isEmpty && first.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
        guard isWord else { return nil }
        var info = stat()
        guard lstat(first, &info) != 0 else { return nil }
        if ["version", "v"].contains(first.lowercased()) {
            return "unknown command '\(first)', did you mean '--version'?"
        }
        let lowered = first.lowercased()
        let ranked = commands.filter { $0 != "help" }
            .map { (name: $0, distance: editDistance(lowered, $0)) }
            .filter { $0.distance <= max(1, min(2, $0.name.count / 2)) || ($0.name.hasPrefix(lowered) && lowered.count >= 2) }
            .sorted { $0.distance < $1.distance }
        if let best = ranked.first {
            return "unknown command '\(first)', did you mean '\(best.name)'?"
        }
        return "unknown command '\(first)', and no file or directory of that name "
            + "(commands: \(commands.filter { $0 != "help" }.joined(separator: ", ")); see 'tokenscan --help')"
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
    /// neighbours (`sacn` → `scan` is one edit).
    package static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}

/// One error style on stderr for every error, ArgumentParser's included.
public enum ErrorStyle {
    /// ArgumentParser writes `Error: message` and usage lines; they become `tokenscan: error:
    /// message` and the usage lines as they are.
    public static func restyle(_ message: String) -> String {
        let prefix = "Error: "
        guard message.hasPrefix(prefix) else { return "tokenscan: error: " + message }
        return "tokenscan: error: " + message.dropFirst(prefix.count)
    }
}
