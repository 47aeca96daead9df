import Core
import FoundationEssentials
public import HTTP

/// 003's API keys (`/api/v1/apikeys*`): the signed-in user's own keys. A key is shown once, at creation;
/// lists show its prefix, never the key. Scopes are permission strings or 003's `read`/`write`/`admin`,
/// and the gate grants a key only what both its scopes and its owner's roles allow.
public struct APIKeyRoutes: RouteProvider {
    let service: AccountService

    public init(service: AccountService) {
        self.service = service
    }

    static let keySchema = Schema.object(
        [
            "id": .string, "user_id": .string, "name": .string, "key_prefix": .string, "scopes": .array(.string), "is_active": .boolean,
            "created_at": .dateTime, "updated_at": .dateTime,
        ],
        optional: ["description": .nullable(.string), "expires_at": .nullable(.dateTime), "last_used_at": .nullable(.dateTime)])
    static let createdSchema = Schema.object(
        [
            "id": .string, "name": .string, "key_prefix": .string, "scopes": .array(.string), "created_at": .dateTime, "api_key": .string,
            "message": .string,
        ],
        optional: [
            "user_id": .string, "description": .nullable(.string), "is_active": .boolean, "expires_at": .nullable(.dateTime),
            "last_used_at": .nullable(.dateTime), "updated_at": .dateTime,
        ])
    static let pathTypes: [String: Schema] = ["keyId": .string(maxLength: 64)]

    public var routes: [Route] {
        let service = service
        return [
            Route.get(
                "/api/v1/apikeys", .authenticated,
                RouteDoc(
                    "Your API keys, newest first, without the keys themselves (003)", tag: "apikeys",
                    responseSchema: .object(["keys": .array(Self.keySchema), "total": .integer]))
            ) { request in
                let owner = try AccountService.keyOwner(request.principal)
                let keys = try await service.perform { try $0.keys.list(userID: owner.id) }
                return .json(["keys": .array(keys.map(Self.key)), "total": JSON(keys.count)])
            },
            Route.post(
                "/api/v1/apikeys", .authenticated,
                RouteDoc(
                    "Create an API key for yourself (003); the key is in this answer only", tag: "apikeys",
                    request: ["name": "backup script", "scopes": ["read"], "expires_at": "2027-01-01T00:00:00Z"], status: 201,
                    requestSchema: .object(
                        ["name": .string(maxLength: 255), "scopes": .array(.string(maxLength: 65))],
                        optional: ["description": .nullable(.string(maxLength: 1000)), "expires_at": .nullable(.dateTime)]),
                    responseSchema: Self.createdSchema, errors: [403])
            ) { request in
                let fields = try request.fields()
                guard let scopes = try fields.optionalStrings("scopes", maxCount: 32, maxBytes: 65), !scopes.isEmpty else {
                    throw HTTPError.badRequest("Field 'scopes' must hold at least one scope", detail: "scopes")
                }
                let created = try await service.createAPIKey(
                    name: fields.string("name", maxBytes: 255), description: fields.optionalString("description", maxBytes: 1000),
                    scopes: scopes, expiresAt: Self.date(fields, "expires_at"), by: request.principal, client: AuthRoutes.client(request))
                var body = Self.key(created.key).objectValue ?? [:]
                body["api_key"] = .string(created.plaintext)
                body["message"] = "Store this key now: it is not shown again"
                return .json(.object(body), status: 201)
            },
            Route.get(
                "/api/v1/apikeys/{keyId}", .authenticated,
                RouteDoc(
                    "One of your API keys (003)", tag: "apikeys", parameterTypes: Self.pathTypes, responseSchema: Self.keySchema, errors: [404])
            ) { request in
                let owner = try AccountService.keyOwner(request.principal)
                let id = try Self.keyID(request)
                guard let key = try await service.perform({ try $0.keys.get(id, userID: owner.id) }) else {
                    throw HTTPError.notFound("No such API key")
                }
                return .json(Self.key(key))
            },
            Route.delete(
                "/api/v1/apikeys/{keyId}", .authenticated,
                RouteDoc(
                    "Revoke one of your API keys (003): it stops working at once", tag: "apikeys", parameterTypes: Self.pathTypes, status: 204,
                    errors: [404])
            ) { request in
                try await service.revokeAPIKey(Self.keyID(request), by: request.principal, client: AuthRoutes.client(request))
                return .empty()
            },
        ].map { $0.documenting(errors: [400]) }  // the appliance token has no keys
    }

    /// 003's `APIKeyInfo`.
    static func key(_ key: APIKey) -> JSON {
        [
            "id": .string(key.id), "user_id": .string(key.userID), "name": .string(key.name), "description": JSON(key.description),
            "key_prefix": .string(key.prefix), "scopes": .array(key.scopes.map(JSON.string)), "is_active": .bool(key.isActive()),
            "expires_at": AccountJSON.iso(key.expiresAt), "last_used_at": AccountJSON.iso(key.lastUsedAt),
            "created_at": AccountJSON.iso(key.createdAt), "updated_at": AccountJSON.iso(key.updatedAt),
        ]
    }

    static func keyID(_ request: Request) throws(HTTPError) -> String {
        let id = request.parameter("keyId")
        guard (1...64).contains(id.utf8.count) else { throw HTTPError.notFound("No such API key") }
        return id
    }

    /// An RFC 3339 date-time field (null or absent: nil); anything else is a 400 naming it.
    static func date(_ fields: BodyFields, _ name: String) throws(HTTPError) -> Date? {
        guard let text = try fields.optionalString(name, maxBytes: 64) else { return nil }
        guard let date = AccountJSON.date(text) else {
            throw HTTPError.badRequest("Field '\(name)' must be an RFC 3339 date-time, e.g. 2027-01-01T00:00:00Z", detail: name)
        }
        return date
    }
}
