import Core
import Jobs
import MediaHelper
import Store
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Media that crashes or defeats the decoder, through a whole job: the item fails with its reason (the
/// signal, for a crash), the helper is replaced and the next items complete, and no helper is left
/// once the worker has been idle for `workers.idle_exit_s`.
@Suite(.serialized, .enabled(if: JobFixture.available, "needs ffmpeg and python3"))
struct HostileMediaTests {
    static let sharedMedia =
        FileSystem.parentDirectory(of: FileSystem.parentDirectory(of: FileSystem.parentDirectory(of: #filePath))) + "/../shared/media"
    /// Samples no decoder makes a picture of: not media at all, and audio with a data stream.
    static let brokenSamples = ["pymediainfo/sample.mkv", "hachoir/firstrun.rm"]

    static var helperBuilt: Bool { access(MediaHelperSettings.defaultExecutable, X_OK) == 0 }

    @Test(.enabled(if: helperBuilt, "needs applianced-media built next to the tests"))
    func aCrashingFileFailsItsItemAndTheJobGoesOn() async throws {
        let scratch = "/tmp/hostile-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileSystem.makeDirectories(scratch)
        defer { _ = "rm -rf '\(scratch)'".withCString { system($0) } }
        // The helper's test mode raises SIGSEGV on this file (test modes: the switch below and the env).
        try FileSystem.writeAtomically(scratch + "/crash.mkv", Array("applianced-media-test: segv\n".utf8))
        setenv("APPLIANCED_MEDIA_TEST_MODES", "1", 1)
        var extra = [scratch + "/crash.mkv"]
        if FileSystem.isDirectory(Self.sharedMedia) { extra += Self.brokenSamples.map { Self.sharedMedia + "/" + $0 } }

        let fixture = try await JobFixture.make(clips: [.h264], extraFiles: extra + [try await TestClips.path(.mpeg4)], cpuWorkers: 1)
        fixture.settings.helper.testModes = true
        fixture.settings.helper.idleExitSeconds = 1
        let runner = fixture.runner()
        try runner.start()
        defer { runner.stop() }

        let job = try runner.createThumbnailJob(libraryID: "1")
        let done = try #require(try await fixture.wait(job.id) { $0.status.isFinal })
        #expect(done.status == .completed)
        #expect(done.totalItems == extra.count + 2)
        #expect(done.completedItems == 2)
        #expect(done.failedItems == extra.count)
        let items = try fixture.store.items(of: job.id)
        let crashKey = JobFixture.hash(fixture.plexPaths[1])
        let lastKey = JobFixture.hash(fixture.plexPaths[extra.count + 1])
        let crashed = try #require(items.first { $0.key == crashKey })
        #expect(crashed.status == .failed)
        #expect(crashed.reason == "decoder crashed: signal 11")
        for item in items where item.status == .failed && item.key != crashKey {
            #expect(!(item.reason ?? "").isEmpty)
            #expect(item.reason?.contains("signal") == false)
        }
        // The last item (after the crash and the broken files) completed on a replacement helper.
        #expect(items.first { $0.key == lastKey }?.status == .completed)

        // Idle: the worker ends its helper; nothing is left running or unreaped.
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, !Self.helpers(mentioning: fixture.directory).isEmpty || !Self.zombieHelpers().isEmpty {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(Self.helpers(mentioning: fixture.directory).isEmpty)
        #expect(Self.zombieHelpers().isEmpty)
    }

    /// Children of this process that are helpers no one reaped (a zombie has no command line, so by name).
    static func zombieHelpers() -> [Int32] {
        FileSystem.list("/proc").compactMap { Int32($0) }.filter { pid in
            guard let stat = FileSystem.readIfPresent("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return stat.contains("(applianced-medi") && fields.count > 2 && fields[0] == "Z" && Int32(fields[1]) == getpid()
        }
    }

    /// Helper processes (zombies included) whose command line names `text`.
    static func helpers(mentioning text: String) -> [Int32] {
        FileSystem.list("/proc").compactMap { Int32($0) }.filter { pid in
            guard let bytes = try? FileSystem.read("/proc/\(pid)/cmdline", limit: 65536) else { return false }
            let line = String(decoding: bytes.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains("applianced-media") && line.contains(text)
        }
    }
}
