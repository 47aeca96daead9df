import Core
public import HTTP

/// 003's TMDb lookups (`/api/v1/metadata/…`): search and details of movies, shows, seasons, episodes
/// and collections, straight from TMDb (through the shared client's pace and cache) in Revenge's
/// `Metadata*` shapes. Nothing here touches the catalog; 503 when TMDb is not configured.
public struct MetadataRoutes: RouteProvider {
    let catalog: CatalogService

    public init(catalog: CatalogService) {
        self.catalog = catalog
    }

    static let idType = Schema.integer(minimum: 1, maximum: Int64(Int32.max))
    static let searchTypes: [String: Schema] = [
        "q": .string(maxLength: 200, minLength: 1), "year": .integer(minimum: 1800, maximum: 2200),
        "limit": .integer(minimum: 1, maximum: 100), "language": Schema(["type": "string", "pattern": "^[a-z]{2}(-[A-Z]{2})?$"]),
        "provider": .oneOf(["tmdb"]),
    ]
    static let seasonTypes: [String: Schema] = ["id": idType, "seasonNumber": .integer(minimum: 0, maximum: 1000)]

    public var routes: [Route] {
        let tmdb = catalog.tmdb
        return [
            Route.get(
                "/api/v1/metadata/search/movie", .authenticated,
                RouteDoc(
                    "Search TMDb for movies (not the library)", tag: "metadata", query: ["q", "year", "limit", "language", "provider"],
                    parameterTypes: Self.searchTypes, responseSchema: MetadataSchemas.page(MetadataSchemas.movieResult), errors: [400])
            ) { request in
                let search = try MetadataSearch(request)
                let page = try await tmdb.searchMovies(search.text, year: search.year, language: search.language)
                return .json(MetadataJSON.moviePage(page, limit: search.limit))
            },
            Route.get(
                "/api/v1/metadata/search/tv", .authenticated,
                RouteDoc(
                    "Search TMDb for TV shows (not the library)", tag: "metadata", query: ["q", "year", "limit", "language", "provider"],
                    parameterTypes: Self.searchTypes, responseSchema: MetadataSchemas.page(MetadataSchemas.showResult), errors: [400])
            ) { request in
                let search = try MetadataSearch(request)
                let page = try await tmdb.searchShows(search.text, year: search.year, language: search.language)
                return .json(MetadataJSON.showPage(page, limit: search.limit))
            },
            Route.get(
                "/api/v1/metadata/movie/{id}", .authenticated,
                RouteDoc(
                    "A movie's details from TMDb, with genres, cast, crew and collection", tag: "metadata", query: ["language"],
                    parameterTypes: ["id": Self.idType, "language": Self.searchTypes["language"] ?? .string],
                    responseSchema: MetadataSchemas.movie, errors: [400, 404])
            ) { request in
                let movie = try await tmdb.movie(try Self.number(request, "id", 1...Int(Int32.max)), language: try MetadataSearch.language(request))
                return .json(MetadataJSON.movie(movie))
            },
            Route.get(
                "/api/v1/metadata/tv/{id}", .authenticated,
                RouteDoc(
                    "A TV show's details from TMDb, with networks, genres and seasons", tag: "metadata", query: ["language"],
                    parameterTypes: ["id": Self.idType, "language": Self.searchTypes["language"] ?? .string],
                    responseSchema: MetadataSchemas.show, errors: [400, 404])
            ) { request in
                let show = try await tmdb.show(try Self.number(request, "id", 1...Int(Int32.max)), language: try MetadataSearch.language(request))
                return .json(MetadataJSON.show(show))
            },
        ] + seasonRoutes(tmdb)
            + [collectionRoute(tmdb)]
            // TMDb failing (502) or not configured (503) can answer any of them.
            .map { $0.documenting(errors: [502, 503]) }
    }
}
