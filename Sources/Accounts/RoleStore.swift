public import FoundationEssentials
public import Store

/// Roles, their permissions (which are also 003's policies) and who holds them. The admin role keeps
/// `*:*` (every permission, including ones added later), so its grants cannot be edited; the built-in
/// roles cannot be deleted, and a role still held by a user cannot be deleted either.
public struct RoleStore: StateTable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Every role, built-ins first, then by name.
    public func list() throws(AccountError) -> [Role] {
        try AccountError.wrap {
            let grants = try database.query("SELECT role, resource, action FROM role_permissions")
            var byRole: [String: [Permission]] = [:]
            for row in grants {
                byRole[row.string("role") ?? "", default: []].append(Permission(row.string("resource") ?? "", row.string("action") ?? ""))
            }
            return try database.query(
                """
                SELECT roles.*, (SELECT COUNT(*) FROM user_roles WHERE role = roles.name) AS user_count
                FROM roles ORDER BY built_in DESC, name
                """
            ).map { row in
                let name = row.string("name") ?? ""
                return Role(
                    name: name, description: row.string("description") ?? "", isBuiltIn: row.bool("built_in") ?? false,
                    permissions: (byRole[name] ?? []).sorted(), userCount: row.int("user_count") ?? 0)
            }
        }
    }

    public func get(_ name: String) throws(AccountError) -> Role? {
        try list().first { $0.name == name }
    }

    @discardableResult
    public func create(
        name: String, description: String = "", permissions: [Permission] = [], now: Date = Date()
    ) throws(AccountError) -> Role {
        try FieldLimits.checkSlug(name, field: "name")
        try FieldLimits.checkText(description, field: "description", maximum: FieldLimits.descriptionLength)
        try Self.check(permissions)
        let at = Timestamp.milliseconds(now)
        try AccountError.wrap {
            try database.transaction { connection in
                try connection.execute(
                    "INSERT INTO roles (name, description, built_in, created_at, updated_at) VALUES (?, ?, 0, ?, ?)",
                    [.text(name), .text(description), .integer(at), .integer(at)])
                try Self.insert(permissions, for: name, on: connection)
            }
        } mapping: {
            $0.message.contains("UNIQUE") ? .conflict(field: "name") : nil
        }
        guard let role = try get(name) else { throw .notFound("role") }
        return role
    }

    /// Replaces a role's permissions; nil when there is no such role. The admin role's are fixed.
    @discardableResult
    public func setPermissions(_ name: String, _ permissions: [Permission], now: Date = Date()) throws(AccountError) -> Role? {
        guard name != Role.admin else { throw .forbidden("the admin role's permissions cannot be changed") }
        try Self.check(permissions)
        let found = try AccountError.wrap {
            try database.transaction { connection in
                try connection.execute("UPDATE roles SET updated_at = ? WHERE name = ?", [.integer(Timestamp.milliseconds(now)), .text(name)])
                guard connection.changes > 0 else { return false }
                try connection.execute("DELETE FROM role_permissions WHERE role = ?", [.text(name)])
                try Self.insert(permissions, for: name, on: connection)
                return true
            }
        }
        return found ? try get(name) : nil
    }

    /// Changes a role's description; false when there is no such role.
    @discardableResult
    public func setDescription(_ name: String, _ description: String, now: Date = Date()) throws(AccountError) -> Bool {
        try FieldLimits.checkText(description, field: "description", maximum: FieldLimits.descriptionLength)
        return try AccountError.wrap {
            try database.withConnection { (connection) throws(SQLiteError) in
                try connection.execute(
                    "UPDATE roles SET description = ?, updated_at = ? WHERE name = ?",
                    [.text(description), .integer(Timestamp.milliseconds(now)), .text(name)])
                return connection.changes > 0
            }
        }
    }

    /// Deletes a custom role no user holds; false when there is no such role.
    @discardableResult
    public func delete(_ name: String) throws(AccountError) -> Bool {
        guard let role = try get(name) else { return false }
        guard !role.isBuiltIn else { throw .forbidden("built-in role '\(name)' cannot be deleted") }
        guard role.userCount == 0 else { throw .forbidden("role '\(name)' is held by \(role.userCount) users") }
        return try AccountError.wrap {
            try database.withConnection { (connection) throws(SQLiteError) in
                try connection.execute("DELETE FROM roles WHERE name = ? AND built_in = 0", [.text(name)])
                return connection.changes > 0
            }
        } mapping: {
            $0.message.contains("FOREIGN KEY") ? .forbidden("role '\(name)' is an OIDC provider's default role") : nil
        }
    }

    /// The permissions a role grants (empty for an unknown role).
    public func permissions(for role: String) throws(AccountError) -> [Permission] {
        try AccountError.wrap {
            try database.query("SELECT resource, action FROM role_permissions WHERE role = ? ORDER BY resource, action", [.text(role)])
                .map { Permission($0.string("resource") ?? "", $0.string("action") ?? "") }
        }
    }

    /// The union of the permissions of every role the user holds (empty for an unknown user).
    public func permissions(ofUser userID: String) throws(AccountError) -> Set<Permission> {
        try AccountError.wrap {
            Set(
                try database.query(
                    """
                    SELECT DISTINCT resource, action FROM role_permissions
                    JOIN user_roles ON user_roles.role = role_permissions.role WHERE user_roles.user_id = ?
                    """, [.text(userID)]
                ).map { Permission($0.string("resource") ?? "", $0.string("action") ?? "") })
        }
    }
}
