import TokenFormats
import TokenScanModel

/// Where inputs come from: the filesystem walk, stdin, git, in-memory content, and whatever
/// comes next (an object-store object, a container layer).
///
/// Why a protocol: the scanner must not know its sources. A new source is one type conforming
/// to this, registered where the command line builds its `ScanRequest`; the scanner, the
/// suppression stage and the reporters stay as they are. A source hands its inputs over while the
/// scan runs (`InputSink` blocks while the work queue is full), so a source larger than memory (a
/// repository's history) is read incrementally.
public protocol InputSource: Sendable {
    associatedtype Failure: Error = Never

    /// Hands each input to `sink`, in report order. Throws when the source fails; inputs handed
    /// over before the failure are still scanned and reported, and the run then ends with an error.
    func produce(into sink: InputSink) throws(Failure)
}

/// What an input source hands over: one item of work for the scanner.
public enum ScanItem: Sendable {
    /// A file on disk (the walker's `display` path is what reports name it). Both keep the
    /// name's bytes, which need not be UTF-8.
    case file(path: RawPath, display: RawPath, followLink: Bool)
    /// A stream opened when a worker takes it (stdin, a download, a decompressor's output);
    /// `live`: it may stay open, so its findings are handed over as they are judged.
    case stream(name: String, live: Bool, open: @Sendable () throws(InputError) -> FileDescriptorSource)
    /// Content already in memory (a git diff's added lines, the demo set).
    case blob(Blob)
    /// Something the source found but cannot scan: listed in the summary, never skipped silently.
    case skipped(SkippedInput)
}

/// Receives a source's items. `walk` enters a directory tree with the scan's walker (its ignore
/// files, limits and `.tokenscanignore` fingerprints), so a source that names paths need not
/// walk them itself.
public struct InputSink {
    private let emitItem: (ScanItem) -> Void
    private let walkRoot: (String) -> Void

    package init(emit: @escaping (ScanItem) -> Void, walk: @escaping (String) -> Void) {
        emitItem = emit
        walkRoot = walk
    }

    public func emit(_ item: ScanItem) { emitItem(item) }

    /// Walks a file or directory as the user named it.
    public func walk(_ root: String) { walkRoot(root) }

    /// Hands over one of the built-in inputs.
    public func add(_ input: ScanInput) {
        switch input {
        case .path(let root): walk(root)
        case .standardInput: emit(.stream(name: "-", live: true, open: { FileDescriptorSource.standardInput() }))
        case .memory(let name, let bytes): emit(.blob(Blob(name: name, bytes: bytes)))
        case .blob(let blob): emit(.blob(blob))
        case .skipped(let skipped): emit(.skipped(skipped))
        }
    }
}

/// The built-in inputs are sources of themselves.
extension ScanInput: InputSource {
    public func produce(into sink: InputSink) {
        sink.add(self)
    }
}
