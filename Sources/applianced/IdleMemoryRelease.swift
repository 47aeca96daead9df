internal import CMalloc
import Core
import Store
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Hands memory back to the kernel when the daemon has settled: once 10 s after the state is open
/// (what start-up used), and again after each quiet spell, 30 s without a request other than a health
/// check and without a database use, following some (what a wizard or dashboard session faulted in:
/// its routes' code, their freed heap, SQLite's cache of what they read; or what a background write
/// did: SQLite's code, 1 MB). A router polling `/api/health` every 5 s keeps none of that resident,
/// and costs no release: a spell without activity since the last release skips it. The idle daemon's
/// own database work is batched for this (history every 10 minutes, the scheduler only when a
/// schedule is due or changed), so SQLite is not in its resident set between those.
///
/// Each release: SQLite's page cache (about 1 MB after start-up), `malloc_trim(0)` (about 3 MB of an
/// idle daemon's PSS), then the code and read-only pages of the executable and its libraries
/// (`StartupCodePages`, about 5 MB more; they stay in the page cache, so the next use maps them again
/// with a minor fault). `docs/performance.md` has the figures.
final class IdleMemoryRelease: Sendable {
    static let settleSeconds: UInt32 = 10
    static let checkSeconds: UInt32 = 10
    /// Checks in a row without activity that make a quiet spell.
    static let quietChecks = 3

    private let database: Database
    /// Requests answered, other than health checks; only ever compared, never read as a number.
    private let activity = Atomic<Int>(0)

    init(database: Database) {
        self.database = database
    }

    /// Called per answered request that is not a health check (`ServerConfiguration.onActivity`).
    func noteActivity() {
        activity.add(1, ordering: .relaxed)
    }

    /// Requests answered (other than health checks) plus the database's uses: a request, or background
    /// work such as a history write or a sweep, faults in code and heap beyond the idle loop's.
    private var work: Int { activity.load(ordering: .relaxed) &+ database.useCount }

    func start() {
        _ = DetachedThread.start { [self] in
            sleep(Self.settleSeconds)
            release("start-up")
            var spell = QuietSpell(activity: work, checks: Self.quietChecks)
            while true {
                sleep(Self.checkSeconds)
                if spell.check(activity: work) { release("a quiet spell") }
            }
        }
    }

    private func release(_ after: String) {
        let cache = database.releaseMemory()
        _ = malloc_trim(0)
        let pages = StartupCodePages.release()
        Log.shared.debug("Released \(cache / 1024) KiB of SQLite's page cache and \(pages / 1024) KiB of code pages after \(after)")
    }
}
