import Core
import HTTP
import Store

/// The caller's own progress in a movie or an episode: read it, record a position, forget it. The two
/// item kinds differ in path, table, record method (003: POST for movies, PUT for episodes) and how
/// visibility is checked.
struct ProgressRoutes {
    let catalog: CatalogService
    /// `/api/v1/movies/{id}/progress` or `/api/v1/tvshows/episodes/{id}/progress`.
    let path: String
    let tag: String
    /// `movie` or `episode`, for the summaries and errors.
    let noun: String
    /// `movie_id` or `episode_id`.
    let owner: String
    let recordMethod: String
    let progress: @Sendable (Connection, String, Int64) -> WatchProgress
    /// Throws a 404 when the caller may not see the item.
    let visible: @Sendable (Connection, Principal, String) throws -> Void

    var routes: [Route] {
        let (catalog, noun, owner, progress, visible) = (catalog, noun, owner, progress, visible)
        let schema = WatchProgress.schema(owner: owner)
        let types: [String: Schema] = ["id": .string(maxLength: 64)]
        /// Runs `body` with the caller's progress rows after the visibility check.
        @Sendable func withProgress(
            _ request: Request, now: Int64, _ body: @escaping @Sendable (WatchProgress, String) throws -> JSON
        ) async throws(HTTPError) -> JSON {
            let (id, principal) = (request.parameter("id"), request.principal)
            return try await catalog.perform { connection in
                try visible(connection, principal, id)
                return try body(progress(connection, CatalogUser.id(principal), now), id)
            }
        }
        return [
            Route.get(
                path, .permission("media:read"),
                RouteDoc("Your progress in a \(noun) (003); 404 when you have none", tag: tag, parameterTypes: types, responseSchema: schema,
                         errors: [404])
            ) { request in
                .json(try await withProgress(request, now: 0) { rows, id in
                    guard let row = try rows.get(id) else { throw CatalogError.notFound("No progress on this \(noun)") }
                    return WatchProgress.json(row, owner: owner)
                })
            },
            Route(
                recordMethod, path, access: .permission("media:read"),
                doc: RouteDoc(
                    "Record where you are in a \(noun) (003); past 90 % it counts as watched", tag: tag, parameterTypes: types,
                    request: ["progress_seconds": 1800, "duration_seconds": 7200],
                    requestSchema: .object(["progress_seconds": .integer(minimum: 0, maximum: 1_000_000),
                                            "duration_seconds": .integer(minimum: 1, maximum: 1_000_000)]),
                    responseSchema: schema, errors: [404]),
                handler: .async { request in
                    let (position, duration) = try Self.position(request)
                    return .json(try await withProgress(request, now: catalog.clock()) { rows, id in
                        guard let row = try rows.record(id, position: position, duration: duration) else {
                            throw CatalogError.notFound("No progress on this \(noun)")
                        }
                        return WatchProgress.json(row, owner: owner)
                    })
                }),
            Route.delete(
                path, .permission("media:read"),
                RouteDoc("Forget your progress in a \(noun) (003)", tag: tag, parameterTypes: types, status: 204, errors: [404])
            ) { request in
                _ = try await withProgress(request, now: 0) { rows, id in
                    guard try rows.delete(id) else { throw CatalogError.notFound("No progress on this \(noun)") }
                    return .null
                }
                return .empty()
            },
        ]
    }

    /// `progress_seconds` and `duration_seconds` of the body, the position at most the duration.
    static func position(_ request: Request) throws(HTTPError) -> (Int, Int) {
        let fields = try request.fields()
        guard let position = try fields.optionalInt("progress_seconds", in: 0...1_000_000) else {
            throw HTTPError.badRequest("Missing field 'progress_seconds'", detail: "progress_seconds")
        }
        guard let duration = try fields.optionalInt("duration_seconds", in: 1...1_000_000) else {
            throw HTTPError.badRequest("Missing field 'duration_seconds'", detail: "duration_seconds")
        }
        return (Int(min(position, duration)), Int(duration))
    }
}
