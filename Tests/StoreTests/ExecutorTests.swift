import Dispatch
import Store
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// SQLite blocks, so async code reaches it only through `Database.perform`, which runs on the
/// database's own queue: a locked database never holds a thread of Swift's cooperative pool.
struct ExecutorTests {
    @Test func performRunsOffTheCooperativePool() async throws {
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.file("p.db"))
        #expect(CooperativePoolPolicy.onSwiftTask, "a test body runs as a Swift task")
        #expect(try await db.perform { CooperativePoolPolicy.onSwiftTask } == false)
        #expect(try await db.perform { try db.queryOne("SELECT 40 + 2")?[0].intValue } == 42)
        let error = await #expect(throws: SQLiteError.self) { try await db.perform { try db.execute("NOT SQL") } }
        #expect(error?.message.contains("syntax error") == true)
    }

    /// More writers than the pool has threads wait for a lock another connection holds; a plain task
    /// still runs (and releases the lock) before any of them gets it. Had the writers blocked on the
    /// pool, the task could not have run until their busy timeouts gave up, and every write would fail.
    @Test func writersWaitingForALockLeaveThePoolFree() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("l.db")
        let holder = try Database(path: path, migrations: [Migration(version: 1, name: "t", sql: "CREATE TABLE t (x)")])
        let writer = try Database(path: path, busyTimeoutMilliseconds: 30_000)
        let events = EventLog()
        let locked = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        // The lock is taken and given back on a Dispatch thread: waiting is never done on the pool.
        DispatchQueue.global().async {
            try? holder.transaction { connection in
                try connection.execute("INSERT INTO t VALUES (0)")
                locked.signal()
                release.wait()
                events.add("released")
            }
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                locked.wait()
                continuation.resume()
            }
        }

        let writers = 4 * max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 1...writers {
                group.addTask {
                    try await writer.perform { try writer.execute("INSERT INTO t VALUES (?)", [.integer(Int64(n))]) }
                    events.add("written")
                }
            }
            group.addTask {
                // Runs on the pool while every writer waits for the lock.
                await Task.yield()
                events.add("probe")
                release.signal()
            }
            try await group.waitForAll()
        }
        let order = events.all
        #expect(order.first == "probe")
        #expect(order.firstIndex(of: "released") ?? .max < order.firstIndex(of: "written") ?? -1)
        #expect(order.count { $0 == "written" } == writers)
        let count = try await writer.perform { try writer.queryOne("SELECT count(*) FROM t")?[0].intValue }
        #expect(count == writers + 1)
    }
}

/// What happened, in order, from any thread.
final class EventLog: Sendable {
    private let list = Mutex<[String]>([])

    func add(_ event: String) { list.withLock { $0.append(event) } }
    var all: [String] { list.withLock { $0 } }
}
