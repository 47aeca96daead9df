import Dispatch
import Store
import Testing
import TestSupport

struct DatabaseTests {
    @Test func stateDatabaseLivesUnderTheRootAndIsMigrated() throws {
        let dir = TemporaryDirectory()
        let db = try Database.openState(root: dir.path)
        #expect(db.path == "\(dir.path)/var/lib/applianced/state.db")
        #expect(try db.userVersion() == StateSchema.migrations.last?.version)
        let tables = try db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap {
            $0.string("name")
        }
        for table in ["jobs", "job_items", "schedules", "kv", "metrics_minute", "metrics_hour"] {
            #expect(tables.contains(table), "missing table \(table)")
        }
        #expect(try db.queryOne("PRAGMA journal_mode")?[0].stringValue == "wal")
        #expect(try db.queryOne("PRAGMA foreign_keys")?[0].intValue == 1)
    }

    @Test func releasingTheCacheFreesItsPagesAndKeepsTheData() throws {
        let dir = TemporaryDirectory()
        let migration = Migration(version: 1, name: "t", sql: "CREATE TABLE t (x INTEGER, padding TEXT)")
        let db = try Database(path: dir.file("cache.db"), migrations: [migration])
        let padding = SQLValue.text(String(repeating: "p", count: 200))
        try db.transaction { connection in
            for x in 0..<2_000 { try connection.execute("INSERT INTO t VALUES (?, ?)", [.integer(Int64(x)), padding]) }
        }
        #expect(try db.queryOne("SELECT sum(x) FROM t")?[0].intValue == 1_999_000)
        // 2,000 rows of ~200 bytes are ~100 pages of 4 KiB in the cache after that scan.
        #expect(db.releaseMemory() > 100_000)
        #expect(db.releaseMemory() < 100_000)
        #expect(try db.queryOne("SELECT count(*) FROM t")?[0].intValue == 2_000)
    }

    @Test func migrationsRunOnceAndOnlyTheNewOnes() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("m.db")
        let first = [Migration(version: 1, name: "t", sql: "CREATE TABLE t (x INTEGER)")]
        do {
            let db = try Database(path: path, migrations: first)
            try db.execute("INSERT INTO t VALUES (1)")
        }
        // Reopening with the same list changes nothing (a second CREATE TABLE would fail).
        let again = try Database(path: path, migrations: first)
        #expect(try again.userVersion() == 1)
        let second = first + [Migration(version: 5, name: "u", sql: "CREATE TABLE u (y TEXT); INSERT INTO u VALUES ('a')")]
        let upgraded = try Database(path: path, migrations: second)
        #expect(try upgraded.userVersion() == 5)
        #expect(try upgraded.query("SELECT x FROM t").count == 1)
        #expect(try upgraded.query("SELECT y FROM u").count == 1)
    }

    @Test func aFailingMigrationLeavesNoTrace() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("m.db")
        let migrations = [
            Migration(version: 1, name: "good", sql: "CREATE TABLE a (x)"),
            Migration(version: 2, name: "bad", sql: "CREATE TABLE b (x); CREATE TABLEX c (y)"),
        ]
        let error = try #require(throws: SQLiteError.self) { try Database(path: path, migrations: migrations) }
        #expect(error.message.contains("migration 2 'bad'"))
        let db = try Database(path: path)
        #expect(try db.userVersion() == 1)
        #expect(try db.query("SELECT name FROM sqlite_master WHERE name = 'b'").isEmpty)
    }

    @Test func aDatabaseFromANewerDaemonIsRefused() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("m.db")
        _ = try Database(path: path, migrations: [Migration(version: 7, name: "future", sql: "CREATE TABLE f (x)")])
        let error = try #require(throws: SQLiteError.self) {
            try Database(path: path, migrations: [Migration(version: 1, name: "old", sql: "CREATE TABLE o (x)")])
        }
        #expect(error.message.contains("newer"))
    }

    @Test func transactionRollsBackWhenTheBodyThrows() throws {
        struct Abort: Error {}
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.file("t.db"), migrations: [Migration(version: 1, name: "t", sql: "CREATE TABLE t (x)")])
        #expect(throws: Abort.self) {
            try db.transaction { connection in
                try connection.execute("INSERT INTO t VALUES (?)", [1])
                // A nested level is a savepoint; its rollback keeps the outer work until the outer throws.
                _ = try? connection.transaction { inner in
                    try inner.execute("INSERT INTO t VALUES (?)", [2])
                    throw Abort()
                }
                #expect(try connection.query("SELECT x FROM t").map { $0[0] } == [1])
                throw Abort()
            }
        }
        #expect(try db.query("SELECT x FROM t").isEmpty)
        try db.transaction { try $0.execute("INSERT INTO t VALUES (3)") }
        #expect(try db.query("SELECT x FROM t").map { $0[0] } == [3])
    }

    @Test func badSQLCarriesTheMessageAndTheStatement() throws {
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.file("e.db"))
        let error = try #require(throws: SQLiteError.self) { try db.query("SELEC 1") }
        #expect(error.message.contains("syntax error"))
        #expect(error.sql == "SELEC 1")
        #expect(error.description.contains("SELEC 1"))
        let missing = try #require(throws: SQLiteError.self) { try db.query("SELECT * FROM nowhere") }
        #expect(missing.message.contains("no such table"))
        let count = try #require(throws: SQLiteError.self) { try db.query("SELECT ?", []) }
        #expect(count.message.contains("1 parameters, 0 given"))
    }

    @Test func constraintViolationsAreRecognisable() throws {
        let dir = TemporaryDirectory()
        let db = try Database.openState(root: dir.path)
        let error = try #require(throws: SQLiteError.self) {
            try db.execute(
                "INSERT INTO jobs (id, kind, status, created_at, updated_at) VALUES ('a', 'thumbnail', 'bogus', 0, 0)")
        }
        #expect(error.isConstraintViolation)
        #expect(error.extendedCode != error.code)
    }

    @Test func valuesRoundTripWithTheirTypes() throws {
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.file("v.db"))
        let values: [SQLValue] = [.null, .integer(Int64.max), .real(-1.5), .text("Amélie 🎬"), .blob([0, 255, 7]), .blob([])]
        let row = try #require(try db.queryOne("SELECT ?, ?, ?, ?, ?, ?", values))
        #expect(row.values == values)
    }

    @Test func manyThreadsShareOneDatabase() throws {
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.file("c.db"), migrations: [Migration(version: 1, name: "t", sql: "CREATE TABLE t (thread, n)")])
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for n in 0..<100 {
                do {
                    try db.transaction { connection in
                        try connection.execute("INSERT INTO t VALUES (?, ?)", [SQLValue(thread), SQLValue(n)])
                        _ = try connection.query("SELECT COUNT(*) FROM t WHERE thread = ?", [SQLValue(thread)])
                    }
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        #expect(failures.all.isEmpty)
        #expect(try db.queryOne("SELECT COUNT(*) FROM t")?[0].intValue == 800)
    }

    @Test func aSecondConnectionWaitsForTheLockThenGivesUpWithBusy() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("b.db")
        let holder = try Database(path: path, migrations: [Migration(version: 1, name: "t", sql: "CREATE TABLE t (x)")])
        let impatient = try Database(path: path, busyTimeoutMilliseconds: 50)
        try holder.execute("BEGIN IMMEDIATE")
        let error = try #require(throws: SQLiteError.self) { try impatient.execute("INSERT INTO t VALUES (1)") }
        #expect(error.isBusy)
        // Readers are not blocked by a writer in WAL mode.
        #expect(try impatient.query("SELECT x FROM t").isEmpty)
        try holder.execute("COMMIT")

        let patient = try Database(path: path, busyTimeoutMilliseconds: 10_000)
        try holder.execute("BEGIN IMMEDIATE")
        let released = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(200)) {
            try? holder.execute("COMMIT")
            released.signal()
        }
        try patient.execute("INSERT INTO t VALUES (2)")
        released.wait()
        #expect(try holder.query("SELECT x FROM t").map { $0[0] } == [2])
    }

    @Test func openingAnUnwritablePathFailsWithThePath() {
        let error = #expect(throws: SQLiteError.self) { try Database(path: "/proc/no/such/dir/x.db") }
        #expect(error?.message.contains("/proc/no/such/dir/x.db") == true)
    }
}

/// Error messages collected from several threads.
final class Failures: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private var messages: [String] = []

    func add(_ message: String) {
        lock.wait()
        messages.append(message)
        lock.signal()
    }

    var all: [String] {
        lock.wait()
        defer { lock.signal() }
        return messages
    }
}

struct NestedAccessTests {
    @Test func databaseCallsInsideATransactionJoinIt() throws {
        struct Abort: Error {}
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.file("n.db"), migrations: [Migration(version: 1, name: "t", sql: "CREATE TABLE t (x)")])
        #expect(throws: Abort.self) {
            try db.transaction { _ in
                try db.execute("INSERT INTO t VALUES (1)")
                #expect(try db.query("SELECT x FROM t").count == 1)
                throw Abort()
            }
        }
        #expect(try db.query("SELECT x FROM t").isEmpty)
    }
}
