import Core
import Crypto
import Fetch
import FoundationEssentials
import Jobs
import Plex
import Previews
import Store
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A temp media folder with copies of clips made by ffmpeg (`TestClips`) under the paths the fake
/// Plex reports (`/media/Movies/…`, mapped to the temp folder), a temp Plex data folder, a state
/// database and the fake Plex server itself.
final class JobFixture: @unchecked Sendable {
    static var available: Bool { TestClips.available && FixtureServer.isAvailable }

    let directory: String
    let plex: FixtureServer
    let database: Database
    let store: JobStore
    let plexPaths: [String]
    var settings: JobSettings

    /// Each clip, then each of `extraFiles` (absolute paths), becomes one movie.
    static func make(
        clips: [TestClips.Kind], extraFiles: [String] = [], fakeArguments: [String] = [], cpuWorkers: Int = 2
    ) async throws -> JobFixture {
        var files: [String] = []
        for clip in clips { files.append(try await TestClips.path(clip)) }
        files += extraFiles
        // Starting the fake Plex waits for its port line: on a thread of its own, not the cooperative pool.
        let copied = files
        return try await offPool { try JobFixture(files: copied, fakeArguments: fakeArguments, cpuWorkers: cpuWorkers) }
    }

    /// `files` are absolute paths; each becomes one movie.
    private init(files: [String], fakeArguments: [String], cpuWorkers: Int) throws {
        directory = "/tmp/jobs-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileSystem.makeDirectories(directory + "/plex")
        var paths: [String] = []
        for (n, file) in files.enumerated() {
            let name = (file.split(separator: "/").last.map(String.init) ?? "clip")
            let ext = name.split(separator: ".").last.map(String.init) ?? "mp4"
            let title = "Clip \(n + 1) (200\(n))"
            let plexPath = "/media/Movies/\(title)/\(title).\(ext)"
            try FileSystem.makeDirectories(directory + "/media/Movies/\(title)")
            try FileSystem.writeAtomically(directory + plexPath, try FileSystem.read(file))
            paths.append(plexPath)
        }
        plexPaths = paths
        plex = try FixtureServer(script: "fake_plex.py", arguments: paths.flatMap { ["--movie", $0] } + fakeArguments)
        database = try Database.openState(root: directory)
        store = JobStore(database: database)
        let client = PlexServerClient(
            baseURL: plex.baseURL, token: "fake-plex-token", client: PlexClientInfo(clientIdentifier: "jobs-test"),
            fetch: FetchClient(options: FetchOptions(connectTimeout: 2, timeout: 5)))
        settings = JobSettings(
            plex: client, plexConfigFolder: directory + "/plex",
            pathMapping: JobSettings.mapping(plexPrefix: "/media", localPrefix: directory + "/media"),
            intervalSeconds: 2, quality: 4, gpuWorkersPerGPU: 0, cpuWorkers: cpuWorkers, renderNodes: [],
            pauseWhileStreaming: true, sessionPollSeconds: 0.2, workerNice: 0, workerIdleIO: false)  // tests must not starve on a busy machine
    }

    deinit {
        _ = "rm -rf '\(directory)'".withCString { system($0) }
    }

    func runner(events: JobEventHub = JobEventHub()) -> JobRunner {
        let settings = settings
        return JobRunner(store: store, events: events) { settings }
    }

    /// The hash the fake gives a Plex path (sha1 of the path).
    static func hash(_ plexPath: String) -> String {
        Base64.hex(Crypto.sha1(Array(plexPath.utf8)))
    }

    func bifPath(_ plexPath: String) throws -> String {
        try PlexBundlePath(plexConfigFolder: directory + "/plex", hash: Self.hash(plexPath)).bifPath
    }

    /// Posts to the fake's control routes (`sessions/1`, …).
    func control(_ path: String) async throws {
        _ = try await FetchClient().post("\(plex.baseURL)/__control/\(path)")
    }

    /// Polls the job until `condition` holds (at most `seconds`).
    func wait(_ id: String, seconds: Double = 60, until condition: (JobRecord) -> Bool) async throws -> JobRecord? {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let store = store
        while ContinuousClock.now < deadline {
            if let job = try await store.perform({ try $0.get(id) }), condition(job) { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await store.perform { try $0.get(id) }
    }
}
