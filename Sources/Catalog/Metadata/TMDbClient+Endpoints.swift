/// The TMDb calls the catalog makes, one per thing it looks up. `language` is an ISO 639-1 code with an
/// optional region (`de`, `pt-BR`), already checked by the caller; nil leaves TMDb's default (en-US).
extension TMDbClient {
    /// Credits, IMDb/TVDB ids and trailers in the same answer as the details.
    static let appended = ("append_to_response", "credits,external_ids,videos")

    /// `GET /search/movie`: page `page` (1–500) of movies whose title matches `text`, of `year` when given.
    public func searchMovies(
        _ text: String, year: Int?, language: String?, page: Int = 1
    ) async throws(MetadataError) -> TMDb.Page<TMDb.MovieSummary> {
        var query = [("query", text), ("include_adult", "false")]
        if page > 1 { query.append(("page", String(page))) }
        if let year { query.append(("year", String(year))) }
        return try await get("/search/movie", query + Self.language(language), what: "search results")
    }

    /// `GET /search/tv`: page `page` (1–500) of shows whose name matches `text`, first aired in `year` when given.
    public func searchShows(
        _ text: String, year: Int?, language: String?, page: Int = 1
    ) async throws(MetadataError) -> TMDb.Page<TMDb.ShowSummary> {
        var query = [("query", text), ("include_adult", "false")]
        if page > 1 { query.append(("page", String(page))) }
        if let year { query.append(("first_air_date_year", String(year))) }
        return try await get("/search/tv", query + Self.language(language), what: "search results")
    }

    /// `GET /movie/{id}` with credits, external ids and videos.
    public func movie(_ id: Int, language: String? = nil) async throws(MetadataError) -> TMDb.Movie {
        try await get("/movie/\(id)", [Self.appended] + Self.language(language), what: "movie \(id)")
    }

    /// `GET /tv/{id}` with credits, external ids and videos.
    public func show(_ id: Int, language: String? = nil) async throws(MetadataError) -> TMDb.Show {
        try await get("/tv/\(id)", [Self.appended] + Self.language(language), what: "TV show \(id)")
    }

    /// `GET /tv/{id}/season/{number}` with its episodes.
    public func season(show id: Int, _ number: Int, language: String? = nil) async throws(MetadataError) -> TMDb.Season {
        try await get("/tv/\(id)/season/\(number)", Self.language(language), what: "season \(number) of TV show \(id)")
    }

    /// `GET /tv/{id}/season/{season}/episode/{number}` with its crew and guest stars.
    public func episode(show id: Int, season: Int, _ number: Int, language: String? = nil) async throws(MetadataError) -> TMDb.Episode {
        try await get(
            "/tv/\(id)/season/\(season)/episode/\(number)", Self.language(language), what: "episode \(season)x\(number) of TV show \(id)")
    }

    /// `GET /collection/{id}` with its movies.
    public func collection(_ id: Int, language: String? = nil) async throws(MetadataError) -> TMDb.Collection {
        try await get("/collection/\(id)", Self.language(language), what: "collection \(id)")
    }

    /// The `language` parameter, when one was asked for.
    static func language(_ language: String?) -> [(String, String)] {
        language.map { [("language", $0)] } ?? []
    }
}
