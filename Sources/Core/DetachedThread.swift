#if canImport(Glibc)
    import Glibc
#endif

/// A detached POSIX thread for one piece of blocking work that must not sit on Swift's cooperative
/// pool, optionally at a lower CPU priority (Linux nice is per thread, so a thread that lowers its
/// own priority and then ends leaves no other work slowed).
public enum DetachedThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Runs `body` on a new thread at `nice` (0: unchanged); false when no thread could be made.
    @discardableResult
    public static func start(nice: Int32 = 0, _ body: @escaping @Sendable () -> Void) -> Bool {
        let context = Unmanaged.passRetained(Body {
            // who = 0 is the calling thread on Linux.
            if nice > 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice) }
            body()
        }).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { raw in
                guard let raw else { return nil }
                Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}
