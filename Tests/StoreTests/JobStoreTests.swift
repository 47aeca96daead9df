import Core
import Dispatch
import Store
import Testing
import TestSupport

struct JobStoreTests {
    @Test func createGetListUpdateDelete() throws {
        let dir = TemporaryDirectory()
        let db = try Database.openState(root: dir.path)
        let jobs = JobStore(database: db)
        let first = try jobs.create(kind: .thumbnail, libraryID: "1", libraryName: "Movies", parameters: ["force": false])
        let second = try jobs.create(kind: .sync, libraryName: "Sonarr")
        #expect(first.id.hasPrefix("job-") && first.id != second.id)
        #expect(try jobs.get(first.id) == first)
        #expect(try jobs.get("job-none") == nil)
        #expect(try jobs.list().map(\.id).sorted() == [first.id, second.id].sorted())
        #expect(try jobs.list(kind: .sync).map(\.id) == [second.id])

        let updated = try jobs.update(first.id) { job in
            job.status = .running
            job.totalItems = 10
            job.completedItems = 4
            job.progress = 40
            job.startedAt = job.createdAt
            job.resumeState = ["done": ["a", "b"]]
        }
        let stored = try #require(try jobs.get(first.id))
        #expect(stored == updated)
        #expect(stored.status == .running && stored.completedItems == 4 && stored.progress == 40)
        #expect(stored.resumeState?["done"]?.arrayValue?.count == 2)
        #expect(stored.parameters == ["force": false])
        #expect(try jobs.list(statuses: [.running]).map(\.id) == [first.id])
        #expect(try jobs.update("job-none") { $0.status = .failed } == nil)

        #expect(try jobs.delete(first.id))
        #expect(try !jobs.delete(first.id))
        #expect(try jobs.get(first.id) == nil)
    }

    @Test func countsByStatusHasEveryStatus() throws {
        let dir = TemporaryDirectory()
        let jobs = JobStore(database: try Database.openState(root: dir.path))
        #expect(try jobs.countsByStatus() == [.pending: 0, .running: 0, .completed: 0, .failed: 0, .cancelled: 0])
        for status in [JobStatus.completed, .completed, .failed, .running] {
            let job = try jobs.create(kind: .thumbnail)
            try jobs.update(job.id) { $0.status = status }
        }
        try jobs.create(kind: .scan)
        #expect(try jobs.countsByStatus() == [.pending: 1, .running: 1, .completed: 2, .failed: 1, .cancelled: 0])
    }

    @Test func itemResultsKeepTheirReasonsAndGoWithTheJob() throws {
        let dir = TemporaryDirectory()
        let db = try Database.openState(root: dir.path)
        let jobs = JobStore(database: db)
        let job = try jobs.create(kind: .thumbnail)
        try jobs.recordItem(JobItemRecord(jobID: job.id, key: "9f09", title: "Movie", file: "/m/a.mkv", status: .running))
        try jobs.recordItem(
            JobItemRecord(
                jobID: job.id, key: "9f09", title: "Movie", file: "/m/a.mkv", status: .completed,
                decodePath: "cpu_fallback", frames: 12, durationMilliseconds: 850))
        try jobs.recordItem(
            JobItemRecord(jobID: job.id, key: "ab12", file: "/m/b.mkv", status: .failed, reason: "no video stream"))
        let items = try jobs.items(of: job.id)
        #expect(items.count == 2)
        #expect(items.first { $0.key == "9f09" }?.decodePath == "cpu_fallback")
        #expect(try jobs.items(of: job.id, status: .failed).map(\.reason) == ["no video stream"])
        // An item for a job that does not exist is refused by the foreign key.
        #expect(throws: SQLiteError.self) {
            try jobs.recordItem(JobItemRecord(jobID: "job-none", key: "x", status: .failed))
        }
        try jobs.delete(job.id)
        #expect(try db.query("SELECT * FROM job_items").isEmpty)
    }

    @Test func jobsSurviveReopening() throws {
        let dir = TemporaryDirectory()
        let id: String
        do {
            let jobs = JobStore(database: try Database.openState(root: dir.path))
            id = try jobs.create(kind: .analysis, libraryID: "2").id
            try jobs.update(id) { $0.status = .running }
        }
        let jobs = JobStore(database: try Database.openState(root: dir.path))
        #expect(try jobs.list(statuses: [.running]).map(\.id) == [id])
    }
}

struct KeyValueStoreTests {
    @Test func setGetRemoveAndJSON() throws {
        let dir = TemporaryDirectory()
        let kv = KeyValueStore(database: try Database.openState(root: dir.path))
        #expect(try kv.string("setup.step") == nil)
        try kv.set("setup.step", "2")
        try kv.set("setup.step", "3")
        #expect(try kv.string("setup.step") == "3")
        try kv.setJSON("setup.data", ["server_name": "My Plex Server"])
        #expect(try kv.json("setup.data") == ["server_name": "My Plex Server"])
        try kv.remove("setup.step")
        #expect(try kv.string("setup.step") == nil)
        #expect(throws: SQLiteError.self) {
            try kv.set("big", String(repeating: "x", count: KeyValueStore.maximumValueBytes + 1))
        }
    }

    @Test func valueOrInsertIsStableAcrossThreads() throws {
        let dir = TemporaryDirectory()
        let kv = KeyValueStore(database: try Database.openState(root: dir.path))
        let seen = Failures()
        DispatchQueue.concurrentPerform(iterations: 6) { n in
            do {
                seen.add(try kv.value("plex.client_identifier") { "id-\(n)" })
            } catch {
                seen.add("error: \(error)")
            }
        }
        #expect(Set(seen.all).count == 1)
        #expect(seen.all.first?.hasPrefix("id-") == true)
    }
}
