import Core
import FoundationEssentials
public import HTTP

/// 003's activity log for admins (`/api/v1/admin/activity*`, `activity:read`): search with filters and
/// paging (newest first, with the total), one user's or one resource's entries, counts, and the actions
/// seen. Entries hold who did what from where, never a secret.
public struct ActivityRoutes: RouteProvider {
    let service: AccountService

    public init(service: AccountService) {
        self.service = service
    }

    static let access = Access.permission("activity:read")
    static let entrySchema = Schema.object(
        ["id": .string, "action": .string, "success": .boolean, "created_at": .dateTime],
        optional: [
            "user_id": .nullable(.string), "username": .nullable(.string), "resource_type": .nullable(.string),
            "resource_id": .nullable(.string), "changes": .nullable(.anyObject), "metadata": .anyObject, "ip_address": .nullable(.string),
            "user_agent": .nullable(.string), "error_message": .nullable(.string),
        ])
    static let listSchema = Schema.object(
        ["entries": .array(entrySchema), "total": .integer],
        optional: ["page": .integer, "page_size": .integer, "offset": .integer, "limit": .integer])
    static let pageQuery = ["limit", "offset", "page"]
    static let pageTypes: [String: Schema] = [
        "limit": .integer(minimum: 1, maximum: 100), "offset": .integer(minimum: 0, maximum: ActivityQuery.maximumOffset),
        "page": .integer(minimum: 1),
    ]
    static let filterQuery = ["user_id", "action", "resource_type", "resource_id", "success", "start_time", "end_time", "since", "until"]
    static let filterTypes: [String: Schema] = [
        "user_id": .string(maxLength: 64), "action": .string(maxLength: 64), "resource_type": .string(maxLength: 64),
        "resource_id": .string(maxLength: 255), "success": .boolean, "start_time": .dateTime, "end_time": .dateTime, "since": .dateTime,
        "until": .dateTime,
    ]

    public var routes: [Route] {
        let service = service
        return [
            Route.get(
                "/api/v1/admin/activity", Self.access,
                RouteDoc(
                    "Search the activity log, newest first (003); since/until are aliases of start_time/end_time, page of offset",
                    tag: "activity", query: Self.filterQuery + Self.pageQuery,
                    parameterTypes: Self.filterTypes.merging(Self.pageTypes) { first, _ in first }, responseSchema: Self.listSchema)
            ) { request in
                let query = try ActivityQuery(request.query, filters: true)
                return .json(try await Self.list(service, query))
            },
            Route.get(
                "/api/v1/admin/activity/users/{userId}", Self.access,
                RouteDoc(
                    "One user's activity, newest first (003); 404 for an unknown user with no entries", tag: "activity", query: Self.pageQuery,
                    parameterTypes: Self.pageTypes.merging(["userId": .string(maxLength: 64)]) { first, _ in first },
                    responseSchema: Self.listSchema, errors: [404])
            ) { request in
                var query = try ActivityQuery(request.query, filters: false)
                let userID = request.parameter("userId")
                guard (1...64).contains(userID.utf8.count) else { throw HTTPError.notFound("No such user") }
                query.filter.userID = userID
                let body = try await Self.list(service, query)
                if body["total"] == 0, try await service.perform({ try $0.users.get(id: userID) }) == nil {
                    throw HTTPError.notFound("No such user")
                }
                return .json(body)
            },
            Route.get(
                "/api/v1/admin/activity/resources/{resourceType}/{resourceId}", Self.access,
                RouteDoc(
                    "The activity on one resource (user, role, apikey, session, …), newest first (003)", tag: "activity",
                    query: Self.pageQuery,
                    parameterTypes: Self.pageTypes.merging(["resourceType": .string(maxLength: 64), "resourceId": .string(maxLength: 255)]) {
                        first, _ in first
                    }, responseSchema: Self.listSchema, errors: [404])
            ) { request in
                var query = try ActivityQuery(request.query, filters: false)
                let (type, id) = (request.parameter("resourceType"), request.parameter("resourceId"))
                guard (1...64).contains(type.utf8.count), (1...255).contains(id.utf8.count) else { throw HTTPError.notFound("No such resource") }
                query.filter.resourceType = type
                query.filter.resourceID = id
                return .json(try await Self.list(service, query))
            },
            Route.get(
                "/api/v1/admin/activity/stats", Self.access,
                RouteDoc(
                    "How many entries, how many failed, and the oldest and newest (003); optionally within since/until", tag: "activity",
                    query: ["since", "until", "start_time", "end_time"], parameterTypes: Self.filterTypes,
                    responseSchema: .object(
                        ["total_count": .integer, "success_count": .integer, "failed_count": .integer],
                        optional: ["oldest_entry": .nullable(.dateTime), "newest_entry": .nullable(.dateTime)]))
            ) { request in
                let query = try ActivityQuery(request.query, filters: true)
                let stats = try await service.perform { try $0.activity.stats(query.filter) }
                return .json([
                    "total_count": JSON(stats.total), "success_count": JSON(stats.succeeded), "failed_count": JSON(stats.failed),
                    "oldest_entry": AccountJSON.iso(stats.oldest), "newest_entry": AccountJSON.iso(stats.newest),
                ])
            },
            Route.get(
                "/api/v1/admin/activity/actions", Self.access,
                RouteDoc(
                    "The actions in the log with how often each occurs, most frequent first (003)", tag: "activity", query: ["limit"],
                    parameterTypes: ["limit": .integer(minimum: 1, maximum: 50)],
                    responseSchema: .object(["actions": .array(.object(["action": .string, "count": .integer]))]))
            ) { request in
                let limit = try ActivityQuery.integer(request.query, "limit", in: 1...50) ?? 20
                let stats = try await service.perform { try $0.activity.stats() }
                return .json([
                    "actions": .array(stats.actions.prefix(limit).map { ["action": .string($0.action), "count": JSON($0.count)] })
                ])
            },
        ]
    }

    static func list(_ service: AccountService, _ query: ActivityQuery) async throws(HTTPError) -> JSON {
        let page = try await service.perform { try $0.activity.query(query.filter, offset: query.offset, limit: query.limit) }
        return [
            "entries": .array(page.items.map(entry)), "total": JSON(page.total), "page": JSON(query.offset / query.limit + 1),
            "page_size": JSON(query.limit), "offset": JSON(query.offset), "limit": JSON(query.limit),
        ]
    }

    /// 003's `ActivityLogEntry`: `metadata` is what was recorded, `changes` its `before`/`after` when it has them.
    static func entry(_ entry: ActivityEntry) -> JSON {
        var changes: JSON = .null
        if let before = entry.details["before"], let after = entry.details["after"] { changes = ["before": before, "after": after] }
        return [
            "id": .string(entry.id), "user_id": JSON(entry.userID), "username": JSON(entry.username), "action": .string(entry.action),
            "resource_type": JSON(entry.resourceType), "resource_id": JSON(entry.resourceID), "changes": changes, "metadata": entry.details,
            "ip_address": JSON(entry.ipAddress), "user_agent": JSON(entry.userAgent), "success": .bool(entry.success),
            "error_message": JSON(entry.errorMessage), "created_at": AccountJSON.iso(entry.createdAt),
        ]
    }
}
