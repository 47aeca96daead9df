public import FoundationEssentials
public import Store

/// Refresh-token sessions: create at login, rotate on every refresh (a reused token revokes its
/// family), list and revoke (003 `/sessions*`), purge the expired. Tokens are 32 random bytes,
/// base64url; only their SHA-256 is stored.
public struct SessionStore: StateTable {
    public let database: Database
    public let lifetime: TimeInterval
    public let rememberLifetime: TimeInterval

    /// 7 days by default, 30 with "remember me" (issue 11).
    public init(database: Database, lifetime: TimeInterval = 7 * 86_400, rememberLifetime: TimeInterval = 30 * 86_400) {
        self.database = database
        self.lifetime = lifetime
        self.rememberLifetime = rememberLifetime
    }

    public func create(
        userID: String, remember: Bool = false, userAgent: String? = nil, ipAddress: String? = nil, now: Date = Date()
    ) throws(AccountError) -> IssuedSession {
        let at = Timestamp.milliseconds(now)
        let expires = Timestamp.milliseconds(now.addingTimeInterval(remember ? rememberLifetime : lifetime))
        return try AccountError.wrap {
            let id = try Secrets.identifier()
            let token = try Secrets.token()
            try database.execute(
                """
                INSERT INTO sessions (id, user_id, token_hash, remember, user_agent, ip_address, created_at, last_used_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(id), .text(userID), .blob(Secrets.hash(token)), SQLValue(remember),
                    SQLValue(userAgent.map { Self.clip($0, FieldLimits.userAgentLength) }),
                    SQLValue(ipAddress.map { Self.clip($0, FieldLimits.addressLength) }), .integer(at), .integer(at),
                    .integer(expires),
                ])
            guard let session = try get(id) else { throw AccountError.notFound("session") }
            return IssuedSession(session: session, refreshToken: token)
        } mapping: {
            $0.message.contains("FOREIGN KEY") ? .notFound("user") : nil
        }
    }

    /// Spends `presented` and issues its successor in the same session, sliding the expiry; or says
    /// why not. A token that was already rotated revokes its whole session.
    public func rotate(
        presented: String, userAgent: String? = nil, ipAddress: String? = nil, now: Date = Date()
    ) throws(AccountError) -> RefreshOutcome {
        guard !presented.isEmpty, presented.utf8.count <= 512 else { return .unknown }
        let hash = Secrets.hash(presented)
        let at = Timestamp.milliseconds(now)
        return try AccountError.wrap {
            try database.transaction { connection in
                guard let row = try connection.queryOne("SELECT * FROM sessions WHERE token_hash = ?", [.blob(hash)]) else {
                    let reused = try connection.queryOne(
                        """
                        SELECT sessions.id, sessions.user_id FROM rotated_refresh_tokens
                        JOIN sessions ON sessions.id = rotated_refresh_tokens.session_id WHERE rotated_refresh_tokens.token_hash = ?
                        """, [.blob(hash)])
                    guard let reused, let id = reused.string("id"), let userID = reused.string("user_id") else { return .unknown }
                    try connection.execute(
                        "UPDATE sessions SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", [.integer(at), .text(id)])
                    return .reused(sessionID: id, userID: userID)
                }
                let session = Self.session(row)
                guard session.revokedAt == nil else { return .revoked }
                guard now < session.expiresAt else { return .expired }
                let token = try Secrets.token()
                let expires = Timestamp.milliseconds(now.addingTimeInterval(session.remember ? rememberLifetime : lifetime))
                try connection.execute(
                    "INSERT INTO rotated_refresh_tokens (token_hash, session_id, rotated_at) VALUES (?, ?, ?)",
                    [.blob(hash), .text(session.id), .integer(at)])
                try connection.execute(
                    """
                    UPDATE sessions SET token_hash = ?, last_used_at = ?, expires_at = ?,
                        user_agent = COALESCE(?, user_agent), ip_address = COALESCE(?, ip_address) WHERE id = ?
                    """,
                    [
                        .blob(Secrets.hash(token)), .integer(at), .integer(expires),
                        SQLValue(userAgent.map { Self.clip($0, FieldLimits.userAgentLength) }),
                        SQLValue(ipAddress.map { Self.clip($0, FieldLimits.addressLength) }), .text(session.id),
                    ])
                guard let updated = try connection.queryOne("SELECT * FROM sessions WHERE id = ?", [.text(session.id)]) else {
                    return .unknown
                }
                return .rotated(IssuedSession(session: Self.session(updated), refreshToken: token))
            }
        }
    }

    public func get(_ id: String) throws(AccountError) -> Session? {
        try AccountError.wrap { try database.queryOne("SELECT * FROM sessions WHERE id = ?", [.text(id)]).map(Self.session) }
    }

    /// Whether the session behind an access token (its `sid`) is still signed in.
    public func isActive(_ id: String, now: Date = Date()) throws(AccountError) -> Bool {
        try get(id)?.isActive(at: now) ?? false
    }

    /// The session a refresh token belongs to, whether current or not (logout by refresh token).
    public func session(presented: String) throws(AccountError) -> Session? {
        try AccountError.wrap {
            try database.queryOne("SELECT * FROM sessions WHERE token_hash = ?", [.blob(Secrets.hash(presented))]).map(Self.session)
        }
    }

    /// The user's active sessions, most recently used first.
    public func list(userID: String, now: Date = Date()) throws(AccountError) -> [Session] {
        try AccountError.wrap {
            try database.query(
                "SELECT * FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY last_used_at DESC, id",
                [.text(userID), .integer(Timestamp.milliseconds(now))]
            ).map(Self.session)
        }
    }

    /// Revokes one session; with `userID`, only if it is that user's (so a user cannot revoke another's).
    /// False when there was no such active session.
    @discardableResult
    public func revoke(_ id: String, userID: String? = nil, now: Date = Date()) throws(AccountError) -> Bool {
        try changed(
            "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND (?3 IS NULL OR user_id = ?3)",
            [.integer(Timestamp.milliseconds(now)), .text(id), SQLValue(userID)])
    }

    /// Revokes every active session of the user except `keeping` (the current one); returns how many.
    @discardableResult
    public func revokeAll(userID: String, keeping: String? = nil, now: Date = Date()) throws(AccountError) -> Int {
        try AccountError.wrap {
            try database.withConnection { (connection) throws(SQLiteError) in
                try connection.execute(
                    "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND (?3 IS NULL OR id != ?3)",
                    [.integer(Timestamp.milliseconds(now)), .text(userID), SQLValue(keeping)])
                return connection.changes
            }
        }
    }

    /// Deletes sessions (and their spent tokens) that expired or were revoked before `before`.
    @discardableResult
    public func purge(before: Date = Date()) throws(AccountError) -> Int {
        let at = Timestamp.milliseconds(before)
        return try AccountError.wrap {
            try database.withConnection { (connection) throws(SQLiteError) in
                try connection.execute("DELETE FROM sessions WHERE expires_at <= ? OR revoked_at <= ?", [.integer(at), .integer(at)])
                return connection.changes
            }
        }
    }

    private func changed(_ sql: String, _ values: [SQLValue]) throws(AccountError) -> Bool {
        try AccountError.wrap {
            try database.withConnection { (connection) throws(SQLiteError) in
                try connection.execute(sql, values)
                return connection.changes > 0
            }
        }
    }

    static func session(_ row: Row) -> Session {
        Session(
            id: row.string("id") ?? "", userID: row.string("user_id") ?? "", remember: row.bool("remember") ?? false,
            userAgent: row.string("user_agent"), ipAddress: row.string("ip_address"),
            createdAt: Timestamp.date(row.int64("created_at") ?? 0), lastUsedAt: Timestamp.date(row.int64("last_used_at") ?? 0),
            expiresAt: Timestamp.date(row.int64("expires_at") ?? 0), revokedAt: row.int64("revoked_at").map(Timestamp.date))
    }

    /// At most `limit` bytes, cut on a character boundary.
    static func clip(_ text: String, _ limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var out = ""
        for character in text {
            guard out.utf8.count + String(character).utf8.count <= limit else { break }
            out.append(character)
        }
        return out
    }
}
