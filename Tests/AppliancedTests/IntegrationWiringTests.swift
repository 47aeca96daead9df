import Core
import Store
import Synchronization
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon with Radarr enabled (a fake on loopback) and Sonarr enabled but down: the probes start
/// with it, and their state reaches `/api/v1/admin/services` and 002's service list.
@Suite(.serialized, .enabled(if: DaemonProcess.available, "needs .build/debug/applianced (swift build)"))
struct IntegrationWiringTests {
    static let token = "wiring-appliance-token-0123456789"
    static let key = "radarr-key-0123456789"

    @Test func probesFeedAdminServicesAndTheServiceList() async throws {
        let added = Added()
        let radarr = try LoopbackHTTPServer { request in
            guard request.headers["x-api-key"] == Self.key else { return .text(401, "Unauthorized") }
            let json: String
            switch (request.method, request.path) {
            case ("GET", "/api/v3/system/status"):
                json = #"{"appName":"Radarr","instanceName":"Radarr","version":"5.14.0.9383","startTime":"2026-12-01T08:00:00Z"}"#
            case ("GET", "/api/v3/movie/lookup/tmdb"): json = #"{"title":"The Matrix","year":1999,"tmdbId":603,"titleSlug":"the-matrix-603"}"#
            case ("GET", "/api/v3/qualityprofile"): json = #"[{"id":1,"name":"HD-1080p"}]"#
            case ("GET", "/api/v3/rootfolder"): json = #"[{"id":1,"path":"/movies","accessible":true}]"#
            case ("GET", "/api/v3/movie"): json = #"[{"id":12,"title":"The Matrix","year":1999,"tmdbId":603,"hasFile":true}]"#
            case ("GET", "/api/v3/queue"):
                json = #"""
                    {"page":1,"pageSize":200,"totalRecords":3,"records":[{"id":1,"title":"a","status":"downloading"},
                    {"id":2,"title":"b","status":"completed","trackedDownloadState":"importPending"},{"id":3,"title":"c","status":"failed"}]}
                    """#
            case ("POST", "/api/v3/movie"):
                added.body.withLock { $0 = String(decoding: request.body, as: UTF8.self) }
                json = #"{"id":12,"title":"The Matrix","year":1999,"tmdbId":603,"hasFile":false}"#
            default: return .text(404, "Not found")
            }
            return LoopbackHTTPServer.Response(status: 200, headers: [("Content-Type", "application/json")], body: Array(json.utf8))
        }
        let closed = try LoopbackHTTPServer { _ in .text(200, "") }.port
        let root = makeTempDirectory("wiring")
        defer { _ = "rm -rf '\(root)'".withCString { system($0) } }
        let database = try Database.openState(root: root)
        try KeyValueStore(database: database).set(StateKey.setupComplete, "true")
        try database.execute(
            """
            INSERT INTO media_requests (id, user_id, media_type, tmdb_id, title, year, status, created_at, updated_at)
            VALUES ('req-1', 'appliance', 'movie', 603, 'The Matrix', 1999, 'pending', 0, 0)
            """)
        let daemon = try DaemonProcess(
            ["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"],
            environment: [
                "WEB_AUTH_TOKEN": Self.token, "APPLIANCED_PLEXTV_BASE_URL": "http://127.0.0.1:9",
                "APPLIANCED_INTEGRATIONS_RADARR_ENABLED": "true", "APPLIANCED_INTEGRATIONS_RADARR_URL": radarr.baseURL,
                "APPLIANCED_INTEGRATIONS_RADARR_API_KEY": Self.key,
                "APPLIANCED_INTEGRATIONS_SONARR_ENABLED": "true", "APPLIANCED_INTEGRATIONS_SONARR_URL": "http://127.0.0.1:\(closed)",
                "APPLIANCED_INTEGRATIONS_SONARR_API_KEY": "sonarr-key", "APPLIANCED_INTEGRATIONS_PROBE_INTERVAL_S": "5",
            ], logPath: root + "/daemon.log")
        defer { daemon.signal(SIGTERM) }
        let port = try #require(await daemon.port(), "the daemon did not start: \(daemon.log)")
        let headers = ["X-Auth-Token": Self.token]
        var entries: [String: JSON] = [:]
        for _ in 0..<100 {
            let reply = try await RawHTTPClient.request(port: port, "GET", "/api/v1/admin/services", headers: headers)
            let data = try JSON.parseStrict(reply.body)["data"]?.arrayValue ?? []
            entries = Dictionary(data.compactMap { entry in entry["name"]?.stringValue.map { ($0, entry) } }) { first, _ in first }
            if entries["radarr"]?["status"] == "up", entries["sonarr"]?["status"] == "down" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(entries["radarr"]?["version"] == "5.14.0.9383")
        // Sonarr's port was closed at once; under a parallel test run another server may take it, so the
        // reason can differ, but Sonarr is down with one.
        #expect(entries["sonarr"]?["status"] == "down" && entries["sonarr"]?["lastError"]?.stringValue?.hasPrefix("Sonarr") == true)
        #expect(entries["prowlarr"]?["status"] == "disabled")
        #expect(entries["plex"]?["status"] == "disabled")

        let services = try JSON.parseStrict(
            try await RawHTTPClient.request(port: port, "GET", "/api/v1/services/health", headers: headers).body)["services"]?.arrayValue ?? []
        let byName = Dictionary(services.compactMap { entry in entry["name"]?.stringValue.map { ($0, entry) } }) { first, _ in first }
        #expect(byName["radarr"]?["status"] == "running")
        #expect(byName["sonarr"]?["status"] == "failed")
        #expect(byName["prowlarr"] == nil)
        // The dead Sonarr is a failed, non-critical readiness check: ready stays 200, 002's status says degraded.
        let ready = try await RawHTTPClient.request(port: port, "GET", "/api/v1/health/ready")
        #expect(ready.status == 200)
        let checks = try JSON.parseStrict(ready.body)["checks"]
        #expect(checks?["sonarr"]?["status"] != checks?["radarr"]?["status"])
        #expect(checks?["sonarr"]?["error"]?.stringValue?.hasPrefix("Sonarr") == true)
        var overall: JSON = .null
        for _ in 0..<100 {
            let reply = try await RawHTTPClient.request(port: port, "GET", "/api/v1/status", headers: headers)
            overall = try JSON.parseStrict(reply.body)
            if reply.status == 200 { break }  // 503 until the monitor's first sample
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(overall["status"] == "degraded")

        let status = try await RawHTTPClient.request(port: port, "GET", "/api/v1/admin/integrations/radarr/status", headers: headers)
        #expect(status.status == 200)
        #expect(try JSON.parseStrict(status.body)["connected"] == true)


        // An approved request goes to Radarr (no Overseerr) with the configured profile and folder.
        let approved = try await RawHTTPClient.request(port: port, "POST", "/api/v1/admin/requests/req-1/approve", headers: headers)
        #expect(approved.status == 200, "\(approved.text)")
        let body = try #require(added.body.withLock { $0 })
        #expect(body.contains(#""tmdbId":603"#))
        #expect(body.contains(#""qualityProfileId":1"#))
        let stored = try database.queryOne("SELECT target, remote_id, status FROM media_requests WHERE id = 'req-1'")
        #expect(stored?[0].stringValue == "radarr")
        #expect(stored?[1].stringValue == "12")

        // The follower asks Radarr again within a probe interval (5 s here): the movie has its file now.
        var requestStatus: JSON?
        for _ in 0..<150 {
            let reply = try await RawHTTPClient.request(port: port, "GET", "/api/v1/media/requests/req-1", headers: headers)
            requestStatus = try JSON.parseStrict(reply.body)["data"]?["status"]
            if requestStatus == "available" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(requestStatus == "available")

        // Admin stats count Radarr's queue (Sonarr is down, so its queue is left out).
        let stats = try JSON.parseStrict(try await RawHTTPClient.request(port: port, "GET", "/api/v1/admin/stats", headers: headers).body)
        #expect(stats["data"]?["downloads"] == ["total": 3, "active": 1, "completed": 1, "failed": 1])
    }
}

/// The body of the movie the fake Radarr was asked to add.
final class Added: Sendable {
    let body = Mutex<String?>(nil)
}
