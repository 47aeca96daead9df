import Catalog
import Core
public import HTTP

/// 001's requests (`/api/v1/media/request`, `/api/v1/media/requests*`): a person asks for a movie or
/// show and follows their own requests; admins list everyone's and approve or decline them
/// (`/api/v1/admin/requests*`).
public struct RequestRoutes: RouteProvider {
    let service: RequestService

    public init(service: RequestService) {
        self.service = service
    }

    static let statuses = MediaRequest.Status.allCases.map(\.rawValue)
    static let one = Schema.success(["data": MediaJSON.requestSchema])
    static let listParameters: [String: Schema] = [
        "status": .oneOf(statuses), "page": .integer(minimum: 1, maximum: 100_000), "limit": .integer(minimum: 1, maximum: 100),
    ]

    public var routes: [Route] {
        let service = service
        return [
            Route.post(
                "/api/v1/media/request", .permission("requests:write"),
                RouteDoc(
                    "Ask for a movie or show by its TMDb id; it waits for an admin's approval (001). 409 when it is already requested or in the library",
                    tag: "media", request: ["tmdbId": "603", "mediaType": "movie", "quality": "1080p", "comment": "Please add this movie"],
                    status: 201,
                    requestSchema: .object(
                        ["tmdbId": Schema(["type": ["string", "integer"]]), "mediaType": .oneOf(MediaRoutes.kinds)],
                        optional: [
                            "quality": .nullable(.string(maxLength: 32)), "comment": .nullable(.string(maxLength: 1000)),
                            "seasons": .nullable(.array(.integer(minimum: 0, maximum: 1000))),
                        ]),
                    responseSchema: Self.one, errors: [404, 409, 502, 503, 504])
            ) { request in
                let fields = try request.fields()
                let kind = try Self.kind(fields)
                let id = try Self.tmdbID(fields)
                let seasons = try Self.seasons(fields, kind: kind)
                let created = try await service.create(
                    kind: kind, tmdbID: id, quality: try fields.optionalString("quality", maxBytes: 32),
                    comment: try fields.optionalString("comment", maxBytes: 1000), seasons: seasons, by: request.principal)
                return .success(["data": MediaJSON.request(created)], status: 201)
            },
            Route.get(
                "/api/v1/media/requests", .permission("requests:read"),
                RouteDoc(
                    "Your requests, newest first: status, page, limit (1–100, 10) (001)", tag: "media", query: ["status", "page", "limit"],
                    parameterTypes: Self.listParameters, responseSchema: MediaJSON.requestListSchema)
            ) { request in
                try await Self.list(request, service: service, everyone: false, fallback: 10)
            },
            Route.get(
                "/api/v1/media/requests/{id}", .permission("requests:read"),
                RouteDoc(
                    "One of your requests (anyone's with requests:manage) (001)", tag: "media",
                    parameterTypes: ["id": .string(maxLength: 64, minLength: 1)], responseSchema: Self.one, errors: [404])
            ) { request in
                .success(["data": MediaJSON.request(try await service.get(request.parameter("id"), for: request.principal))])
            },
            Route.delete(
                "/api/v1/media/requests/{id}", .permission("requests:write"),
                RouteDoc(
                    "Delete one of your requests (anyone's with requests:manage); one already sent to an app stays there (001)", tag: "media",
                    parameterTypes: ["id": .string(maxLength: 64, minLength: 1)], responseSchema: .success(["message": .string]), errors: [404])
            ) { request in
                try await service.delete(request.parameter("id"), by: request.principal)
                return .success(["message": "Request deleted"])
            },
            Route.get(
                "/api/v1/admin/requests", .permission("requests:manage"),
                RouteDoc(
                    "Everyone's requests, newest first: status, page, limit (1–100, 20) (001)", tag: "admin", query: ["status", "page", "limit"],
                    parameterTypes: Self.listParameters, responseSchema: MediaJSON.requestListSchema)
            ) { request in
                try await Self.list(request, service: service, everyone: true, fallback: 20)
            },
            Route.post(
                "/api/v1/admin/requests/{id}/approve", .permission("requests:manage"),
                RouteDoc(
                    "Approve a pending (or failed) request and send it to Overseerr, or to Radarr/Sonarr with the configured profile and root folder; when sending fails it stays as it was, with the reason (ours)",
                    tag: "admin", parameterTypes: ["id": .string(maxLength: 64, minLength: 1)], responseSchema: Self.one,
                    errors: [404, 409, 502, 503, 504])
            ) { request in
                .success(["data": MediaJSON.request(try await service.approve(request.parameter("id"), by: request.principal))])
            },
            Route.post(
                "/api/v1/admin/requests/{id}/decline", .permission("requests:manage"),
                RouteDoc(
                    "Decline a pending request, with an optional reason its owner sees (ours)", tag: "admin",
                    parameterTypes: ["id": .string(maxLength: 64, minLength: 1)], request: ["reason": "Not available in 4K"],
                    requestSchema: .object([:], optional: ["reason": .nullable(.string(maxLength: 500))]), requestOptional: true,
                    responseSchema: Self.one, errors: [404, 409])
            ) { request in
                let reason = request.body.isEmpty ? nil : try request.fields().optionalString("reason", maxBytes: 500)
                return .success(["data": MediaJSON.request(try await service.decline(request.parameter("id"), reason: reason, by: request.principal))])
            },
        ]
    }

    /// A page of requests: the caller's own, or everyone's.
    static func list(_ request: Request, service: RequestService, everyone: Bool, fallback: Int) async throws(HTTPError) -> Response {
        let query = CatalogQuery(request)
        let status = try query.choice("status", statuses).flatMap(MediaRequest.Status.init(rawValue:))
        let page = try query.integer("page", 1...100_000) ?? 1
        let limit = try query.integer("limit", 1...100) ?? fallback
        let found = try await service.list(
            for: request.principal, everyone: everyone, status: status, offset: (page - 1) * limit, limit: limit)
        return MediaJSON.requestList(found, page: page, limit: limit)
    }

    static func kind(_ fields: BodyFields) throws(HTTPError) -> MediaRequest.Kind {
        let text = try fields.string("mediaType", maxBytes: 16)
        guard let kind = MediaRequest.Kind(rawValue: text) else {
            throw HTTPError.badRequest("Invalid mediaType: movie or tv", detail: "mediaType")
        }
        return kind
    }

    /// 001 writes `tmdbId` as a string ("123"); a number is taken too.
    static func tmdbID(_ fields: BodyFields) throws(HTTPError) -> Int {
        switch fields.json["tmdbId"] {
        case .string(let text)?: return try MediaRoutes.tmdbID(text, field: "tmdbId")
        case nil, .null?: throw HTTPError.badRequest("Missing field 'tmdbId'", detail: "tmdbId")
        default: return Int(try fields.optionalInt("tmdbId", in: 1...2_147_483_647) ?? 0)
        }
    }

    /// Season numbers of a show (at most 100, each 0–1000, no repeats); a movie takes none.
    static func seasons(_ fields: BodyFields, kind: MediaRequest.Kind) throws(HTTPError) -> [Int] {
        switch fields.json["seasons"] {
        case nil, .null?: return []
        case .array(let items)?:
            guard kind == .tv else { throw HTTPError.badRequest("A movie has no seasons", detail: "seasons") }
            guard items.count <= 100 else { throw HTTPError.badRequest("Field 'seasons' holds more than 100 items", detail: "seasons") }
            var seasons: [Int] = []
            for item in items {
                guard let number = item.intValue, (0...1000).contains(number), item.doubleValue.map({ $0.rounded() == $0 }) ?? false,
                    !seasons.contains(Int(number))
                else { throw HTTPError.badRequest("Field 'seasons' must hold distinct season numbers from 0 to 1000", detail: "seasons") }
                seasons.append(Int(number))
            }
            return seasons.sorted()
        default: throw HTTPError.badRequest("Wrong type for field 'seasons': expected an array of season numbers", detail: "seasons")
        }
    }
}
