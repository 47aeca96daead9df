import Core
import FoundationEssentials
import Store

/// Row mapping, checks and shared queries of `UserStore`.
extension UserStore {
    static let select = """
        SELECT users.*, (SELECT group_concat(role, ',') FROM user_roles WHERE user_id = users.id) AS role_names FROM users
        """

    func one(_ condition: String, _ values: [SQLValue]) throws(AccountError) -> User? {
        try AccountError.wrap { try database.queryOne("\(Self.select) WHERE \(condition)", values).map(Self.user) }
    }

    func changed(_ sql: String, _ values: [SQLValue]) throws(AccountError) -> Bool {
        try AccountError.wrap {
            try database.withConnection { (connection) throws(SQLiteError) in
                try connection.execute(sql, values)
                return connection.changes > 0
            }
        }
    }

    static func user(_ row: Row) -> User {
        User(
            id: row.string("id") ?? "", username: row.string("username") ?? "", email: row.string("email"),
            displayName: row.string("display_name"), passwordHash: row.string("password_hash"),
            emailVerified: row.bool("email_verified") ?? false, plexAccountID: row.string("plex_account_id"),
            plexUsername: row.string("plex_username"), avatarURL: row.string("avatar_url"),
            preferences: row.string("preferences").flatMap { try? JSON.decode(Array($0.utf8)) } ?? [:],
            roles: (row.string("role_names") ?? "").split(separator: ",").map(String.init).sorted(),
            disabled: row.bool("disabled") ?? false, tokenEpoch: row.int64("token_epoch") ?? 0,
            passwordChangedAt: row.int64("password_changed_at").map(Timestamp.date),
            createdAt: Timestamp.date(row.int64("created_at") ?? 0), updatedAt: Timestamp.date(row.int64("updated_at") ?? 0),
            lastLoginAt: row.int64("last_login_at").map(Timestamp.date))
    }

    /// `changes` applied to `user`; a new e-mail address is unverified until its token comes back.
    static func apply(_ changes: UserChanges, to user: inout User) {
        if let username = changes.username { user.username = username }
        if let email = changes.email {
            if email?.lowercased() != user.email?.lowercased() { user.emailVerified = false }
            user.email = email
        }
        if let displayName = changes.displayName { user.displayName = displayName }
        if let verified = changes.emailVerified { user.emailVerified = verified }
        if let plexAccountID = changes.plexAccountID { user.plexAccountID = plexAccountID }
        if let plexUsername = changes.plexUsername { user.plexUsername = plexUsername }
        if let avatarURL = changes.avatarURL { user.avatarURL = avatarURL }
        if let preferences = changes.preferences { user.preferences = preferences }
    }

    static func check(
        username: String, email: String?, displayName: String?, avatarURL: String?, preferences: JSON,
        plexAccountID: String?, plexUsername: String?
    ) throws(AccountError) {
        try FieldLimits.checkUsername(username)
        if let email { try FieldLimits.checkEmail(email) }
        if let displayName { try FieldLimits.checkText(displayName, field: "display_name", maximum: FieldLimits.displayNameLength) }
        if let avatarURL { try FieldLimits.checkAvatarURL(avatarURL) }
        if let plexAccountID { try FieldLimits.checkText(plexAccountID, field: "plex_account_id", maximum: 64, allowEmpty: false) }
        if let plexUsername { try FieldLimits.checkText(plexUsername, field: "plex_username", maximum: 255) }
        guard case .object = preferences else { throw .invalid(field: "preferences", reason: "must be a JSON object") }
        guard text(preferences).utf8.count <= FieldLimits.preferencesBytes else {
            throw .invalid(field: "preferences", reason: "must be at most \(FieldLimits.preferencesBytes) bytes")
        }
    }

    static func text(_ value: JSON) -> String { String(decoding: value.encoded(), as: UTF8.self) }

    /// `%`, `_` and `\` taken literally in a `LIKE … ESCAPE '\'` pattern.
    static func escapeLike(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// Which unique field a constraint violation on `users` is about.
    static func uniqueField(_ error: SQLiteError) -> AccountError? {
        let message = error.message
        guard message.contains("UNIQUE") else { return nil }
        if message.contains("plex_account") { return .conflict(field: "plex_account_id") }
        if message.contains("email") { return .conflict(field: "email") }
        if message.contains("username") { return .conflict(field: "username") }
        return nil
    }

    static func countAdmins(on connection: Connection) throws(SQLiteError) -> Int {
        try connection.queryOne(
            """
            SELECT COUNT(*) FROM users JOIN user_roles ON user_roles.user_id = users.id
            WHERE user_roles.role = 'admin' AND users.disabled = 0
            """)?[0].intValue ?? 0
    }

    /// Refuses a change that would leave no enabled admin, when `id` is one now.
    static func refuseLastAdmin(_ id: String, on connection: Connection) throws {
        let isEnabledAdmin =
            try connection.queryOne(
                """
                SELECT 1 FROM users JOIN user_roles ON user_roles.user_id = users.id
                WHERE users.id = ? AND user_roles.role = 'admin' AND users.disabled = 0
                """, [.text(id)]) != nil
        if isEnabledAdmin, try countAdmins(on: connection) <= 1 {
            throw AccountError.forbidden("the last enabled admin cannot be removed, disabled or demoted")
        }
    }
}
