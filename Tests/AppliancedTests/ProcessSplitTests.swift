import Core
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The process split as a user sees it: the daemon binary does not link libav* or libva, the idle
/// daemon maps none of them, and a job with a file that crashes the decoder fails that item while
/// `/api/health` keeps answering and no helper is left behind. libcurl is not linked either: the daemon
/// loads it for its first outgoing request (`CurlLibrary`).
struct ProcessSplitTests {
    static let media = FileSystem.parentDirectory(of: DaemonProcess.binary) + "/applianced-media"
    static let forbidden = ["libavformat", "libavcodec", "libavutil", "libswscale", "libavfilter", "libva.so", "libva-drm"]

    @Test(.enabled(if: DaemonProcess.available, "needs .build/debug/applianced (swift build)"))
    func theDaemonDoesNotLinkLibavLibvaOrLibcurl() throws {
        let needed = try #require(ELFNeeded.libraries(of: DaemonProcess.binary))
        #expect(needed.contains { $0.hasPrefix("libc.so") })
        for library in needed { #expect(!Self.forbidden.contains { library.hasPrefix($0) }, "applianced links \(library)") }
        #expect(!needed.contains { $0.hasPrefix("libcurl") }, "applianced links libcurl")
        // The helper is the one that does (the check reads real NEEDED entries).
        if FileSystem.exists(Self.media) {
            let helper = try #require(ELFNeeded.libraries(of: Self.media))
            #expect(helper.contains { $0.hasPrefix("libavcodec") })
            #expect(helper.contains { $0.hasPrefix("libva.so") })
            // libavfilter (and the 30 libraries only it links) is loaded at run time, only by a helper
            // that may scale on a GPU: not at every helper's start.
            #expect(!helper.contains { $0.hasPrefix("libavfilter") }, "applianced-media links libavfilter")
            #expect(helper.contains { $0.hasPrefix("libzimg") })
        }
    }

    /// Children of `parent` that are helpers, zombies included (by name: a zombie has no command line).
    static func helpers(of parent: Int32) -> [String] {
        FileSystem.list("/proc").compactMap { Int32($0) }.compactMap { pid in
            guard let stat = FileSystem.readIfPresent("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")"),
                stat.contains("(applianced-medi")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == parent ? "\(pid) \(fields[0])" : nil
        }
    }

    static var skipReason: String? {
        if !DaemonProcess.available || !FileSystem.exists(media) { return "needs .build/debug/applianced and applianced-media" }
        if !FixtureServer.isAvailable { return "needs python3 for the fake Plex" }
        if !TestClips.available { return "needs ffmpeg to make the clips" }
        return nil
    }

    @Test(.enabled(if: skipReason == nil, "\(skipReason ?? "")"))
    func aDecoderCrashCostsOneItemAndNeverTheAPI() async throws {
        let root = makeTempDirectory("split")
        defer { _ = "rm -rf '\(root)'".withCString { system($0) } }
        var plexPaths: [String] = []
        var sources = [try await TestClips.path(.h264), "", try await TestClips.path(.mpeg4)]
        sources[1] = root + "/crash.mkv"
        try FileSystem.writeAtomically(sources[1], Array("applianced-media-test: segv\n".utf8))
        for (n, file) in sources.enumerated() {
            let name = FileSystem.parentDirectory(of: file) == root ? "crash.mkv" : String(file.split(separator: "/").last ?? "clip")
            try FileSystem.makeDirectories(root + "/library/Movies/Clip \(n + 1)")
            try FileSystem.writeAtomically(root + "/library/Movies/Clip \(n + 1)/\(name)", try FileSystem.read(file))
            plexPaths.append("/media/Movies/Clip \(n + 1)/\(name)")
        }
        let plex = try await FixtureServer.start(script: "fake_plex.py", arguments: plexPaths.flatMap { ["--movie", $0] })
        try FileSystem.makeDirectories(root + "/plex")
        let settings = [
            ("plex.url", plex.baseURL), ("plex.token", "fake-plex-token"), ("plex.config_folder", root + "/plex"),
            ("plex.videos_path_mapping", "/media"), ("plex.local_videos_path_mapping", root + "/library"),
            ("workers.cpu_threads", "1"), ("workers.gpu_threads", "0"), ("workers.idle_exit_s", "1"),
            ("limits.worker_nice", "0"), ("limits.worker_idle_io", "false"),
        ]
        for (key, value) in settings {
            #expect(try await DaemonProcess.run(["config", "set", key, value, "--root", root], logPath: root + "/config.log") == 0, "\(key)")
        }
        let daemon = try DaemonProcess(
            ["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"], environment: ["APPLIANCED_MEDIA_TEST_MODES": "1"],
            logPath: root + "/daemon.log")
        let port = try #require(await daemon.port())
        let token = try #require(daemon.log.split(separator: "\n").first { $0.contains("Token: ") }?.split(separator: " ").last.map(String.init))

        // Idle: no helper runs and no libav page is mapped.
        #expect(Self.helpers(of: daemon.pid).isEmpty)
        let maps = FileSystem.readIfPresent("/proc/\(daemon.pid)/maps") ?? ""
        #expect(!maps.isEmpty && !Self.forbidden.contains { maps.contains($0) })
        // And no transparent huge pages (ServeCommand.disableHugePages): under THP "always" a thread's stack
        // was one 2 MiB page. The kernel shows the flag from 5.0 on.
        let status = FileSystem.readIfPresent("/proc/\(daemon.pid)/status") ?? ""
        if status.contains("THP_enabled:") { #expect(status.contains("THP_enabled:\t0")) }

        let (created, body) = try await JobRestartTests.call(port, "POST", "/api/jobs", token: token, body: #"{"library_id":"1"}"#)
        #expect(created == 201)
        let id = try #require(body["id"]?.stringValue)
        var healthFailures: [String] = []
        var detail = JSON.null
        for _ in 0..<1200 {
            let health = try await RawHTTPClient.connect(port: port).request("GET", "/api/health", close: true)
            if health.status != 200 { healthFailures.append("\(health.status)") }
            detail = try await JobRestartTests.call(port, "GET", "/api/jobs/\(id)", token: token).1
            if detail["status"]?.stringValue == "completed" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(healthFailures.isEmpty)
        #expect(detail["status"] == "completed")
        #expect(detail["completed_items"] == 2)
        #expect(detail["failed_items"] == 1)
        let items = try await JobRestartTests.call(port, "GET", "/api/jobs/\(id)/items", token: token).1
        let failed = items["items"]?.arrayValue?.filter { $0["status"] == "failed" } ?? []
        #expect(failed.count == 1)
        // The decode ran in a helper: it crashed with SIGSEGV while this daemon (which maps no libav page)
        // answered health throughout and is still the same process. Sampling the helper's pid between
        // polls missed it on a loaded machine (three small clips take well under a second).
        #expect(failed.first?["reason"] == "decoder crashed: signal 11")
        #expect(kill(daemon.pid, 0) == 0)
        // The job asked the (fake) Plex server for the library's items: the daemon loaded libcurl for it.
        #expect(FileSystem.readIfPresent("/proc/\(daemon.pid)/maps")?.contains("/libcurl.so") == true)

        // After workers.idle_exit_s the worker's helper is gone and reaped.
        for _ in 0..<200 where !Self.helpers(of: daemon.pid).isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        #expect(Self.helpers(of: daemon.pid).isEmpty)
        let health = try await RawHTTPClient.connect(port: port).request("GET", "/api/health", close: true)
        #expect(health.status == 200)
        daemon.signal(SIGTERM)
        #expect(await daemon.exitStatus() == 0)
    }
}
