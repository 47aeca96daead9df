import Core
import Fetch
import FoundationEssentials
import Jobs
import Plex
import Store
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `POST /api/jobs/manual` in-process: every bad input a 400 in the one error shape naming the
/// offending path, no Plex a 503, a Plex that does not answer a 502, folders past the cap a 400.
/// The jobs themselves, against the fake Plex and real clips, are `ManualJobTests` (JobsTests).
struct ManualJobsRoutesTests {
    /// Media under `<dir>/media` (Plex's `/media`), and a Plex server at `plexURL` when given.
    static func fixture(plexURL: String? = nil) throws -> JobsFixture {
        try JobsFixture { folder in
            let plex = plexURL.map {
                PlexServerClient(
                    baseURL: $0, token: "t", client: PlexClientInfo(clientIdentifier: "api-test"),
                    fetch: FetchClient(options: FetchOptions(connectTimeout: 2, timeout: 5)))
            }
            return JobSettings(
                plex: plex, plexConfigFolder: folder, pathMapping: JobSettings.mapping(plexPrefix: "/media", localPrefix: folder + "/media"),
                cpuWorkers: 0)
        }
    }

    static func body(_ paths: [String], extra: String = "") -> String {
        let list = paths.map { String(decoding: JSON.string($0).encoded(), as: UTF8.self) }.joined(separator: ",")
        return #"{"file_paths":[\#(list)]\#(extra)}"#
    }

    @Test func badInputIs400NamingThePath() async throws {
        let fixture = try Self.fixture()
        let media = fixture.directory + "/media"
        let cases: [(String, String)] = [
            (#"{}"#, "file_paths"),
            (#"[]"#, "body"),
            (#"{"file_paths":"/media/a.mkv"}"#, "file_paths"),
            (#"{"file_paths":[]}"#, "file_paths"),
            (#"{"file_paths":[7]}"#, "file_paths[0]"),
            (Self.body(["relative/a.mkv"]), "file_paths[0]"),
            (Self.body([media + "/a.mkv", "/etc/passwd"]), "file_paths[1]"),
            (Self.body([media + "/Movies/../../../etc"]), "file_paths[0]"),
            (Self.body([media + "/a\u{0}.mkv"]), "file_paths[0]"),
            (Self.body([media + "/" + String(repeating: "x", count: 4100)]), "file_paths[0]"),
            (Self.body(Array(repeating: media + "/a.mkv", count: 501)), "file_paths"),
            (Self.body([media + "/a.mkv"], extra: #","force_regenerate":"yes""#), "force_regenerate"),
            (Self.body([media + "/a.mkv"], extra: #","force":1"#), "force"),
            (Self.body([media + "/a.mkv"], extra: #","priority":9"#), "priority"),
        ]
        for (body, detail) in cases {
            let (status, answer) = try await fixture.call("POST", "/api/jobs/manual", body: body)
            #expect(status == 400, "\(body.prefix(80))")
            #expect(answer["code"] == "VALIDATION_ERROR", "\(answer)")
            #expect(answer["detail"]?.stringValue == detail, "\(body.prefix(80)): \(answer)")
            let message = answer["message"]?.stringValue ?? ""
            #expect(!message.isEmpty)
        }
        #expect(try await fixture.store.perform { try $0.list(limit: 10) }.isEmpty)
    }

    @Test func noPlexIs503AndPlexDownIs502() async throws {
        let media = { (fixture: JobsFixture) in fixture.directory + "/media/Movies/a.mkv" }
        let none = try Self.fixture()
        let (unconfigured, answer) = try await none.call("POST", "/api/jobs/manual", body: Self.body([media(none)]))
        #expect(unconfigured == 503)
        #expect(answer["message"]?.stringValue?.contains("No Plex server") == true)

        let down = try Self.fixture(plexURL: "http://127.0.0.1:1")
        let (unreachable, problem) = try await down.call(
            "POST", "/api/jobs/manual", body: Self.body([media(down)], extra: #","priority":2,"server_id":"plex-1""#))
        #expect(unreachable == 502)
        #expect(problem["detail"] == "plex")
        #expect(try await down.store.perform { try $0.list(limit: 10) }.isEmpty)
    }

    @Test func foldersPastTheCapAre400() async throws {
        let fixture = try Self.fixture(plexURL: "http://127.0.0.1:1")
        let folder = fixture.directory + "/media/Many"
        try FileSystem.makeDirectories(folder)
        for n in 0...ManualFiles.maximumFiles { close(open("\(folder)/clip\(n).mkv", O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)) }
        let (status, answer) = try await fixture.call("POST", "/api/jobs/manual", body: Self.body([folder, fixture.directory + "/media"]))
        #expect(status == 400)
        #expect(answer["detail"] == "file_paths[0]")
        #expect(answer["message"]?.stringValue?.contains("\(ManualFiles.maximumFiles)") == true)
    }

    @Test func aLinkLeadingOutsideTheRootsIs400() async throws {
        let fixture = try Self.fixture(plexURL: "http://127.0.0.1:1")
        try FileSystem.makeDirectories(fixture.directory + "/media/Movies")
        try FileSystem.makeDirectories(fixture.directory + "/outside")
        #expect(symlink(fixture.directory + "/outside", fixture.directory + "/media/Movies/away") == 0)
        let (status, answer) = try await fixture.call(
            "POST", "/api/jobs/manual", body: Self.body([fixture.directory + "/media/Movies", fixture.directory + "/media/Movies/away"]))
        #expect(status == 400)
        #expect(answer["detail"] == "file_paths[1]")
        #expect(answer["message"]?.stringValue?.contains("leads outside the media folders") == true)
    }
}
