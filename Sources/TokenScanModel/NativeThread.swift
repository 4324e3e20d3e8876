import Glibc

/// A thread of its own running one closure, in place of Foundation's `Thread`.
///
/// Why threads and not Dispatch: scan workers block (on the work queue, on file reads) for the
/// whole run, and the progress ticker sleeps; neither should occupy a Dispatch pool thread.
public final class NativeThread: @unchecked Sendable {
    private var thread: pthread_t
    private var joined = false

    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread with `stackSize` bytes of stack (nil: the system default).
    /// Crashes when the system refuses a thread: nothing sensible can continue without it.
    public init(stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        precondition(status == 0, "pthread_create failed: \(String(cString: strerror(status)))")
        self.thread = thread
    }

    /// Starts `body` on a thread nobody waits for (its resources are freed when it ends).
    public static func detach(_ body: @escaping @Sendable () -> Void) {
        let thread = NativeThread(body)
        pthread_detach(thread.thread)
        thread.joined = true
    }

    /// Waits until the thread has finished (once; later calls return at once).
    public func join() {
        guard !joined else { return }
        joined = true
        pthread_join(thread, nil)
    }

    deinit {
        if !joined { pthread_detach(thread) }
    }
}
