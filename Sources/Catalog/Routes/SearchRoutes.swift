import Core
public import HTTP
import Store

/// 003's movie search (`/api/v1/search/movies*`) on SQLite FTS5 instead of Typesense: relevance then
/// popularity, every word a prefix, one-typo tolerance when nothing matches, facets with counts,
/// autocomplete, and a reindex. Library permissions apply to hits and facets alike.
public struct SearchRoutes: RouteProvider {
    let catalog: CatalogService

    public init(catalog: CatalogService) {
        self.catalog = catalog
    }

    static let facetList = Schema.array(.object(["value": .string, "count": .integer]))
    static let facetsSchema = Schema.object([
        "genres": facetList, "years": facetList, "status": facetList, "directors": facetList, "resolution": facetList, "has_file": facetList,
    ])
    static let documentSchema = Schema.object(
        ["id": .string, "title": .string, "genres": .array(.string), "cast": .array(.string), "directors": .array(.string), "has_file": .boolean],
        optional: [
            "tmdb_id": .nullable(.integer), "imdb_id": .nullable(.string), "original_title": .nullable(.string), "year": .nullable(.integer),
            "release_date": .nullable(.string), "runtime": .nullable(.integer), "overview": .nullable(.string), "status": .nullable(.string),
            "poster_path": .nullable(.string), "backdrop_path": .nullable(.string), "vote_average": .nullable(.number),
            "popularity": .nullable(.number), "resolution": .nullable(.string), "library_added_at": .dateTime,
        ])
    static let resultsSchema = Schema.object(
        [
            "hits": .array(.object(["document": documentSchema, "score": .number, "highlights": .anyObject])), "total_hits": .integer,
            "total_pages": .integer, "current_page": .integer, "search_time_ms": .integer, "facets": facetsSchema,
        ], optional: ["corrected_query": .string])

    public var routes: [Route] {
        let catalog = catalog
        return [
            Route.get(
                "/api/v1/search/movies", .permission("media:read"),
                RouteDoc(
                    "Search the movies you may see (003): titles, original titles, overviews, cast, directors and genres; every word a prefix; "
                        + "one typo forgiven when nothing matches; filter_by as Typesense (genres:=Action && year:>=2000); ranked by relevance then popularity (past 2,000 hits: title "
                        + "matches first, then popularity); total_hits counts every hit, facets and pages cover the best 1,000",
                    tag: "search", query: ["q", "page", "per_page", "sort_by", "filter_by"],
                    parameterTypes: [
                        "q": .string(maxLength: 200), "page": .integer(minimum: 1, maximum: 10_000), "per_page": .integer(minimum: 1, maximum: 100),
                        "sort_by": .oneOf(MovieSearch.sorts.keys.sorted()), "filter_by": .string(maxLength: 500),
                    ], responseSchema: Self.resultsSchema)
            ) { request in
                let query = CatalogQuery(request)
                guard let text = try query.text("q") else { throw HTTPError.badRequest("Missing query parameter 'q'", detail: "q") }
                let page = try query.integer("page", 1...10_000) ?? 1
                let perPage = try query.integer("per_page", 1...100) ?? 20
                let sort = try query.choice("sort_by", MovieSearch.sorts.keys.sorted())
                let filterText = try query.text("filter_by", maxBytes: 500)
                let filter: MovieSearch.Filter
                do throws(CatalogError) { filter = try MovieSearch.Filter(filterText) } catch { throw error.httpError }
                let principal = request.principal
                let started = catalog.clock()
                let clock = catalog.clock
                return .json(try await catalog.perform { connection -> JSON in
                    let search = MovieSearch(connection, scope: try LibraryScope.of(principal, connection: connection))
                    var corrected: String?
                    var found: (rows: [Row], total: Int, facets: [String: [(String, Int)]]) = ([], 0, [:])
                    if let match = FTSQuery.prefixMatch(text) {
                        found = try search.search(match: match, filter: filter, sort: sort, limit: perPage, offset: (page - 1) * perPage)
                        if found.total == 0, let fixed = try search.corrected(text), let match = FTSQuery.prefixMatch(fixed) {
                            corrected = fixed
                            found = try search.search(match: match, filter: filter, sort: sort, limit: perPage, offset: (page - 1) * perPage)
                        }
                    }
                    let hits = zip(found.rows, try Self.documents(found.rows, connection)).map { row, document in
                        ["document": document, "score": CatalogJSON.value(row["score"]), "highlights": [:]] as JSON
                    }
                    var answer: [String: JSON] = [
                        "hits": .array(hits), "total_hits": JSON(found.total), "total_pages": JSON((found.total + perPage - 1) / perPage),
                        "current_page": JSON(page), "search_time_ms": JSON(Int(clock() - started)), "facets": Self.facets(found.facets),
                    ]
                    if let corrected { answer["corrected_query"] = .string(corrected) }
                    return .object(answer)
                })
            },
            Route.get(
                "/api/v1/search/movies/autocomplete", .permission("media:read"),
                RouteDoc("Titles of movies you may see that start with what was typed, most popular first (003)", tag: "search",
                         query: ["q", "limit"], parameterTypes: ["q": .string(maxLength: 200), "limit": .integer(minimum: 1, maximum: 20)],
                         responseSchema: .object(["suggestions": .array(.string)]))
            ) { request in
                let query = CatalogQuery(request)
                guard let text = try query.text("q") else { throw HTTPError.badRequest("Missing query parameter 'q'", detail: "q") }
                let limit = try query.integer("limit", 1...20) ?? 10
                let principal = request.principal
                let titles = try await catalog.perform { connection in
                    try MovieSearch(connection, scope: LibraryScope.of(principal, connection: connection)).suggestions(text, limit: limit)
                }
                return .json(["suggestions": .array(titles.map(JSON.string))])
            },
            Route.get(
                "/api/v1/search/movies/facets", .permission("media:read"),
                RouteDoc("Genres, years, statuses, directors, resolutions and file presence of the movies you may see, with counts (003)",
                         tag: "search", responseSchema: Self.facetsSchema)
            ) { request in
                let principal = request.principal
                let facets = try await catalog.perform { connection in
                    let scope = try LibraryScope.of(principal, connection: connection)
                    return try catalog.facetCache.facets(scope, connection: connection) { () throws(SQLiteError) in
                        try MovieSearch(connection, scope: scope).catalogFacets()
                    }
                }
                return .json(Self.facets(facets))
            },
            Route.post(
                "/api/v1/search/reindex", .permission("libraries:write"),
                RouteDoc("Rebuild the search index from the catalog (003); answers when it is done", tag: "search", status: 202,
                         responseSchema: .object(["message": .string, "movies": .integer, "tvshows": .integer]))
            ) { _ in
                let counts = try await catalog.transaction { connection in try SearchIndex.rebuild(connection) }
                return .json(
                    ["message": "Search index rebuilt", "movies": JSON(counts.movies), "tvshows": JSON(counts.series)], status: 202)
            },
        ]
    }

    static func facets(_ facets: [String: [(String, Int)]]) -> JSON {
        var object: [String: JSON] = [:]
        for name in ["genres", "years", "status", "directors", "resolution", "has_file"] {
            object[name] = .array((facets[name] ?? []).map { ["value": .string($0.0), "count": JSON($0.1)] })
        }
        return .object(object)
    }

    /// 003's SearchDocuments for a page of movie rows: their genres, cast, directors and files read in
    /// four queries for the whole page rather than four per movie.
    static func documents(_ rows: [Row], _ connection: Connection) throws(SQLiteError) -> [JSON] {
        let ids = rows.compactMap { $0["id"].stringValue }
        guard !ids.isEmpty else { return rows.map { _ in .null } }
        let list = "(\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))"
        let values = ids.map(SQLValue.text)
        func names(_ sql: String) throws(SQLiteError) -> [String: [JSON]] {
            var byMovie: [String: [JSON]] = [:]
            for row in try connection.query(sql, values) {
                guard let movie = row[0].stringValue, let name = row[1].stringValue else { continue }
                byMovie[movie, default: []].append(.string(name))
            }
            return byMovie
        }
        let genres = try names(
            "SELECT mg.movie_id, g.name FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id WHERE mg.movie_id IN \(list) ORDER BY mg.movie_id, g.name")
        let cast = try names(
            """
            SELECT c.movie_id, p.name FROM movie_credits c JOIN people p ON p.id = c.person_id
            WHERE c.movie_id IN \(list) AND c.credit_type = 'cast' ORDER BY c.movie_id, c.cast_order
            """)
        let directors = try names(
            """
            SELECT c.movie_id, p.name FROM movie_credits c JOIN people p ON p.id = c.person_id
            WHERE c.movie_id IN \(list) AND c.job = 'Director' ORDER BY c.movie_id, p.name
            """)
        let withFile = Set(try connection.query(
            "SELECT DISTINCT movie_id FROM media_files WHERE movie_id IN \(list) AND missing_since IS NULL", values).compactMap { $0[0].stringValue })
        return rows.map { row in
            guard let id = row["id"].stringValue else { return .null }
            var object = CatalogRows.columns(
                row, ["id", "tmdb_id", "imdb_id", "title", "original_title", "year", "release_date", "runtime", "overview", "status", "poster_path",
                      "backdrop_path", "vote_average", "popularity"])
            object["genres"] = .array(genres[id] ?? [])
            object["cast"] = .array(Array((cast[id] ?? []).prefix(20)))
            object["directors"] = .array(directors[id] ?? [])
            object["has_file"] = .bool(withFile.contains(id))
            object["resolution"] = CatalogRows.resolution(height: row["max_height"].intValue).map(JSON.string) ?? .null
            object["library_added_at"] = CatalogJSON.time(row["added_at"].int64Value)
            return .object(object)
        }
    }
}
