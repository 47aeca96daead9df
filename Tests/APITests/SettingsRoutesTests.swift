import Config
import Core
import Testing

@testable import HTTP
@testable import Routes

#if canImport(Glibc)
    import Glibc
#endif

/// The settings endpoints, called in-process through the router against a real store in a temp root.
final class SettingsRoutesTests {
    let root: String
    let store: ConfigStore
    let router: Router

    init() throws {
        var template = Array("/tmp/config-api-XXXXXX".utf8CString)
        root = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        try FileSystem.makeDirectories(root + "/etc/applianced/conf.d")
        try FileSystem.writeAtomically(root + "/etc/applianced/conf.d/50-port.toml", Array("[server]\nport = 80\n".utf8))
        store = ConfigStore(paths: ConfigPaths(root: root), environment: ["APPLIANCED_WORKERS_CPU_THREADS": "3"], writeDefaults: true)
        router = Router(SettingsRoutes(store: store).routes)
    }

    deinit {
        let paths = ConfigPaths(root: root)
        for name in FileSystem.list(paths.dropInDirectory) { unlink(paths.dropInDirectory + "/" + name) }
        rmdir(paths.dropInDirectory)
        for name in FileSystem.list(paths.directory) { unlink(paths.directory + "/" + name) }
        rmdir(paths.directory)
        rmdir(root + "/etc")
        rmdir(root)
    }

    func call(_ method: String, _ target: String, _ body: JSON? = nil) async throws -> (status: Int, body: JSON) {
        // `path?name=value&…`: the query as the server would parse it (no escapes in these tests).
        let parts = target.split(separator: "?", maxSplits: 1)
        let path = String(parts[0])
        let query = Dictionary(
            (parts.count > 1 ? parts[1].split(separator: "&") : []).map { pair -> (String, String) in
                let field = pair.split(separator: "=", maxSplits: 1)
                return (String(field[0]), field.count > 1 ? String(field[1]) : "")
            }, uniquingKeysWith: { _, last in last })
        guard case .found(let route, let parameters) = router.match(method: method, path: path),
            case .async(let handler) = route.handler
        else {
            Issue.record("no route for \(method) \(path)")
            return (404, .null)
        }
        let request = Request(
            method: method, path: path, query: query, body: body?.encoded() ?? [], parameters: parameters, principal: .applianceToken)
        do {
            let response = try await handler(request)
            return (response.status, try JSON.decode(response.body))
        } catch let error as HTTPError {
            return (error.status, ["error": .string(error.message), "code": .string(error.code), "detail": JSON(error.detail)])
        }
    }

    var mainFile: String { ConfigPaths(root: root).mainFile }

    @Test func settingsOf000WithTheSecretMasked() async throws {
        try store.update([("plex_token", "secret-token"), ("plex_url", "http://10.0.0.2:32400")])
        let (status, body) = try await call("GET", "/api/settings")
        #expect(status == 200)
        #expect(body["plex_token"] == "****")
        #expect(body["plex_url"] == "http://10.0.0.2:32400")
        #expect(body["thumbnail_interval"] == 10)
        #expect(body["cpu_threads"] == 3)
        #expect(body["selected_libraries"] == [])
        #expect(body.objectValue?.count == 12)
        let system = try await call("GET", "/api/system/config")
        #expect(
            system.body == [
                "plex_url": "http://10.0.0.2:32400", "gpu_threads": 1, "cpu_threads": 3, "thumbnail_interval": 10,
                "thumbnail_quality": 4,
            ])
    }

    @Test func postChangesOnlyThatLine() async throws {
        let before = try FileSystem.readText(mainFile)
        let (status, body) = try await call("POST", "/api/settings", ["thumbnail_interval": 5, "plex_token": "****"])
        #expect(status == 200)
        #expect(body == ["success": true])
        let after = try FileSystem.readText(mainFile)
        let changed = zip(
            before.split(separator: "\n", omittingEmptySubsequences: false), after.split(separator: "\n", omittingEmptySubsequences: false)
        )
        .filter { $0 != $1 }
        #expect(changed.map { String($1) } == ["interval = 5"])
        #expect(before.split(separator: "\n").count == after.split(separator: "\n").count)
        #expect(store.snapshot.string("plex_token") == "")
        #expect(!FileSystem.exists(ConfigPaths(root: root).secretsFile))
    }

    @Test(
        arguments: [
            (["nope": 1] as JSON, 400, "Unknown setting 'nope'"),
            (["gpu_threads": 99] as JSON, 400, "'workers.gpu_threads' must be an integer in 0...32, not 99"),
            (["thumbnail_interval": "often"] as JSON, 400, "'thumbnails.interval' must be an integer in 1...60"),
            (["plex_url": "ftp://x"] as JSON, 400, "'plex.url' must be an http:// or https:// URL"),
            (["cpu_threads": 4] as JSON, 409, "Setting 'workers.cpu_threads' is set by the environment"),
        ] as [(JSON, Int, String)])
    func badInput(body: JSON, status: Int, message: String) async throws {
        let result = try await call("POST", "/api/settings", body)
        #expect(result.status == status)
        #expect(result.body["error"]?.stringValue?.contains(message) == true, "\(result.body)")
    }

    @Test func dropInOverrideIsAConflictNamingTheFile() async throws {
        let result = try await call("PUT", "/api/v1/settings/server.port", ["value": 8081])
        #expect(result.status == 409)
        #expect(result.body["detail"]?.stringValue?.contains("conf.d/50-port.toml:2:1") == true)
    }

    @Test func settingsOf004() async throws {
        let list = try await call("GET", "/api/v1/settings/")
        let items = try #require(list.body.arrayValue)
        #expect(items.count == SettingsSchema.standard.specs.count)
        let port = try #require(items.first { $0["key"] == "server.port" })
        #expect(port["value"] == 80 && port["source"] == "drop-in")
        let put = try await call("PUT", "/api/v1/settings/stash.url", ["value": "http://stash:9999"])
        #expect(put.status == 200)
        #expect(put.body["message"] == "Setting 'stash.url' updated successfully")
        #expect(put.body["value"] == "http://stash:9999")
        let one = try await call("GET", "/api/v1/settings/integrations.stash.url")
        #expect(one.body["value"] == "http://stash:9999" && one.body["description"] == "Base URL of Stash")
        let bulk = try await call(
            "PUT", "/api/v1/settings/", ["stash_api_key": "k1", "limits.max_connections": 100, "stash_url": "http://stash:9999"])
        #expect(bulk.status == 200)
        #expect(bulk.body["updated_fields"] == ["limits.max_connections", "stash_api_key"])
        #expect(bulk.body["requires_restart"] == true)
        let secret = try await call("GET", "/api/v1/settings/stash_api_key")
        #expect(secret.body["value"] == "********")
        let missing = try await call("GET", "/api/v1/settings/nope")
        #expect(missing.status == 404)
        let server = try await call("GET", "/api/v1/settings/server/server.port")
        #expect(server.body["value"] == 80 && server.body["data_type"] == "integer" && server.body["category"] == "server")
    }

    @Test func syncSettingsOf004() async throws {
        let bulk = try await call("PUT", "/api/v1/settings/", ["sync_batch_size": 250, "sync_incremental": false])
        #expect(bulk.status == 200)
        #expect(bulk.body["updated_fields"] == ["sync_batch_size", "sync_incremental"])
        #expect(try await call("GET", "/api/v1/settings/sync.batch_size").body["value"] == 250)
        // Where the value was read: the file the API wrote, with its line and column.
        let origin = try await call("GET", "/api/v1/settings/server/sync.batch_size").body["origin"]?.stringValue ?? ""
        #expect(origin.wholeMatch(of: /applianced\.toml:[0-9]+:1/) != nil, "\(origin)")
        #expect(try await call("GET", "/api/v1/settings/server/server.port").body["origin"]?.stringValue != nil)
        // One table's settings, for a form that needs no more (the dashboard's alert thresholds).
        let alerts = try await call("GET", "/api/v1/settings/server?category=alerts")
        let keys = try #require(alerts.body.arrayValue).compactMap { $0["key"]?.stringValue }
        #expect(!keys.isEmpty && keys.allSatisfy { $0.hasPrefix("alerts.") })
        #expect(keys.contains("alerts.cpu_warning_percent"))
        #expect(try await call("GET", "/api/v1/settings/server?category=nope").status == 400)
        #expect(try await call("GET", "/api/v1/settings/sync_incremental").body["value"] == false)
        #expect(try await call("PUT", "/api/v1/settings/", ["sync_batch_size": 0]).status == 400)
        #expect(try await call("PUT", "/api/v1/settings/", ["sync_incremental": "often"]).status == 400)
    }

    @Test func analysisAndOpenAISettingsOf004() async throws {
        let bulk = try await call(
            "PUT", "/api/v1/settings/",
            [
                "openai_api_key": "sk-test-0123456789", "openai_model": "gpt-4", "analysis_confidence_threshold": 0.8,
                "openai_base_url": "http://127.0.0.1:8000", "openai_timeout_s": 30,
            ])
        #expect(bulk.status == 200)
        #expect(
            bulk.body["updated_fields"] == [
                "analysis_confidence_threshold", "openai_api_key", "openai_base_url", "openai_model", "openai_timeout_s",
            ])
        #expect(try await call("GET", "/api/v1/settings/openai_api_key").body["value"] == "********")
        #expect(try await call("GET", "/api/v1/settings/integrations.openai.model").body["value"] == "gpt-4")
        #expect(try await call("GET", "/api/v1/settings/analysis.confidence_threshold").body["value"] == 0.8)
        #expect(store.snapshot.string("integrations.openai.api_key") == "sk-test-0123456789")
        #expect(store.snapshot.number("analysis.confidence_threshold") == 0.8)
        // The key is in secrets.toml, not in applianced.toml.
        let main = try FileSystem.readText(mainFile)
        #expect(!main.contains("sk-test-0123456789"))
        #expect(try FileSystem.readText(ConfigPaths(root: root).secretsFile).contains("sk-test-0123456789"))
        for bad: JSON in [
            ["analysis_confidence_threshold": 1.5], ["analysis_confidence_threshold": "high"], ["openai_timeout_s": 0],
            ["openai_base_url": "ftp://x"],
        ] {
            #expect(try await call("PUT", "/api/v1/settings/", bad).status == 400, "\(bad)")
        }
    }

    @Test func configOf002MapsOntoSettings() async throws {
        let put = try await call(
            "PUT", "/api/v1/config",
            [
                "domain": "media.example.com", "media_dir": "/srv/media", "downloads_dir": "/srv/dl",
                "services": ["plex", "sonarr", "radarr"],
            ])
        #expect(put.status == 200)
        let get = try await call("GET", "/api/v1/config")
        #expect(
            get.body == [
                "domain": "media.example.com", "media_dir": "/srv/media", "downloads_dir": "/srv/dl",
                "services": ["plex", "sonarr", "radarr"],
            ])
        #expect(store.snapshot.string("media_path") == "/srv/media")
        let bad = try await call("PUT", "/api/v1/config", ["services": ["plex", "emby"]])
        #expect(bad.status == 400 && bad.body["error"] == "Unknown service 'emby'")
    }

    @Test func statusShowsTheErrorOfAnInvalidHandEdit() async throws {
        try FileSystem.writeAtomically(mainFile, Array("[workers]\ngpu_threads = 40\n".utf8))
        store.reload()
        let (status, body) = try await call("GET", "/api/config/status")
        #expect(status == 200)
        #expect(body["ok"] == false)
        let error = try #require(body["errors"]?.arrayValue?.first)
        // Relative to the config directory: no server path in an answer.
        #expect(error["file"] == "applianced.toml" && error["line"] == 2 && error["column"] == 1)
        #expect(error["text"] == "applianced.toml:2:1: 'workers.gpu_threads' must be an integer in 0...32, not 40")
        #expect(body["files"] == ["applianced.toml", "conf.d/50-port.toml"])
        #expect(error["message"] == "'workers.gpu_threads' must be an integer in 0...32, not 40")
        let settings = try await call("GET", "/api/settings")
        #expect(settings.body["gpu_threads"] == 1)
    }

    @Test func handEditIsLiveInTheAPI() async throws {
        try store.startWatching()
        defer { store.stopWatching() }
        let text = try FileSystem.readText(mainFile).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0 == "quality = 4" ? "quality = 9 # by hand" : String($0) }.joined(separator: "\n")
        try FileSystem.writeAtomically(mainFile + ".new", Array(text.utf8))
        rename(mainFile + ".new", mainFile)
        // Within a second on an idle machine; poll up to 5 s so that a loaded CI box does not fail it (timing: bench/).
        var quality: JSON?
        for _ in 0..<100 {
            quality = try await call("GET", "/api/settings").body["thumbnail_quality"]
            if quality == 9 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(quality == 9)
    }
}
