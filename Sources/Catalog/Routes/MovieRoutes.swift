import Core
public import HTTP
import Store

/// 003's movies and collections (`/api/v1/movies*`, `/api/v1/collections*`): lists with filters and
/// sorts, details, files, credits, genres, collection, similar movies, and the caller's own progress,
/// continue-watching, history and stats. Everything is narrowed to the libraries the caller may see.
public struct MovieRoutes: RouteProvider {
    let catalog: CatalogService

    public init(catalog: CatalogService) {
        self.catalog = catalog
    }

    static let idTypes: [String: Schema] = ["id": .string(maxLength: 64)]
    static let listSchema = CatalogRows.pageSchema(CatalogRows.movieSchema)
    static let filterQuery = ["genre", "year", "min_rating", "resolution", "watched"]
    static let filterTypes: [String: Schema] = [
        "genre": .string(maxLength: 64), "year": .integer(minimum: 1800, maximum: 2200), "min_rating": .number,
        "resolution": .oneOf(["2160p", "4k", "1080p", "720p", "sd"]), "watched": .boolean,
    ]
    static let continueSchema = CatalogRows.movieSchema(adding: [
        "progress_seconds": .integer, "duration_seconds": .integer, "progress_percent": .integer, "last_watched_at": .dateTime,
    ])
    static let historySchema = CatalogRows.movieSchema(adding: ["watch_count": .integer, "last_watched_at": .dateTime])

    public var routes: [Route] {
        listRoutes + detailRoutes + progressRoutes + collectionRoutes
    }

    var listRoutes: [Route] {
        let catalog = catalog
        return [
            Route.get(
                "/api/v1/movies", .permission("media:read"),
                RouteDoc(
                    "Movies you may see (003), sorted by order_by, filtered by genre, year, min_rating, resolution and watched (yours)",
                    tag: "movies", query: ["order_by", "limit", "offset"] + Self.filterQuery,
                    parameterTypes: CatalogQuery.pageTypes().merging(Self.filterTypes) { $1 }.merging(
                        ["order_by": .oneOf(["title", "year", "added", "rating", "release_date", "popularity"])]) { $1 },
                    responseSchema: Self.listSchema)
            ) { request in
                let query = CatalogQuery(request)
                let page = try query.page()
                let order = try query.choice("order_by", ["title", "year", "added", "rating", "release_date", "popularity"]) ?? "added"
                let filter = try Self.filter(query)
                return try await Self.page(catalog, request, limit: page.limit, offset: page.offset) { movies in
                    try movies.list(filter, order: order, limit: page.limit, offset: page.offset)
                }
            },
            Route.get(
                "/api/v1/movies/recently-added", .permission("media:read"),
                RouteDoc("Movies you may see, newest in the library first (003)", tag: "movies", query: ["limit", "offset"],
                         parameterTypes: CatalogQuery.pageTypes(), responseSchema: Self.listSchema)
            ) { request in
                let page = try CatalogQuery(request).page()
                return try await Self.page(catalog, request, limit: page.limit, offset: page.offset) { movies in
                    try movies.list(MovieQueries.Filter(), order: "added", limit: page.limit, offset: page.offset)
                }
            },
            Route.get(
                "/api/v1/movies/top-rated", .permission("media:read"),
                RouteDoc("Movies you may see by TMDb rating, with at least min_votes votes (003)", tag: "movies",
                         query: ["min_votes", "limit", "offset"],
                         parameterTypes: CatalogQuery.pageTypes().merging(["min_votes": .integer(minimum: 0, maximum: 10_000_000)]) { $1 },
                         responseSchema: Self.listSchema)
            ) { request in
                let query = CatalogQuery(request)
                let page = try query.page()
                var filter = MovieQueries.Filter()
                filter.minimumVotes = try query.integer("min_votes", 0...10_000_000) ?? 100
                let topRated = filter
                return try await Self.page(catalog, request, limit: page.limit, offset: page.offset) { movies in
                    try movies.list(topRated, order: "rating", limit: page.limit, offset: page.offset)
                }
            },
            Route.get(
                "/api/v1/movies/search", .permission("media:read"),
                RouteDoc("Movies you may see whose title, cast, genres or overview match query (003; prefix matching)", tag: "movies",
                         query: ["query", "limit", "offset"],
                         parameterTypes: CatalogQuery.pageTypes().merging(["query": .string(maxLength: 200)]) { $1 },
                         responseSchema: .array(CatalogRows.movieSchema))
            ) { request in
                let query = CatalogQuery(request)
                let page = try query.page()
                guard let text = try query.text("query") ?? query.text("q") else {
                    throw HTTPError.badRequest("Missing query parameter 'query'", detail: "query")
                }
                let principal = request.principal
                let rows = try await catalog.perform { connection in
                    try MovieSearch(connection, scope: LibraryScope.of(principal, connection: connection)).matching(text, limit: page.limit, offset: page.offset)
                }
                return .json(.array(rows.map(CatalogRows.movie)))
            },
        ]
    }

    var detailRoutes: [Route] {
        let catalog = catalog
        return [
            Route.get(
                "/api/v1/movies/{id}", .permission("media:read"),
                RouteDoc("One movie (003)", tag: "movies", parameterTypes: Self.idTypes, responseSchema: CatalogRows.movieSchema, errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { movies in CatalogRows.movie(try movies.movie(id)) })
            },
            Route.get(
                "/api/v1/movies/{id}/files", .permission("media:read"),
                RouteDoc("A movie's files with what probing found (003)", tag: "movies", parameterTypes: Self.idTypes,
                         responseSchema: .array(CatalogRows.fileSchema(owner: "movie_id")), errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { movies in
                    _ = try movies.movie(id)
                    return .array(try movies.files(id).map { CatalogRows.file($0, owner: ("movie_id", id)) })
                })
            },
            creditRoute("cast", "A movie's cast in billing order (003)"),
            creditRoute("crew", "A movie's crew by department and job (003)"),
            Route.get(
                "/api/v1/movies/{id}/genres", .permission("media:read"),
                RouteDoc("A movie's genres (003)", tag: "movies", parameterTypes: Self.idTypes,
                         responseSchema: .array(CatalogRows.genreSchema(owner: "movie_id")), errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { movies in
                    _ = try movies.movie(id)
                    return .array(try movies.genres(id).map { CatalogRows.genre($0, owner: "movie_id") })
                })
            },
            Route.get(
                "/api/v1/movies/{id}/collection", .permission("media:read"),
                RouteDoc("The collection a movie belongs to (003); 404 when it belongs to none", tag: "movies", parameterTypes: Self.idTypes,
                         responseSchema: CatalogRows.collectionSchema, errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { movies in
                    let movie = try movies.movie(id)
                    guard let collectionID = movie["collection_id"].stringValue,
                        let row = try movies.connection.queryOne("SELECT * FROM collections WHERE id = ?", [.text(collectionID)])
                    else { throw CatalogError.notFound("This movie belongs to no collection") }
                    return CatalogRows.collection(row)
                })
            },
            Route.get(
                "/api/v1/movies/{id}/similar", .permission("media:read"),
                RouteDoc(
                    "Movies in your libraries like this one (003): shared collection, cast, director and genres", tag: "movies",
                    query: ["limit"], parameterTypes: Self.idTypes.merging(["limit": .integer(minimum: 1, maximum: 50)]) { $1 },
                    responseSchema: .object(["movie_id": .string, "similar_movies": .array(Self.similarSchema), "total_results": .integer]),
                    errors: [404])
            ) { request in
                let id = request.parameter("id")
                let limit = try CatalogQuery(request).integer("limit", 1...50) ?? 20
                return .json(try await Self.read(catalog, request) { movies in
                    _ = try movies.movie(id)
                    let similar = try movies.similar(id, limit: limit).map(Self.similar)
                    return ["movie_id": .string(id), "similar_movies": .array(similar), "total_results": JSON(similar.count)]
                })
            },
        ]
    }

    static let similarSchema = Schema.object(
        ["id": .string, "title": .string, "in_library": .boolean, "score": .integer],
        optional: [
            "tmdb_id": .nullable(.integer), "original_title": .nullable(.string), "overview": .nullable(.string),
            "release_date": .nullable(.string), "poster_path": .nullable(.string), "backdrop_path": .nullable(.string),
            "vote_average": .nullable(.number), "vote_count": .nullable(.integer), "popularity": .nullable(.number),
        ])

    /// 003's SimilarMovie, with our id and score.
    static func similar(_ row: Row) -> JSON {
        var object = CatalogRows.columns(
            row, ["id", "tmdb_id", "title", "original_title", "overview", "release_date", "poster_path", "backdrop_path", "vote_average",
                  "vote_count", "popularity", "score"])
        object["in_library"] = true
        return .object(object)
    }

    func creditRoute(_ type: String, _ summary: String) -> Route {
        CreditRoute.make(
            catalog, base: "/api/v1/movies", tag: "movies", owner: "movie_id", table: "movie_credits", type: type, summary: summary
        ) { connection, principal, id in
            _ = try MovieQueries(connection, principal: principal).movie(id)
        }
    }

    var collectionRoutes: [Route] {
        let catalog = catalog
        return [
            Route.get(
                "/api/v1/collections/{id}", .permission("media:read"),
                RouteDoc("A movie collection with at least one movie you may see (003)", tag: "movies", parameterTypes: Self.idTypes,
                         responseSchema: CatalogRows.collectionSchema, errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { movies in
                    guard let row = try movies.connection.queryOne("SELECT * FROM collections WHERE id = ?", [.text(id)]),
                        try !Self.collectionMovies(movies, id).isEmpty
                    else { throw CatalogError.notFound("No such collection") }
                    return CatalogRows.collection(row)
                })
            },
            Route.get(
                "/api/v1/collections/{id}/movies", .permission("media:read"),
                RouteDoc("The movies of a collection you may see, by release date (003)", tag: "movies", parameterTypes: Self.idTypes,
                         responseSchema: .array(CatalogRows.movieSchema), errors: [404])
            ) { request in
                let id = request.parameter("id")
                return .json(try await Self.read(catalog, request) { movies in
                    let rows = try Self.collectionMovies(movies, id)
                    guard !rows.isEmpty else { throw CatalogError.notFound("No such collection") }
                    return .array(rows.map(CatalogRows.movie))
                })
            },
        ]
    }

    static func collectionMovies(_ movies: MovieQueries, _ id: String) throws(SQLiteError) -> [Row] {
        let visible = movies.scope.condition("library_id")
        return try movies.connection.query(
            "SELECT * FROM movies WHERE collection_id = ? AND \(visible.sql) ORDER BY release_date, year, sort_title", [.text(id)] + visible.values)
    }

    // MARK: Shared

    static func filter(_ query: CatalogQuery) throws(HTTPError) -> MovieQueries.Filter {
        var filter = MovieQueries.Filter()
        filter.genre = try query.text("genre", maxBytes: 64)
        filter.year = try query.integer("year", 1800...2200)
        filter.minimumRating = try query.number("min_rating", 0...10)
        filter.resolution = try query.choice("resolution", ["2160p", "4k", "1080p", "720p", "sd"])
        filter.watched = try query.boolean("watched")
        return filter
    }

    /// Runs `body` with the caller's movie queries on the database queue.
    static func read(
        _ catalog: CatalogService, _ request: Request, _ body: @escaping @Sendable (MovieQueries) throws -> JSON
    ) async throws(HTTPError) -> JSON {
        let principal = request.principal
        return try await catalog.perform { connection in try body(MovieQueries(connection, principal: principal)) }
    }

    /// A page of movies in 003's MovieListResponse.
    static func page(
        _ catalog: CatalogService, _ request: Request, limit: Int, offset: Int,
        _ body: @escaping @Sendable (MovieQueries) throws -> (rows: [Row], total: Int)
    ) async throws(HTTPError) -> Response {
        .json(try await read(catalog, request) { movies in
            let found = try body(movies)
            return CatalogRows.page(found.rows.map(CatalogRows.movie), total: found.total, limit: limit, offset: offset)
        })
    }
}
