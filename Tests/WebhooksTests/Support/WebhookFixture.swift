import Catalog
import Core
import Crypto
import Fetch
import FoundationEssentials
import HTTP
import Jobs
import Plex
import Previews
import Store
import Synchronization
import TestSupport
import Webhooks

/// A real server on 127.0.0.1 (port 0) serving the webhook routes over a fresh state database, a job
/// runner with one CPU worker, a catalog service, and the fake Plex (`fake_plex.py`). The apps name
/// files under `/movies` and `/tv`, mapped to `<dir>/media/Movies` and `<dir>/media/TV`; Plex names
/// them under `/media`, mapped to `<dir>/media`. The retry ladder waits milliseconds.
final class WebhookFixture: @unchecked Sendable {
    static var available: Bool { FixtureServer.isAvailable }
    static let secret = "radarr-secret-0123456789"

    let directory: TemporaryDirectory
    let media: String
    let plex: FixtureServer
    let database: Database
    let store: JobStore
    let runner: JobRunner
    let catalog: CatalogService
    let service: WebhookService
    let server: HTTPServer
    let settings: SettingsBox

    static func make(ladder: [Double] = [0.05, 0.05, 0.05, 0.05, 0.05], delay: Double = 0.05) async throws -> WebhookFixture {
        try await offPool { try WebhookFixture(ladder: ladder, delay: delay) }
    }

    private init(ladder: [Double], delay: Double) throws {
        directory = TemporaryDirectory("webhooks")
        media = directory.file("media")
        try FileSystem.makeDirectories(media + "/Movies", mode: 0o755)
        try FileSystem.makeDirectories(media + "/TV", mode: 0o755)
        try FileSystem.makeDirectories(directory.file("plex"), mode: 0o755)
        plex = try FixtureServer(script: "fake_plex.py", arguments: [])
        database = try Database.openState(root: directory.path)
        store = JobStore(database: database)
        let client = PlexServerClient(
            baseURL: plex.baseURL, token: "fake-plex-token", client: PlexClientInfo(clientIdentifier: "webhooks-test"),
            fetch: FetchClient(options: FetchOptions(connectTimeout: 2, timeout: 5)))
        let jobSettings = JobSettings(
            plex: client, plexConfigFolder: directory.file("plex"),
            pathMapping: JobSettings.mapping(plexPrefix: "/media", localPrefix: media),
            intervalSeconds: 2, quality: 4, gpuWorkersPerGPU: 0, cpuWorkers: 1, renderNodes: [],
            pauseWhileStreaming: false, sessionPollSeconds: 0.5, workerNice: 0, workerIdleIO: false)
        runner = JobRunner(store: store) { jobSettings }
        catalog = CatalogService(
            database: database, settings: CatalogSettings(libraryRoots: [media], probeFiles: false, imageCacheFolder: directory.file("images")),
            prober: nil, nice: 0)
        let settings = SettingsBox(
            WebhookSettings(
                secrets: [.radarr: Self.secret, .sonarr: "sonarr-secret", .plex: "plex-secret"], delaySeconds: delay,
                pathMapping: PathMapping.parse(["/movies=\(media)/Movies", "/tv=\(media)/TV"])))
        self.settings = settings
        service = WebhookService(database: database, runner: runner, catalog: catalog, settings: { settings.withLock { $0 } }, retryLadder: ladder)
        database.poolPolicy = .refuse
        var configuration = ServerConfiguration()
        configuration.listenAddress = "127.0.0.1"
        configuration.port = 0
        configuration.accessLog = .off
        configuration.connectionTimeoutSeconds = 120
        configuration.headTimeoutSeconds = 120
        configuration.handlerTimeLimitSeconds = 120
        server = HTTPServer(
            router: Router(WebhookRoutes(service: service).routes), gate: AuthGate(verifiers: [], setup: SetupFlag(complete: true)),
            configuration: configuration)
        try server.start()
        try runner.start()
    }

    /// Stops the service, the server and the runner, and waits for the workers to end their media
    /// helpers (so no helper outlives the test: other suites count this process's children).
    func stop() async {
        service.stop()
        await server.stop()
        runner.stop()
        let deadline = ContinuousClock.now + .seconds(10)
        while runner.workers.contains(where: { $0.state != .stopped }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    // MARK: Requests

    /// POSTs `json` to `path` with the secret header (`secret: nil` sends none).
    func post(_ path: String, json: JSON, secret: String? = WebhookFixture.secret, query: String = "") async throws -> RawHTTPClient.Reply {
        try await post(path, body: Array(json.encoded()), secret: secret, query: query)
    }

    func post(
        _ path: String, body: [UInt8], contentType: String = "application/json", secret: String? = WebhookFixture.secret, query: String = ""
    ) async throws -> RawHTTPClient.Reply {
        var headers = ["Content-Type": contentType]
        if let secret { headers["X-Webhook-Secret"] = secret }
        return try await RawHTTPClient.request(port: server.port, "POST", path + query, headers: headers, body: body, timeoutSeconds: 60)
    }

    /// A Radarr `Download` of `/movies/<title>/<title>.mp4`.
    static func radarrDownload(_ title: String, downloadID: String = "dl-1", fileID: Int64 = 1) -> JSON {
        [
            "eventType": "Download", "downloadId": .string(downloadID), "isUpgrade": false,
            "movie": ["id": 1, "title": .string(title), "folderPath": .string("/movies/\(title)")],
            "movieFile": ["id": .int(fileID), "relativePath": .string("\(title).mp4"), "path": .string("/movies/\(title)/\(title).mp4")],
        ]
    }

    /// The file Plex names for a Radarr import of `title`.
    static func plexPath(_ title: String) -> String { "/media/Movies/\(title)/\(title).mp4" }

    /// Copies `clip` to where the import of `title` lands here.
    func place(_ clip: String, as title: String) throws {
        try FileSystem.makeDirectories("\(media)/Movies/\(title)", mode: 0o755)
        try FileSystem.writeAtomically("\(media)/Movies/\(title)/\(title).mp4", try FileSystem.read(clip))
    }

    /// Tells the fake Plex to index the import of `title` after `requests` lookups (-1: never).
    func pending(_ title: String, afterRequests requests: Int) async throws {
        let file = Self.plexPath(title).utf8.map { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                ? String(UnicodeScalar(byte)) : "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }.joined()
        _ = try await FetchClient().post("\(plex.baseURL)/__control/webhook/pending?type=movie&after_requests=\(requests)&file=\(file)")
    }

    /// The fake's requests so far (paths with queries).
    func plexRequests() async throws -> [String] {
        let response = try await FetchClient().get("\(plex.baseURL)/__control/requests")
        return try JSON.decode(response.body).arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
    }

    func bifPath(plexPath: String) throws -> String {
        try PlexBundlePath(plexConfigFolder: directory.file("plex"), hash: Base64.hex(Crypto.sha1(Array(plexPath.utf8)))).bifPath
    }

    func job(_ id: String) async throws -> JobRecord? {
        try await store.perform { try $0.get(id) }
    }

    func jobs() async throws -> [JobRecord] {
        try await store.perform { try $0.list() }
    }

    func items(_ id: String) async throws -> [JobItemRecord] {
        try await store.perform { try $0.items(of: id) }
    }

    /// Polls the job until it is final (at most `seconds`).
    func finished(_ id: String, seconds: Double = 60) async throws -> JobRecord? {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let job = try await job(id), job.status.isFinal { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await job(id)
    }
}

/// The webhook settings a test changes while the service reads them.
final class SettingsBox: Sendable {
    private let value: Mutex<WebhookSettings>
    init(_ value: WebhookSettings) { self.value = Mutex(value) }
    func withLock<T>(_ body: (inout WebhookSettings) -> T) -> T { value.withLock { body(&$0) } }
}
