import Core
import FoundationEssentials
import Jobs
import Store
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Due schedules fire once per tick, across services sharing a database (a restart, a second thread).
struct ScheduleServiceTests {
    /// A scratch folder (the caller removes it) with a state database and a job runner without workers.
    static func state() throws -> (directory: String, database: Database, runner: JobRunner) {
        var template = Array("/tmp/schedules-XXXXXX".utf8CString)
        _ = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let directory = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        let database = try Database.openState(root: directory)
        let runner = JobRunner(store: JobStore(database: database)) { JobSettings(plex: nil, plexConfigFolder: directory, cpuWorkers: 0) }
        return (directory, database, runner)
    }

    @Test func aDueScheduleFiresOnceAndMovesOn() throws {
        let (directory, database, runner) = try Self.state()
        defer { _ = "rm -rf '\(directory)'".withCString { system($0) } }
        let service = ScheduleService(store: ScheduleStore(database: database), runner: runner)
        let other = ScheduleService(store: ScheduleStore(database: database), runner: runner)

        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let schedule = try service.create(["name": "Hourly", "library_id": "2", "interval_minutes": 60], now: start)
        #expect(schedule.nextRun == start.addingTimeInterval(3600))
        #expect(service.tick(now: start.addingTimeInterval(60)).isEmpty)

        let due = start.addingTimeInterval(3601)
        let fired = service.tick(now: due)
        #expect(fired.count == 1)
        #expect(fired.first?.libraryID == "2")
        #expect(fired.first?.scheduleID == schedule.id)
        #expect(other.tick(now: due).isEmpty)
        let moved = try #require(try service.store.get(schedule.id))
        #expect(moved.nextRun == due.addingTimeInterval(3600))
        #expect(moved.lastRun != nil)

        _ = try service.update(schedule.id, ["enabled": false], now: due)
        #expect(service.tick(now: due.addingTimeInterval(7200)).isEmpty)
    }

    /// The loop reads SQLite only when a schedule is due or changed through the service (or hourly), so
    /// an idle daemon leaves the database, and its code pages, alone.
    @Test func theLoopReadsTheDatabaseOnlyWhenDueOrChanged() async throws {
        let (directory, database, runner) = try Self.state()
        defer { _ = "rm -rf '\(directory)'".withCString { system($0) } }
        let service = ScheduleService(store: ScheduleStore(database: database), runner: runner)

        let loop = Task { await service.run(every: 0.02) }
        defer { loop.cancel() }
        for _ in 0..<250 where database.useCount == 0 { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(100))
        let settled = database.useCount
        try await Task.sleep(for: .milliseconds(300))
        #expect(database.useCount == settled, "no schedule, no change: the loop left the database alone")

        // Due now, but stored behind the service's back: it waits for the hourly read...
        let stored = try service.store.create(
            ScheduleRecord(
                id: "", name: "Behind", libraryID: "3", kind: .interval, intervalMinutes: 60,
                nextRun: Date().addingTimeInterval(-1), createdAt: Date()))
        try await Task.sleep(for: .milliseconds(300))
        #expect(try service.store.get(stored.id)?.lastRun == nil)
        // ...and a change through the service wakes the loop, which fires it.
        _ = try service.create(["name": "Later", "library_id": "4", "interval_minutes": 60])
        for _ in 0..<250 where try service.store.get(stored.id)?.lastRun == nil { try await Task.sleep(for: .milliseconds(20)) }
        #expect(try service.store.get(stored.id)?.lastRun != nil)
    }
}
