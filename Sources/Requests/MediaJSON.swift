import Catalog
public import Core
public import HTTP

/// 001's shapes for media and requests, and their schemas for the OpenAPI document.
public enum MediaJSON {
    /// The year of a TMDb date (`2019-04-24`); nil for a missing or short one.
    static func year(_ date: String?) -> Int? {
        guard let date, date.utf8.count >= 4 else { return nil }
        return Int(date.prefix(4))
    }

    /// The appliance's own image route for a TMDb poster file (`/abc.jpg`), so browsers fetch it
    /// through the image cache; null without a poster.
    static func poster(_ path: String?) -> JSON {
        guard let path, path.hasPrefix("/"), path.utf8.count > 1 else { return .null }
        return .string("/api/v1/images/poster/w342" + path)
    }

    static func availability(_ availability: Availability) -> JSON {
        var object: [String: JSON] = ["plex": .bool(availability.plex), "requested": .bool(availability.requested)]
        if let request = availability.request {
            object["requestId"] = .string(request.id)
            object["requestStatus"] = .string(request.status.rawValue)
        }
        return .object(object)
    }

    public static func request(_ request: MediaRequest) -> JSON {
        [
            "id": .string(request.id), "userId": .string(request.userID), "mediaType": .string(request.kind.rawValue),
            "tmdbId": .string(String(request.tmdbID)), "title": .string(request.title), "year": request.year.map { JSON($0) } ?? .null,
            "poster": poster(request.posterPath), "quality": request.quality.map { .string($0) } ?? .null,
            "comment": request.comment.map { .string($0) } ?? .null, "seasons": .array(request.seasons.map { JSON($0) }),
            "status": .string(request.status.rawValue), "target": request.target.map { .string($0) } ?? .null,
            "remoteId": request.remoteID.map { .string($0) } ?? .null,
            "statusReason": request.statusReason.map { .string($0) } ?? .null, "decidedBy": request.decidedBy.map { .string($0) } ?? .null,
            "createdAt": CatalogJSON.time(request.createdAt), "updatedAt": CatalogJSON.time(request.updatedAt),
        ]
    }

    static let text = Schema.nullable(.string)
    static let availabilitySchema = Schema.object(
        ["plex": .boolean, "requested": .boolean], optional: ["requestId": .string, "requestStatus": .oneOf(MediaRequest.Status.allCases.map(\.rawValue))])
    static let resultSchema = Schema.object([
        "id": .string, "title": .string, "type": .oneOf(["movie", "tv"]), "year": .nullable(.integer), "poster": text, "overview": .string,
        "availability": availabilitySchema,
    ])
    static let personSchema = Schema.object(["id": .string, "name": .string], optional: ["character": text, "job": text, "department": text, "profile": text])
    static let detailsSchema = Schema.object([
        "id": .string, "title": .string, "type": .oneOf(["movie", "tv"]), "year": .nullable(.integer), "runtime": .nullable(.integer),
        "overview": .string, "poster": text, "backdrop": text, "genres": .array(.string), "cast": .array(personSchema),
        "crew": .array(personSchema), "status": text, "availability": availabilitySchema,
    ])
    public static let requestSchema = Schema.object([
        "id": .string, "userId": .string, "mediaType": .oneOf(["movie", "tv"]), "tmdbId": .string, "title": .string,
        "year": .nullable(.integer), "poster": text, "quality": text, "comment": text, "seasons": .array(.integer),
        "status": .oneOf(MediaRequest.Status.allCases.map(\.rawValue)), "target": text, "remoteId": text, "statusReason": text,
        "decidedBy": text, "createdAt": .dateTime, "updatedAt": .dateTime,
    ])
    /// 001's request list: `{success, data: {requests, pagination}}`.
    static let requestListSchema = Schema.success([
        "data": .object([
            "requests": .array(requestSchema),
            "pagination": .object(["page": .integer, "limit": .integer, "totalPages": .integer, "totalResults": .integer]),
        ])
    ])

    static func requestList(_ page: RequestStore.Page, page number: Int, limit: Int) -> Response {
        .success([
            "data": [
                "requests": .array(page.items.map(request)),
                "pagination": [
                    "page": JSON(number), "limit": JSON(limit), "totalPages": JSON((page.total + limit - 1) / limit),
                    "totalResults": JSON(page.total),
                ],
            ]
        ])
    }
}
