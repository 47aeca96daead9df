import Core
import Testing

@testable import Config

struct SettingsSchemaTests {
    static let repositoryRoot: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) }
        return path
    }()

    @Test(arguments: [
        ("plex_url", "plex.url"), ("plex_token", "plex.token"), ("plex_name", "plex.name"), ("plex_config_folder", "plex.config_folder"),
        ("selected_libraries", "plex.selected_libraries"), ("media_path", "plex.media_path"),
        ("plex_videos_path_mapping", "plex.videos_path_mapping"), ("plex_local_videos_path_mapping", "plex.local_videos_path_mapping"),
        ("gpu_threads", "workers.gpu_threads"), ("cpu_threads", "workers.cpu_threads"),
        ("thumbnail_interval", "thumbnails.interval"), ("thumbnail_quality", "thumbnails.quality"),
        ("stash_url", "integrations.stash.url"), ("stash.api_key", "integrations.stash.api_key"),
    ])
    func flatNamesMapToTableKeys(alias: String, key: String) throws {
        #expect(try #require(SettingsSchema.standard.spec(named: alias)).key == key)
    }

    @Test func rangesAndDefaultsOf000() throws {
        let schema = SettingsSchema.standard
        #expect(schema.spec(named: "gpu_threads")?.type == .integer(0...32))
        #expect(schema.spec(named: "thumbnail_interval")?.type == .integer(1...60))
        #expect(schema.spec(named: "thumbnail_interval")?.defaultValue == 10)
        #expect(schema.spec(named: "thumbnail_quality")?.defaultValue == 4)
        #expect(schema.spec(named: "plex_token")?.secret == true)
        #expect(schema.spec(named: "server.port")?.defaultValue == 8080)
        #expect(schema.spec(named: "limits.max_body_bytes")?.defaultValue == 1_048_576)
        #expect(schema.spec(forEnvironment: "WEB_AUTH_TOKEN")?.key == "auth.token")
        #expect(schema.spec(forEnvironment: "APPLIANCED_INTEGRATIONS_SONARR_API_KEY")?.key == "integrations.sonarr.api_key")
        for spec in schema.specs { #expect(spec.problem(with: spec.defaultValue) == nil, "default of \(spec.key)") }
    }

    @Test func validationCollectsEveryErrorWithItsPlace() throws {
        let dir = try TemporaryRoot()
        let text =
            "[workers]\ngpu_threads = 99\ncpu_threads = \"two\"\n[thumbnails]\nintervall = 5\n[bogus]\nx = 1\n"
            + "[alerts]\ncpu_warning_percent = 96\n"
        try dir.write("etc/applianced/applianced.toml", text)
        let result = ConfigLoader(paths: dir.paths, environment: ["APPLIANCED_SERVER_PORT": "eighty"]).load()
        let messages = result.issues.map(\.description)
        #expect(result.snapshot == nil)
        let file = dir.paths.mainFile
        #expect(messages.contains("\(file):2:1: 'workers.gpu_threads' must be an integer in 0...32, not 99"))
        #expect(messages.contains("\(file):3:1: 'workers.cpu_threads' must be an integer in 0...32 (found string)"))
        #expect(messages.contains("\(file):5:1: unknown key 'thumbnails.intervall'"))
        #expect(messages.contains("\(file):6:1: unknown table 'bogus'"))
        #expect(messages.contains("\(file):9:1: 'alerts.cpu_warning_percent' (96) must be below 'alerts.cpu_critical_percent' (95)"))
        #expect(messages.contains("environment variable APPLIANCED_SERVER_PORT: 'server.port' must be an integer in 1...65535"))
        #expect(messages.count == 6)
    }

    @Test func shippedFileIsTheEmbeddedDefaultAndListsEveryKey() throws {
        let path = Self.repositoryRoot + "/config/applianced.toml"
        let shipped = try FileSystem.readText(path)
        #expect(shipped == DefaultConfigFile.text(), "regenerate config/applianced.toml from DefaultConfigFile.text()")
        let document = try TOMLDocument.parse(shipped, file: path)
        for spec in SettingsSchema.standard.specs {
            if spec.secret {
                #expect(shipped.contains("# \(spec.key) is a secret"), "\(spec.key) missing from config/applianced.toml")
            } else {
                #expect(document.value(at: spec.path) == spec.defaultValue, "\(spec.key) missing from config/applianced.toml")
            }
        }
        #expect(ConfigLoader(paths: ConfigPaths(directory: "/nonexistent"), environment: [:]).check(document).1.isEmpty)
    }

    @Test func docsDescribeEveryKey() throws {
        let docs = try FileSystem.readText(Self.repositoryRoot + "/docs/config.md")
        for spec in SettingsSchema.standard.specs {
            #expect(docs.contains("| `\(spec.key)`"), "\(spec.key) missing from docs/config.md")
        }
    }
}
