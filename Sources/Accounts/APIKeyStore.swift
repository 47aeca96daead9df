import Crypto
public import FoundationEssentials
public import Store

/// API keys (`X-API-Key`, 003 `/apikeys`): `apk_<8 hex>_<secret>`, where the 12-character prefix
/// is stored in clear to find the row and the whole key only as its SHA-256, compared in constant time.
public struct APIKeyStore: StateTable {
    public static let keyPrefix = "apk_"
    public static let maximumPerUser = 50

    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func create(
        userID: String, name: String, description: String? = nil, scopes: [String], expiresAt: Date? = nil, now: Date = Date()
    ) throws(AccountError) -> CreatedAPIKey {
        try FieldLimits.checkText(name, field: "name", maximum: 255, allowEmpty: false)
        if let description { try FieldLimits.checkText(description, field: "description", maximum: FieldLimits.descriptionLength) }
        guard (1...32).contains(scopes.count) else { throw .invalid(field: "scopes", reason: "must hold 1 to 32 scopes") }
        for scope in scopes { _ = try Permission.granted(byScope: scope) }
        if let expiresAt, expiresAt <= now { throw .invalid(field: "expires_at", reason: "must be in the future") }
        let at = Timestamp.milliseconds(now)
        return try AccountError.wrap {
            try database.transaction { connection in
                let held = try connection.queryOne("SELECT COUNT(*) FROM api_keys WHERE user_id = ? AND revoked_at IS NULL", [.text(userID)])
                guard (held?[0].intValue ?? 0) < Self.maximumPerUser else {
                    throw AccountError.forbidden("at most \(Self.maximumPerUser) API keys per user")
                }
                let id = try Secrets.identifier()
                let prefix = Self.keyPrefix + Base64.hex(try Crypto.randomBytes(4))
                let plaintext = prefix + "_" + (try Secrets.token())
                try connection.execute(
                    """
                    INSERT INTO api_keys (id, user_id, name, description, prefix, key_hash, scopes, expires_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .text(id), .text(userID), .text(name), SQLValue(description), .text(prefix), .blob(Secrets.hash(plaintext)),
                        .text(scopes.joined(separator: " ")), SQLValue(expiresAt.map(Timestamp.milliseconds)), .integer(at), .integer(at),
                    ])
                guard let row = try connection.queryOne("SELECT * FROM api_keys WHERE id = ?", [.text(id)]) else {
                    throw AccountError.notFound("api key")
                }
                return CreatedAPIKey(key: Self.key(row), plaintext: plaintext)
            }
        } mapping: { error in
            // A prefix collision (1 in 2^32 per pair) surfaces as a conflict the caller may retry.
            if error.message.contains("FOREIGN KEY") { return .notFound("user") }
            return error.message.contains("UNIQUE") ? .conflict(field: "key_prefix") : nil
        }
    }

    /// The key a presented `X-API-Key` value belongs to, if it is active; stamps its last use.
    public func verify(presented: String, now: Date = Date()) throws(AccountError) -> APIKey? {
        let prefixLength = Self.keyPrefix.utf8.count + 8
        guard presented.utf8.count <= 128, presented.hasPrefix(Self.keyPrefix), presented.utf8.count > prefixLength + 1 else { return nil }
        let prefix = String(presented.prefix(prefixLength))
        return try AccountError.wrap {
            guard let row = try database.queryOne("SELECT * FROM api_keys WHERE prefix = ?", [.text(prefix)]) else { return nil }
            guard case .blob(let stored) = row["key_hash"], Crypto.constantTimeEqual(stored, Secrets.hash(presented)) else {
                return nil
            }
            var key = Self.key(row)
            guard key.isActive(at: now) else { return nil }
            try database.execute(
                "UPDATE api_keys SET last_used_at = ? WHERE id = ?", [.integer(Timestamp.milliseconds(now)), .text(key.id)])
            key.lastUsedAt = Timestamp.date(Timestamp.milliseconds(now))
            return key
        }
    }

    /// One key; with `userID`, only if it is that user's.
    public func get(_ id: String, userID: String? = nil) throws(AccountError) -> APIKey? {
        try AccountError.wrap {
            try database.queryOne("SELECT * FROM api_keys WHERE id = ?1 AND (?2 IS NULL OR user_id = ?2)", [.text(id), SQLValue(userID)])
                .map(Self.key)
        }
    }

    /// The user's keys that are not revoked, newest first.
    public func list(userID: String) throws(AccountError) -> [APIKey] {
        try AccountError.wrap {
            try database.query(
                "SELECT * FROM api_keys WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id", [.text(userID)]
            ).map(Self.key)
        }
    }

    /// Revokes a key; with `userID`, only that user's. False when there was no such unrevoked key.
    @discardableResult
    public func revoke(_ id: String, userID: String? = nil, now: Date = Date()) throws(AccountError) -> Bool {
        let at = Timestamp.milliseconds(now)
        return try AccountError.wrap {
            try database.withConnection { (connection) throws(SQLiteError) in
                try connection.execute(
                    "UPDATE api_keys SET revoked_at = ?1, updated_at = ?1 WHERE id = ?2 AND revoked_at IS NULL AND (?3 IS NULL OR user_id = ?3)",
                    [.integer(at), .text(id), SQLValue(userID)])
                return connection.changes > 0
            }
        }
    }

    static func key(_ row: Row) -> APIKey {
        APIKey(
            id: row.string("id") ?? "", userID: row.string("user_id") ?? "", name: row.string("name") ?? "",
            description: row.string("description"), prefix: row.string("prefix") ?? "",
            scopes: (row.string("scopes") ?? "").split(separator: " ").map(String.init),
            expiresAt: row.int64("expires_at").map(Timestamp.date), lastUsedAt: row.int64("last_used_at").map(Timestamp.date),
            revokedAt: row.int64("revoked_at").map(Timestamp.date), createdAt: Timestamp.date(row.int64("created_at") ?? 0),
            updatedAt: Timestamp.date(row.int64("updated_at") ?? 0))
    }
}
