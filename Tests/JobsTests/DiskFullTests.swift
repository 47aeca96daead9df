import Core
import Jobs
import Store
import TestSupport
import Testing

/// The Plex data folder runs out of space mid-job: each item fails with the reason, no half-written
/// `index-sd.bif` or temp file is left, the job goes on to its end, and a later run writes the BIFs.
@Suite(
    .serialized, .enabled(if: JobFixture.available, "needs ffmpeg and python3"),
    .enabled(if: SmallFilesystem.isMountable, "needs root to mount a small tmpfs"))
struct DiskFullTests {
    @Test func aFullDiskFailsEachBIFCleanlyAndTheJobGoesOn() async throws {
        let fixture = try await JobFixture.make(clips: [.h264, .mpeg4], cpuWorkers: 1)
        let plex = try SmallFilesystem(at: fixture.directory + "/plex", bytes: 1 << 20)
        defer { withExtendedLifetime(fixture) { plex.unmount() } }
        plex.fill()
        let runner = fixture.runner()
        try runner.start()
        defer { runner.stop() }

        let job = try runner.createThumbnailJob(libraryID: "1")
        let done = try #require(try await fixture.wait(job.id) { $0.status.isFinal })
        #expect(done.status == .completed)
        #expect(done.failedItems == 2, "both items were tried")
        let items = try await fixture.store.perform { try $0.items(of: job.id) }
        #expect(items.count == 2)
        for item in items {
            #expect(item.status == .failed)
            #expect(item.reason?.contains("No space left on device") == true, "\(item.reason ?? "no reason")")
        }
        #expect(Self.files(under: plex.path).allSatisfy { $0 == ".filler" }, "\(Self.files(under: plex.path))")

        plex.free()
        let again = try runner.createThumbnailJob(libraryID: "1")
        let second = try #require(try await fixture.wait(again.id) { $0.status.isFinal })
        #expect(second.status == .completed)
        #expect(second.completedItems == 2)
        for plexPath in fixture.plexPaths { #expect(FileSystem.exists(try fixture.bifPath(plexPath))) }
    }

    /// Every file name below `directory`, directories left out.
    static func files(under directory: String) -> [String] {
        FileSystem.list(directory).flatMap { name -> [String] in
            let path = directory + "/" + name
            return FileSystem.isDirectory(path) ? files(under: path) : [name]
        }
    }
}
