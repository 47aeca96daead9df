import Config
import Core
import Monitor
import Testing

@testable import HTTP
@testable import Routes

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 18's settings findings through every settings write route, in-process against a real store in a temp root:
/// no data loss, no 200 for a value not in force, limits named by field, no server path in any answer.
final class SettingsHardeningTests {
    let routes: SettingsRoutesTests

    init() throws {
        routes = try SettingsRoutesTests()
    }

    var root: String { routes.root }
    var mainFile: String { routes.mainFile }

    /// Every route that writes settings, with a body that sets `cpu`-free, otherwise valid values.
    static let writes: [(method: String, path: String, body: JSON)] = [
        ("POST", "/api/settings", ["thumbnail_interval": 5]),
        ("PUT", "/api/v1/config", ["domain": "media.example.com"]),
        ("PUT", "/api/v1/settings/", ["thumbnail_quality": 6]),
        ("PUT", "/api/v1/settings/thumbnail_quality", ["value": 6]),
    ]

    func expectNoServerPath(_ body: JSON, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!"\(body)".contains(root), "absolute path in \(body)", sourceLocation: sourceLocation)
        #expect(!"\(body)".contains("/etc/applianced"), "server path in \(body)", sourceLocation: sourceLocation)
    }

    @Test func fiveMegabyteValuesAre400AndTheFileIsKept() async throws {
        let before = try FileSystem.read(mainFile)
        let huge = String(repeating: "x", count: 1 << 20)
        let body: JSON = [
            "plex_name": .string(huge), "plex_videos_path_mapping": .string(huge), "plex_local_videos_path_mapping": .string(huge),
            "plex_token": .string(huge), "plex_config_folder": .string("/" + huge),
        ]
        let (status, answer) = try await routes.call("POST", "/api/settings", body)
        #expect(status == 400)
        #expect(answer["error"]?.stringValue?.contains("must be at most") == true, "\(answer)")
        #expect(try FileSystem.read(mainFile) == before)
    }

    @Test(
        arguments: [
            ("POST", "/api/settings", ["plex_name": .string(String(repeating: "n", count: 257))] as JSON, "'plex_name'"),
            ("PUT", "/api/v1/config", ["domain": .string(String(repeating: "d", count: 257))] as JSON, "'domain'"),
            ("PUT", "/api/v1/settings/", ["plex.url": .string("http://" + String(repeating: "u", count: 2048))] as JSON, "'plex.url'"),
            ("PUT", "/api/v1/settings/media_path", ["value": .string("/" + String(repeating: "p", count: 4096))] as JSON, "'media_path'"),
            ("POST", "/api/settings", ["selected_libraries": .array(Array(repeating: "1", count: 300))] as JSON, "'selected_libraries'"),
        ] as [(String, String, JSON, String)])
    func tooLongValueIs400NamingTheField(method: String, path: String, body: JSON, field: String) async throws {
        let before = try FileSystem.read(mainFile)
        let (status, answer) = try await routes.call(method, path, body)
        #expect(status == 400)
        #expect(answer["error"]?.stringValue?.contains(field) == true, "\(answer)")
        #expect(try FileSystem.read(mainFile) == before)
    }

    @Test func oversizedFileIs409AndIsNotReplaced() async throws {
        let big = "[workers]\ngpu_threads = 2\n" + String(repeating: "# padding padding padding padding padding padding\n", count: 90_000)
        try FileSystem.writeAtomically(mainFile, Array(big.utf8))
        routes.store.reload()
        for write in Self.writes {
            let (status, answer) = try await routes.call(write.method, write.path, write.body)
            #expect(status == 409, "\(write.method) \(write.path): \(answer)")
            expectNoServerPath(answer)
        }
        #expect(try FileSystem.readText(mainFile) == big)
    }

    @Test(arguments: ["[workers]\ngpu_threads = 2\ncolour = \"red\"\n", "[workers]\ngpu_threads = \"two\"\n", "[bogus]\nx = 1\n"])
    func schemaErrorInTheFileIs409OnEveryWriteRoute(text: String) async throws {
        try FileSystem.writeAtomically(mainFile, Array(text.utf8))
        routes.store.reload()
        #expect(!routes.store.status.ok)
        for write in Self.writes {
            let (status, answer) = try await routes.call(write.method, write.path, write.body)
            #expect(status == 409, "\(write.method) \(write.path): \(answer)")
            #expect(answer["detail"]?.stringValue?.hasPrefix("applianced.toml:") == true, "\(answer)")
            expectNoServerPath(answer)
        }
        #expect(try FileSystem.readText(mainFile) == text)
        #expect(routes.store.snapshot.integer("thumbnails.interval") == 10)
    }

    @Test func writeThatFixesTheBadValueIs200AndInForce() async throws {
        try FileSystem.writeAtomically(mainFile, Array("[workers]\ngpu_threads = \"two\"\n".utf8))
        routes.store.reload()
        let (status, _) = try await routes.call("POST", "/api/settings", ["gpu_threads": 2])
        #expect(status == 200)
        #expect(routes.store.status.ok)
        #expect(try await routes.call("GET", "/api/settings").body["gpu_threads"] == 2)
    }

    @Test func syntaxErrorsAreAllListedInStatusWithRelativeNames() async throws {
        try FileSystem.writeAtomically(
            routes.store.paths.dropInFile("10-site.toml"), Array("[workers]\ngpu_threads = = 1\n[x\ncpu_threads = 1\n".utf8))
        routes.store.reload()
        let (_, body) = try await routes.call("GET", "/api/config/status")
        let texts = body["errors"]?.arrayValue?.compactMap { $0["text"]?.stringValue }
        #expect(texts == ["conf.d/10-site.toml:2:15: expected a value, found '='", "conf.d/10-site.toml:3:3: expected ']' after table name"])
        expectNoServerPath(body)
    }

    @Test func emptyMainFileShowsAWarningInStatus() async throws {
        try FileSystem.writeAtomically(mainFile, [])
        routes.store.reload()
        let (_, body) = try await routes.call("GET", "/api/config/status")
        #expect(body["ok"] == true)
        #expect(body["warnings"]?.arrayValue?.first?["file"] == "applianced.toml")
    }

    /// A full disk under the config directory (a 64 KiB tmpfs): 507, the old file whole, no temp file, old values served.
    @Test(.enabled(if: geteuid() == 0, "mounting a tmpfs needs root"))
    func diskFullDuringASettingsWriteIs507() async throws {
        var template = Array("/tmp/config-full-XXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        defer { rmdir(directory) }
        guard mount("tmpfs", directory, "tmpfs", 0, "size=64k") == 0 else {
            print("skipped: cannot mount a tmpfs: \(String(cString: strerror(errno)))")
            return
        }
        defer { umount2(directory, 0) }
        let store = ConfigStore(paths: ConfigPaths(root: directory), environment: [:], writeDefaults: true)
        let router = Router(SettingsRoutes(store: store).routes)
        let before = try FileSystem.read(store.paths.mainFile)
        let filler = open(directory + "/filler", O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        let chunk = [UInt8](repeating: 0x41, count: 1024)
        while chunk.withUnsafeBytes({ write(filler, $0.baseAddress, $0.count) }) > 0 {}
        while chunk.withUnsafeBytes({ write(filler, $0.baseAddress, 1) }) > 0 {}
        close(filler)
        guard case .found(let route, _) = router.match(method: "POST", path: "/api/settings"), case .async(let handler) = route.handler
        else {
            Issue.record("no route")
            return
        }
        let request = Request(
            method: "POST", path: "/api/settings", body: (["thumbnail_interval": 5, "plex_name": "box"] as JSON).encoded(),
            principal: .applianceToken)
        do {
            _ = try await handler(request)
            Issue.record("the write succeeded on a full disk")
        } catch let error as HTTPError {
            #expect(error.status == 507)
            #expect(!error.message.contains(directory) && error.detail == nil)
        }
        #expect(try FileSystem.read(store.paths.mainFile) == before)
        #expect(FileSystem.list(store.paths.directory).filter { $0.hasPrefix(".applianced.toml.") }.isEmpty)
        #expect(store.snapshot.integer("thumbnails.interval") == 10)
        unlink(directory + "/filler")
        for name in FileSystem.list(store.paths.dropInDirectory) { unlink(store.paths.dropInDirectory + "/" + name) }
    }

    @Test func diskFullIs507AndNothingChanges() async throws {
        #expect(SettingsRoutes.httpError(.io(SystemError(code: ENOSPC, call: "write", subject: mainFile)), store: routes.store).status == 507)
        let other = SettingsRoutes.httpError(.io(SystemError(code: EIO, call: "write", subject: mainFile)), store: routes.store)
        #expect(other.status == 500 && other.detail == nil && !other.message.contains(root))
    }
}

/// `POST /api/v1/alerts/settings` against the real config store: the config's checks, 400 naming the field.
struct AlertSettingsConfigTests {
    @Test(arguments: [
        (#"{"thresholds":{"temperature":{"warning":10}}}"#, "thresholds.temperature.warning"),
        (#"{"thresholds":{"cpu":{"warning":85.5}}}"#, "thresholds.cpu.warning"),
        (#"{"thresholds":{"cpu":{"warning":1e300,"critical":1e301}}}"#, "thresholds.cpu.warning"),
        (#"{"thresholds":{"disk":{"warning":95,"critical":90}}}"#, "thresholds.disk.warning"),
        (#"{"thresholds":{"memory":{"critical":0}}}"#, "thresholds.memory.critical"),
    ])
    func refusedValueIs400NamingTheField(body: String, field: String) async throws {
        let routes = try SettingsRoutesTests()
        let fixture = try await MonitoringFixture(alertSettings: ConfigAlertSettings(config: routes.store))
        let before = try FileSystem.read(routes.mainFile)
        let (status, answer, _) = try await fixture.call("POST", "/api/v1/alerts/settings", body: body)
        #expect(status == 400, "\(answer)")
        #expect("\(answer)".contains(field), "\(answer)")
        #expect(!"\(answer)".contains(routes.root))
        #expect(try FileSystem.read(routes.mainFile) == before)
    }

    @Test func valueInForceAfterASave() async throws {
        let routes = try SettingsRoutesTests()
        let fixture = try await MonitoringFixture(alertSettings: ConfigAlertSettings(config: routes.store))
        let (status, _, _) = try await fixture.call(
            "POST", "/api/v1/alerts/settings", body: #"{"thresholds":{"temperature":{"warning":70,"critical":90}}}"#)
        #expect(status == 200)
        #expect(routes.store.snapshot.integer("alerts.temperature_warning_c") == 70)
    }

    @Test func schemaErrorInTheFileIs409WithARelativeName() async throws {
        let routes = try SettingsRoutesTests()
        try FileSystem.writeAtomically(routes.store.paths.dropInFile("10-site.toml"), Array("[alerts]\ncolour = 1\n".utf8))
        routes.store.reload()
        let fixture = try await MonitoringFixture(alertSettings: ConfigAlertSettings(config: routes.store))
        let (status, answer, _) = try await fixture.call("POST", "/api/v1/alerts/settings", body: #"{"thresholds":{"cpu":{"warning":60}}}"#)
        #expect(status == 409)
        #expect(answer["detail"]?.stringValue?.hasPrefix("conf.d/10-site.toml:2:1: ") == true, "\(answer)")
        #expect(!"\(answer)".contains(routes.root))
    }
}

extension ConfigPaths {
    func dropInFile(_ name: String) -> String { dropInDirectory + "/" + name }
}
