import Core
public import HTTP
import Store

/// 003's TV shows (`/api/v1/tvshows*`): series, seasons, episodes, their files, credits, genres and
/// networks, recent and upcoming episodes, and the caller's own episode progress, next episode,
/// continue-watching and stats. Everything is narrowed to the libraries the caller may see.
public struct SeriesRoutes: RouteProvider {
    let catalog: CatalogService

    public init(catalog: CatalogService) {
        self.catalog = catalog
    }

    static let idTypes: [String: Schema] = ["id": .string(maxLength: 64)]
    static let orders = ["created_at", "title", "first_air_date", "vote_average", "popularity"]

    public var routes: [Route] {
        listRoutes + seriesRoutes + episodeRoutes + progressRoutes
    }

    var listRoutes: [Route] {
        let catalog = catalog
        return [
            Route.get(
                "/api/v1/tvshows", .permission("media:read"),
                RouteDoc(
                    "Series you may see (003), sorted by order_by, filtered by genre", tag: "tvshows", query: ["order_by", "limit", "offset", "genre"],
                    parameterTypes: CatalogQuery.pageTypes().merging(["order_by": .oneOf(Self.orders), "genre": .string(maxLength: 64)]) { $1 },
                    responseSchema: CatalogRows.pageSchema(CatalogRows.seriesSchema))
            ) { request in
                let query = CatalogQuery(request)
                let page = try query.page()
                let order = try query.choice("order_by", Self.orders) ?? "created_at"
                let genre = try query.text("genre", maxBytes: 64)
                return .json(try await Self.read(catalog, request) { shows in
                    let found = try shows.list(order: order, genre: genre, limit: page.limit, offset: page.offset)
                    return CatalogRows.page(found.rows.map(CatalogRows.series), total: found.total, limit: page.limit, offset: page.offset)
                })
            },
            Route.get(
                "/api/v1/tvshows/recently-added", .permission("media:read"),
                RouteDoc("Series you may see, newest in the library first (003)", tag: "tvshows", query: ["limit", "offset"],
                         parameterTypes: CatalogQuery.pageTypes(), responseSchema: CatalogRows.pageSchema(CatalogRows.seriesSchema))
            ) { request in
                let page = try CatalogQuery(request).page()
                return .json(try await Self.read(catalog, request) { shows in
                    let found = try shows.list(order: "created_at", genre: nil, limit: page.limit, offset: page.offset)
                    return CatalogRows.page(found.rows.map(CatalogRows.series), total: found.total, limit: page.limit, offset: page.offset)
                })
            },
            Route.get(
                "/api/v1/tvshows/search", .permission("media:read"),
                RouteDoc("Series you may see whose title, cast, genres or overview match query (003; prefix matching)", tag: "tvshows",
                         query: ["query", "limit", "offset"],
                         parameterTypes: CatalogQuery.pageTypes().merging(["query": .string(maxLength: 200)]) { $1 },
                         responseSchema: .array(CatalogRows.seriesSchema))
            ) { request in
                let query = CatalogQuery(request)
                let page = try query.page()
                guard let text = try query.text("query") ?? query.text("q") else {
                    throw HTTPError.badRequest("Missing query parameter 'query'", detail: "query")
                }
                return .json(try await Self.read(catalog, request) { shows in
                    guard let match = FTSQuery.prefixMatch(text) else { return .array([]) }
                    let visible = shows.scope.condition("s.library_id")
                    let rows = try shows.connection.query(
                        """
                        SELECT \(SeriesQueries.seriesColumns) FROM series_search f CROSS JOIN series s ON s.search_rowid = f.rowid
                        WHERE series_search MATCH ? AND \(visible.sql)
                        ORDER BY bm25(series_search, 10.0, 6.0, 1.0, 3.0, 2.0), s.popularity DESC NULLS LAST LIMIT ? OFFSET ?
                        """, [.text(match)] + visible.values + [.integer(Int64(page.limit)), .integer(Int64(page.offset))])
                    return .array(rows.map(CatalogRows.series))
                })
            },
            airDateRoute("recent", "Episodes that aired up to today in series you may see, newest first (003)", upcoming: false),
            airDateRoute("upcoming", "Episodes airing after today in series you may see, soonest first (003)", upcoming: true),
        ]
    }

    func airDateRoute(_ name: String, _ summary: String, upcoming: Bool) -> Route {
        let catalog = catalog
        return Route.get(
            "/api/v1/tvshows/episodes/\(name)", .permission("media:read"),
            RouteDoc(summary, tag: "tvshows", query: ["limit", "offset"], parameterTypes: CatalogQuery.pageTypes(),
                     responseSchema: .array(CatalogRows.episodeWithSeriesSchema))
        ) { request in
            let page = try CatalogQuery(request).page()
            let today = SeriesQueries.today(catalog.clock())
            return .json(try await Self.read(catalog, request) { shows in
                .array(try shows.byAirDate(upcoming: upcoming, today: today, limit: page.limit, offset: page.offset).map(CatalogRows.episodeWithSeries))
            })
        }
    }

    var seriesRoutes: [Route] {
        let catalog = catalog
        return [
            Route.get(
                "/api/v1/tvshows/{id}", .permission("media:read"),
                RouteDoc("One series with its season and episode counts (003)", tag: "tvshows", parameterTypes: Self.idTypes,
                         responseSchema: CatalogRows.seriesSchema, errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { shows in CatalogRows.series(try shows.series(id)) })
            },
            Route.get(
                "/api/v1/tvshows/{id}/seasons", .permission("media:read"),
                RouteDoc("A series' seasons, specials first (003)", tag: "tvshows", parameterTypes: Self.idTypes,
                         responseSchema: .array(CatalogRows.seasonSchema), errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { shows in
                    _ = try shows.series(id)
                    return .array(try shows.seasons(ofSeries: id).map(CatalogRows.season))
                })
            },
            Route.get(
                "/api/v1/tvshows/{id}/episodes", .permission("media:read"),
                RouteDoc("A series' episodes in order (003)", tag: "tvshows", parameterTypes: Self.idTypes,
                         responseSchema: .array(CatalogRows.episodeSchema), errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { shows in
                    _ = try shows.series(id)
                    return .array(try shows.episodes(where: "series_id", id).map(CatalogRows.episode))
                })
            },
            creditRoute("cast", "A series' cast in billing order (003)"),
            creditRoute("crew", "A series' crew by department and job (003)"),
            Route.get(
                "/api/v1/tvshows/{id}/genres", .permission("media:read"),
                RouteDoc("A series' genres (003)", tag: "tvshows", parameterTypes: Self.idTypes,
                         responseSchema: .array(CatalogRows.genreSchema(owner: "series_id")), errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { shows in
                    _ = try shows.series(id)
                    return .array(try shows.connection.query(
                        "SELECT sg.series_id, sg.genre_id, sg.created_at, g.slug, g.name FROM series_genres sg JOIN genres g ON g.id = sg.genre_id WHERE sg.series_id = ? ORDER BY g.name",
                        [.text(id)]).map { CatalogRows.genre($0, owner: "series_id") })
                })
            },
            Route.get(
                "/api/v1/tvshows/{id}/networks", .permission("media:read"),
                RouteDoc("The networks that air a series (003)", tag: "tvshows", parameterTypes: Self.idTypes,
                         responseSchema: .array(CatalogRows.networkSchema), errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { shows in
                    _ = try shows.series(id)
                    return .array(try shows.connection.query(
                        "SELECT n.* FROM series_networks sn JOIN networks n ON n.id = sn.network_id WHERE sn.series_id = ? ORDER BY n.name",
                        [.text(id)]).map(CatalogRows.network))
                })
            },
            Route.get(
                "/api/v1/tvshows/seasons/{id}", .permission("media:read"),
                RouteDoc("One season (003)", tag: "tvshows", parameterTypes: Self.idTypes, responseSchema: CatalogRows.seasonSchema, errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { shows in CatalogRows.season(try shows.season(id)) })
            },
            Route.get(
                "/api/v1/tvshows/seasons/{id}/episodes", .permission("media:read"),
                RouteDoc("A season's episodes in order (003)", tag: "tvshows", parameterTypes: Self.idTypes,
                         responseSchema: .array(CatalogRows.episodeSchema), errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { shows in
                    _ = try shows.season(id)
                    return .array(try shows.episodes(where: "season_id", id).map(CatalogRows.episode))
                })
            },
        ]
    }

    func creditRoute(_ type: String, _ summary: String) -> Route {
        CreditRoute.make(
            catalog, base: "/api/v1/tvshows", tag: "tvshows", owner: "series_id", table: "series_credits", type: type, summary: summary
        ) { connection, principal, id in
            _ = try SeriesQueries(connection, principal: principal).series(id)
        }
    }

    var episodeRoutes: [Route] {
        let catalog = catalog
        return [
            Route.get(
                "/api/v1/tvshows/episodes/{id}", .permission("media:read"),
                RouteDoc("One episode (003)", tag: "tvshows", parameterTypes: Self.idTypes, responseSchema: CatalogRows.episodeSchema, errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { shows in CatalogRows.episode(try shows.episode(id)) })
            },
            Route.get(
                "/api/v1/tvshows/episodes/{id}/files", .permission("media:read"),
                RouteDoc("An episode's files with what probing found (003); a multi-episode file is listed for each of its episodes",
                         tag: "tvshows", parameterTypes: Self.idTypes, responseSchema: .array(CatalogRows.fileSchema(owner: "episode_id")),
                         errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { shows in
                    _ = try shows.episode(id)
                    return .array(try shows.files(ofEpisode: id).map { CatalogRows.file($0, owner: ("episode_id", id)) })
                })
            },
        ]
    }

    /// Runs `body` with the caller's series queries on the database queue.
    static func read(
        _ catalog: CatalogService, _ request: Request, _ body: @escaping @Sendable (SeriesQueries) throws -> JSON
    ) async throws(HTTPError) -> JSON {
        let principal = request.principal
        return try await catalog.perform { connection in try body(SeriesQueries(connection, principal: principal)) }
    }
}
