import Core
import FoundationEssentials
public import HTTP
public import Store

/// 001's front-end error reports: `POST /api/v1/errors/report` for any signed-in caller (at most 20
/// errors a request, 30 requests a minute per user), `GET /api/v1/errors/recent` for the caller's own
/// reports, or everyone's with `monitoring:read`. Stored bounded (`ErrorReportStore`); a report's
/// content never reaches the log, only how many came from whom.
public struct ErrorReportRoutes: RouteProvider {
    let store: ErrorReportStore
    let limit: RateLimitRule
    /// The permission that shows every caller's reports.
    static let readAll = "monitoring:read"

    /// `maxReports` and `maxBytes` bound the table (001: at most 1,000 reports and 1 MiB).
    public init(database: Database, maxReports: Int = 1000, maxBytes: Int = 1 << 20, requestsPerMinute: Int = 30) {
        store = ErrorReportStore(database: database, maxReports: maxReports, maxBytes: maxBytes)
        limit = RateLimitRule(name: "error-reports", limit: requestsPerMinute, windowSeconds: 60, key: .user)
    }

    static let reportSchema = Schema.object([
        "id": .string, "timestamp": .dateTime, "userId": .nullable(.string), "level": .oneOf(ErrorReportInput.levels),
        "message": .string, "code": .nullable(.string), "statusCode": .nullable(.integer), "component": .nullable(.string),
        "url": .nullable(.string), "userAgent": .nullable(.string), "stack": .nullable(.string),
    ])

    static let errorSchema = Schema.object(
        ["message": .string(minLength: 1)],
        optional: [
            "timestamp": .string, "level": .oneOf(ErrorReportInput.levels),
            "url": .nullable(.string),
            "error": .nullable(
                .object(
                    [:],
                    optional: [
                        "message": .nullable(.string), "stack": .nullable(.string), "code": .nullable(.string),
                        "statusCode": .nullable(.integer(minimum: 0, maximum: 999)),
                    ])),
            "context": .nullable(.object([:], optional: ["component": .nullable(.string)])),
        ])

    public var routes: [Route] {
        let store = store
        return [
            Route.post(
                "/api/v1/errors/report", .authenticated,
                RouteDoc(
                    "Report front-end errors (001): 1–\(ErrorReportInput.maxErrors) errors, each with a message (or error.message) and "
                        + "a level (\(ErrorReportInput.levels.joined(separator: ", "))); long texts are cut; the newest 1,000 reports "
                        + "(1 MiB) are kept",
                    tag: "errors",
                    request: [
                        "errors": [
                            [
                                "timestamp": "2023-01-01T00:00:00Z", "level": "error", "message": "API request failed",
                                "error": ["message": "Network error", "stack": "Error stack trace...", "code": "NETWORK_ERROR", "statusCode": 500],
                                "context": ["component": "MediaSearch"],
                            ]
                        ],
                        "timestamp": "2023-01-01T00:00:00Z", "userAgent": "Mozilla/5.0...", "url": "/search?query=test",
                    ],
                    response: ["success": true, "data": ["received": 1]],
                    requestSchema: .object(
                        [
                            "errors": Schema([
                                "type": "array", "items": Self.errorSchema.json, "minItems": 1, "maxItems": JSON(ErrorReportInput.maxErrors),
                            ])
                        ],
                        optional: ["timestamp": .string, "userAgent": .nullable(.string), "url": .nullable(.string)]),
                    responseSchema: .success(["data": .object(["received": .integer])]))
            ) { request in
                let reports = try ErrorReportInput.reports(try request.json(), headerUserAgent: request.headers["User-Agent"])
                let user = Self.owner(request.principal)
                try await store.add(reports, userID: user, now: Int64(Date().timeIntervalSince1970 * 1000))
                Log.shared.info("Stored \(reports.count) error report\(reports.count == 1 ? "" : "s") from user \(user)")
                return .success(["data": ["received": JSON(reports.count)]])
            }.limited(limit),
            Route.get(
                "/api/v1/errors/recent", .authenticated,
                RouteDoc(
                    "The newest error reports, newest first: your own, or everyone's with \(Self.readAll); limit 1–100 (20) (001)",
                    tag: "errors", query: ["limit"], parameterTypes: ["limit": .integer(minimum: 1, maximum: 100)],
                    response: [
                        "success": true,
                        "data": [
                            "errors": [
                                [
                                    "id": "3f1c…", "timestamp": "2026-12-02T18:47:19Z", "userId": "u1", "level": "error",
                                    "message": "API request failed: Network error", "code": "NETWORK_ERROR", "statusCode": 500,
                                    "component": "MediaSearch", "url": "/search?query=test", "userAgent": "Mozilla/5.0...",
                                    "stack": "Error stack trace...",
                                ]
                            ]
                        ],
                    ],
                    responseSchema: .success(["data": .object(["errors": .array(Self.reportSchema)])]))
            ) { request in
                let limit = try BrowseQuery(request).integer("limit", 1...100) ?? 20
                let everyone = request.principal.holds(Self.readAll)
                let rows = try await store.recent(userID: everyone ? nil : Self.owner(request.principal), limit: limit)
                return .success(["data": ["errors": .array(rows.map(Self.json))]])
            },
        ]
    }

    /// Whose reports these are: the user's id, or `appliance` for the appliance token (as media requests do).
    static func owner(_ principal: Principal) -> String {
        principal.user?.id ?? "appliance"
    }

    static func json(_ row: Row) -> JSON {
        func text(_ name: String) -> JSON { row.string(name).map(JSON.string) ?? .null }
        let millis = row.int64("received_at") ?? 0
        return [
            "id": text("id"), "timestamp": .string(Date(timeIntervalSince1970: Double(millis) / 1000).formatted(.iso8601)),
            "userId": text("user_id"), "level": text("level"), "message": text("message"), "code": text("code"),
            "statusCode": row.int("status_code").map(JSON.init) ?? .null, "component": text("component"), "url": text("url"),
            "userAgent": text("user_agent"), "stack": text("stack"),
        ]
    }
}
