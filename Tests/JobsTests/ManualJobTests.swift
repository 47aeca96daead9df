import Core
import FoundationEssentials
import Jobs
import Plex
import Previews
import Store
import TestSupport
import Testing

/// Jobs for chosen files (`POST /api/jobs/manual`'s work) against the fake Plex over copies of real
/// clips: files and a folder looked up in Plex and made on the workers, a file Plex does not know
/// and one not on disk failing with their reasons, and `force` remaking a BIF that exists.
@Suite(.serialized, .enabled(if: JobFixture.available, "needs ffmpeg and python3"))
struct ManualJobTests {
    /// What the route does: resolve against the media roots, expand, list Plex's sections, create.
    static func start(_ runner: JobRunner, _ fixture: JobFixture, _ paths: [String], force: Bool = false) async throws -> JobRecord {
        let resolved = try ManualFiles.resolve(paths, roots: fixture.settings.mediaRoots)
        let expansion = try ManualFiles.expand(resolved, roots: fixture.settings.mediaRoots)
        let plex = try #require(fixture.settings.plex)
        let sections = try await plex.sections()
        return try await runner.createManualJob(requested: resolved, expansion: expansion, force: force, plex: plex, sections: sections)
    }

    func local(_ fixture: JobFixture, _ plexPath: String) -> String {
        fixture.directory + plexPath
    }

    @Test func twoFilesAndAFolderAreMade() async throws {
        let fixture = try await JobFixture.make(clips: [.h264, .mpeg4, .avi])
        let runner = fixture.runner()
        try runner.start()
        defer { runner.stop() }

        let two = fixture.plexPaths.prefix(2).map { local(fixture, $0) }
        let job = try await Self.start(runner, fixture, two)
        #expect(job.parameters["source"] == "manual")
        #expect(job.parameters["force"] == false)
        #expect(job.libraryName == "2 files")
        let done = try #require(try await fixture.wait(job.id, seconds: 120) { $0.status.isFinal })
        #expect(done.status == .completed)
        #expect(done.totalItems == 2)
        #expect(done.completedItems == 2)
        #expect(done.failedItems == 0)
        for plexPath in fixture.plexPaths.prefix(2) {
            let bif = try BIFFile.decode(try FileSystem.read(try fixture.bifPath(plexPath)))
            #expect(bif.images.count >= 2)
        }
        #expect(!FileSystem.exists(try fixture.bifPath(fixture.plexPaths[2])))

        // The folder holds all three (the clips' own folders below it); two are skipped, the third is made.
        let folder = try await Self.start(runner, fixture, [fixture.directory + "/media/Movies/./"])
        let walked = try #require(try await fixture.wait(folder.id, seconds: 120) { $0.status.isFinal })
        #expect(walked.status == .completed)
        #expect(walked.skippedItems == 2)
        #expect(walked.failedItems == 0)
        #expect(FileSystem.exists(try fixture.bifPath(fixture.plexPaths[2])))
        let items = try fixture.store.items(of: folder.id)
        #expect(Set(items.compactMap(\.file)) == Set(fixture.plexPaths.map { local(fixture, $0) }))
    }

    @Test func filesPlexDoesNotKnowFailWithTheReason() async throws {
        let fixture = try await JobFixture.make(clips: [.mpeg4])
        let stranger = fixture.directory + "/media/Movies/Stranger (1999)/Stranger (1999).mp4"
        try FileSystem.makeDirectories(fixture.directory + "/media/Movies/Stranger (1999)")
        try FileSystem.writeAtomically(stranger, try FileSystem.read(local(fixture, fixture.plexPaths[0])))
        let gone = fixture.directory + "/media/Movies/Gone.mkv"
        let runner = fixture.runner()
        try runner.start()
        defer { runner.stop() }

        let job = try await Self.start(runner, fixture, [local(fixture, fixture.plexPaths[0]), stranger, gone])
        let done = try #require(try await fixture.wait(job.id, seconds: 120) { $0.status.isFinal })
        #expect(done.status == .completed)
        #expect(done.completedItems == 1)
        #expect(done.failedItems == 2)
        let failed = try fixture.store.items(of: job.id, status: .failed)
        let unknown = try #require(failed.first { $0.file == stranger })
        #expect(unknown.reason == "not in Plex: '/media/Movies/Stranger (1999)/Stranger (1999).mp4'")
        let missing = try #require(failed.first { $0.file == gone })
        #expect(missing.reason?.hasPrefix("not found on disk") == true)

        // Only files Plex does not know: the job fails with the first reason.
        let alone = try await Self.start(runner, fixture, [stranger])
        let failedJob = try #require(try await fixture.wait(alone.id, seconds: 60) { $0.status.isFinal })
        #expect(failedJob.status == .failed)
        #expect(failedJob.error?.hasPrefix("not in Plex") == true)
    }

    @Test func forceRemakesAnExistingBIF() async throws {
        let fixture = try await JobFixture.make(clips: [.mpeg4])
        let runner = fixture.runner()
        try runner.start()
        defer { runner.stop() }
        let bif = try fixture.bifPath(fixture.plexPaths[0])
        try FileSystem.makeDirectories(FileSystem.parentDirectory(of: bif))
        try FileSystem.writeAtomically(bif, Array("not a BIF".utf8))
        let file = local(fixture, fixture.plexPaths[0])

        let plain = try await Self.start(runner, fixture, [file])
        let skipped = try #require(try await fixture.wait(plain.id, seconds: 60) { $0.status.isFinal })
        #expect(skipped.status == .completed)
        #expect(skipped.skippedItems == 1)
        #expect(try FileSystem.read(bif) == Array("not a BIF".utf8))

        let forced = try await Self.start(runner, fixture, [file], force: true)
        #expect(forced.parameters["force"] == true)
        let made = try #require(try await fixture.wait(forced.id, seconds: 120) { $0.status.isFinal })
        #expect(made.status == .completed)
        #expect(made.skippedItems == 0)
        #expect(made.completedItems == 1)
        #expect(try BIFFile.decode(try FileSystem.read(bif)).images.count >= 2)
    }

    @Test func aJobLeftPendingByARestartFailsAskingForItAgain() async throws {
        let fixture = try await JobFixture.make(clips: [])
        let runner = fixture.runner()
        // Created as the route does, then the daemon "restarts" before the lookups ran: the next start fails it.
        let job = try await fixture.store.perform { _ in
            try runner.createTargetJob(source: JobRunner.manualSource, title: "a.mkv", files: ["/media/a.mkv"], force: true)
        }
        try runner.start()
        defer { runner.stop() }
        let done = try #require(try await fixture.wait(job.id) { $0.status.isFinal })
        #expect(done.status == .failed)
        #expect(done.error == "The daemon restarted before Plex indexed the files; start the job again")
    }

    /// Each bad list by name (the long ones are built in the test, so the test's name stays short).
    static let refused: [String: (paths: [String], index: Int?)] = [
        "empty": ([], nil),
        "relative": (["relative/path.mkv"], 0),
        "outside": (["/media/Movies/a.mkv", "/elsewhere/b.mkv"], 1),
        "dot-dot escape": (["/media/Movies/../../etc/passwd"], 0),
        "NUL": (["/media/Movies/a\u{0}.mkv"], 0),
        "too long": (["/media/" + String(repeating: "x", count: 4100)], 0),
        "too many": (Array(repeating: "/media/a.mkv", count: 501), nil),
    ]

    @Test(arguments: refused.keys.sorted())
    func refusedPaths(name: String) throws {
        let (paths, index) = try #require(Self.refused[name])
        let error = #expect(throws: ManualFiles.Refusal.self) { try ManualFiles.resolve(paths, roots: ["/media/"]) }
        #expect(error?.index == index)
        #expect(error?.message.hasPrefix(index.map { "file_paths[\($0)]" } ?? "file_paths:") == true)
    }

    @Test func pathsResolveByTheirText() throws {
        #expect(try ManualFiles.resolve(["/media//Movies/./a/../b.mkv", "/media"], roots: ["/media/"]) == ["/media/Movies/b.mkv", "/media"])
        #expect(try ManualFiles.resolve(["/../../media/x.mkv"], roots: ["/media"]) == ["/media/x.mkv"])
        #expect(throws: ManualFiles.Refusal.self) { try ManualFiles.resolve(["/mediafiles/x.mkv"], roots: ["/media"]) }
        #expect(try ManualFiles.resolve(["/anything"], roots: ["/"]) == ["/anything"])
    }
}
