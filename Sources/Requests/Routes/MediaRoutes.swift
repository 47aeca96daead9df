import Catalog
import Core
public import HTTP

/// 001's media search and details (`/api/v1/media/search`, `/api/v1/media/{type}/{id}`): TMDb's
/// answers in 001's envelope, each with whether the box has it or someone asked for it.
public struct MediaRoutes: RouteProvider {
    let service: RequestService

    public init(service: RequestService) {
        self.service = service
    }

    static let kinds = MediaRequest.Kind.allCases.map(\.rawValue)

    public var routes: [Route] {
        let service = service
        return [
            Route.get(
                "/api/v1/media/search", .permission("media:read"),
                RouteDoc(
                    "Search TMDb for movies (type=movie, the default) or shows (type=tv): 20 results a page (limit cuts a page shorter), each with its availability (001)",
                    tag: "media", query: ["query", "type", "page", "limit", "language"],
                    parameterTypes: [
                        "query": .string(maxLength: 200, minLength: 1), "type": .oneOf(Self.kinds),
                        "page": .integer(minimum: 1, maximum: 500), "limit": .integer(minimum: 1, maximum: 20),
                        "language": .string(maxLength: 8),
                    ],
                    responseSchema: .success([
                        "data": .object([
                            "results": .array(MediaJSON.resultSchema),
                            "pagination": .object(["page": .integer, "totalPages": .integer, "totalResults": .integer]),
                        ])
                    ]), errors: [502, 503, 504])
            ) { request in
                let query = CatalogQuery(request)
                guard let text = try query.text("query") else { throw HTTPError.badRequest("Missing query: what to search for", detail: "query") }
                let kind = MediaRequest.Kind(rawValue: try query.choice("type", Self.kinds) ?? "movie") ?? .movie
                let page = try query.integer("page", 1...500) ?? 1
                let limit = try query.integer("limit", 1...20) ?? 20
                let data = try await service.search(text, kind: kind, page: page, limit: limit, language: try Self.language(query))
                return .success(["data": data])
            },
            Route.get(
                "/api/v1/media/{type}/{id}", .permission("media:read"),
                RouteDoc(
                    "A movie's or show's details from TMDb (genres, top cast and crew) with its availability: in the library, or requested (001)",
                    tag: "media", query: ["language"],
                    parameterTypes: ["type": .oneOf(Self.kinds), "id": .integer(minimum: 1, maximum: 2_147_483_647), "language": .string(maxLength: 8)],
                    responseSchema: .success(["data": MediaJSON.detailsSchema]), errors: [404, 502, 503, 504])
            ) { request in
                guard let kind = MediaRequest.Kind(rawValue: request.parameter("type")) else {
                    throw HTTPError.notFound("No such media type: movie or tv")
                }
                let id = try Self.tmdbID(request.parameter("id"))
                let data = try await service.details(kind: kind, tmdbID: id, language: try Self.language(CatalogQuery(request)))
                return .success(["data": data])
            },
        ]
    }

    /// A TMDb id from a path or body: 1 to 2³¹−1.
    static func tmdbID(_ text: String, field: String = "id") throws(HTTPError) -> Int {
        guard text.utf8.count <= 10, let id = Int(text), (1...2_147_483_647).contains(id) else {
            throw HTTPError.badRequest("Invalid \(field): a TMDb id from 1 to 2147483647", detail: field)
        }
        return id
    }

    /// `language` as TMDb takes it (`en`, `pt-BR`), or nil.
    static func language(_ query: CatalogQuery) throws(HTTPError) -> String? {
        guard let language = try query.text("language", maxBytes: 8) else { return nil }
        let parts = language.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts[0].count == 2, parts[0].allSatisfy({ $0.isASCII && $0.isLowercase }),
            parts.count == 1 || (parts[1].count == 2 && parts[1].allSatisfy({ $0.isASCII && $0.isUppercase }))
        else {
            throw HTTPError.badRequest("Invalid language: an ISO 639-1 code with an optional region, e.g. en or pt-BR", detail: "language")
        }
        return language
    }
}
