import Core
import Synchronization
import Testing

@testable import Config

#if canImport(Glibc)
    import Glibc
#endif

struct ConfigStoreTests {
    @Test func freshRootGetsTheShippedFileAndDefaults() throws {
        let root = try TemporaryRoot()
        let store = ConfigStore(paths: root.paths, environment: [:], writeDefaults: true)
        #expect(try root.read("etc/applianced/applianced.toml") == DefaultConfigFile.text())
        #expect(store.status.ok)
        #expect(store.snapshot.integer("thumbnail_interval") == 10)
        #expect(store.snapshot.source("server.port")?.kind == "file")
    }

    @Test func layersAndProvenance() throws {
        let root = try TemporaryRoot()
        try root.write("etc/applianced/applianced.toml", "[workers]\ngpu_threads = 2\ncpu_threads = 3\n[server]\nport = 9000\n")
        try root.write("etc/applianced/conf.d/50-port.toml", "[server]\nport = 80\n")
        try root.write("etc/applianced/conf.d/10-first.toml", "[server]\nport = 81\n[workers]\ncpu_threads = 5\n")
        try root.write("etc/applianced/secrets.toml", "[auth]\ntoken = \"from-file\"\n")
        let store = ConfigStore(paths: root.paths, environment: ["APPLIANCED_WORKERS_GPU_THREADS": "7", "WEB_AUTH_TOKEN": "env-token"])
        let snapshot = store.snapshot
        #expect(store.status.ok)
        #expect(snapshot.integer("server.port") == 80)
        #expect(snapshot.source("server.port") == .dropIn(path: root.paths.dropInFile("50-port.toml"), line: 2, column: 1))
        #expect(snapshot.integer("cpu_threads") == 5)
        #expect(snapshot.integer("gpu_threads") == 7)
        #expect(snapshot.source("gpu_threads") == .environment(name: "APPLIANCED_WORKERS_GPU_THREADS"))
        #expect(snapshot.string("auth.token") == "env-token")
        #expect(snapshot.source("thumbnail_quality") == .defaultValue)
        #expect(throws: ConfigWriteError.self) { try store.update([("server.port", 8081)]) }
        #expect(throws: ConfigWriteError.self) { try store.update([("gpu_threads", 1)]) }
    }

    @Test func secretsGoToSecretsFileKeepingTheAuthToken() throws {
        let root = try TemporaryRoot()
        let store = ConfigStore(paths: root.paths, environment: [:], writeDefaults: true)
        try root.write("etc/applianced/secrets.toml", "# written by the HTTP server\n[auth]\ntoken = \"t0k\"\n")
        chmod(root.paths.secretsFile, 0o600)
        store.reload()
        try store.update([("plex_token", "p1"), ("integrations.sonarr.api_key", "s\"2")])
        let secrets = try root.read("etc/applianced/secrets.toml")
        #expect(secrets.hasPrefix("# written by the HTTP server\n[auth]\ntoken = \"t0k\"\n"))
        #expect(store.snapshot.string("plex.token") == "p1")
        #expect(store.snapshot.string("integrations.sonarr.api_key") == "s\"2")
        #expect(store.snapshot.string("auth.token") == "t0k")
        #expect(!(try root.read("etc/applianced/applianced.toml")).contains("p1"))
        var info = stat()
        stat(root.paths.secretsFile, &info)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    @Test func invalidHandEditKeepsTheLastGoodConfig() throws {
        let root = try TemporaryRoot()
        try root.write("etc/applianced/applianced.toml", "[workers]\ngpu_threads = 2\n")
        let store = ConfigStore(paths: root.paths, environment: [:])
        let events = Mutex<[String]>([])
        store.subscribe { event in
            if case .rejected(let issues) = event { events.withLock { $0 += issues.map(\.description) } }
        }
        try root.renameIntoPlace("etc/applianced/applianced.toml", "[workers]\ngpu_threads = 3\ncpu_threads = = 1\n")
        let status = store.reload()
        #expect(!status.ok)
        #expect(status.issues.map(\.description) == ["\(root.paths.mainFile):3:15: expected a value, found '='"])
        #expect(store.snapshot.integer("gpu_threads") == 2)
        #expect(events.withLock { $0 } == ["\(root.paths.mainFile):3:15: expected a value, found '='"])
        try root.renameIntoPlace("etc/applianced/applianced.toml", "[workers]\ngpu_threads = 3\n")
        #expect(store.reload().ok)
        #expect(store.snapshot.integer("gpu_threads") == 3)
    }

    @Test func handEditIsPickedUpByTheWatcher() async throws {
        let root = try TemporaryRoot()
        let store = ConfigStore(paths: root.paths, environment: [:], writeDefaults: true)
        try store.startWatching()
        defer { store.stopWatching() }
        let seen = Mutex<Int?>(nil)
        store.subscribe { event in
            if case .changed(let snapshot) = event { seen.withLock { $0 = snapshot.integer("thumbnail_quality") } }
        }
        let text = DefaultConfigFile.text().replacingFirst("quality = 4", with: "quality = 7")
        try root.renameIntoPlace("etc/applianced/applianced.toml", text)
        // Live within a second; poll up to 5 s so a loaded machine does not fail the test (timing is in bench/).
        for _ in 0..<100 where store.snapshot.integer("thumbnail_quality") != 7 {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(store.snapshot.integer("thumbnail_quality") == 7)
        #expect(seen.withLock { $0 } == 7)
        try root.write("etc/applianced/conf.d/90-quality.toml", "[thumbnails]\nquality = 2\n")
        for _ in 0..<100 where store.snapshot.integer("thumbnail_quality") != 2 {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(store.snapshot.source("thumbnail_quality")?.kind == "drop-in")
    }

    @Test func handEditBetweenReadAndWriteIsNotLost() throws {
        let root = try TemporaryRoot()
        let store = ConfigStore(paths: root.paths, environment: [:], writeDefaults: true)
        #expect(store.snapshot.integer("cpu_threads") == 2)
        // The daemon has read the file; a person edits another key by hand; the daemon then writes its change.
        let handEdited = DefaultConfigFile.text().replacingFirst("cpu_threads = 2", with: "cpu_threads = 6 # by hand")
        try root.renameIntoPlace("etc/applianced/applianced.toml", handEdited)
        try store.update([("gpu_threads", 5)])
        let text = try root.read("etc/applianced/applianced.toml")
        #expect(text == handEdited.replacingFirst("gpu_threads = 1", with: "gpu_threads = 5"))
        #expect(store.snapshot.integer("cpu_threads") == 6)
        #expect(store.snapshot.integer("gpu_threads") == 5)
    }

    @Test func concurrentWritesAllLand() async throws {
        let root = try TemporaryRoot()
        let store = ConfigStore(paths: root.paths, environment: [:], writeDefaults: true)
        let keys = [
            "gpu_threads", "cpu_threads", "thumbnail_interval", "thumbnail_quality", "limits.worker_nice", "alerts.hysteresis_percent",
            "monitoring.sample_interval_s", "plex.request_timeout_s",
        ]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, key) in keys.enumerated() {
                group.addTask { try store.update([(key, .integer(Int64(index + 3)))]) }
            }
            try await group.waitForAll()
        }
        let reread = ConfigLoader(paths: root.paths, environment: [:]).load()
        let snapshot = try #require(reread.snapshot)
        for (index, key) in keys.enumerated() { #expect(snapshot.integer(key) == index + 3, "\(key)") }
    }

    @Test func writesOnlyTheChangedLine() throws {
        let root = try TemporaryRoot()
        let store = ConfigStore(paths: root.paths, environment: [:], writeDefaults: true)
        let before = try root.read("etc/applianced/applianced.toml")
        try store.update([("thumbnail_interval", 5)])
        let after = try root.read("etc/applianced/applianced.toml")
        let pairs = zip(
            before.split(separator: "\n", omittingEmptySubsequences: false), after.split(separator: "\n", omittingEmptySubsequences: false))
        #expect(pairs.filter { $0 != $1 }.map { String($1) } == ["interval = 5"])
    }
}

extension ConfigPaths {
    func dropInFile(_ name: String) -> String { dropInDirectory + "/" + name }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        let chars = Array(self)
        let wanted = Array(target)
        guard wanted.count <= chars.count else { return self }
        for start in 0...(chars.count - wanted.count) where Array(chars[start..<start + wanted.count]) == wanted {
            return String(chars[..<start]) + replacement + String(chars[(start + wanted.count)...])
        }
        return self
    }
}
