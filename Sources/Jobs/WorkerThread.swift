import Core

#if canImport(Glibc)
    import Glibc
#endif

/// Starts the runner's own OS threads (not the cooperative pool, which must never block on a
/// decoder) and lowers a thread's CPU and I/O priority.
enum WorkerThread {
    /// Starts a detached thread running `body`.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) throws(SystemError) {
        let box = Unmanaged.passRetained(ThreadBody(body))
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, nil,
            { context in
                guard let context else { return nil }
                Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue().run()
                return nil
            }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            throw SystemError(code: rc, call: "pthread_create", subject: name)
        }
        pthread_detach(thread)
    }

    /// `setpriority(PRIO_PROCESS, tid, nice)` and, when asked, the idle I/O class
    /// (`ioprio_set(IOPRIO_WHO_PROCESS, tid, IOPRIO_CLASS_IDLE)`) for the calling thread only.
    /// Returns the errors (the worker runs anyway).
    static func lowerPriority(nice: Int, idleIO: Bool) -> [String] {
        var errors: [String] = []
        let tid = Int(syscall4(Self.sysGettid, 0, 0, 0))
        if setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(tid), Int32(clamping: nice)) != 0 {
            errors.append("setpriority(\(nice)): \(String(cString: strerror(errno)))")
        }
        if idleIO {
            // IOPRIO_WHO_PROCESS = 1, IOPRIO_CLASS_IDLE = 3 in the top bits (IOPRIO_CLASS_SHIFT = 13).
            if syscall4(Self.sysIoprioSet, 1, tid, 3 << 13) != 0 {
                errors.append("ioprio_set(idle): \(String(cString: strerror(errno)))")
            }
        }
        return errors
    }

    /// The I/O priority class of the calling thread (`ioprio_get`), for tests: 3 is idle.
    static func ioPriorityClass() -> Int {
        let tid = syscall4(Self.sysGettid, 0, 0, 0)
        let value = syscall4(Self.sysIoprioGet, 1, tid, 0)
        return value < 0 ? -1 : value >> 13
    }

    #if arch(x86_64)
        static let sysGettid = 186
        static let sysIoprioSet = 251
        static let sysIoprioGet = 252
    #elseif arch(arm64)
        static let sysGettid = 178
        static let sysIoprioSet = 30
        static let sysIoprioGet = 31
    #endif

    /// glibc's `syscall` is variadic, which Swift cannot call; with integer arguments only, calling it
    /// through a fixed four-argument signature passes them in the same registers on x86-64 and arm64.
    private typealias Syscall = @convention(c) (Int, Int, Int, Int) -> Int
    private static func syscall4(_ number: Int, _ a: Int, _ b: Int, _ c: Int) -> Int {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syscall") else { return -1 }
        return unsafeBitCast(symbol, to: Syscall.self)(number, a, b, c)
    }
}

/// The closure a pthread runs, boxed so it can cross the C boundary as a context pointer.
private final class ThreadBody: @unchecked Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}
