import Store
import TestSupport
import Testing

/// The state database's disk fills up mid-transaction: the change fails with `SQLITE_FULL` and is
/// rolled back whole, the file stays sound and readable, and writes work again once there is room.
@Suite(.enabled(if: SmallFilesystem.isMountable, "needs root to mount a small tmpfs"))
struct DiskFullTests {
    @Test func aFullDiskRollsTheTransactionBackAndLeavesTheDatabaseSound() async throws {
        let dir = TemporaryDirectory("store-full")
        // The migrated schema alone takes about 800 KiB (204 pages at version 8), its write-ahead log as much.
        let disk = try SmallFilesystem(at: dir.path, bytes: 2 << 20)
        defer { withExtendedLifetime(dir) { disk.unmount() } }
        let db = try Database.openState(root: disk.path)
        let jobs = JobStore(database: db)
        let kept = try await jobs.perform { try $0.create(kind: .thumbnail, libraryID: "1") }
        disk.fill()

        let big = String(repeating: "x", count: 64 * 1024)
        let error = await #expect(throws: SQLiteError.self) {
            try await db.perform {
                try db.transaction { connection in
                    for n in 0..<64 {
                        try connection.execute("INSERT INTO kv (key, value, updated_at) VALUES (?, ?, 0)", [.text("k\(n)"), .text(big)])
                    }
                }
            }
        }
        #expect(error?.isDiskFull == true, "\(error.map(String.init(describing:)) ?? "no error")")
        #expect(error?.description.contains("full") == true)

        let (check, count, job) = try await db.perform {
            (
                try db.queryOne("PRAGMA integrity_check")?[0].stringValue,
                try db.queryOne("SELECT count(*) FROM kv WHERE key LIKE 'k%'")?[0].intValue,
                try jobs.get(kept.id)
            )
        }
        #expect(check == "ok")
        #expect(count == 0, "the transaction left nothing behind")
        #expect(job == kept)

        disk.free()
        try await db.perform { try db.execute("INSERT INTO kv (key, value, updated_at) VALUES ('after', ?, 0)", [.text(big)]) }
        #expect(try await db.perform { try db.queryOne("SELECT length(value) FROM kv WHERE key = 'after'")?[0].intValue } == big.count)
    }
}
