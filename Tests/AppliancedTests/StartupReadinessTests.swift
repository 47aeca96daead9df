import Core
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Start-up as a poller sees it: health answers as soon as the daemon listens, `/readyz` answers 503
/// while the start-up work after that (sampler, udev monitor, first hardware scan, thumbnail workers) runs,
/// then 200. The work is held by the tests-only `APPLIANCED_TEST_HOLD_STARTUP` file, so the test sees the
/// in-between state however fast the machine is.
@Suite(.serialized, .enabled(if: DaemonProcess.available, "needs .build/debug/applianced (swift build)"))
struct StartupReadinessTests {
    @Test func healthAnswersBeforeStartUpWorkAndReadyzSaysWhenItIsDone() async throws {
        let root = makeTempDirectory("startup")
        let hold = root + "/start-up-may-go-on"
        let daemon = try DaemonProcess(
            ["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"],
            environment: ["APPLIANCED_TEST_ROUTES": "1", "APPLIANCED_TEST_HOLD_STARTUP": hold, "APPLIANCED_SERVER_LOG_LEVEL": "debug"],
            logPath: root + "/serve.log")
        let port = try #require(await daemon.port())

        let health = try await RawHTTPClient.connect(port: port).request("GET", "/api/health", close: true)
        let live = try await RawHTTPClient.connect(port: port).request("GET", "/livez", close: true)
        let waiting = try await RawHTTPClient.connect(port: port).request("GET", "/readyz", close: true)
        #expect(health.status == 200 && health.text.contains(#""status":"healthy""#))
        #expect(live.status == 200 && live.text == "ok")
        #expect(waiting.status == 503)
        #expect(waiting.text.contains("NOT_READY") && waiting.text.contains("start-up"), "\(waiting.text)")
        #expect(!daemon.log.contains("Start-up: first hardware scan done"))

        // Held past a second, the start-up counts as slow: its phases come again in one info line.
        try await Task.sleep(for: .milliseconds(1100))
        try FileSystem.writeAtomically(hold, Array("go".utf8))
        var ready: RawHTTPClient.Reply?
        for _ in 0..<600 {
            let reply = try await RawHTTPClient.connect(port: port).request("GET", "/readyz", close: true)
            if reply.status == 200 {
                ready = reply
                break
            }
            #expect(reply.status == 503)
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(ready?.text == "ok", "/readyz never said ready: \(daemon.log)")
        // Nothing is configured, so nothing was fetched: libcurl (and the 28 libraries it links) is not loaded.
        let maps = FileSystem.readIfPresent("/proc/\(daemon.pid)/maps") ?? ""
        #expect(!maps.isEmpty && !maps.contains("/libcurl.so"))

        // The timeline, at debug level: listening comes before the start-up work it no longer waits for.
        let lines = daemon.log.split(separator: "\n")
        let listening = lines.firstIndex { $0.hasPrefix("<7>Start-up: listening at ") }
        let scanned = lines.firstIndex { $0.hasPrefix("<7>Start-up: first hardware scan done at ") }
        let workers = lines.firstIndex { $0.hasPrefix("<7>Start-up: thumbnail workers started at ") }
        #expect(listening != nil && scanned != nil && workers != nil, "\(daemon.log)")
        if let listening, let scanned, let workers { #expect(listening < scanned && scanned < workers) }
        #expect(lines.contains { $0.hasPrefix("<6>Ready ") && $0.hasSuffix(" ms after the process started") })
        let summary = lines.first { $0.hasPrefix("<6>Start-up took ") }
        #expect(summary?.contains("ms: loaded at ") == true && summary?.contains("; root prepared at ") == true, "\(daemon.log)")
        #expect(summary?.contains("; config read at ") == true, "\(daemon.log)")
        #expect(summary?.hasSuffix(" ms") == true && summary?.contains("; thumbnail workers started at ") == true)

        daemon.signal(SIGTERM)
        #expect(await daemon.exitStatus() == 0)
    }
}
