import Glibc

/// A mutual-exclusion lock over a pthread mutex, in place of Foundation's `NSLock`.
///
/// Why not `Synchronization.Mutex`: it holds its value inline, which suits new code but not the
/// lock-around-several-fields classes here, and TSan reports false races through it (design §7);
/// a pthread mutex keeps the suite TSan-clean. Why not `NSLock`: it is in full Foundation, which the
/// binary does not link (it would bring ICU's 47 MB with it).
public final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
