import Glibc

/// What is at a path, from `stat(2)` (symlinks followed).
///
/// Why: `FileManager.fileExists(atPath:isDirectory:)` takes an `ObjCBool`, which is in full
/// Foundation only.
public enum FileStatus {
    /// Whether anything is there (`FileManager.fileExists(atPath:)` without FileManager).
    public static func exists(atPath path: String) -> Bool { isDirectory(atPath: path) != nil }

    /// true for a directory, false for anything else that exists, nil when nothing is there (or
    /// it cannot be reached).
    public static func isDirectory(atPath path: String) -> Bool? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return (status.st_mode & S_IFMT) == S_IFDIR
    }
}
