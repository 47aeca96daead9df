import Core
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A whole thumbnail job through `applianced serve` against the fake Plex, with the daemon killed with
/// SIGKILL mid-job and started again: the job is resumed from its recorded items and completes.
struct JobRestartTests {
    static let media: [TestClips.Kind] = [.h264, .mpeg4, .avi]

    static var skipReason: String? {
        if !DaemonProcess.available { return "needs .build/debug/applianced (swift build)" }
        if !FixtureServer.isAvailable { return "needs python3 for the fake Plex" }
        if !TestClips.available { return "needs ffmpeg to make the clips" }
        return nil
    }

    /// One request with the token on a fresh connection; the JSON body.
    static func call(_ port: UInt16, _ method: String, _ path: String, token: String, body: String = "") async throws -> (Int, JSON) {
        let reply = try await RawHTTPClient.connect(port: port).request(
            method, path, headers: ["X-Auth-Token": token, "Content-Type": "application/json"], body: Array(body.utf8), close: true)
        return (reply.status, reply.body.isEmpty ? .null : try JSON.decode(reply.body))
    }

    /// Polls the job until `condition` holds (at most 60 s); the last detail seen.
    static func wait(_ port: UInt16, _ id: String, token: String, until condition: (JSON) -> Bool) async throws -> JSON {
        var detail: JSON = .null
        for _ in 0..<600 {
            detail = try await call(port, "GET", "/api/jobs/\(id)", token: token).1
            if condition(detail) { return detail }
            try await Task.sleep(for: .milliseconds(100))
        }
        return detail
    }

    @Test(.enabled(if: skipReason == nil, "\(skipReason ?? "")"))
    func sigkillMidJobThenRestartCompletes() async throws {
        let root = makeTempDirectory("jobs")
        defer { _ = "rm -rf '\(root)'".withCString { system($0) } }
        var plexPaths: [String] = []
        for (n, clip) in Self.media.enumerated() {
            let file = try await TestClips.path(clip)
            let name = clip.rawValue
            let plexPath = "/media/Movies/Clip \(n + 1)/\(name)"
            try FileSystem.makeDirectories(root + "/library/Movies/Clip \(n + 1)")
            try FileSystem.writeAtomically(
                root + "/library/Movies/Clip \(n + 1)/\(name)", try FileSystem.read(file))
            plexPaths.append(plexPath)
        }
        // One playback session: the workers pause as soon as the library is listed.
        let plex = try await FixtureServer.start(script: "fake_plex.py", arguments: plexPaths.flatMap { ["--movie", $0] } + ["--sessions", "1"])
        try FileSystem.makeDirectories(root + "/plex")
        let settings = [
            ("plex.url", plex.baseURL), ("plex.token", "fake-plex-token"), ("plex.config_folder", root + "/plex"),
            ("plex.videos_path_mapping", "/media"), ("plex.local_videos_path_mapping", root + "/library"),
            ("workers.cpu_threads", "1"), ("workers.gpu_threads", "0"), ("limits.pause_while_streaming", "true"),
            // At nice 19 the worker would starve while other tests keep the machine busy.
            ("limits.worker_nice", "0"), ("limits.worker_idle_io", "false"),
        ]
        for (key, value) in settings {
            #expect(try await DaemonProcess.run(["config", "set", key, value, "--root", root], logPath: root + "/config.log") == 0, "\(key)")
        }
        let arguments = ["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"]

        let first = try DaemonProcess(arguments, logPath: root + "/first.log")
        let port = try #require(await first.port())
        let token = try #require(first.log.split(separator: "\n").first { $0.contains("Token: ") }?.split(separator: " ").last.map(String.init))
        let (created, body) = try await Self.call(port, "POST", "/api/jobs", token: token, body: #"{"library_id":"1"}"#)
        #expect(created == 201)
        let id = try #require(body["id"]?.stringValue)
        let paused = try await Self.wait(port, id, token: token) { detail in
            detail["total_items"] == 3 && detail["workers"]?.arrayValue?.first?["status"] == "paused"
        }
        #expect(paused["status"] == "running")
        #expect(paused["completed_items"] == 0)

        first.signal(SIGKILL)
        #expect(await first.exitStatus() == 128 + SIGKILL)
        let control = try await RawHTTPClient.connect(port: UInt16(plex.port)).request("POST", "/__control/sessions/0", close: true)
        #expect(control.status == 200)

        let second = try DaemonProcess(arguments, logPath: root + "/second.log")
        let secondPort = try #require(await second.port())
        let done = try await Self.wait(secondPort, id, token: token) { $0["status"]?.stringValue == "completed" }
        #expect(done["status"] == "completed")
        #expect(done["completed_items"] == 3)
        #expect(done["failed_items"] == 0)
        let items = try await Self.call(secondPort, "GET", "/api/jobs/\(id)/items", token: token).1
        #expect(items["items"]?.arrayValue?.count == 3)
        #expect(items["items"]?.arrayValue?.allSatisfy { $0["status"] == "completed" } == true)
        #expect(second.log.contains("Resuming job '\(id)' with 3 items left"))
        second.signal(SIGTERM)
        #expect(await second.exitStatus() == 0)
    }
}
