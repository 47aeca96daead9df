public import FoundationEssentials
public import Store

/// OIDC providers managed by admins (003 `/admin/oidc/*`) and users' links to them. Provider names
/// are unique without regard to case; a subject links to one user per provider, and a user to one
/// subject per provider. Reads return the client secret masked, except `unmasked(_:)`.
public struct OIDCProviderStore: StateTable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    @discardableResult
    public func create(_ settings: OIDCProviderSettings, now: Date = Date()) throws(AccountError) -> OIDCProvider {
        guard let secret = settings.clientSecret, !secret.isEmpty else {
            throw .invalid(field: "client_secret", reason: "must not be empty")
        }
        try Self.check(settings)
        let at = Timestamp.milliseconds(now)
        let id = try AccountError.wrap { try Secrets.identifier() }
        try AccountError.wrap {
            try database.execute(
                "INSERT INTO oidc_providers (\(Self.columns.joined(separator: ", ")), id, client_secret, created_at, updated_at) "
                    + "VALUES (\(Self.columns.map { _ in "?" }.joined(separator: ", ")), ?, ?, ?, ?)",
                Self.values(settings) + [.text(id), .text(secret), .integer(at), .integer(at)])
        } mapping: {
            Self.constraint($0)
        }
        guard let provider = try get(id: id) else { throw .notFound("provider") }
        return provider
    }

    public func get(id: String) throws(AccountError) -> OIDCProvider? {
        try unmasked(id: id).map(Self.masked)
    }

    public func get(name: String) throws(AccountError) -> OIDCProvider? {
        try AccountError.wrap {
            try database.queryOne("SELECT * FROM oidc_providers WHERE name = ? COLLATE NOCASE", [.text(name)]).map(Self.provider)
        }.map(Self.masked)
    }

    /// Providers by name, masked; `enabledOnly` for the public sign-in list.
    public func list(enabledOnly: Bool = false) throws(AccountError) -> [OIDCProvider] {
        try AccountError.wrap {
            try database.query("SELECT * FROM oidc_providers \(enabledOnly ? "WHERE enabled = 1" : "") ORDER BY name COLLATE NOCASE")
                .map(Self.provider)
        }.map(Self.masked)
    }

    /// The provider with its client secret, for the authorization-code exchange only.
    public func unmasked(id: String) throws(AccountError) -> OIDCProvider? {
        try AccountError.wrap { try database.queryOne("SELECT * FROM oidc_providers WHERE id = ?", [.text(id)]).map(Self.provider) }
    }

    /// Lets `change` edit the settings and stores them (a nil secret keeps the stored one); nil when
    /// there is no such provider.
    @discardableResult
    public func update(
        _ id: String, now: Date = Date(), _ change: (inout OIDCProviderSettings) throws(AccountError) -> Void
    ) throws(AccountError) -> OIDCProvider? {
        guard var settings = try unmasked(id: id)?.settings else { return nil }
        settings.clientSecret = nil
        try change(&settings)
        if settings.clientSecret == OIDCProvider.mask || settings.clientSecret?.isEmpty == true { settings.clientSecret = nil }
        try Self.check(settings)
        let assignments = Self.columns.map { "\($0) = ?" }.joined(separator: ", ")
        try AccountError.wrap {
            try database.execute(
                "UPDATE oidc_providers SET \(assignments), client_secret = COALESCE(?, client_secret), updated_at = ? WHERE id = ?",
                Self.values(settings) + [SQLValue(settings.clientSecret), .integer(Timestamp.milliseconds(now)), .text(id)])
        } mapping: {
            Self.constraint($0)
        }
        return try get(id: id)
    }

    /// Makes `id` the one default provider; false when there is no such provider.
    @discardableResult
    public func setDefault(_ id: String) throws(AccountError) -> Bool {
        try AccountError.wrap {
            try database.transaction { connection in
                guard try connection.queryOne("SELECT 1 FROM oidc_providers WHERE id = ?", [.text(id)]) != nil else { return false }
                try connection.execute("UPDATE oidc_providers SET is_default = (id = ?)", [.text(id)])
                return true
            }
        }
    }

    /// Deletes the provider and every link to it; false when there was none.
    @discardableResult
    public func delete(_ id: String) throws(AccountError) -> Bool {
        try AccountError.wrap {
            try database.withConnection { (connection) throws(SQLiteError) in
                try connection.execute("DELETE FROM oidc_providers WHERE id = ?", [.text(id)])
                return connection.changes > 0
            }
        }
    }
}
