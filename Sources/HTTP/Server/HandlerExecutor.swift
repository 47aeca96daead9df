#if canImport(Glibc)
    import Glibc
#endif
import Core
import Synchronization

/// The threads that run the server's `.async` handlers and WebSocket handlers, instead of Swift's
/// global cooperative pool. That pool has one thread per core and is shared by everything else in the
/// process; whatever holds its threads (a blocking call some code makes on it, a burst of CPU-bound
/// tasks) would otherwise hold every request's answer too. Work a handler awaits (a database call, a
/// libcurl transfer) resumes here, so an answer needs only these threads and the event loops.
/// One set for the process (every server shares it), started with the first server, FIFO.
final class HandlerExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = HandlerExecutor(threads: max(2, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))

    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let ready = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `lock`: jobs arrive in `incoming` and are taken from the end of `outgoing` (its reverse).
    private var incoming: [UnownedJob] = []
    private var outgoing: [UnownedJob] = []
    private var waiting = 0
    /// Jobs queued and not yet taken, read without the lock by a thread about to sleep.
    private let queued = Atomic<Int>(0)
    /// How many times a thread that ran out of work yields before it sleeps: a request's next step (its
    /// answer from the database, the next request) usually comes within microseconds, and catching it
    /// awake saves a futex sleep and wake-up on both sides.
    private static let yieldsBeforeSleep = 64

    init(threads: Int) {
        pthread_mutex_init(lock, nil)
        pthread_cond_init(ready, nil)
        for _ in 0..<threads {
            DetachedThread.start { [self] in run() }
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pthread_mutex_lock(lock)
        incoming.append(job)
        queued.add(1, ordering: .relaxed)
        let wake = waiting > 0
        pthread_mutex_unlock(lock)
        if wake { pthread_cond_signal(ready) }
    }

    private func run() -> Never {
        let executor = asUnownedTaskExecutor()
        while true {
            for _ in 0..<Self.yieldsBeforeSleep where queued.load(ordering: .relaxed) == 0 { sched_yield() }
            pthread_mutex_lock(lock)
            while incoming.isEmpty && outgoing.isEmpty {
                waiting += 1
                pthread_cond_wait(ready, lock)
                waiting -= 1
            }
            if outgoing.isEmpty {
                outgoing = incoming.reversed()
                incoming.removeAll(keepingCapacity: true)
            }
            let job = outgoing.removeLast()
            queued.subtract(1, ordering: .relaxed)
            pthread_mutex_unlock(lock)
            job.runSynchronously(on: executor)
        }
    }
}
