import Core
import FoundationEssentials
import Jobs
import Previews
import Store
import Synchronization
import Testing
import TestSupport

/// Whole thumbnail jobs against the fake Plex (`/all` without hashes, so the `/tree` fallback) over
/// copies of real clips: BIFs in the Plex folder, a broken file failing its item, skip, cancel,
/// pause while streaming, and resume by a new runner over the same database.
@Suite(.serialized, .enabled(if: JobFixture.available, "needs ffmpeg and python3"))
struct ThumbnailJobTests {
    static let good: [TestClips.Kind] = [.h264, .mpeg4]
    static let broken = TestClips.Kind.broken

    @Test func wholeJobWritesBIFsAndFailsTheBrokenItem() async throws {
        let fixture = try await JobFixture.make(clips: Self.good + [Self.broken])
        let events = JobEventHub()
        let seen = Mutex<[String]>([])
        _ = events.subscribe { event in seen.withLock { $0.append(event.event) } }
        let runner = fixture.runner(events: events)
        try runner.start()
        defer { runner.stop() }

        let job = try runner.createThumbnailJob(libraryID: "1")
        let done = try #require(try await fixture.wait(job.id) { $0.status.isFinal })
        #expect(done.status == .completed)
        #expect(done.totalItems == 3)
        #expect(done.completedItems == 2)
        #expect(done.failedItems == 1)
        #expect(done.progress == 100)
        #expect(done.libraryName == "Movies")

        for plexPath in fixture.plexPaths.prefix(2) {
            let bif = try BIFFile.decode(try FileSystem.read(try fixture.bifPath(plexPath)))
            #expect(bif.separationMilliseconds == 2000)
            #expect(bif.images.count >= 2)
        }
        let items = try fixture.store.items(of: job.id)
        let failed = try #require(items.first { $0.status == .failed })
        #expect(failed.file?.hasSuffix(".mov") == true)
        #expect(!(failed.reason ?? "").isEmpty)
        #expect(items.filter { $0.status == .completed }.allSatisfy { $0.decodePath == "cpu" && ($0.frames ?? 0) > 0 })
        #expect(!FileSystem.exists(try fixture.bifPath(fixture.plexPaths[2])))
        let names = seen.withLock { $0 }
        #expect(names.contains("job_progress"))
        #expect(names.contains("job_complete"))
        #expect(names.contains("worker_update"))
        // Each worker's pace: the three items between them, a speed for those that made frames.
        let workers = runner.workers
        #expect(workers.map(\.itemsDone).reduce(0, +) == 3)
        #expect(workers.contains { ($0.lastItemSpeed ?? 0) > 0 && ($0.lastItemSeconds ?? 0) > 0 })

        // A second run skips the parts whose BIF exists and tries the broken one again.
        let again = try runner.createThumbnailJob(libraryID: "1")
        let second = try #require(try await fixture.wait(again.id) { $0.status.isFinal })
        #expect(second.status == .completed)
        #expect(second.skippedItems == 2)
        #expect(second.failedItems == 1)
        #expect(try fixture.store.items(of: again.id, status: .skipped).allSatisfy { $0.reason == "BIF already exists" })
    }

    @Test func unknownLibraryFailsTheJob() async throws {
        let fixture = try await JobFixture.make(clips: [Self.good[1]])
        let runner = fixture.runner()
        try runner.start()
        defer { runner.stop() }
        let job = try runner.createThumbnailJob(libraryID: "99")
        let done = try #require(try await fixture.wait(job.id) { $0.status.isFinal })
        #expect(done.status == .failed)
        #expect(done.error?.contains("99") == true)
    }

    @Test func pausesWhilePlexStreamsAndCancelDropsTheRest() async throws {
        let fixture = try await JobFixture.make(clips: Self.good + [.long], fakeArguments: ["--sessions", "1"], cpuWorkers: 1)
        let runner = fixture.runner()
        try runner.start()
        defer { runner.stop() }
        let job = try runner.createThumbnailJob(libraryID: "1")
        _ = try await fixture.wait(job.id) { _ in runner.isPaused }
        #expect(runner.isPaused)
        try await Task.sleep(for: .milliseconds(500))
        let paused = try #require(try fixture.store.get(job.id))
        #expect(paused.status == .running)
        #expect(paused.completedItems + paused.failedItems < 3)

        let cancelled = try runner.cancel(job.id)
        #expect(cancelled.status == .cancelled)
        #expect(throws: JobError.self) { try runner.cancel(job.id) }
        // Every item ends final: nothing stays pending or running.
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline,
            try fixture.store.items(of: job.id).contains(where: { $0.status == .pending || $0.status == .running })
        {
            try await Task.sleep(for: .milliseconds(50))
        }
        let items = try fixture.store.items(of: job.id)
        #expect(!items.contains { $0.status == .pending || $0.status == .running })
        #expect(items.contains { $0.status == .skipped && $0.reason == "job cancelled" })
        #expect(try fixture.store.get(job.id)?.status == .cancelled)
        try runner.delete(job.id)
        #expect(try fixture.store.get(job.id) == nil)
    }

    @Test func pausedJobResumesWhenStreamingStops() async throws {
        let fixture = try await JobFixture.make(clips: [Self.good[1]], fakeArguments: ["--sessions", "1"], cpuWorkers: 1)
        let runner = fixture.runner()
        try runner.start()
        defer { runner.stop() }
        let job = try runner.createThumbnailJob(libraryID: "1")
        _ = try await fixture.wait(job.id) { _ in runner.isPaused }
        #expect(runner.isPaused)
        #expect(throws: JobError.self) { try runner.delete(job.id) }
        try await fixture.control("sessions/0")
        let done = try #require(try await fixture.wait(job.id) { $0.status.isFinal })
        #expect(done.status == .completed)
        #expect(done.completedItems == 1)
    }

    @Test func newRunnerResumesAJobLeftRunning() async throws {
        let fixture = try await JobFixture.make(clips: Self.good, fakeArguments: ["--sessions", "1"], cpuWorkers: 1)
        let first = fixture.runner()
        try first.start()
        let job = try first.createThumbnailJob(libraryID: "1")
        _ = try await fixture.wait(job.id) { $0.resumeState != nil && first.isPaused }
        // One item is already done before the "crash": the resumed run must not redo it.
        let items = try fixture.store.items(of: job.id)
        #expect(items.count == 2)
        first.stop()
        #expect(try fixture.store.get(job.id)?.status == .running)
        var doneBefore = try #require(items.first)
        doneBefore.status = .completed
        doneBefore.reason = "done before the restart"
        try fixture.store.recordItem(doneBefore)
        _ = try fixture.store.update(job.id) { $0.completedItems = 1 }

        try await fixture.control("sessions/0")
        let second = fixture.runner()
        try second.start()
        defer { second.stop() }
        let done = try #require(try await fixture.wait(job.id) { $0.status.isFinal })
        #expect(done.status == .completed)
        #expect(done.completedItems == 2)
        let after = try fixture.store.items(of: job.id)
        #expect(after.first { $0.key == doneBefore.key }?.reason == "done before the restart")
        #expect(after.allSatisfy { $0.status == .completed })
    }
}
