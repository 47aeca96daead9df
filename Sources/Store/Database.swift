internal import CSQLite
import Core
@preconcurrency import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's state database: one SQLite connection in WAL mode, with every access serialised,
/// so any thread may call it. Every call blocks (up to the busy timeout while another process holds
/// the lock), so async code never calls it directly: it awaits `perform`, which runs the work on the
/// database's own serial queue, off Swift's cooperative pool.
public final class Database: @unchecked Sendable {
    // @unchecked: `connection` is only touched while `lock` is held (see `withConnection`),
    // and the connection is opened with SQLITE_OPEN_FULLMUTEX as a second guard.
    private let connection: Connection
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    /// The database's own thread for async callers (`perform`).
    private let queue: DispatchQueue
    public let path: String
    private let refusesPool: Atomic<Bool>
    private let uses = Atomic<Int>(0)

    /// Opens (creating when missing) the database at `path`, sets WAL, `busy_timeout`, foreign keys,
    /// then applies the migrations newer than its `user_version`.
    public init(
        path: String, busyTimeoutMilliseconds: Int32 = 5000, migrations: [Migration] = [],
        poolPolicy: CooperativePoolPolicy = .allow
    ) throws(SQLiteError) {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let error = SQLiteError.last(db, code: rc, sql: "")
            sqlite3_close_v2(db)
            throw SQLiteError(code: error.code, extendedCode: error.extendedCode, message: "\(error.message): \(path)")
        }
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        self.connection = Connection(handle: db)
        self.path = path
        self.refusesPool = Atomic(poolPolicy == .refuse)
        self.queue = DispatchQueue(label: "applianced.sqlite")
        self.lock = .allocate(capacity: 1)
        // Recursive, so a `Database` call made inside `transaction` on the same thread joins it
        // instead of deadlocking.
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
        pthread_mutex_init(lock, &attributes)
        pthread_mutexattr_destroy(&attributes)
        // The journal mode answers with a row; WAL is refused only on filesystems without shared memory.
        let mode = try connection.queryOne("PRAGMA journal_mode = WAL")?[0].stringValue
        guard mode?.lowercased() == "wal" else {
            throw SQLiteError(
                code: SQLITE_ERROR, extendedCode: SQLITE_ERROR,
                message: "WAL journal mode refused (got \(mode ?? "nothing")): \(path)", sql: "PRAGMA journal_mode = WAL")
        }
        try connection.execute("PRAGMA foreign_keys = ON")
        try connection.execute("PRAGMA synchronous = NORMAL")
        // 16 MiB of page cache (SQLite's default is 2): the catalog's indexes stay in memory instead of
        // being read again through the kernel on every list and search.
        try connection.execute("PRAGMA cache_size = -16384")
        try Migrator.migrate(connection, to: migrations)
    }

    deinit {
        sqlite3_close_v2(connection.handle)
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    /// Frees the page cache this connection holds and no statement is using (`sqlite3_db_release_memory`),
    /// returning how many bytes SQLite's allocations shrank by. The pages are read again, through the
    /// kernel's page cache, when a query next needs them: the daemon calls this once it has settled, so
    /// what migrations and start-up queries read is not kept for an idle daemon.
    @discardableResult
    public func releaseMemory() -> Int64 {
        locked { connection in
            let before = sqlite3_memory_used()
            sqlite3_db_release_memory(connection.handle)
            return max(0, before - sqlite3_memory_used())
        }
    }

    /// How many times the connection has been used (`withConnection`, and with it every query), not
    /// counting `releaseMemory`: only ever compared, so the daemon can tell that background work (a
    /// history write, a sweep) ran since it last released memory.
    public var useCount: Int { uses.load(ordering: .relaxed) }

    /// `<root>/var/lib/applianced/state.db`.
    public static func statePath(root: String) -> String {
        let trimmed = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        return "\(trimmed)/var/lib/applianced/state.db"
    }

    /// Opens the daemon's state database under `root`, creating its directory (0750), with the
    /// appliance's schema (`StateSchema.migrations` plus `extraMigrations`, in version order).
    public static func openState(
        root: String, extraMigrations: [Migration] = [], poolPolicy: CooperativePoolPolicy = .allow
    ) throws -> Database {
        let path = statePath(root: root)
        try FileSystem.makeDirectories(FileSystem.parentDirectory(of: path), mode: 0o750)
        return try Database(path: path, migrations: StateSchema.migrations + extraMigrations, poolPolicy: poolPolicy)
    }

    /// Runs `body` on the database's own serial queue and resumes the caller with its result, so a
    /// slow disk or a lock held by another process holds that queue's thread, never one of the
    /// cooperative pool's. The one way async code reaches the database.
    public func perform<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Whether a call made from a Swift task (on the cooperative pool) is refused; a test sets `.refuse`
    /// once its fixture is built.
    public var poolPolicy: CooperativePoolPolicy {
        get { refusesPool.load(ordering: .relaxed) ? .refuse : .allow }
        set { refusesPool.store(newValue == .refuse, ordering: .relaxed) }
    }

    /// Runs `body` with the connection while no other thread can use it.
    public func withConnection<T, E: Error>(_ body: (Connection) throws(E) -> T) throws(E) -> T {
        if refusesPool.load(ordering: .relaxed), CooperativePoolPolicy.onSwiftTask {
            // A typed-throws body cannot be handed a SQLiteError; trapping is the honest answer to a
            // programming error in a build that asked for the check.
            preconditionFailure("SQLite called from a Swift task on the cooperative pool (\(path)); use Database.perform")
        }
        uses.add(1, ordering: .relaxed)
        return try locked(body)
    }

    private func locked<T, E: Error>(_ body: (Connection) throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return try body(connection)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// Other threads wait; calls on this `Database` from inside `body` join the transaction.
    public func transaction<T>(_ body: (Connection) throws -> T) throws -> T {
        try withConnection { (connection) throws(any Error) in try connection.transaction(body) }
    }

    public func execute(_ sql: String, _ values: [SQLValue] = []) throws(SQLiteError) {
        try withConnection { (connection) throws(SQLiteError) in try connection.execute(sql, values) }
    }

    public func query(_ sql: String, _ values: [SQLValue] = []) throws(SQLiteError) -> [Row] {
        try withConnection { (connection) throws(SQLiteError) in try connection.query(sql, values) }
    }

    public func queryOne(_ sql: String, _ values: [SQLValue] = []) throws(SQLiteError) -> Row? {
        try withConnection { (connection) throws(SQLiteError) in try connection.queryOne(sql, values) }
    }

    /// The schema version the migrations have reached.
    public func userVersion() throws(SQLiteError) -> Int {
        try withConnection { (connection) throws(SQLiteError) in try connection.userVersion() }
    }
}
