import Fetch

/// Sonarr's v3 API as the appliance uses it: status and health, the series list with episode counts,
/// quality profiles, root folders, queue, history, adding a series by TVDb id, commands.
public struct SonarrClient: Sendable {
    public let connection: AppConnection

    public init(connection: AppConnection) {
        self.connection = connection
    }

    public func systemStatus(fresh: Bool = false) async throws(IntegrationError) -> ArrSystemStatus {
        try await ArrCalls.systemStatus(connection, prefix: "/api/v3", fresh: fresh)
    }

    public func health() async throws(IntegrationError) -> [ArrHealthItem] {
        try await connection.get("/api/v3/health", lifetime: .status)
    }

    /// Every series Sonarr knows, with its statistics (cached 5 min).
    public func series(fresh: Bool = false) async throws(IntegrationError) -> [SonarrSeries] {
        if fresh {
            let list: [SonarrSeries] = try await connection.send(.get, "/api/v3/series", [], body: nil, what: "series")
            connection.cache.store(list, "/api/v3/series", lifetime: .list)
            return list
        }
        return try await connection.get("/api/v3/series", lifetime: .list)
    }

    /// Episodes across all series, from the series statistics.
    public func episodeCount() async throws(IntegrationError) -> Int {
        try await series().reduce(0) { $0 + ($1.statistics?.episodeCount ?? 0) }
    }

    public func qualityProfiles() async throws(IntegrationError) -> [ArrQualityProfile] {
        try await connection.get("/api/v3/qualityprofile", lifetime: .configuration)
    }

    public func rootFolders() async throws(IntegrationError) -> [ArrRootFolder] {
        try await connection.get("/api/v3/rootfolder", lifetime: .configuration)
    }

    public func queue(page: Int = 1, pageSize: Int = 50) async throws(IntegrationError) -> ArrPage<ArrQueueItem> {
        try await connection.get("/api/v3/queue", [("page", String(page)), ("pageSize", String(pageSize))], lifetime: .status)
    }

    public func history(page: Int = 1, pageSize: Int = 50) async throws(IntegrationError) -> ArrPage<ArrHistoryItem> {
        try await connection.get(
            "/api/v3/history", [("page", String(page)), ("pageSize", String(pageSize)), ("sortKey", "date"), ("sortDirection", "descending")],
            lifetime: .status)
    }

    /// Sonarr's series lookup for any term: a title, `tvdb:<id>`, or (Sonarr v4) `tmdb:<id>` / `imdb:<id>`.
    public func lookup(term: String) async throws(IntegrationError) -> [SonarrSeries] {
        try await connection.get("/api/v3/series/lookup", [("term", term)], lifetime: .list)
    }

    /// Sonarr's lookup of a TVDb id (`term=tvdb:<id>`): the series as Sonarr would add it.
    public func lookup(tvdbId: Int) async throws(IntegrationError) -> SonarrSeries {
        let found = try await lookup(term: "tvdb:\(tvdbId)")
        guard let series = found.first(where: { $0.tvdbId == tvdbId }) ?? found.first else {
            throw IntegrationError.notFound(.sonarr, "series with TVDb id \(tvdbId)")
        }
        return series
    }

    /// Adds the series with TVDb id `tvdbId`, monitored, with the quality profile and root folder given
    /// (nil: the configured ones, else Sonarr's first of each), searching for missing episodes when `search`.
    public func addSeries(tvdbId: Int, qualityProfileId: Int? = nil, rootFolder: String? = nil, search: Bool = true) async throws(IntegrationError)
        -> SonarrSeries
    {
        let found = try await lookup(tvdbId: tvdbId)
        let profile = try await ArrCalls.profile(qualityProfileId ?? connection.current.qualityProfileId, .sonarr, qualityProfiles)
        let folder = try await ArrCalls.folder(rootFolder ?? connection.current.rootFolder, .sonarr, rootFolders)
        let body = AddSeries(
            title: found.title, year: found.year, tvdbId: tvdbId, titleSlug: found.titleSlug, qualityProfileId: profile, languageProfileId: 1,
            rootFolderPath: folder, monitored: true, seasonFolder: true,
            addOptions: .init(monitor: "all", searchForMissingEpisodes: search))
        return try await connection.send(.post, "/api/v3/series", json: body)
    }

    /// Queues a command by name (`RefreshSeries`, `SeriesSearch`, …), for one series when given.
    public func command(_ name: String, seriesId: Int? = nil) async throws(IntegrationError) -> ArrCommand {
        try await connection.send(.post, "/api/v3/command", json: ArrCommandBody(name: name, movieIds: nil, seriesId: seriesId))
    }

    /// `POST /api/v3/series`'s body.
    struct AddSeries: Encodable {
        struct Options: Encodable {
            let monitor: String
            let searchForMissingEpisodes: Bool
        }

        let title: String
        let year: Int?
        let tvdbId: Int
        let titleSlug: String?
        let qualityProfileId: Int
        /// Sonarr v3 wants one; v4 ignores it.
        let languageProfileId: Int
        let rootFolderPath: String
        let monitored: Bool
        let seasonFolder: Bool
        let addOptions: Options
    }
}
