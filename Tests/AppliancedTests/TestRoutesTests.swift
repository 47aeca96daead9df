import Core
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// 001's `/api/test/*` on the real daemon: mounted only with `APPLIANCED_TEST_ROUTES=1`, health and
/// performance figures from the live process, and a reset that deletes what the run made (here a
/// download, queued through the real route with a stand-in for yt-dlp).
@Suite(.enabled(if: DaemonProcess.available, "needs .build/debug/applianced (swift build)"))
struct TestRoutesTests {
    @Test func healthPerformanceAndResetAnswerUnderATestRoot() async throws {
        let root = makeTempDirectory("test-routes")
        defer { _ = "rm -rf '\(root)'".withCString { system($0) } }
        let daemon = try DaemonProcess(
            ["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"],
            environment: [
                "APPLIANCED_TEST_ROUTES": "1", "APPLIANCED_PLEXTV_BASE_URL": "http://127.0.0.1:9",
                "APPLIANCED_DOWNLOADS_FOLDER": root + "/downloads", "APPLIANCED_DOWNLOADS_YT_DLP_PATH": "/bin/false",
            ], logPath: root + "/serve.log")
        defer { daemon.signal(SIGTERM) }
        let port = try #require(await daemon.port())
        let secrets = try FileSystem.readText(root + "/etc/applianced/secrets.toml")
        let token = try #require(secrets.split(separator: "\"").dropFirst().first.map(String.init))
        func call(_ method: String, _ path: String, token: String? = token, body: JSON? = nil) async throws -> (status: Int, body: JSON) {
            var headers: [String: String] = body == nil ? [:] : ["Content-Type": "application/json"]
            if let token { headers["X-Auth-Token"] = token }
            let reply = try await RawHTTPClient.request(port: port, method, path, headers: headers, body: body?.encoded() ?? [])
            return (reply.status, (try? JSON.parseStrict(reply.body)) ?? .null)
        }
        let health = try await call("GET", "/api/test/health", token: nil)
        #expect(health.status == 200 && health.body["data"]?["database"] == "ok")
        #expect((health.body["data"]?["uptime"]?.doubleValue ?? 0) > 0)
        let performance = try await call("GET", "/api/test/performance", token: nil)
        #expect(performance.status == 200)
        #expect((performance.body["data"]?["process"]?["residentBytes"]?.intValue ?? 0) > 0)
        #expect((performance.body["data"]?["requests"]?["count"]?.intValue ?? 0) >= 1)

        let queued = try await call("POST", "/api/v1/youtube/download", body: ["url": "https://example.com/video"])
        #expect(queued.status == 201)
        // 001's admin figures count it (no app is configured: the yt-dlp jobs alone).
        let stats = try await call("GET", "/api/v1/admin/stats")
        #expect(stats.body["data"]?["downloads"]?["total"] == 1, "\(stats.body)")
        #expect(try await call("POST", "/api/test/reset", token: nil).status == 401)
        let reset = try await call("POST", "/api/test/reset")
        #expect(reset.status == 200)
        #expect(reset.body["data"]?["downloads"] == 1)
        let left = try await call("GET", "/api/v1/youtube/downloads")
        #expect(left.body["data"]?["pagination"]?["totalResults"] == 0)
    }

    @Test func withoutTheSwitchTheTestRoutesAreNotThere() async throws {
        let root = makeTempDirectory("no-test-routes")
        defer { _ = "rm -rf '\(root)'".withCString { system($0) } }
        let daemon = try DaemonProcess(
            ["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"], environment: ["APPLIANCED_PLEXTV_BASE_URL": "http://127.0.0.1:9"],
            logPath: root + "/serve.log")
        defer { daemon.signal(SIGTERM) }
        let port = try #require(await daemon.port())
        let secrets = try FileSystem.readText(root + "/etc/applianced/secrets.toml")
        let token = try #require(secrets.split(separator: "\"").dropFirst().first.map(String.init))
        for path in ["/api/test/health", "/api/test/performance"] {
            #expect(try await RawHTTPClient.request(port: port, "GET", path).status == 404)
        }
        let document = try await RawHTTPClient.request(port: port, "GET", "/api/openapi.json", headers: ["X-Auth-Token": token])
        #expect(!document.text.contains("/api/test/"))
        #expect(document.text.contains("/api/v1/youtube/downloads/{id}"))
    }
}
