import Core
public import FoundationEssentials
public import Store

/// The users table and each user's roles: create, read by id, name, e-mail or Plex account, list,
/// update, password and disable, delete. Every field is checked against `FieldLimits` first;
/// usernames and e-mail addresses are unique without regard to case (`conflict`, a 409).
/// The last enabled admin cannot be deleted, disabled or lose the admin role.
public struct UserStore: StateTable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    @discardableResult
    public func create(_ new: NewUser, now: Date = Date()) throws(AccountError) -> User {
        try Self.check(
            username: new.username, email: new.email, displayName: new.displayName, avatarURL: new.avatarURL,
            preferences: new.preferences, plexAccountID: new.plexAccountID, plexUsername: new.plexUsername)
        guard !new.roles.isEmpty else { throw .invalid(field: "role", reason: "a user needs a role") }
        let id = try AccountError.wrap { try Secrets.identifier() }
        let at = Timestamp.milliseconds(now)
        try AccountError.wrap {
            try database.transaction { connection in
                try connection.execute(
                    """
                    INSERT INTO users (id, username, email, display_name, password_hash, email_verified, plex_account_id,
                        plex_username, avatar_url, preferences, password_changed_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .text(id), .text(new.username), SQLValue(new.email), SQLValue(new.displayName),
                        SQLValue(new.passwordHash), SQLValue(new.emailVerified), SQLValue(new.plexAccountID),
                        SQLValue(new.plexUsername), SQLValue(new.avatarURL), .text(Self.text(new.preferences)),
                        new.passwordHash == nil ? .null : .integer(at), .integer(at), .integer(at),
                    ])
                for role in Set(new.roles) { try RoleStore.assign(role, to: id, at: at, on: connection) }
            }
        } mapping: {
            Self.uniqueField($0)
        }
        guard let user = try get(id: id) else { throw .notFound("user") }
        return user
    }

    public func get(id: String) throws(AccountError) -> User? {
        try one("users.id = ?", [.text(id)])
    }

    public func get(username: String) throws(AccountError) -> User? {
        try one("users.username = ? COLLATE NOCASE", [.text(username)])
    }

    public func get(email: String) throws(AccountError) -> User? {
        try one("users.email = ? COLLATE NOCASE", [.text(email)])
    }

    public func get(plexAccountID: String) throws(AccountError) -> User? {
        try one("users.plex_account_id = ?", [.text(plexAccountID)])
    }

    /// The user a login names: `login` is a username, or an e-mail address when it holds an `@`.
    public func get(login: String) throws(AccountError) -> User? {
        login.contains("@") ? try get(email: login) : try get(username: login)
    }

    /// Users ordered by username; `search` matches a part of username, e-mail or display name,
    /// `role` keeps the holders of one role, `withoutRole` those who do not hold one.
    public func list(
        search: String? = nil, role: String? = nil, withoutRole: String? = nil, disabled: Bool? = nil, offset: Int = 0, limit: Int = 50
    ) throws(AccountError) -> Page<User> {
        var conditions: [String] = []
        var values: [SQLValue] = []
        if let search, !search.isEmpty {
            let pattern = "%" + Self.escapeLike(String(search.prefix(100))) + "%"
            conditions.append(
                "(users.username LIKE ?1 ESCAPE '\\' OR users.email LIKE ?1 ESCAPE '\\' OR users.display_name LIKE ?1 ESCAPE '\\')")
            values.append(.text(pattern))
        }
        if let role {
            conditions.append("EXISTS (SELECT 1 FROM user_roles WHERE user_id = users.id AND role = ?\(values.count + 1))")
            values.append(.text(role))
        }
        if let withoutRole {
            conditions.append("NOT EXISTS (SELECT 1 FROM user_roles WHERE user_id = users.id AND role = ?\(values.count + 1))")
            values.append(.text(withoutRole))
        }
        if let disabled {
            conditions.append("users.disabled = ?\(values.count + 1)")
            values.append(SQLValue(disabled))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let n = values.count
        return try AccountError.wrap {
            let total = try database.queryOne("SELECT COUNT(*) FROM users \(filter)", values)?[0].intValue ?? 0
            let rows = try database.query(
                "\(Self.select) \(filter) ORDER BY users.username COLLATE NOCASE LIMIT ?\(n + 1) OFFSET ?\(n + 2)",
                values + [.integer(Int64(max(0, min(limit, 1000)))), .integer(Int64(max(0, offset)))])
            return Page(items: rows.map(Self.user), total: total)
        }
    }

    /// Applies `changes` to the profile fields; nil when there is no such user.
    @discardableResult
    public func update(_ id: String, _ changes: UserChanges, now: Date = Date()) throws(AccountError) -> User? {
        // One transaction, so a concurrent update cannot slip between the read and the write.
        try AccountError.wrap {
            try database.transaction { connection in
                guard var user = try get(id: id) else { return nil }
                Self.apply(changes, to: &user)
                try Self.check(
                    username: user.username, email: user.email, displayName: user.displayName, avatarURL: user.avatarURL,
                    preferences: user.preferences, plexAccountID: user.plexAccountID, plexUsername: user.plexUsername)
                try connection.execute(
                    """
                    UPDATE users SET username = ?, email = ?, display_name = ?, email_verified = ?, plex_account_id = ?,
                        plex_username = ?, avatar_url = ?, preferences = ?, updated_at = ? WHERE id = ?
                    """,
                    [
                        .text(user.username), SQLValue(user.email), SQLValue(user.displayName), SQLValue(user.emailVerified),
                        SQLValue(user.plexAccountID), SQLValue(user.plexUsername), SQLValue(user.avatarURL),
                        .text(Self.text(user.preferences)), .integer(Timestamp.milliseconds(now)), .text(id),
                    ])
                return try get(id: id)
            }
        } mapping: {
            Self.uniqueField($0)
        }
    }

    /// Stores a new password hash (nil removes password sign-in) and bumps the token epoch, so every
    /// access token issued before now is refused. False when there is no such user.
    @discardableResult
    public func setPassword(_ id: String, hash: String?, now: Date = Date()) throws(AccountError) -> Bool {
        if let hash { try FieldLimits.checkText(hash, field: "password_hash", maximum: 512, allowEmpty: false) }
        let at = Timestamp.milliseconds(now)
        return try changed(
            "UPDATE users SET password_hash = ?, password_changed_at = ?, token_epoch = token_epoch + 1, updated_at = ? WHERE id = ?",
            [SQLValue(hash), .integer(at), .integer(at), .text(id)])
    }

    /// Disables (bumping the token epoch) or enables an account. Disabling the last enabled admin is refused.
    @discardableResult
    public func setDisabled(_ id: String, _ disabled: Bool, now: Date = Date()) throws(AccountError) -> Bool {
        try AccountError.wrap {
            try database.transaction { connection in
                if disabled { try Self.refuseLastAdmin(id, on: connection) }
                try connection.execute(
                    "UPDATE users SET disabled = ?, token_epoch = token_epoch + ?, updated_at = ? WHERE id = ?",
                    [SQLValue(disabled), .integer(disabled ? 1 : 0), .integer(Timestamp.milliseconds(now)), .text(id)])
                return connection.changes > 0
            }
        }
    }

    /// Bumps the token epoch alone ("sign out everywhere").
    @discardableResult
    public func bumpTokenEpoch(_ id: String, now: Date = Date()) throws(AccountError) -> Bool {
        try changed(
            "UPDATE users SET token_epoch = token_epoch + 1, updated_at = ? WHERE id = ?",
            [.integer(Timestamp.milliseconds(now)), .text(id)])
    }

    @discardableResult
    public func recordLogin(_ id: String, at date: Date = Date()) throws(AccountError) -> Bool {
        try changed("UPDATE users SET last_login_at = ? WHERE id = ?", [.integer(Timestamp.milliseconds(date)), .text(id)])
    }

    /// Deletes the user with their sessions, keys, MFA, tokens and links; the activity log keeps their
    /// entries. Deleting the last enabled admin is refused.
    @discardableResult
    public func delete(_ id: String) throws(AccountError) -> Bool {
        try AccountError.wrap {
            try database.transaction { connection in
                try Self.refuseLastAdmin(id, on: connection)
                try connection.execute("DELETE FROM users WHERE id = ?", [.text(id)])
                return connection.changes > 0
            }
        }
    }

    /// Enabled users holding the admin role.
    public func countAdmins() throws(AccountError) -> Int {
        try AccountError.wrap { try database.withConnection { (c) throws(SQLiteError) in try Self.countAdmins(on: c) } }
    }

    public func count() throws(AccountError) -> Int {
        try AccountError.wrap { try database.queryOne("SELECT COUNT(*) FROM users")?[0].intValue ?? 0 }
    }

    /// Enabled users who signed in at or after `date` (001's "active" users).
    public func countActive(since date: Date) throws(AccountError) -> Int {
        try AccountError.wrap {
            try database.queryOne(
                "SELECT COUNT(*) FROM users WHERE disabled = 0 AND last_login_at >= ?", [.integer(Timestamp.milliseconds(date))]
            )?[0].intValue ?? 0
        }
    }
}
