import Core
import FoundationEssentials
import Jobs
import Store
import Testing
import TestSupport

/// Finished jobs past `jobs.history_days` or past the newest `jobs.history_max` go, with their items;
/// pending and running ones never do.
struct JobHistoryTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A job of `status` that finished (or, not finished, was last updated) `daysAgo` days before `now`.
    func job(_ jobs: JobStore, _ status: JobStatus, daysAgo: Double, items: Int = 2) throws -> String {
        let job = try jobs.create(kind: .thumbnail)
        let at = now.addingTimeInterval(-daysAgo * 86_400)
        try jobs.update(job.id) { record in
            record.status = status
            if status.isFinal { record.completedAt = at }
        }
        try jobs.database.execute("UPDATE jobs SET updated_at = ? WHERE id = ?", [.integer(Timestamp.milliseconds(at)), .text(job.id)])
        for item in 0..<items {
            try jobs.recordItem(JobItemRecord(jobID: job.id, key: "item-\(item)", file: "/m/\(item).mkv", status: .completed))
        }
        return job.id
    }

    func ids(_ jobs: JobStore) throws -> Set<String> { Set(try jobs.list(limit: 10_000).map(\.id)) }

    @Test func finishedJobsOlderThanTheDaysGoWithTheirItems() async throws {
        let dir = TemporaryDirectory()
        let jobs = JobStore(database: try Database.openState(root: dir.path))
        let old = [
            try job(jobs, .completed, daysAgo: 100), try job(jobs, .failed, daysAgo: 91), try job(jobs, .cancelled, daysAgo: 365),
        ]
        let kept = [
            try job(jobs, .completed, daysAgo: 89), try job(jobs, .running, daysAgo: 200), try job(jobs, .pending, daysAgo: 120),
        ]
        let deleted = try await JobHistory.sweep(jobs, limits: .init(days: 90, keep: 100), now: now)
        #expect(deleted == old.count)
        #expect(try ids(jobs) == Set(kept))
        #expect(try jobs.database.query("SELECT DISTINCT job_id FROM job_items").compactMap { $0.string("job_id") }.sorted() == kept.sorted())
        // Nothing more to do.
        #expect(try await JobHistory.sweep(jobs, limits: .init(days: 90, keep: 100), now: now) == 0)
    }

    @Test func pastTheMostKeptTheOldestFinishedGoFirst() async throws {
        let dir = TemporaryDirectory()
        let jobs = JobStore(database: try Database.openState(root: dir.path))
        var finished: [String] = []
        for day in (1...5).reversed() { finished.append(try job(jobs, .completed, daysAgo: Double(day))) }
        let running = try job(jobs, .running, daysAgo: 10)
        #expect(try await JobHistory.sweep(jobs, limits: .init(days: 90, keep: 2), now: now) == 3)
        // The two that finished last, and the running one (not counted among the finished).
        #expect(try ids(jobs) == Set(finished.suffix(2) + [running]))
    }

    /// More than one batch: every transaction deletes at most 500 jobs, and the sweep goes on until done.
    @Test func aLargeHistoryIsSweptInBatches() async throws {
        let dir = TemporaryDirectory()
        let jobs = JobStore(database: try Database.openState(root: dir.path))
        try jobs.database.transaction { _ in
            for _ in 0..<1_150 { _ = try job(jobs, .completed, daysAgo: 1, items: 1) }
        }
        #expect(try jobs.pruneFinished(finishedBefore: now.addingTimeInterval(-90 * 86_400), keepingNewest: 100, limit: 500) == 500)
        #expect(try await JobHistory.sweep(jobs, limits: .init(days: 90, keep: 100), now: now) == 550)
        #expect(try jobs.list(limit: 10_000).count == 100)
        #expect(try jobs.database.query("SELECT COUNT(*) AS n FROM job_items").first?.int("n") == 100)
    }
}
