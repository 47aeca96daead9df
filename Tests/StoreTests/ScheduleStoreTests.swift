import Dispatch
import FoundationEssentials
import Store
import Testing
import TestSupport

struct ScheduleStoreTests {
    @Test func createListUpdateDelete() throws {
        let dir = TemporaryDirectory()
        let schedules = ScheduleStore(database: try Database.openState(root: dir.path))
        let next = Date(timeIntervalSince1970: 1_700_000_000)
        let cron = try schedules.create(
            ScheduleRecord(
                id: "", name: "Nightly Movies", libraryID: "1", kind: .cron, cronExpression: "0 2 * * *", nextRun: next,
                createdAt: Date()))
        let interval = try schedules.create(
            ScheduleRecord(id: "", name: "Every 4 Hours", libraryID: "1", kind: .interval, intervalMinutes: 240, createdAt: Date()))
        #expect(cron.id.hasPrefix("schedule-") && cron.id != interval.id)
        #expect(try schedules.get(cron.id) == cron)
        #expect(try schedules.list().map(\.name).sorted() == ["Every 4 Hours", "Nightly Movies"])
        let disabled = try schedules.update(cron.id) { $0.enabled = false }
        #expect(disabled?.enabled == false)
        #expect(try schedules.get(cron.id)?.enabled == false)
        #expect(try schedules.delete(interval.id))
        #expect(try schedules.list().map(\.id) == [cron.id])
    }

    @Test func aScheduleNeedsItsExpressionOrInterval() throws {
        let dir = TemporaryDirectory()
        let schedules = ScheduleStore(database: try Database.openState(root: dir.path))
        let error = try #require(throws: SQLiteError.self) {
            try schedules.create(ScheduleRecord(id: "", name: "broken", kind: .cron, createdAt: Date()))
        }
        #expect(error.isConstraintViolation)
    }

    @Test func aTickIsClaimedOnceAcrossThreadsAndReopening() throws {
        let dir = TemporaryDirectory()
        let tick = Date(timeIntervalSince1970: 1_700_000_000)
        let following = tick.addingTimeInterval(86_400)
        let id: String
        do {
            let schedules = ScheduleStore(database: try Database.openState(root: dir.path))
            id = try schedules.create(
                ScheduleRecord(id: "", name: "n", kind: .cron, cronExpression: "0 2 * * *", nextRun: tick, createdAt: Date())
            ).id
            #expect(try schedules.due(at: tick.addingTimeInterval(-1)).isEmpty)
            #expect(try schedules.due(at: tick).map(\.id) == [id])
            let winners = Failures()
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                if (try? schedules.claim(id, tick: tick, nextRun: following)) == true { winners.add("won") }
            }
            #expect(winners.all.count == 1)
        }
        let reopened = ScheduleStore(database: try Database.openState(root: dir.path))
        #expect(try !reopened.claim(id, tick: tick, nextRun: following))
        let stored = try #require(try reopened.get(id))
        #expect(stored.lastRun == tick && stored.nextRun == following)
        #expect(try reopened.due(at: tick.addingTimeInterval(60)).isEmpty)
    }
}
