internal import CMalloc
import Core
import Store
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Hands memory back to the kernel when the daemon has settled: once 10 s after the state is open
/// (what start-up used), and again after each quiet spell, 30 s without a request other than a health
/// check following some (what a wizard or dashboard session faulted in: its routes' code, their freed
/// heap, SQLite's cache of what they read). A router polling `/api/health` every 5 s keeps none of
/// that resident, and costs no release: a spell without activity since the last release skips it.
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

    func start() {
        _ = DetachedThread.start { [self] in
            sleep(Self.settleSeconds)
            release("start-up")
            var spell = QuietSpell(activity: activity.load(ordering: .relaxed), checks: Self.quietChecks)
            while true {
                sleep(Self.checkSeconds)
                if spell.check(activity: activity.load(ordering: .relaxed)) { release("a quiet spell") }
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
