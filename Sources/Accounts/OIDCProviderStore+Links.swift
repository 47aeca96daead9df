import Core
public import FoundationEssentials
import Store

/// Links between local users and provider subjects, and the provider row mapping.
extension OIDCProviderStore {
    /// Links `subject` at the provider to the user; `conflict` on `subject` when another user has it,
    /// on `provider` when the user is linked to another subject there already.
    @discardableResult
    public func link(
        providerID: String, subject: String, userID: String, email: String? = nil, now: Date = Date()
    ) throws(AccountError) -> OIDCLink {
        try FieldLimits.checkText(subject, field: "subject", maximum: 255, allowEmpty: false)
        if let email { try FieldLimits.checkEmail(email) }
        let id = try AccountError.wrap { try Secrets.identifier() }
        try AccountError.wrap {
            try database.execute(
                "INSERT INTO oidc_links (id, provider_id, subject, user_id, email, linked_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(id), .text(providerID), .text(subject), .text(userID), SQLValue(email), .integer(Timestamp.milliseconds(now))])
        } mapping: { error in
            if error.message.contains("subject") { return .conflict(field: "subject") }
            if error.message.contains("user_id") { return .conflict(field: "provider") }
            return error.message.contains("FOREIGN KEY") ? .notFound("user or provider") : nil
        }
        guard let made = try links("oidc_links.id = ?", [.text(id)]).first else { throw .notFound("link") }
        return made
    }

    /// The link of `subject` at the provider, if any: who signs in.
    public func link(providerID: String, subject: String) throws(AccountError) -> OIDCLink? {
        try links("oidc_links.provider_id = ? AND oidc_links.subject = ?", [.text(providerID), .text(subject)]).first
    }

    /// The user's links, by provider name.
    public func links(userID: String) throws(AccountError) -> [OIDCLink] {
        try links("oidc_links.user_id = ?", [.text(userID)])
    }

    /// Stamps a sign-in through the link.
    public func recordLogin(linkID: String, at date: Date = Date()) throws(AccountError) {
        try AccountError.wrap {
            try database.execute("UPDATE oidc_links SET last_login_at = ? WHERE id = ?", [.integer(Timestamp.milliseconds(date)), .text(linkID)])
        }
    }

    /// Removes the user's link to the provider; false when there was none.
    @discardableResult
    public func unlink(providerID: String, userID: String) throws(AccountError) -> Bool {
        try AccountError.wrap {
            try database.withConnection { (connection) throws(SQLiteError) in
                try connection.execute("DELETE FROM oidc_links WHERE provider_id = ? AND user_id = ?", [.text(providerID), .text(userID)])
                return connection.changes > 0
            }
        }
    }

    private func links(_ condition: String, _ values: [SQLValue]) throws(AccountError) -> [OIDCLink] {
        try AccountError.wrap {
            try database.query(
                """
                SELECT oidc_links.*, oidc_providers.name, oidc_providers.display_name FROM oidc_links
                JOIN oidc_providers ON oidc_providers.id = oidc_links.provider_id WHERE \(condition) ORDER BY oidc_providers.name
                """, values
            ).map { row in
                OIDCLink(
                    id: row.string("id") ?? "", providerID: row.string("provider_id") ?? "", providerName: row.string("name") ?? "",
                    providerDisplayName: row.string("display_name") ?? "", subject: row.string("subject") ?? "",
                    userID: row.string("user_id") ?? "", email: row.string("email"),
                    linkedAt: Timestamp.date(row.int64("linked_at") ?? 0), lastLoginAt: row.int64("last_login_at").map(Timestamp.date))
            }
        }
    }

    // MARK: Provider rows

    static let columns = [
        "name", "display_name", "provider_type", "issuer_url", "client_id", "scopes", "claim_mappings", "role_mappings", "endpoints",
        "default_role", "auto_create_users", "update_user_info", "allow_linking", "enabled",
    ]

    static func values(_ s: OIDCProviderSettings) -> [SQLValue] {
        let claims: JSON = [
            "username": .string(s.claimMappings.username), "email": .string(s.claimMappings.email), "name": .string(s.claimMappings.name),
            "picture": .string(s.claimMappings.picture), "roles": .string(s.claimMappings.roles),
        ]
        let endpoints: JSON = [
            "authorization_endpoint": JSON(s.endpoints.authorization), "token_endpoint": JSON(s.endpoints.token),
            "user_info_endpoint": JSON(s.endpoints.userInfo), "jwks_uri": JSON(s.endpoints.jwks),
            "end_session_endpoint": JSON(s.endpoints.endSession),
        ]
        return [
            .text(s.name), .text(s.displayName), .text(s.providerType), .text(s.issuerURL), .text(s.clientID),
            .text(s.scopes.joined(separator: " ")), .text(UserStore.text(claims)),
            .text(UserStore.text(.object(s.roleMappings.mapValues(JSON.string)))), .text(UserStore.text(endpoints)),
            .text(s.defaultRole), SQLValue(s.autoCreateUsers), SQLValue(s.updateUserInfo), SQLValue(s.allowLinking), SQLValue(s.enabled),
        ]
    }

    static func provider(_ row: Row) -> OIDCProvider {
        func object(_ column: String) -> [String: JSON] {
            row.string(column).flatMap { try? JSON.decode(Array($0.utf8)) }?.objectValue ?? [:]
        }
        var s = OIDCProviderSettings(
            name: row.string("name") ?? "", displayName: row.string("display_name") ?? "", issuerURL: row.string("issuer_url") ?? "",
            clientID: row.string("client_id") ?? "", clientSecret: row.string("client_secret"))
        s.providerType = row.string("provider_type") ?? "generic"
        s.scopes = (row.string("scopes") ?? "").split(separator: " ").map(String.init)
        let claims = object("claim_mappings")
        s.claimMappings.username = claims["username"]?.stringValue ?? s.claimMappings.username
        s.claimMappings.email = claims["email"]?.stringValue ?? s.claimMappings.email
        s.claimMappings.name = claims["name"]?.stringValue ?? s.claimMappings.name
        s.claimMappings.picture = claims["picture"]?.stringValue ?? s.claimMappings.picture
        s.claimMappings.roles = claims["roles"]?.stringValue ?? s.claimMappings.roles
        s.roleMappings = object("role_mappings").compactMapValues(\.stringValue)
        let endpoints = object("endpoints")
        s.endpoints.authorization = endpoints["authorization_endpoint"]?.stringValue
        s.endpoints.token = endpoints["token_endpoint"]?.stringValue
        s.endpoints.userInfo = endpoints["user_info_endpoint"]?.stringValue
        s.endpoints.jwks = endpoints["jwks_uri"]?.stringValue
        s.endpoints.endSession = endpoints["end_session_endpoint"]?.stringValue
        s.defaultRole = row.string("default_role") ?? Role.user
        s.autoCreateUsers = row.bool("auto_create_users") ?? true
        s.updateUserInfo = row.bool("update_user_info") ?? true
        s.allowLinking = row.bool("allow_linking") ?? true
        s.enabled = row.bool("enabled") ?? true
        return OIDCProvider(
            id: row.string("id") ?? "", settings: s, isDefault: row.bool("is_default") ?? false,
            createdAt: Timestamp.date(row.int64("created_at") ?? 0), updatedAt: Timestamp.date(row.int64("updated_at") ?? 0))
    }

    static func masked(_ provider: OIDCProvider) -> OIDCProvider {
        var copy = provider
        copy.settings.clientSecret = OIDCProvider.mask
        return copy
    }

    static func constraint(_ error: SQLiteError) -> AccountError? {
        if error.message.contains("UNIQUE") { return .conflict(field: "name") }
        return error.message.contains("FOREIGN KEY") ? .invalid(field: "default_role", reason: "is not a role") : nil
    }

    static func check(_ s: OIDCProviderSettings) throws(AccountError) {
        try FieldLimits.checkSlug(s.name, field: "name", maximum: FieldLimits.nameLength)
        try FieldLimits.checkText(s.displayName, field: "display_name", maximum: 255, allowEmpty: false)
        guard ["generic", "authentik", "keycloak"].contains(s.providerType) else {
            throw .invalid(field: "provider_type", reason: "must be generic, authentik or keycloak")
        }
        try FieldLimits.checkURL(s.issuerURL, field: "issuer_url")
        try FieldLimits.checkText(s.clientID, field: "client_id", maximum: 255, allowEmpty: false)
        if let secret = s.clientSecret { try FieldLimits.checkText(secret, field: "client_secret", maximum: 1024) }
        guard (1...20).contains(s.scopes.count), s.scopes.contains("openid") else {
            throw .invalid(field: "scopes", reason: "must hold 1 to 20 scopes including openid")
        }
        for scope in s.scopes { try FieldLimits.checkSlug(scope.lowercased(), field: "scopes", maximum: 64) }
        let m = s.claimMappings
        for (field, claim) in [("username", m.username), ("email", m.email), ("name", m.name), ("picture", m.picture), ("roles", m.roles)] {
            try FieldLimits.checkText(claim, field: "claim_mappings.\(field)", maximum: 128, allowEmpty: false)
        }
        guard s.roleMappings.count <= 64 else { throw .invalid(field: "role_mappings", reason: "at most 64 entries") }
        for (group, role) in s.roleMappings {
            try FieldLimits.checkText(group, field: "role_mappings", maximum: 255, allowEmpty: false)
            try FieldLimits.checkSlug(role, field: "role_mappings")
        }
        let e = s.endpoints
        for (field, url) in [
            ("authorization_endpoint", e.authorization), ("token_endpoint", e.token), ("user_info_endpoint", e.userInfo),
            ("jwks_uri", e.jwks), ("end_session_endpoint", e.endSession),
        ] {
            if let url { try FieldLimits.checkURL(url, field: field) }
        }
        try FieldLimits.checkSlug(s.defaultRole, field: "default_role")
    }
}
