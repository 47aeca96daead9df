import Core
public import HTTP

/// 003's RBAC: roles (`/api/v1/rbac/roles*`), who holds them (`/api/v1/rbac/users/{userId}/roles*`),
/// grants as policies (`/api/v1/rbac/policies`) and the permission catalogue. Reading needs
/// `roles:read`, changing `roles:write`; a change never gives more than the caller holds
/// (`AccountService.reaches`), reaches the gate on the next request and is in the activity log.
public struct RBACRoutes: RouteProvider {
    let service: AccountService

    public init(service: AccountService) {
        self.service = service
    }

    static let read = Access.permission("roles:read")
    static let write = Access.permission("roles:write")
    static let roleListSchema = Schema.object(["roles": .array(.string), "total": .integer])
    static let permissionListSchema = Schema.object(["permissions": .array(AccountJSON.permissionSchema), "total": .integer])
    static let policyRequest = Schema.object(
        ["subject": .string(maxLength: 32), "object": .string(maxLength: 32), "action": .string(maxLength: 16)])
    static let roleExample: JSON = [
        "name": "editor", "description": "Edits media", "permissions": [["resource": "media", "action": "write"]], "is_built_in": false,
        "user_count": 0,
    ]
    static let pathTypes: [String: Schema] = ["roleName": .string(maxLength: 32), "role": .string(maxLength: 32), "userId": .string(maxLength: 64)]

    public var routes: [Route] {
        let service = service
        return [
            Route.get(
                "/api/v1/rbac/policies", Self.read,
                RouteDoc(
                    "Every grant as a (role, resource, action) policy (003)", tag: "rbac",
                    responseSchema: .object(["policies": .array(AccountJSON.policySchema), "total": .integer]))
            ) { _ in
                let policies = try await service.perform { try $0.roles.policies() }
                return .json(["policies": .array(policies.map(AccountJSON.policy)), "total": JSON(policies.count)])
            },
            Route.post(
                "/api/v1/rbac/policies", Self.write,
                RouteDoc(
                    "Grant a role one permission (003); 409 when it has it already", tag: "rbac",
                    request: ["subject": "editor", "object": "media", "action": "write"], status: 201, requestSchema: Self.policyRequest,
                    responseSchema: AccountJSON.policySchema, errors: [404, 409])
            ) { request in
                let policy = try Self.policy(request.fields())
                guard try await service.addPolicy(policy, by: request.principal, client: AuthRoutes.client(request)) else {
                    throw HTTPError.conflict("The role already has this permission", detail: policy.permission.description)
                }
                return .json(AccountJSON.policy(policy), status: 201)
            },
            Route.delete(
                "/api/v1/rbac/policies", Self.write,
                RouteDoc(
                    "Revoke one permission from a role (003)", tag: "rbac", request: ["subject": "editor", "object": "media", "action": "write"],
                    status: 204, requestSchema: Self.policyRequest, errors: [404])
            ) { request in
                try await service.removePolicy(Self.policy(request.fields()), by: request.principal, client: AuthRoutes.client(request))
                return .empty()
            },
            Route.get(
                "/api/v1/rbac/users/{userId}/roles", Self.read,
                RouteDoc(
                    "The roles a user holds (003)", tag: "rbac", parameterTypes: Self.pathTypes, responseSchema: Self.roleListSchema, errors: [404])
            ) { request in
                let userID = try Self.userID(request)
                let roles = try await service.perform { service throws in
                    guard try service.users.get(id: userID) != nil else { throw AccountError.notFound("user") }
                    return try service.roles.roles(ofUser: userID)
                }
                return .json(Self.roleList(roles))
            },
            Route.post(
                "/api/v1/rbac/users/{userId}/roles", Self.write,
                RouteDoc(
                    "Give a user a role (003); only a role whose permissions you hold", tag: "rbac", parameterTypes: Self.pathTypes,
                    request: ["role": "moderator"], status: 201, requestSchema: .object(["role": .string(maxLength: 32)]),
                    responseSchema: Self.roleListSchema, errors: [404])
            ) { request in
                let userID = try Self.userID(request)
                let role = try request.fields().string("role", maxBytes: 32)
                try Self.checkRoleName(role, field: "role")
                let roles = try await service.assignRole(role, to: userID, by: request.principal, client: AuthRoutes.client(request))
                return .json(Self.roleList(roles), status: 201)
            },
            Route.delete(
                "/api/v1/rbac/users/{userId}/roles/{role}", Self.write,
                RouteDoc(
                    "Take a role from a user (003); a user keeps one role and the last admin stays admin", tag: "rbac",
                    parameterTypes: Self.pathTypes, status: 204, errors: [404])
            ) { request in
                let userID = try Self.userID(request)
                let role = try Self.roleName(request, "role")
                try await service.removeRole(role, from: userID, by: request.principal, client: AuthRoutes.client(request))
                return .empty()
            },
            Route.get(
                "/api/v1/rbac/roles", Self.read,
                RouteDoc(
                    "Every role with its permissions and how many users hold it (003)", tag: "rbac",
                    responseSchema: .object(["roles": .array(AccountJSON.roleSchema), "total": .integer]))
            ) { _ in
                let roles = try await service.perform { try $0.roles.list() }
                return .json(["roles": .array(roles.map(AccountJSON.role)), "total": JSON(roles.count)])
            },
            Route.post(
                "/api/v1/rbac/roles", Self.write,
                RouteDoc(
                    "Create a custom role (003); 409 when the name is taken", tag: "rbac",
                    request: ["name": "editor", "description": "Edits media", "permissions": [["resource": "media", "action": "write"]]],
                    response: Self.roleExample, status: 201,
                    requestSchema: .object(
                        ["name": .string(maxLength: 32)],
                        optional: ["description": .string(maxLength: 1000), "permissions": .array(AccountJSON.permissionInput)]),
                    responseSchema: AccountJSON.roleSchema, errors: [409])
            ) { request in
                let fields = try request.fields()
                let role = try await service.createRole(
                    name: fields.string("name", maxBytes: 32), description: fields.optionalString("description", maxBytes: 1000) ?? "",
                    permissions: AccountJSON.permissions(fields, "permissions") ?? [], by: request.principal,
                    client: AuthRoutes.client(request))
                return .json(AccountJSON.role(role), status: 201)
            },
            Route.get(
                "/api/v1/rbac/roles/{roleName}", Self.read,
                RouteDoc(
                    "One role (003)", tag: "rbac", parameterTypes: Self.pathTypes, response: Self.roleExample,
                    responseSchema: AccountJSON.roleSchema, errors: [404])
            ) { request in
                let role = try await Self.role(service, Self.roleName(request, "roleName"))
                return .json(AccountJSON.role(role))
            },
            Route.patch(
                "/api/v1/rbac/roles/{roleName}", Self.write,
                RouteDoc(
                    "Change a role's description and/or replace its permissions (appliance extension); admin's permissions are fixed",
                    tag: "rbac", parameterTypes: Self.pathTypes, request: ["description": "Edits and deletes media"],
                    requestSchema: .object(
                        [:], optional: ["description": .string(maxLength: 1000), "permissions": .array(AccountJSON.permissionInput)]),
                    responseSchema: AccountJSON.roleSchema, errors: [404])
            ) { request in
                let name = try Self.roleName(request, "roleName")
                let fields = try request.fields()
                let role = try await service.updateRole(
                    name, description: fields.optionalString("description", maxBytes: 1000),
                    permissions: AccountJSON.permissions(fields, "permissions"),
                    by: request.principal, client: AuthRoutes.client(request))
                return .json(AccountJSON.role(role))
            },
            Route.delete(
                "/api/v1/rbac/roles/{roleName}", Self.write,
                RouteDoc(
                    "Delete a custom role no user holds (003); built-in roles cannot be deleted", tag: "rbac", parameterTypes: Self.pathTypes,
                    status: 204, errors: [404])
            ) { request in
                try await service.deleteRole(Self.roleName(request, "roleName"), by: request.principal, client: AuthRoutes.client(request))
                return .empty()
            },
            Route.get(
                "/api/v1/rbac/roles/{roleName}/permissions", Self.read,
                RouteDoc(
                    "A role's permissions (appliance extension)", tag: "rbac", parameterTypes: Self.pathTypes,
                    responseSchema: Self.permissionListSchema, errors: [404])
            ) { request in
                let role = try await Self.role(service, Self.roleName(request, "roleName"))
                return .json(["permissions": .array(role.permissions.map(AccountJSON.permission)), "total": JSON(role.permissions.count)])
            },
            Route.put(
                "/api/v1/rbac/roles/{roleName}/permissions", Self.write,
                RouteDoc(
                    "Replace a role's permissions (003); admin's are fixed", tag: "rbac", parameterTypes: Self.pathTypes,
                    request: ["permissions": [["resource": "media", "action": "read"], "media:write"]],
                    requestSchema: .object(["permissions": .array(AccountJSON.permissionInput)]),
                    responseSchema: AccountJSON.roleSchema, errors: [404])
            ) { request in
                let name = try Self.roleName(request, "roleName")
                guard let permissions = try AccountJSON.permissions(request.fields(), "permissions") else {
                    throw HTTPError.badRequest("Missing field 'permissions'", detail: "permissions")
                }
                let role = try await service.updateRole(
                    name, description: nil, permissions: permissions, by: request.principal, client: AuthRoutes.client(request))
                return .json(AccountJSON.role(role))
            },
            Route.get(
                "/api/v1/rbac/permissions", Self.read,
                RouteDoc("Every permission a role can grant (003)", tag: "rbac", responseSchema: Self.permissionListSchema)
            ) { _ in
                .json(["permissions": .array(Permission.catalogue.map(AccountJSON.permission)), "total": JSON(Permission.catalogue.count)])
            },
        ]
    }

    static func roleList(_ roles: [String]) -> JSON {
        ["roles": .array(roles.map(JSON.string)), "total": JSON(roles.count)]
    }

    static func role(_ service: AccountService, _ name: String) async throws(HTTPError) -> Role {
        guard let role = try await service.perform({ try $0.roles.get(name) }) else { throw HTTPError.notFound("No such role") }
        return role
    }

    /// A role name from the path: one that cannot exist is a 404 like an unknown one.
    static func roleName(_ request: Request, _ parameter: String) throws(HTTPError) -> String {
        let name = request.parameter(parameter)
        do {
            try FieldLimits.checkSlug(name, field: parameter)
        } catch {
            throw HTTPError.notFound("No such role")
        }
        return name
    }

    static func checkRoleName(_ name: String, field: String) throws(HTTPError) {
        do { try FieldLimits.checkSlug(name, field: field) } catch { throw error.httpError }
    }

    /// A user id from the path: at most 64 bytes, else no such user.
    static func userID(_ request: Request) throws(HTTPError) -> String {
        let id = request.parameter("userId")
        guard (1...64).contains(id.utf8.count) else { throw HTTPError.notFound("No such user") }
        return id
    }

    /// A policy body: `subject` a role name, `object` a resource of the catalogue (or `*`), `action` one
    /// of its actions (or `*`); each bad one is a 400 naming its field.
    static func policy(_ fields: BodyFields) throws(HTTPError) -> Policy {
        let subject = try fields.string("subject", maxBytes: 32)
        let object = try fields.string("object", maxBytes: 32)
        let action = try fields.string("action", maxBytes: 16)
        try checkRoleName(subject, field: "subject")
        guard object == "*" || Permission.catalogue.contains(where: { $0.resource == object }) else {
            throw HTTPError.badRequest("Invalid object: '\(object)' is not a resource", detail: "object")
        }
        guard Permission(object, action).isValid else {
            throw HTTPError.badRequest("Invalid action: '\(object):\(action)' is not a known permission", detail: "action")
        }
        return Policy(subject: subject, object: object, action: action)
    }
}
