public import Core
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Samples the box on its own thread every `interval` seconds (1 s by default), keeps the latest
/// snapshot in memory and hands each one to its subscribers (history, alerts, the WebSocket) on that thread.
public final class Sampler: Sendable {
    public typealias Subscriber = @Sendable (MetricsSnapshot) -> Void

    private struct State {
        var current: MetricsSnapshot?
        var lastError: ProcParseError?
        var thread: pthread_t?
        var samples = 0
    }

    public let interval: Double
    private let root: String
    private let state = Mutex(State())
    private let subscribers = Subscribers<MetricsSnapshot>()
    /// A pipe: `stop()` writes to [1] to wake the sampler thread, which polls [0], out of its wait at once.
    private let wake: (read: Int32, write: Int32)

    /// `interval` is clamped to 0.05…3600 s. `root` prefixes `/proc` and `/sys` (tests only).
    public init(interval: Double = 1, root: String = "") {
        self.interval = min(3600, max(0.05, interval.isFinite ? interval : 1))
        self.root = root
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        }
        self.wake = (fds[0], fds[1])
    }

    deinit {
        if wake.read >= 0 { close(wake.read) }
        if wake.write >= 0 { close(wake.write) }
    }

    /// The latest snapshot; nil until the first sample completes.
    public var current: MetricsSnapshot? { state.withLock { $0.current } }

    /// Why the last sample failed, nil when it succeeded.
    public var lastError: ProcParseError? { state.withLock { $0.lastError } }

    public var sampleCount: Int { state.withLock { $0.samples } }

    /// Registers a subscriber; returns the id to pass to `unsubscribe`.
    @discardableResult
    public func subscribe(_ subscriber: @escaping Subscriber) -> Int { subscribers.add(subscriber) }

    public func unsubscribe(_ id: Int) { subscribers.remove(id) }

    /// Starts the sampler thread. The first reading only primes the counters; the first snapshot is
    /// published one interval later, with real rates.
    /// Calling it while the thread runs does nothing.
    public func start() throws(SystemError) {
        guard state.withLock({ $0.thread == nil }) else { return }
        let box = Unmanaged.passRetained(ThreadBody { [self] in self.run() })
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, nil,
            { context in
                guard let context else { return nil }
                let body = Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue()
                body.run()
                return nil
            }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            throw SystemError(code: rc, call: "pthread_create", subject: "monitor sampler")
        }
        state.withLock { $0.thread = thread }
    }

    /// Wakes the thread and waits for it to finish its current sample.
    public func stop() {
        guard
            let thread = state.withLock({ state -> pthread_t? in
                defer { state.thread = nil }
                return state.thread
            })
        else { return }
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
        pthread_join(thread, nil)
        _ = read(wake.read, &byte, 1)
    }

    private func run() {
        let reader = SystemReader(root: root)
        // A first reading primes the counters, so the first published snapshot has real rates.
        _ = try? reader.sample()
        var pollFD = pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)
        // Deadlines on the monotonic clock, so a slow sample or a busy box does not make the samples drift.
        var deadline = SystemReader.monotonicSeconds() + interval
        while true {
            let wait = Int32(max(0, (deadline - SystemReader.monotonicSeconds()) * 1000).rounded(.up))
            let woke = poll(&pollFD, 1, wait)
            if woke > 0 { return }
            if woke < 0 && errno != EINTR { return }
            if woke < 0 { continue }
            publish(from: reader)
            deadline += interval
            // After a long stall (a suspended VM), skip the missed ticks rather than sampling in a burst.
            let now = SystemReader.monotonicSeconds()
            if deadline < now { deadline = now + interval }
        }
    }

    private func publish(from reader: SystemReader) {
        do {
            let snapshot = try reader.sample()
            state.withLock { state in
                state.current = snapshot
                state.lastError = nil
                state.samples += 1
            }
            subscribers.publish(snapshot)
        } catch {
            state.withLock { $0.lastError = error }
        }
    }
}

/// The closure a pthread runs, boxed so it can cross the C boundary as a context pointer.
private final class ThreadBody: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
