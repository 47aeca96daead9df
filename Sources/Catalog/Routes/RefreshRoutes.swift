import Core
public import HTTP
import Store

/// 003's metadata refreshes (`POST /api/v1/movies/{id}/refresh`, `/tvshows/{id}/refresh`): queue a
/// TMDb refresh of one item and answer 202 at once; the outcome lands in the item's metadata
/// (`metadata_updated_at`, or `metadata_error` with the reason).
public struct RefreshRoutes: RouteProvider {
    let catalog: CatalogService

    public init(catalog: CatalogService) {
        self.catalog = catalog
    }

    public var routes: [Route] {
        [
            route(table: "movies", path: "/api/v1/movies/{id}/refresh", noun: "movie"),
            route(table: "series", path: "/api/v1/tvshows/{id}/refresh", noun: "TV show"),
        ]
    }

    /// The refresh route of `table` (`movies` or `series`) at `path`.
    func route(table: String, path: String, noun: String) -> Route {
        let catalog = catalog
        return Route.post(
            path, .permission("media:write"),
            RouteDoc(
                "Refresh a \(noun)'s metadata from TMDb in the background", tag: table == "movies" ? "movies" : "tvshows",
                parameterTypes: ["id": .string(maxLength: 64, minLength: 1)], response: ["message": "Metadata refresh queued"], status: 202,
                responseSchema: .object(["message": .string]), errors: [404, 503])
        ) { request in
            let id = request.parameter("id")
            try await Self.checkVisible(table: table, id: id, noun: noun, request: request, catalog: catalog)
            guard catalog.tmdb.isConfigured else { throw MetadataError.notConfigured }
            if table == "movies" { catalog.queueRefresh(movie: id) } else { catalog.queueRefresh(series: id) }
            return .json(["message": "Metadata refresh queued"], status: 202)
        }
    }

    /// 404 unless the item exists in a library the caller may see.
    static func checkVisible(table: String, id: String, noun: String, request: Request, catalog: CatalogService) async throws(HTTPError) {
        let principal = request.principal
        let visible =
            (1...64).contains(id.utf8.count)
            ? try await catalog.perform { connection in
                guard let library = try connection.queryOne("SELECT library_id FROM \(table) WHERE id = ?", [.text(id)])?[0].stringValue else {
                    return false
                }
                return try LibraryScope.of(principal, connection: connection).allows(library)
            } : false
        guard visible else { throw HTTPError.notFound("No such \(noun)") }
    }
}
