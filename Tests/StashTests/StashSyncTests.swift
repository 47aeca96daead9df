import Core
import Stash
import Store
import Synchronization
import TestSupport
import Testing

/// Syncs against the fake Stash over a real server: full, incremental, forced, by id, one scene,
/// deletions, cancel, one at a time.
@Suite struct StashSyncTests {
    @Test func aFullSyncCopiesEverything() async throws {
        let fixture = try StashFixture()
        defer { Task { await fixture.stop() } }
        let events = Mutex<[SyncEvent]>([])
        fixture.stash.sync.onJobChange { event in events.withLock { $0.append(event) } }
        let job = try await fixture.sync("/api/v1/sync/all")
        // The event follows the job row's last write.
        for _ in 0..<100 where events.withLock({ $0.last?.event }) != "job_complete" { try await Task.sleep(for: .milliseconds(20)) }
        let seen = events.withLock { $0 }
        #expect(seen.filter { $0.event == "job_progress" }.count >= 8 && seen.allSatisfy { $0.jobID == job.id })
        #expect(seen.last?.event == "job_complete" && seen.last?.data["completed"] == 355)
        #expect(job.status == .completed, "\(job.error ?? "")")
        #expect(job.kind == .sync && job.parameters["job_type"] == "sync_all")
        #expect(job.result?["entities"]?["scenes"]?["created"] == 240)
        #expect(job.result?["entities"]?["performers"]?["processed"] == 60)
        #expect(job.progress == 100)
        #expect(try await fixture.count("stash_scenes") == 240)
        #expect(try await fixture.count("stash_scene_files") == 240)
        #expect(try await fixture.count("stash_performers") == 60)
        #expect(try await fixture.count("stash_studios") == 15)
        #expect(try await fixture.count("stash_tags") == 40)
        // Every even scene has two performers, every third two tags (the seed's rule).
        #expect(try await fixture.count("stash_scene_performers") == 240 + 120)
        // (n * 5) % 40 == n % 40 for n % 10 == 0: those 8 of the 80 keep one tag.
        #expect(try await fixture.count("stash_scene_tags") == 240 + 72)
        let performer = try #require(try await fixture.rows("SELECT aliases, gender FROM stash_performers WHERE id = '7'").first)
        #expect(performer.string("aliases") == #"["P7 Alias","Perf 7"]"#)
        #expect(try await fixture.rows("SELECT parent_id FROM stash_studios WHERE id = '6'").first?.string("parent_id") == "1")
        let stats = try await fixture.owner("GET", "/api/v1/sync/stats")
        #expect(stats["scene_count"] == 240 && stats["performer_count"] == 60 && stats["tag_count"] == 40 && stats["studio_count"] == 15)
        #expect(stats["last_scene_sync"]?.stringValue != nil && stats["running_job_id"] == .null)
    }

    @Test func anIncrementalSyncAsksOnlyForWhatChanged() async throws {
        let fixture = try StashFixture()
        defer { Task { await fixture.stop() } }
        _ = try await fixture.sync("/api/v1/sync/all")
        fixture.fake.resetSeen()
        fixture.fake.touch(scenes: ["3", "40", "200"])
        let job = try await fixture.sync("/api/v1/sync/scenes")
        #expect(job.status == .completed)
        #expect(job.result?["entities"]?["scenes"]?["processed"] == 3)
        #expect(job.result?["entities"]?["scenes"]?["updated"] == 3)
        let asked = fixture.fake.seen.filter { $0.operation == "SyncFindScenes" }
        #expect(asked.count == 1 && asked.first?.since == "2024-01-01T04:00:00Z")
        #expect(try await fixture.rows("SELECT title FROM stash_scenes WHERE id = '40'").first?.string("title") == "Changed 40")
        // Search follows the new title.
        let found = try await fixture.owner("GET", "/api/v1/scenes?search=changed")
        #expect(found["total"] == 3)
        // Nothing changed since: an empty page.
        let again = try await fixture.sync("/api/v1/sync/scenes")
        #expect(again.result?["entities"]?["scenes"]?["processed"] == 0)
    }

    @Test func forceSyncsEverythingAndRemovesWhatStashNoLongerHas() async throws {
        let fixture = try StashFixture()
        defer { Task { await fixture.stop() } }
        _ = try await fixture.sync("/api/v1/sync/all")
        fixture.fake.delete(scenes: ["1", "2", "3"])
        fixture.fake.delete(performers: ["2"])
        // An incremental sync cannot see a deletion.
        let incremental = try await fixture.sync("/api/v1/sync/all")
        #expect(incremental.result?["removed"] == 0)
        fixture.fake.resetSeen()
        let job = try await fixture.sync("/api/v1/sync/all?force=true")
        #expect(job.status == .completed)
        #expect(fixture.fake.seen.allSatisfy { $0.since == nil })
        #expect(job.result?["entities"]?["scenes"]?["removed"] == 3)
        #expect(job.result?["entities"]?["performers"]?["removed"] == 1)
        #expect(try await fixture.count("stash_scenes") == 237)
        #expect(try await fixture.rows("SELECT 1 FROM stash_scene_files WHERE scene_id IN ('1', '2', '3')").isEmpty)
        #expect(try await fixture.rows("SELECT 1 FROM stash_scene_performers WHERE performer_id = '2'").isEmpty)
        #expect(
            try await fixture.owner("GET", "/api/v1/scenes?search=Scene%201%20Harbor")["items"]?.arrayValue?.contains {
                $0["id"] == "1"
            } == false)
    }

    @Test func scenesByIDAndOneSceneAtOnce() async throws {
        let fixture = try StashFixture()
        defer { Task { await fixture.stop() } }
        let job = try await fixture.sync("/api/v1/sync/scenes", json: ["scene_ids": ["1", "2", "9999"]])
        #expect(job.status == .completed && job.parameters["job_type"] == "scene_sync")
        #expect(job.result?["entities"]?["scenes"]?["created"] == 2)
        #expect(try await fixture.count("stash_scenes") == 2)
        let first = try await fixture.owner("POST", "/api/v1/sync/scene/5")
        #expect(first["status"] == "completed" && first["created_items"] == 1 && first["job_id"] == .null)
        let second = try await fixture.owner("POST", "/api/v1/sync/scene/5")
        #expect(second["updated_items"] == 1 && second["created_items"] == 0)
        fixture.fake.touch(scenes: ["5"])
        let scene = try await fixture.owner("POST", "/api/v1/scenes/5/resync")
        #expect(scene["title"] == "Changed 5" && scene["files"]?.arrayValue?.count == 1)
        fixture.fake.delete(scenes: ["5"])
        try await fixture.owner("POST", "/api/v1/scenes/5/resync", expect: 404)
        #expect(try await fixture.rows("SELECT 1 FROM stash_scenes WHERE id = '5'").isEmpty)
        try await fixture.owner("POST", "/api/v1/sync/scene/9999", expect: 404)
        try await fixture.owner("POST", "/api/v1/sync/scenes", json: ["scene_ids": "1"], expect: 400)
        try await fixture.owner("POST", "/api/v1/sync/all?force=maybe", expect: 400)
    }

    @Test func sceneSyncInlineAnswersWhatItDid() async throws {
        let fixture = try StashFixture()
        defer { Task { await fixture.stop() } }
        let done = try await fixture.owner("POST", "/api/v1/scenes/sync?background=false")
        #expect(done["status"] == "completed" && done["scenes_processed"] == 240 && done["scenes_created"] == 240)
        #expect(done["errors"] == [])
        let queued = try await fixture.owner("POST", "/api/v1/scenes/sync")
        #expect(queued["status"] == "queued")
        let job = try await fixture.finished(try #require(queued["job_id"]?.stringValue))
        #expect(job.status == .completed && job.result?["processed"] == 0)
    }

    @Test func cancellingTheJobStopsTheSync() async throws {
        let fixture = try StashFixture { $0.batchSize = 10 }
        defer { Task { await fixture.stop() } }
        fixture.fake.delayMilliseconds = 100
        let answer = try await fixture.owner("POST", "/api/v1/sync/scenes")
        let id = try #require(answer["id"]?.stringValue)
        let store = JobStore(database: fixture.database)
        for _ in 0..<200 {
            let job = try await fixture.database.perform { try store.get(id) }
            if (job?.completedItems ?? 0) > 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        // What JobRunner.cancel (DELETE /api/v1/jobs/{id}) does to the row.
        _ = try await fixture.database.perform {
            try store.update(id) { record in
                record.status = JobStatus.cancelled
                record.error = "cancelled"
            }
        }
        let job = try await fixture.finished(id)
        #expect(job.status == .cancelled)
        let copied = try await fixture.count("stash_scenes")
        #expect(copied > 0 && copied < 240)
        for _ in 0..<100 where fixture.stash.sync.runningJob != nil { try await Task.sleep(for: .milliseconds(20)) }
        #expect(fixture.stash.sync.runningJob == nil)
        // A cancelled sync moved no high-water mark: the next one is full.
        #expect(try await fixture.rows("SELECT 1 FROM stash_sync_state WHERE entity = 'scenes' AND high_water IS NOT NULL").isEmpty)
    }

    @Test func oneSyncAtATime() async throws {
        let fixture = try StashFixture { $0.batchSize = 20 }
        defer { Task { await fixture.stop() } }
        fixture.fake.delayMilliseconds = 50
        let first = try await fixture.owner("POST", "/api/v1/sync/all")
        let id = try #require(first["id"]?.stringValue)
        let second = try await fixture.raw("POST", "/api/v1/sync/scenes")
        #expect(second.status == 409)
        #expect(try JSON.parseStrict(second.body)["detail"]?.stringValue == id)
        try await fixture.owner("POST", "/api/v1/scenes/sync?background=false", expect: 409)
        let stats = try await fixture.owner("GET", "/api/v1/sync/stats")
        #expect(stats["running_job_id"]?.stringValue == id)
        fixture.fake.delayMilliseconds = 0
        #expect(try await fixture.finished(id).status == .completed)
        for _ in 0..<100 where fixture.stash.sync.runningJob != nil { try await Task.sleep(for: .milliseconds(20)) }
        #expect(try await fixture.sync("/api/v1/sync/tags").status == .completed)
    }
}
