import Core
public import HTTP

/// The admin user routes that 001 (MediaNest) and 003 (Revenge) both give at `/api/v1/admin/users*`:
/// the list answers both shapes at once (001's `{success, data: {users, pagination}}` and 003's
/// `{users, total}`) and takes both documents' query parameters; 001's role change maps its
/// `user`/`admin` onto the built-in roles; delete (003's 204) refuses yourself and the last admin.
public struct AdminUserRoutes: RouteProvider {
    let service: AccountService

    public init(service: AccountService) {
        self.service = service
    }

    static let listSchema = Schema.object(
        [
            "success": Schema(["type": "boolean", "const": true]),
            "data": .object([
                "users": .array(AccountJSON.adminUserSchema),
                "pagination": .object(["page": .integer, "limit": .integer, "totalPages": .integer, "totalUsers": .integer]),
            ]),
            "users": .array(AccountJSON.adminUserSchema), "total": .integer,
        ])

    public var routes: [Route] {
        let service = service
        return [
            Route.get(
                "/api/v1/admin/users", .permission("users:read"),
                RouteDoc(
                    "Users by username, a page at a time: page or offset, limit (1–100, 50), role (or all), query (part of username, e-mail or display name), is_active, is_admin (001, 003)",
                    tag: "admin",
                    query: ["page", "limit", "offset", "role", "query", "search", "is_active", "is_admin"],
                    parameterTypes: [
                        "page": .integer(minimum: 1, maximum: 100_000), "limit": .integer(minimum: 1, maximum: 100),
                        "offset": .integer(minimum: 0, maximum: 10_000_000), "role": .string(maxLength: 32), "query": .string(maxLength: 200),
                        "search": .string(maxLength: 200), "is_active": .boolean, "is_admin": .boolean,
                    ],
                    responseSchema: Self.listSchema)
            ) { request in
                let query = try ListQuery(request.query)
                let page = try await service.perform { service in
                    try service.users.list(
                        search: query.search, role: query.role ?? (query.isAdmin == true ? Role.admin : nil),
                        withoutRole: query.isAdmin == false ? Role.admin : nil, disabled: query.isActive.map { !$0 }, offset: query.offset,
                        limit: query.limit)
                }
                let users = JSON.array(page.items.map(AccountJSON.adminUser))
                return .success([
                    "data": [
                        "users": users,
                        "pagination": [
                            "page": JSON(query.offset / query.limit + 1), "limit": JSON(query.limit),
                            "totalPages": JSON((page.total + query.limit - 1) / query.limit), "totalUsers": JSON(page.total),
                        ],
                    ],
                    "users": users, "total": JSON(page.total),
                ])
            },
            Route.patch(
                "/api/v1/admin/users/{id}/role", .permission("roles:write"),
                RouteDoc(
                    "Set a user's role: user or admin (001), or moderator or guest (003); custom roles are kept; the last admin keeps theirs (001)",
                    tag: "admin", request: ["role": "admin"], requestSchema: .object(["role": .oneOf(Role.builtIn)]),
                    responseSchema: .success(["data": .object(["user": AccountJSON.adminUserSchema])]))
            ) { request in
                let id = request.parameter("id")
                let role = try request.fields().string("role", maxBytes: 32)
                guard Role.builtIn.contains(role) else {
                    throw HTTPError.badRequest("Invalid role: must be one of \(Role.builtIn.joined(separator: ", "))", detail: "role")
                }
                guard id.utf8.count <= 64 else { throw HTTPError.notFound("No such user") }
                let user = try await service.setRole(of: id, to: role, by: request.principal, client: AuthRoutes.client(request))
                return .success(["data": ["user": AccountJSON.adminUser(user)]])
            },
            Route.delete(
                "/api/v1/admin/users/{id}", .permission("users:delete"),
                RouteDoc(
                    "Delete a user with their sessions, API keys and avatar; their tokens stop at once. Not yourself, not the last admin (001, 003)",
                    tag: "admin", status: 204)
            ) { request in
                let id = request.parameter("id")
                guard id.utf8.count <= 64 else { throw HTTPError.notFound("No such user") }
                try await service.deleteUser(id, by: request.principal, client: AuthRoutes.client(request))
                return .empty(status: 204)
            },
            Route.post(
                "/api/v1/admin/users", .permission("users:write"),
                RouteDoc(
                    "Create a user with a password and a built-in role (the dashboard's Users page; ours); the address gets a verification mail",
                    tag: "admin", request: ["username": "ann", "email": "ann@example.com", "password": "correct horse battery", "role": "user"],
                    status: 201,
                    requestSchema: .object(
                        ["username": .string(maxLength: 32), "email": .string(maxLength: 254), "password": .string(maxLength: 1024)],
                        optional: ["display_name": .string(maxLength: 100), "role": .oneOf(Role.builtIn)]),
                    responseSchema: .success(["data": .object(["user": AccountJSON.adminUserSchema])]), errors: [409])
            ) { request in
                let fields = try request.fields()
                let role = try fields.optionalString("role", maxBytes: 32) ?? Role.user
                guard Role.builtIn.contains(role) else {
                    throw HTTPError.badRequest("Invalid role: must be one of \(Role.builtIn.joined(separator: ", "))", detail: "role")
                }
                let user = try await service.createUser(
                    username: fields.string("username", maxBytes: 64), email: fields.string("email", maxBytes: 254),
                    password: fields.string("password", maxBytes: 1024), displayName: fields.optionalString("display_name", maxBytes: 400),
                    role: role, by: request.principal, client: AuthRoutes.client(request))
                return .success(["data": ["user": AccountJSON.adminUser(user)]], status: 201)
            },
            disable(true), disable(false),
        ]
    }

    /// `POST /api/v1/admin/users/{id}/disable` (its sessions and tokens end at once) or `/enable` (ours).
    func disable(_ disabled: Bool) -> Route {
        let service = service
        let verb = disabled ? "disable" : "enable"
        return Route.post(
            "/api/v1/admin/users/{id}/\(verb)", .permission("users:write"),
            RouteDoc(
                disabled
                    ? "Disable a user: their sessions and access tokens end at once; not yourself, not the last admin (ours)"
                    : "Enable a disabled user again (ours)",
                tag: "admin", parameterTypes: ["id": .string(maxLength: 64, minLength: 1)],
                responseSchema: .success(["data": .object(["user": AccountJSON.adminUserSchema])]), errors: [403, 404])
        ) { request in
            let id = request.parameter("id")
            guard id.utf8.count <= 64 else { throw HTTPError.notFound("No such user") }
            let user = try await service.setDisabled(id, disabled, by: request.principal, client: AuthRoutes.client(request))
            return .success(["data": ["user": AccountJSON.adminUser(user)]])
        }
    }

    /// The list's query: 001's `page`/`limit`/`role` (`all` for any) and 003's `query`/`is_active`/
    /// `is_admin`/`limit`/`offset` (an offset wins over a page).
    struct ListQuery {
        var limit = 50
        var offset = 0
        var role: String?
        var search: String?
        var isActive: Bool?
        var isAdmin: Bool?

        init(_ query: [String: String]) throws(HTTPError) {
            limit = try Self.integer(query, "limit", 1...100) ?? 50
            if let offset = try Self.integer(query, "offset", 0...10_000_000) {
                self.offset = offset
            } else if let page = try Self.integer(query, "page", 1...100_000) {
                offset = (page - 1) * limit
            }
            if let role = query["role"], role != "all", !role.isEmpty {
                do { try FieldLimits.checkSlug(role, field: "role") } catch { throw error.httpError }
                self.role = role
            }
            for name in ["query", "search"] {
                guard let text = query[name], !text.isEmpty else { continue }
                guard text.utf8.count <= 200 else { throw HTTPError.badRequest("Invalid \(name): at most 200 bytes", detail: name) }
                search = text
            }
            isActive = try Self.boolean(query, "is_active")
            isAdmin = try Self.boolean(query, "is_admin")
        }

        static func integer(_ query: [String: String], _ name: String, _ range: ClosedRange<Int>) throws(HTTPError) -> Int? {
            guard let text = query[name] else { return nil }
            guard text.utf8.count <= 12, let value = Int(text), range.contains(value) else {
                throw HTTPError.badRequest("Invalid \(name): an integer from \(range.lowerBound) to \(range.upperBound)", detail: name)
            }
            return value
        }

        static func boolean(_ query: [String: String], _ name: String) throws(HTTPError) -> Bool? {
            switch query[name] {
            case nil: nil
            case "true", "1": true
            case "false", "0": false
            default: throw HTTPError.badRequest("Invalid \(name): true or false", detail: name)
            }
        }
    }
}
