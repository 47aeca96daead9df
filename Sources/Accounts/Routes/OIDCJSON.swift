import Core
import FoundationEssentials
import HTTP

/// How OIDC providers and links look in responses (003's `OIDCProviderInfo`, `AdminOIDCProvider`,
/// `OIDCUserLink`), and how an admin's provider body is read. The client secret is always `****`.
enum OIDCJSON {
    static func publicProvider(_ provider: OIDCProvider) -> JSON {
        [
            "id": .string(provider.id), "name": .string(provider.settings.name), "display_name": .string(provider.settings.displayName),
            "is_default": .bool(provider.isDefault),
        ]
    }

    static func adminProvider(_ provider: OIDCProvider) -> JSON {
        let s = provider.settings
        let m = s.claimMappings
        return [
            "id": .string(provider.id), "name": .string(s.name), "display_name": .string(s.displayName),
            "provider_type": .string(s.providerType), "issuer_url": .string(s.issuerURL), "client_id": .string(s.clientID),
            "client_secret": .string(OIDCProvider.mask), "authorization_endpoint": JSON(s.endpoints.authorization),
            "token_endpoint": JSON(s.endpoints.token), "user_info_endpoint": JSON(s.endpoints.userInfo), "jwks_uri": JSON(s.endpoints.jwks),
            "end_session_endpoint": JSON(s.endpoints.endSession), "scopes": .array(s.scopes.map(JSON.string)),
            "claim_mappings": [
                "username": .string(m.username), "email": .string(m.email), "name": .string(m.name), "picture": .string(m.picture),
                "roles": .string(m.roles),
            ],
            "role_mappings": .object(s.roleMappings.mapValues(JSON.string)), "default_role": .string(s.defaultRole),
            "auto_create_users": .bool(s.autoCreateUsers), "update_user_info": .bool(s.updateUserInfo), "allow_linking": .bool(s.allowLinking),
            "is_enabled": .bool(s.enabled), "is_default": .bool(provider.isDefault), "created_at": AccountJSON.iso(provider.createdAt),
            "updated_at": AccountJSON.iso(provider.updatedAt),
        ]
    }

    static func link(_ link: OIDCLink) -> JSON {
        [
            "id": .string(link.id), "provider_name": .string(link.providerName), "provider_display_name": .string(link.providerDisplayName),
            "email": JSON(link.email), "last_login_at": AccountJSON.iso(link.lastLoginAt), "linked_at": AccountJSON.iso(link.linkedAt),
        ]
    }

    /// Reads a create (`existing` nil: name, display_name, issuer_url, client_id, client_secret required)
    /// or a PATCH over `existing` (every field optional; `****` or no client_secret keeps the stored one).
    /// Issuer and endpoint overrides must be https, or http to a loopback host.
    static func settings(_ fields: BodyFields, over existing: OIDCProviderSettings?) throws(HTTPError) -> OIDCProviderSettings {
        var s: OIDCProviderSettings
        if let existing {
            s = existing
            if let name = try fields.optionalString("name", maxBytes: 100), name.lowercased() != existing.name.lowercased() {
                throw HTTPError.badRequest("Invalid name: a provider's name cannot change", detail: "name")
            }
            s.displayName = try fields.optionalString("display_name", maxBytes: 255) ?? s.displayName
            s.issuerURL = try fields.optionalString("issuer_url", maxBytes: 2048) ?? s.issuerURL
            s.clientID = try fields.optionalString("client_id", maxBytes: 255) ?? s.clientID
            s.clientSecret = try fields.optionalString("client_secret", maxBytes: 1024)
        } else {
            s = OIDCProviderSettings(
                name: try fields.string("name", maxBytes: 100), displayName: try fields.string("display_name", maxBytes: 255),
                issuerURL: try fields.string("issuer_url", maxBytes: 2048), clientID: try fields.string("client_id", maxBytes: 255),
                clientSecret: try fields.string("client_secret", maxBytes: 1024))
            guard s.clientSecret != OIDCProvider.mask else {
                throw HTTPError.badRequest("Invalid client_secret: give the provider's secret", detail: "client_secret")
            }
        }
        s.providerType = try fields.optionalString("provider_type", maxBytes: 32) ?? s.providerType
        s.scopes = try fields.optionalStrings("scopes", maxCount: 20, maxBytes: 64) ?? s.scopes
        s.defaultRole = try fields.optionalString("default_role", maxBytes: 32) ?? s.defaultRole
        s.autoCreateUsers = try fields.bool("auto_create_users", default: s.autoCreateUsers)
        s.updateUserInfo = try fields.bool("update_user_info", default: s.updateUserInfo)
        s.allowLinking = try fields.bool("allow_linking", default: s.allowLinking)
        s.enabled = try fields.bool("is_enabled", default: s.enabled)
        try readEndpoints(fields, into: &s.endpoints)
        try readClaimMappings(fields, into: &s.claimMappings)
        if let roles = try stringMap(fields, "role_mappings") { s.roleMappings = roles }
        try requireSecureURL(s.issuerURL, field: "issuer_url")
        return s
    }

    private static func readEndpoints(_ fields: BodyFields, into e: inout OIDCEndpoints) throws(HTTPError) {
        func read(_ field: String, _ current: String?) throws(HTTPError) -> String? {
            guard fields.json[field] != nil else { return current }
            guard let value = try fields.optionalString(field, maxBytes: 2048), !value.isEmpty else { return nil }
            try requireSecureURL(value, field: field)
            return value
        }
        e.authorization = try read("authorization_endpoint", e.authorization)
        e.token = try read("token_endpoint", e.token)
        e.userInfo = try read("user_info_endpoint", e.userInfo)
        e.jwks = try read("jwks_uri", e.jwks)
        e.endSession = try read("end_session_endpoint", e.endSession)
    }

    private static func readClaimMappings(_ fields: BodyFields, into m: inout OIDCClaimMappings) throws(HTTPError) {
        guard let claims = try stringMap(fields, "claim_mappings") else { return }
        let known = ["username", "email", "name", "picture", "roles"]
        if let unknown = claims.keys.first(where: { !known.contains($0) }) {
            throw HTTPError.badRequest("Invalid claim_mappings: unknown member '\(unknown.prefix(32))'", detail: "claim_mappings")
        }
        m.username = claims["username"] ?? m.username
        m.email = claims["email"] ?? m.email
        m.name = claims["name"] ?? m.name
        m.picture = claims["picture"] ?? m.picture
        m.roles = claims["roles"] ?? m.roles
    }

    /// An object of strings (at most 64 members of at most 255 bytes each); nil when absent or null.
    private static func stringMap(_ fields: BodyFields, _ field: String) throws(HTTPError) -> [String: String]? {
        switch fields.json[field] {
        case nil, .null?: return nil
        case .object(let members)?:
            guard members.count <= 64 else { throw HTTPError.badRequest("Invalid \(field): at most 64 members", detail: field) }
            var map: [String: String] = [:]
            for (key, value) in members {
                guard case .string(let text) = value, key.utf8.count <= 255, text.utf8.count <= 255 else {
                    throw HTTPError.badRequest("Invalid \(field): members must be strings of at most 255 bytes", detail: field)
                }
                map[key] = text
            }
            return map
        default: throw HTTPError.badRequest("Wrong type for field '\(field)': expected an object", detail: field)
        }
    }

    private static func requireSecureURL(_ url: String, field: String) throws(HTTPError) {
        guard OIDCURL.isAllowed(url) else {
            throw HTTPError.badRequest("Invalid \(field): must be an https URL (http only to a loopback host)", detail: field)
        }
    }

    static let publicProviderSchema = Schema.object(
        ["name": .string, "display_name": .string], optional: ["id": .string, "is_default": .boolean])
    static let linkSchema = Schema.object(
        ["id": .string, "provider_name": .string, "provider_display_name": .string, "linked_at": .nullable(.string)],
        optional: ["email": .nullable(.string), "last_login_at": .nullable(.string)])
    static let authURLSchema = Schema.object(["auth_url": .string])
    static let callbackSchema = Schema.object(
        ["access_token": .string, "token_type": .string, "expires_in": .integer],
        optional: ["refresh_token": .string, "user": AccountJSON.userSchema])

    static let claimMappingsSchema = Schema.object(
        [:], optional: ["username": .string, "email": .string, "name": .string, "picture": .string, "roles": .string])
    static let endpointFields: [String: Schema] = [
        "authorization_endpoint": .nullable(.string(maxLength: 2048)), "token_endpoint": .nullable(.string(maxLength: 2048)),
        "user_info_endpoint": .nullable(.string(maxLength: 2048)), "jwks_uri": .nullable(.string(maxLength: 2048)),
        "end_session_endpoint": .nullable(.string(maxLength: 2048)),
    ]
    static let adminProviderSchema = Schema.object(
        [
            "id": .string, "name": .string, "display_name": .string, "provider_type": .oneOf(["generic", "authentik", "keycloak"]),
            "issuer_url": .string, "client_id": .string, "scopes": .array(.string), "auto_create_users": .boolean,
            "update_user_info": .boolean, "allow_linking": .boolean, "is_enabled": .boolean, "is_default": .boolean,
            "created_at": .nullable(.string), "updated_at": .nullable(.string),
        ],
        optional: endpointFields.merging([
            "client_secret": .string, "claim_mappings": claimMappingsSchema, "role_mappings": .map(.string), "default_role": .string,
        ]) { first, _ in first })
    static let providerRequestFields: [String: Schema] = endpointFields.merging([
        "provider_type": .oneOf(["generic", "authentik", "keycloak"]), "scopes": .array(.string(maxLength: 64)),
        "claim_mappings": claimMappingsSchema, "role_mappings": .map(.string(maxLength: 255)), "default_role": .string(maxLength: 32),
        "auto_create_users": .boolean, "update_user_info": .boolean, "allow_linking": .boolean, "is_enabled": .boolean,
        "is_default": .boolean,
    ]) { first, _ in first }
    static let createRequestSchema = Schema.object(
        [
            "name": .string(maxLength: 100, minLength: 1), "display_name": .string(maxLength: 255, minLength: 1),
            "issuer_url": .string(maxLength: 2048), "client_id": .string(maxLength: 255), "client_secret": .string(maxLength: 1024),
        ], optional: providerRequestFields)
    static let updateRequestSchema = Schema.object(
        [:],
        optional: providerRequestFields.merging([
            "display_name": .string(maxLength: 255, minLength: 1), "issuer_url": .string(maxLength: 2048),
            "client_id": .string(maxLength: 255), "client_secret": .string(maxLength: 1024),
        ]) { first, _ in first })
}
