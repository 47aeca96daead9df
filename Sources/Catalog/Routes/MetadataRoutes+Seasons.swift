import Core
import HTTP

/// Seasons, episodes and collections: the metadata routes below a show, and TMDb's collections.
extension MetadataRoutes {
    /// `/tv/{id}/season/{seasonNumber}` and its `/episode/{episodeNumber}`.
    func seasonRoutes(_ tmdb: TMDbClient) -> [Route] {
        [
            Route.get(
                "/api/v1/metadata/tv/{id}/season/{seasonNumber}", .authenticated,
                RouteDoc(
                    "A season of a TV show from TMDb, with its episodes", tag: "metadata", query: ["language"],
                    parameterTypes: Self.seasonTypes.merging(["language": Self.searchTypes["language"] ?? .string]) { first, _ in first },
                    responseSchema: MetadataSchemas.season, errors: [400, 404])
            ) { request in
                let show = try Self.number(request, "id", 1...Int(Int32.max))
                let number = try Self.number(request, "seasonNumber", 0...1000)
                let season = try await tmdb.season(show: show, number, language: try MetadataSearch.language(request))
                return .json(MetadataJSON.season(season, show: show))
            },
            Route.get(
                "/api/v1/metadata/tv/{id}/season/{seasonNumber}/episode/{episodeNumber}", .authenticated,
                RouteDoc(
                    "An episode of a TV show from TMDb, with its crew and guest stars", tag: "metadata", query: ["language"],
                    parameterTypes: Self.seasonTypes.merging([
                        "episodeNumber": .integer(minimum: 0, maximum: 10_000), "language": Self.searchTypes["language"] ?? .string,
                    ]) { first, _ in first },
                    responseSchema: MetadataSchemas.episode, errors: [400, 404])
            ) { request in
                let show = try Self.number(request, "id", 1...Int(Int32.max))
                let season = try Self.number(request, "seasonNumber", 0...1000)
                let number = try Self.number(request, "episodeNumber", 0...10_000)
                let episode = try await tmdb.episode(show: show, season: season, number, language: try MetadataSearch.language(request))
                return .json(MetadataJSON.episode(episode, show: show, season: season))
            },
        ]
    }

    /// `/collection/{id}`.
    func collectionRoute(_ tmdb: TMDbClient) -> Route {
        Route.get(
            "/api/v1/metadata/collection/{id}", .authenticated,
            RouteDoc(
                "A collection from TMDb, with its movies", tag: "metadata", query: ["language"],
                parameterTypes: ["id": Self.idType, "language": Self.searchTypes["language"] ?? .string],
                responseSchema: MetadataSchemas.collection, errors: [400, 404])
        ) { request in
            let collection = try await tmdb.collection(
                try Self.number(request, "id", 1...Int(Int32.max)), language: try MetadataSearch.language(request))
            return .json(MetadataJSON.collection(collection))
        }
    }

    /// A path number within `range` (digits only, so `+1` or `01e2` are refused); a 400 naming it otherwise.
    static func number(_ request: Request, _ name: String, _ range: ClosedRange<Int>) throws(HTTPError) -> Int {
        let text = request.parameter(name)
        guard (1...10).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(text),
            range.contains(value)
        else {
            throw HTTPError.badRequest("Invalid \(name): an integer from \(range.lowerBound) to \(range.upperBound)", detail: name)
        }
        return value
    }
}

/// The query of a metadata search: `q` (1…200 bytes), `year`, `limit` (1…100, default 20), `language`,
/// and `provider` (only `tmdb`).
struct MetadataSearch {
    let text: String
    let year: Int?
    let limit: Int
    let language: String?

    init(_ request: Request) throws(HTTPError) {
        let query = CatalogQuery(request)
        guard let text = try query.text("q", maxBytes: 200), !text.trimmingWhitespace().isEmpty else {
            throw HTTPError.badRequest("Missing q: the title to search for", detail: "q")
        }
        self.text = text
        year = try query.integer("year", 1800...2200)
        limit = try query.integer("limit", 1...100) ?? 20
        language = try Self.language(request)
        // 003 also names tvdb and the *arr apps; this appliance asks TMDb only.
        _ = try query.choice("provider", ["tmdb"])
    }

    /// `language` as ISO 639-1 with an optional region (`en`, `pt-BR`); absent is nil.
    static func language(_ request: Request) throws(HTTPError) -> String? {
        guard let text = request.query["language"] else { return nil }
        guard TMDbLanguage.isValid(text) else { throw HTTPError.badRequest("Invalid language: e.g. en or pt-BR", detail: "language") }
        return text
    }
}
