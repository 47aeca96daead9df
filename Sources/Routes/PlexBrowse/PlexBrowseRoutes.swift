import Core
public import HTTP
import Plex

/// 001's Plex browsing (`/api/v1/plex/*`) over the configured server and token, in 001's envelope
/// (`{success, data}`) with its pagination. Needs `plex:read`. Not configured is a 503
/// `PLEX_NOT_CONFIGURED`; a refused token, an unreachable server and an odd answer are answered as
/// 000's Plex routes answer them (400 `PLEX_UNAUTHORIZED`, 504 `PLEX_UNREACHABLE`, 502).
public struct PlexBrowseRoutes: RouteProvider {
    let browser: PlexBrowser

    public init(browser: PlexBrowser) {
        self.browser = browser
    }

    /// The fields a section listing may be sorted by (Plex's sort keys), each plain, `:asc` or `:desc`.
    static let sortFields = [
        "addedAt", "updatedAt", "titleSort", "title", "year", "originallyAvailableAt", "rating", "audienceRating",
        "contentRating", "duration", "lastViewedAt", "viewCount",
    ]
    static let sorts = sortFields.flatMap { [$0, $0 + ":asc", $0 + ":desc"] }
    /// Plex's own default order of a section.
    static let defaultSort = "titleSort"
    /// The most entries of a collection list or a collection's items.
    static let listLimit = 200
    static let errors = [400, 404, 502, 503, 504]
    static let idType = Schema.integer(minimum: 1, maximum: 999_999_999_999)
    static let limitType = Schema.integer(minimum: 1, maximum: 100)

    public var routes: [Route] {
        let browser = browser
        let items = Schema.array(PlexBrowseJSON.itemSchema)
        return [
            Route.get(
                "/api/v1/plex/server", .permission("plex:read"),
                RouteDoc(
                    "The configured Plex server: name, version, platform, machine id, library count, and the accounts it knows "
                        + "(null when the token may not list them); cached 1 h (001)",
                    tag: "plex",
                    response: [
                        "success": true,
                        "data": [
                            "name": "My Plex Server", "version": "1.43.1.10611", "platform": "Linux", "machineIdentifier": "abc123",
                            "libraries": 5, "users": 3,
                        ],
                    ],
                    responseSchema: PlexBrowseJSON.envelope(
                        .object([
                            "name": .string, "version": .string, "platform": .string, "machineIdentifier": .string, "libraries": .integer,
                            "users": .nullable(.integer),
                        ])), errors: Self.errors)
            ) { _ in
                .json(["success": true, "data": try await browser.server()])
            },
            Route.get(
                "/api/v1/plex/libraries", .permission("plex:read"),
                RouteDoc(
                    "The configured Plex server's libraries with their item counts (null when Plex would not say); cached 1 h (001)",
                    tag: "plex",
                    response: ["success": true, "data": ["libraries": [["key": "1", "title": "Movies", "type": "movie", "count": 1250]]]],
                    responseSchema: PlexBrowseJSON.envelope(
                        .object([
                            "libraries": .array(.object(["key": .string, "title": .string, "type": .string, "count": .nullable(.integer)]))
                        ])), errors: Self.errors)
            ) { _ in
                .json(["success": true, "data": try await browser.libraries()])
            },
            Route.get(
                "/api/v1/plex/libraries/{id}/items", .permission("plex:read"),
                RouteDoc(
                    "A page of a library's items: page (from 1), limit (1–100, 20), sort (a Plex sort key, plain, :asc or :desc; "
                        + "titleSort by default); cached 5 min (001)",
                    tag: "plex", query: ["page", "limit", "sort"],
                    parameterTypes: [
                        "id": Self.idType, "page": .integer(minimum: 1, maximum: 10_000), "limit": Self.limitType, "sort": .oneOf(Self.sorts),
                    ],
                    response: [
                        "success": true,
                        "data": [
                            "items": [PlexBrowseJSON.itemExample],
                            "pagination": PlexBrowseJSON.pagination(page: 1, limit: 20, total: 1),
                        ],
                    ],
                    responseSchema: PlexBrowseJSON.envelope(.object(["items": items, "pagination": PlexBrowseJSON.paginationSchema])),
                    errors: Self.errors)
            ) { request in
                let id = try Self.id(request)
                let query = BrowseQuery(request)
                let page = try query.integer("page", 1...10_000) ?? 1
                let limit = try query.integer("limit", 1...100) ?? 20
                let sort = try query.choice("sort", Self.sorts) ?? Self.defaultSort
                return .json(["success": true, "data": try await browser.items(section: id, sort: sort, page: page, limit: limit)])
            },
            Route.get(
                "/api/v1/plex/search", .permission("plex:read"),
                RouteDoc(
                    "Search the Plex server (its hub search): query (1–200 bytes), limit (1–100, 20); cached 5 min (001)",
                    tag: "plex", query: ["query", "limit"],
                    parameterTypes: ["query": .string(maxLength: 200, minLength: 1), "limit": Self.limitType],
                    response: ["success": true, "data": ["query": "bunny", "results": [PlexBrowseJSON.itemExample], "total": 1]],
                    responseSchema: PlexBrowseJSON.envelope(.object(["query": .string, "results": items, "total": .integer])),
                    errors: Self.errors)
            ) { request in
                let query = BrowseQuery(request)
                guard let text = try query.text("query", maxBytes: 200) else {
                    throw HTTPError.badRequest("Missing query parameter 'query'", detail: "query")
                }
                let limit = try query.integer("limit", 1...100) ?? 20
                return .json(["success": true, "data": try await browser.search(text, limit: limit)])
            },
            Route.get(
                "/api/v1/plex/recently-added", .permission("plex:read"),
                RouteDoc(
                    "The newest items of every library: limit (1–100, 20); cached 5 min (001)", tag: "plex", query: ["limit"],
                    parameterTypes: ["limit": Self.limitType],
                    response: ["success": true, "data": ["items": [PlexBrowseJSON.itemExample]]],
                    responseSchema: PlexBrowseJSON.envelope(.object(["items": items])), errors: Self.errors)
            ) { request in
                let limit = try BrowseQuery(request).integer("limit", 1...100) ?? 20
                return .json(["success": true, "data": try await browser.recentlyAdded(limit: limit)])
            },
            Route.get(
                "/api/v1/plex/libraries/{id}/collections", .permission("plex:read"),
                RouteDoc(
                    "A library's collections (the first \(Self.listLimit), total says how many there are); cached 5 min (001)",
                    tag: "plex", parameterTypes: ["id": Self.idType],
                    response: ["success": true, "data": ["collections": [PlexBrowseJSON.itemExample], "total": 1]],
                    responseSchema: PlexBrowseJSON.envelope(.object(["collections": items, "total": .integer])), errors: Self.errors)
            ) { request in
                .json(["success": true, "data": try await browser.collections(section: try Self.id(request))])
            },
            Route.get(
                "/api/v1/plex/collections/{id}", .permission("plex:read"),
                RouteDoc(
                    "A collection (by its Plex rating key) and its items (the first \(Self.listLimit), total says how many); cached 5 min (001)",
                    tag: "plex", parameterTypes: ["id": Self.idType],
                    response: [
                        "success": true, "data": ["collection": PlexBrowseJSON.itemExample, "items": [PlexBrowseJSON.itemExample], "total": 1],
                    ],
                    responseSchema: PlexBrowseJSON.envelope(
                        .object(["collection": PlexBrowseJSON.itemSchema, "items": items, "total": .integer])), errors: Self.errors)
            ) { request in
                .json(["success": true, "data": try await browser.collection(try Self.id(request))])
            },
        ]
    }

    /// A library or collection id: Plex's, a positive integer.
    static func id(_ request: Request) throws(HTTPError) -> String {
        let raw = request.parameter("id")
        guard (1...12).contains(raw.utf8.count), raw.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int64(raw), value > 0 else {
            throw HTTPError.badRequest("Invalid id: a Plex id is a positive integer", detail: "id")
        }
        return String(value)
    }
}

/// The query parameters of a browse route, each checked against its limits (a 400 naming it when not).
struct BrowseQuery {
    let values: [String: String]

    init(_ request: Request) {
        values = request.query
    }

    /// An integer within `range`; absent is nil.
    func integer(_ name: String, _ range: ClosedRange<Int>) throws(HTTPError) -> Int? {
        guard let text = values[name] else { return nil }
        guard text.utf8.count <= 12, let value = Int(text), range.contains(value) else {
            throw HTTPError.badRequest("Invalid \(name): an integer from \(range.lowerBound) to \(range.upperBound)", detail: name)
        }
        return value
    }

    /// Text of at most `maxBytes` bytes without control characters, trimmed; absent or blank is nil.
    func text(_ name: String, maxBytes: Int) throws(HTTPError) -> String? {
        guard let raw = values[name] else { return nil }
        let text = raw.trimmingWhitespace()
        guard !text.isEmpty else { return nil }
        guard text.utf8.count <= maxBytes, !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw HTTPError.badRequest("Invalid \(name): at most \(maxBytes) bytes of text", detail: name)
        }
        return text
    }

    /// One of `choices`; absent is nil.
    func choice(_ name: String, _ choices: [String]) throws(HTTPError) -> String? {
        guard let text = values[name] else { return nil }
        guard choices.contains(text) else {
            throw HTTPError.badRequest("Invalid \(name): a Plex sort key such as addedAt:desc, titleSort or year:desc", detail: name)
        }
        return text
    }
}
