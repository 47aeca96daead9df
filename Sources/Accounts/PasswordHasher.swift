import Core
import Crypto
import Dispatch
import Synchronization

/// argon2id password hashing that cannot take the box's CPU from playback: at most `parallel` hashes
/// run at once, each on a thread of its own at nice 10 (never Swift's cooperative pool), at most `queueLimit`
/// wait, and the rest are refused at once (`busy`, a 429 upstream). Checking a password of a user that
/// does not exist costs one hash too (against a dummy), so timing does not tell who has an account.
public final class PasswordHasher: Sendable {
    public enum Failure: Error, Sendable, Equatable {
        /// Too many hashes running and waiting.
        case busy
        case crypto(String)
    }

    public let memoryKiB: UInt32
    public let iterations: UInt32
    public let lanes: UInt32
    private let parallel: Int
    private let queueLimit: Int
    private let queue = DispatchQueue(label: "applianced.passwords", attributes: .concurrent)
    /// The hash an unknown user's password is checked against, made on first need: one argon2id hash is
    /// tens of milliseconds on a box but seconds on a slow or emulated one, and start-up should not wait for it.
    private let dummy = Mutex<String?>(nil)

    private struct Slots {
        var running = 0
        var waiting: [CheckedContinuation<Bool, Never>] = []
    }
    private let slots = Mutex(Slots())

    /// OWASP's argon2id minimum by default: 19 MiB, 2 passes, 1 lane.
    public init(memoryKiB: UInt32 = 19456, iterations: UInt32 = 2, lanes: UInt32 = 1, parallel: Int = 2, queueLimit: Int = 32) throws(Failure) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.lanes = max(1, lanes)
        self.parallel = max(1, parallel)
        self.queueLimit = max(0, queueLimit)
    }

    /// A PHC string (`$argon2id$v=19$m=…,t=…,p=1$salt$hash`) for a new password.
    public func hash(_ password: String) async throws(Failure) -> String {
        let (memory, passes, lanes) = (memoryKiB, iterations, lanes)
        let result: Result<String, Failure> = try await run {
            do {
                return .success(try Crypto.hashPassword(password, memoryKiB: memory, iterations: passes, lanes: lanes))
            } catch {
                return .failure(.crypto("\(error)"))
            }
        }
        return try result.get()
    }

    /// Whether `password` matches `hash`; with `hash` nil (no such user) it checks a dummy and says no.
    public func verify(_ password: String, hash: String?) async throws(Failure) -> Bool {
        let matches = try await run { [self] in Crypto.verifyPassword(password, hash: hash ?? dummyHash()) }
        return hash != nil && matches
    }

    /// Makes the dummy hash once (two first checks at once may both make one; either will do). Runs on a
    /// hashing thread. A failed hash leaves an empty one, which no password matches.
    private func dummyHash() -> String {
        if let made = dummy.withLock({ $0 }) { return made }
        let made = (try? Crypto.hashPassword("no such user", memoryKiB: memoryKiB, iterations: iterations, lanes: lanes)) ?? ""
        dummy.withLock { if $0 == nil { $0 = made } }
        return made
    }

    /// Runs `work` on the hashing queue once a slot is free.
    private func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws(Failure) -> T {
        try await acquire()
        defer { release() }
        return await withCheckedContinuation { continuation in
            // A thread of its own at nice 10: a flood of logins takes CPU only when playback and the health
            // pollers leave some. Without a thread to be had, the hash runs on the queue at normal priority.
            let started = DetachedThread.start(nice: Self.nice) { continuation.resume(returning: work()) }
            if !started { queue.async { continuation.resume(returning: work()) } }
        }
    }

    /// The CPU priority of hashing threads.
    static let nice: Int32 = 10

    private func acquire() async throws(Failure) {
        enum Outcome { case run, wait, refuse }
        let outcome: Outcome = slots.withLock { slots in
            if slots.running < parallel {
                slots.running += 1
                return .run
            }
            return slots.waiting.count < queueLimit ? .wait : .refuse
        }
        switch outcome {
        case .run: return
        case .refuse: throw .busy
        case .wait:
            let granted = await withCheckedContinuation { continuation in
                let immediate: Bool? = slots.withLock { slots in
                    if slots.running < parallel {
                        slots.running += 1
                        return true
                    }
                    if slots.waiting.count >= queueLimit { return false }
                    slots.waiting.append(continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
            if !granted { throw .busy }
        }
    }

    /// Hands the slot to the next waiter, or frees it.
    private func release() {
        let next: CheckedContinuation<Bool, Never>? = slots.withLock { slots in
            if slots.waiting.isEmpty {
                slots.running -= 1
                return nil
            }
            return slots.waiting.removeFirst()
        }
        next?.resume(returning: true)
    }
}
