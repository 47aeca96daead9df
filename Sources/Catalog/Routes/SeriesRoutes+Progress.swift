import Core
import HTTP
import Store

extension SeriesRoutes {
    /// The caller's own episode progress, watched marks, next episode, watch stats and continue-watching.
    var progressRoutes: [Route] {
        let catalog = catalog
        let progress = ProgressRoutes(
            catalog: catalog, path: "/api/v1/tvshows/episodes/{id}/progress", tag: "tvshows", noun: "episode", owner: "episode_id",
            recordMethod: "PUT", progress: { WatchProgress.episodes($0, userID: $1, now: $2) }
        ) { connection, principal, id in _ = try SeriesQueries(connection, principal: principal).episode(id) }
        return progress.routes + [
            Route.post(
                "/api/v1/tvshows/episodes/{id}/watched", .permission("media:read"),
                RouteDoc(
                    "Mark an episode watched by you (003); duration_seconds when the catalog does not know it", tag: "tvshows",
                    parameterTypes: Self.idTypes, request: ["duration_seconds": 2700], status: 204,
                    requestSchema: .object([:], optional: ["duration_seconds": .integer(minimum: 1, maximum: 1_000_000)]), requestOptional: true,
                    errors: [404])
            ) { request in
                let id = request.parameter("id")
                let given = try request.optionalFields().optionalInt("duration_seconds", in: 1...1_000_000).map(Int.init)
                let now = catalog.clock()
                _ = try await Self.read(catalog, request) { shows in
                    try Self.markWatched(shows, id, duration: given, now: now)
                    return .null
                }
                return .empty()
            },
            Route.post(
                "/api/v1/tvshows/episodes/bulk-watched", .permission("media:read"),
                RouteDoc(
                    "Mark up to 1,000 episodes watched by you (003); ids you may not see are skipped", tag: "tvshows",
                    request: ["episode_ids": ["…"]], requestSchema: .object(["episode_ids": .array(.string(maxLength: 64))]),
                    responseSchema: .object(["marked_count": .integer]))
            ) { request in
                guard let ids = try request.fields().optionalStrings("episode_ids", maxCount: 1000, maxBytes: 64) else {
                    throw HTTPError.badRequest("Missing field 'episode_ids'", detail: "episode_ids")
                }
                let now = catalog.clock()
                return .json(try await Self.read(catalog, request) { shows in
                    var marked = 0
                    for id in Set(ids) {
                        do {
                            try Self.markWatched(shows, id, duration: nil, now: now)
                            marked += 1
                        } catch is CatalogError {
                            continue
                        }
                    }
                    return ["marked_count": JSON(marked)]
                })
            },
            Route.get(
                "/api/v1/tvshows/{id}/next-episode", .permission("media:read"),
                RouteDoc("The episode after the last one you finished (the first when you have none); 404 when you are through", tag: "tvshows",
                         parameterTypes: Self.idTypes, responseSchema: CatalogRows.episodeSchema, errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { shows in
                    _ = try shows.series(id)
                    guard let row = try shows.nextEpisode(id) else { throw CatalogError.notFound("No next episode: you have watched them all") }
                    return CatalogRows.episode(row)
                })
            },
            Route.get(
                "/api/v1/tvshows/{id}/watch-stats", .permission("media:read"),
                RouteDoc("How far you are through a series (003)", tag: "tvshows", parameterTypes: Self.idTypes,
                         responseSchema: .object([
                            "series_id": .string, "total_episodes": .integer, "watched_episodes": .integer, "total_runtime_minutes": .integer,
                            "watched_runtime_minutes": .integer, "completion_percent": .number, "last_watched_at": .nullable(.dateTime),
                         ]), errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { shows in
                    _ = try shows.series(id)
                    let row = try shows.connection.queryOne(
                        """
                        SELECT count(*), coalesce(sum(p.is_completed), 0), coalesce(sum(e.runtime), 0),
                            coalesce(sum(CASE WHEN p.is_completed = 1 THEN coalesce(e.runtime, p.duration_seconds / 60) ELSE 0 END), 0),
                            max(p.last_watched_at)
                        FROM episodes e LEFT JOIN episode_progress p ON p.episode_id = e.id AND p.user_id = ?
                        WHERE e.series_id = ? AND e.season_number > 0
                        """, [.text(shows.userID), .text(id)])
                    let total = row?[0].intValue ?? 0
                    let watched = row?[1].intValue ?? 0
                    return [
                        "series_id": .string(id), "total_episodes": JSON(total), "watched_episodes": JSON(watched),
                        "total_runtime_minutes": JSON(row?[2].intValue ?? 0), "watched_runtime_minutes": JSON(row?[3].intValue ?? 0),
                        "completion_percent": .double(total == 0 ? 0 : (Double(watched) * 1000 / Double(total)).rounded() / 10),
                        "last_watched_at": CatalogJSON.time(row?[4].int64Value),
                    ]
                })
            },
            Route.get(
                "/api/v1/tvshows/continue-watching", .permission("media:read"),
                RouteDoc("Episodes you started and have not finished, most recent first (003)", tag: "tvshows", query: ["limit"],
                         parameterTypes: ["limit": .integer(minimum: 1, maximum: 100)], responseSchema: .array(Self.continueSchema))
            ) { request in
                let limit = try CatalogQuery(request).integer("limit", 1...100) ?? 20
                return .json(try await Self.read(catalog, request) { shows in
                    let visible = shows.scope.condition("s.library_id")
                    let rows = try shows.connection.query(
                        """
                        SELECT s.id AS series_id, s.title AS series_title, s.poster_path AS series_poster_path, e.id AS episode_id,
                            e.title AS episode_title, e.season_number, e.episode_number, p.progress_seconds, p.duration_seconds,
                            round(p.progress_seconds * 100.0 / max(p.duration_seconds, 1), 1) AS progress_percent, p.last_watched_at
                        FROM episode_progress p JOIN episodes e ON e.id = p.episode_id JOIN series s ON s.id = e.series_id
                        WHERE p.user_id = ? AND p.is_completed = 0 AND p.progress_seconds > 0 AND \(visible.sql)
                        ORDER BY p.last_watched_at DESC LIMIT ?
                        """, [.text(shows.userID)] + visible.values + [.integer(Int64(limit))])
                    return .array(rows.map { row in
                        var object = CatalogRows.columns(
                            row, ["series_id", "series_title", "series_poster_path", "episode_id", "episode_title", "season_number", "episode_number",
                                  "progress_seconds", "duration_seconds", "progress_percent"])
                        object["last_watched_at"] = CatalogJSON.time(row["last_watched_at"].int64Value)
                        return .object(object)
                    })
                })
            },
            Route.get(
                "/api/v1/tvshows/stats", .permission("media:read"),
                RouteDoc("Your series watching in numbers (003)", tag: "tvshows",
                         responseSchema: .object([
                            "user_id": .string, "total_series": .integer, "total_episodes_watched": .integer, "total_watch_time_minutes": .integer,
                            "completed_series": .integer, "current_series": .integer,
                         ]))
            ) { request in
                .json(try await Self.read(catalog, request) { shows in
                    let visible = shows.scope.condition("s.library_id")
                    let rows = try shows.connection.query(
                        """
                        SELECT s.id, sum(p.is_completed) AS watched, sum(CASE WHEN p.is_completed = 1 THEN p.duration_seconds ELSE 0 END) AS seconds,
                            (SELECT count(*) FROM episodes e2 WHERE e2.series_id = s.id AND e2.season_number > 0) AS episodes
                        FROM episode_progress p JOIN episodes e ON e.id = p.episode_id JOIN series s ON s.id = e.series_id
                        WHERE p.user_id = ? AND \(visible.sql) GROUP BY s.id
                        """, [.text(shows.userID)] + visible.values)
                    let watched = rows.reduce(0) { $0 + ($1["watched"].intValue ?? 0) }
                    let seconds = rows.reduce(0) { $0 + ($1["seconds"].intValue ?? 0) }
                    let completed = rows.count { ($0["watched"].intValue ?? 0) >= max($0["episodes"].intValue ?? 0, 1) }
                    return [
                        "user_id": .string(shows.userID), "total_series": JSON(rows.count), "total_episodes_watched": JSON(watched),
                        "total_watch_time_minutes": JSON(seconds / 60), "completed_series": JSON(completed),
                        "current_series": JSON(rows.count - completed),
                    ]
                })
            },
        ]
    }

    static let continueSchema = Schema.object([
        "series_id": .string, "series_title": .string, "series_poster_path": .nullable(.string), "episode_id": .string,
        "episode_title": .nullable(.string), "season_number": .integer, "episode_number": .integer, "progress_seconds": .integer,
        "duration_seconds": .integer, "progress_percent": .number, "last_watched_at": .dateTime,
    ])

    /// Marks one visible episode watched; its length from its files, its runtime, or `duration`.
    static func markWatched(_ shows: SeriesQueries, _ id: String, duration: Int?, now: Int64) throws {
        let episode = try shows.episode(id)
        let fileLength = try shows.connection.queryOne(
            "SELECT max(f.duration_seconds) FROM media_files f JOIN episode_files ef ON ef.file_id = f.id WHERE ef.episode_id = ?", [.text(id)]
        )?[0].intValue
        let length = duration ?? fileLength ?? (episode["runtime"].intValue ?? 0) * 60
        try WatchProgress.episodes(shows.connection, userID: shows.userID, now: now).markWatched(id, duration: length)
    }
}
