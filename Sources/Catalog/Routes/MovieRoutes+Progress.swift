import Core
import HTTP
import Store

extension MovieRoutes {
    /// The caller's own progress, watched marks, continue-watching, history and stats.
    var progressRoutes: [Route] {
        let catalog = catalog
        let progress = ProgressRoutes(
            catalog: catalog, path: "/api/v1/movies/{id}/progress", tag: "movies", noun: "movie", owner: "movie_id", recordMethod: "POST",
            progress: { WatchProgress.movies($0, userID: $1, now: $2) }
        ) { connection, principal, id in _ = try MovieQueries(connection, principal: principal).movie(id) }
        return progress.routes + [
            Route.post(
                "/api/v1/movies/{id}/watched", .permission("media:read"),
                RouteDoc("Mark a movie watched by you (003; each mark is a watch)", tag: "movies", parameterTypes: Self.idTypes, status: 204,
                         errors: [404])
            ) { request in
                let id = request.parameter("id")
                let now = catalog.clock()
                _ = try await Self.read(catalog, request) { movies in
                    let movie = try movies.movie(id)
                    let fileLength = try movies.connection.queryOne(
                        "SELECT max(duration_seconds) FROM media_files WHERE movie_id = ?", [.text(id)])?[0].intValue
                    let duration = fileLength ?? (movie["runtime"].intValue ?? 0) * 60
                    try WatchProgress.movies(movies.connection, userID: movies.userID, now: now).markWatched(id, duration: duration)
                    return .null
                }
                return .empty()
            },
            Route.get(
                "/api/v1/movies/continue-watching", .permission("media:read"),
                RouteDoc("Movies you started and have not finished, most recent first (003)", tag: "movies", query: ["limit"],
                         parameterTypes: ["limit": .integer(minimum: 1, maximum: 100)], responseSchema: .array(Self.continueSchema))
            ) { request in
                let limit = try CatalogQuery(request).integer("limit", 1...100) ?? 20
                return .json(try await Self.read(catalog, request) { movies in
                    .array(try Self.withProgress(movies, completed: false, limit: limit, offset: 0).map { row in
                        Self.merge(row, ["progress_seconds", "duration_seconds", "progress_percent", "last_watched_at"])
                    })
                })
            },
            Route.get(
                "/api/v1/movies/watch-history", .permission("media:read"),
                RouteDoc("Movies you watched, most recent first (003)", tag: "movies", query: ["limit", "offset"],
                         parameterTypes: CatalogQuery.pageTypes(), responseSchema: .array(Self.historySchema))
            ) { request in
                let page = try CatalogQuery(request).page()
                return .json(try await Self.read(catalog, request) { movies in
                    .array(try Self.withProgress(movies, completed: true, limit: page.limit, offset: page.offset).map { row in
                        Self.merge(row, ["watch_count", "last_watched_at"])
                    })
                })
            },
            Route.get(
                "/api/v1/movies/stats", .permission("media:read"),
                RouteDoc("How many movies you watched and have in progress, and your watches in all (003)", tag: "movies",
                         responseSchema: .object(["watched_count": .integer, "in_progress_count": .integer, "total_watches": .integer]))
            ) { request in
                .json(try await Self.read(catalog, request) { movies in
                    let visible = movies.scope.condition("m.library_id")
                    let row = try movies.connection.queryOne(
                        """
                        SELECT coalesce(sum(p.is_completed), 0), coalesce(sum(p.is_completed = 0 AND p.progress_seconds > 0), 0),
                            coalesce(sum(p.watch_count), 0)
                        FROM movie_progress p JOIN movies m ON m.id = p.movie_id WHERE p.user_id = ? AND \(visible.sql)
                        """, [.text(movies.userID)] + visible.values)
                    return [
                        "watched_count": JSON(row?[0].intValue ?? 0), "in_progress_count": JSON(row?[1].intValue ?? 0),
                        "total_watches": JSON(row?[2].intValue ?? 0),
                    ]
                })
            },
        ]
    }

    /// The caller's movies with progress rows, completed or in progress, most recent first.
    static func withProgress(_ movies: MovieQueries, completed: Bool, limit: Int, offset: Int) throws(SQLiteError) -> [Row] {
        let visible = movies.scope.condition("m.library_id")
        let condition = completed ? "p.watch_count > 0" : "p.is_completed = 0 AND p.progress_seconds > 0"
        return try movies.connection.query(
            """
            SELECT m.*, p.progress_seconds, p.duration_seconds, p.watch_count, p.last_watched_at AS progress_at,
                min(100, p.progress_seconds * 100 / max(p.duration_seconds, 1)) AS progress_percent
            FROM movie_progress p JOIN movies m ON m.id = p.movie_id
            WHERE p.user_id = ? AND \(condition) AND \(visible.sql) ORDER BY p.last_watched_at DESC LIMIT ? OFFSET ?
            """, [.text(movies.userID)] + visible.values + [.integer(Int64(limit)), .integer(Int64(offset))])
    }

    /// A movie with the named progress fields beside its own.
    static func merge(_ row: Row, _ fields: [String]) -> JSON {
        guard case .object(var object) = CatalogRows.movie(row) else { return .null }
        for field in fields {
            object[field] = field == "last_watched_at" ? CatalogJSON.time(row["progress_at"].int64Value) : CatalogJSON.value(row[field])
        }
        return .object(object)
    }
}
