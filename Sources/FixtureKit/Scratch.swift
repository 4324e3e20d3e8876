import Foundation

/// Temporary directories for tests, all inside one directory per test process that is removed
/// when the process exits.
///
/// Why: a test that makes a directory under `/tmp` and fails (or simply never cleans up) leaves it
/// there; thousands of runs of the suite left thousands of repositories and trees behind, with
/// minted tokens in them. One root per process, removed by an `atexit` handler, cleans up after
/// every test at once, whether it passed, failed or threw. A process that is killed leaves its
/// root behind, named `tokenscan-tests-*` so it is easy to find.
public enum Scratch {
    /// The process's root, made on first use.
    private static let root: URL = {
        var template = Array((FileManager.default.temporaryDirectory.path + "/tokenscan-tests-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            fatalError("cannot make a scratch directory: \(String(cString: strerror(errno)))")
        }
        let path = String(cString: made)
        atexit { Scratch.removeRoot() }
        return URL(fileURLWithPath: path, isDirectory: true)
    }()

    private static func removeRoot() {
        try? FileManager.default.removeItem(at: root)
    }

    /// A new, empty directory named `prefix-UUID` inside the process's root.
    public static func directory(_ prefix: String) throws -> URL {
        let url = root.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        return url
    }
}
