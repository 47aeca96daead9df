import Fetch

/// Radarr's v3 API as the appliance uses it: status and health, the movie list, quality profiles, root
/// folders, queue, history, adding a movie by TMDb id, commands.
public struct RadarrClient: Sendable {
    public let connection: AppConnection

    public init(connection: AppConnection) {
        self.connection = connection
    }

    /// `GET /api/v3/system/status` (cached 30 s; `fresh` asks anyway, for the probe).
    public func systemStatus(fresh: Bool = false) async throws(IntegrationError) -> ArrSystemStatus {
        try await ArrCalls.systemStatus(connection, prefix: "/api/v3", fresh: fresh)
    }

    public func health() async throws(IntegrationError) -> [ArrHealthItem] {
        try await connection.get("/api/v3/health", lifetime: .status)
    }

    /// Every movie Radarr knows (cached 5 min).
    public func movies(fresh: Bool = false) async throws(IntegrationError) -> [RadarrMovie] {
        if fresh {
            let list: [RadarrMovie] = try await connection.send(.get, "/api/v3/movie", [], body: nil, what: "movies")
            connection.cache.store(list, "/api/v3/movie", lifetime: .list)
            return list
        }
        return try await connection.get("/api/v3/movie", lifetime: .list)
    }

    public func qualityProfiles() async throws(IntegrationError) -> [ArrQualityProfile] {
        try await connection.get("/api/v3/qualityprofile", lifetime: .configuration)
    }

    public func rootFolders() async throws(IntegrationError) -> [ArrRootFolder] {
        try await connection.get("/api/v3/rootfolder", lifetime: .configuration)
    }

    /// One page of downloads in progress.
    public func queue(page: Int = 1, pageSize: Int = 50) async throws(IntegrationError) -> ArrPage<ArrQueueItem> {
        try await connection.get("/api/v3/queue", [("page", String(page)), ("pageSize", String(pageSize))], lifetime: .status)
    }

    /// One page of history, newest first.
    public func history(page: Int = 1, pageSize: Int = 50) async throws(IntegrationError) -> ArrPage<ArrHistoryItem> {
        try await connection.get(
            "/api/v3/history", [("page", String(page)), ("pageSize", String(pageSize)), ("sortKey", "date"), ("sortDirection", "descending")],
            lifetime: .status)
    }

    /// Radarr's lookup of a TMDb id (the movie as Radarr would add it).
    public func lookup(tmdbId: Int) async throws(IntegrationError) -> RadarrMovie {
        try await connection.get("/api/v3/movie/lookup/tmdb", [("tmdbId", String(tmdbId))], lifetime: .list, what: "movie with TMDb id \(tmdbId)")
    }

    /// Adds the movie with TMDb id `tmdbId`, monitored and searched for, with the quality profile and
    /// root folder given (nil: the configured ones, else Radarr's first of each). Answers the movie as Radarr stored it.
    public func addMovie(tmdbId: Int, qualityProfileId: Int? = nil, rootFolder: String? = nil, search: Bool = true) async throws(IntegrationError)
        -> RadarrMovie
    {
        let found = try await lookup(tmdbId: tmdbId)
        let profile = try await ArrCalls.profile(qualityProfileId ?? connection.current.qualityProfileId, .radarr, qualityProfiles)
        let folder = try await ArrCalls.folder(rootFolder ?? connection.current.rootFolder, .radarr, rootFolders)
        let body = AddMovie(
            title: found.title, year: found.year, tmdbId: tmdbId, titleSlug: found.titleSlug, qualityProfileId: profile,
            rootFolderPath: folder, monitored: true, minimumAvailability: "released", addOptions: .init(searchForMovie: search))
        return try await connection.send(.post, "/api/v3/movie", json: body)
    }

    /// Queues a command by name (`RefreshMovie`, `MoviesSearch`, …) with its extra fields.
    public func command(_ name: String, movieIds: [Int] = []) async throws(IntegrationError) -> ArrCommand {
        try await connection.send(.post, "/api/v3/command", json: ArrCommandBody(name: name, movieIds: movieIds.isEmpty ? nil : movieIds, seriesId: nil))
    }

    /// `POST /api/v3/movie`'s body.
    struct AddMovie: Encodable {
        struct Options: Encodable {
            let searchForMovie: Bool
        }

        let title: String
        let year: Int?
        let tmdbId: Int
        let titleSlug: String?
        let qualityProfileId: Int
        let rootFolderPath: String
        let monitored: Bool
        let minimumAvailability: String
        let addOptions: Options
    }
}

/// `POST /api/v3/command`'s body.
struct ArrCommandBody: Encodable {
    let name: String
    let movieIds: [Int]?
    let seriesId: Int?
}

/// What Radarr, Sonarr and Prowlarr share.
enum ArrCalls {
    static func systemStatus(_ connection: AppConnection, prefix: String, fresh: Bool) async throws(IntegrationError) -> ArrSystemStatus {
        let path = prefix + "/system/status"
        if fresh {
            let status: ArrSystemStatus = try await connection.send(.get, path, [], body: nil, what: "system status")
            connection.cache.store(status, path, lifetime: .status)
            return status
        }
        return try await connection.get(path, lifetime: .status)
    }

    /// `wanted` when given and not 0, else the first profile the app has.
    static func profile(_ wanted: Int?, _ app: IntegrationApp, _ list: () async throws(IntegrationError) -> [ArrQualityProfile]) async throws(IntegrationError) -> Int {
        if let wanted, wanted > 0 { return wanted }
        let profiles = try await list()
        guard let first = profiles.first else { throw IntegrationError.notFound(app, "quality profile") }
        return first.id
    }

    /// `wanted` when given and not empty, else the app's first root folder.
    static func folder(_ wanted: String?, _ app: IntegrationApp, _ list: () async throws(IntegrationError) -> [ArrRootFolder]) async throws(IntegrationError) -> String {
        if let wanted, !wanted.isEmpty { return wanted }
        let folders = try await list()
        guard let first = folders.first else { throw IntegrationError.notFound(app, "root folder") }
        return first.path
    }
}
