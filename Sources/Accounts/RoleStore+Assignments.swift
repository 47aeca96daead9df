public import FoundationEssentials
import Store

/// Who holds which role (003 `/rbac/users/{userId}/roles`), and the policy view of the grants
/// (003 `/rbac/policies`).
extension RoleStore {
    /// The user's role names, sorted.
    public func roles(ofUser userID: String) throws(AccountError) -> [String] {
        try AccountError.wrap {
            try database.query("SELECT role FROM user_roles WHERE user_id = ? ORDER BY role", [.text(userID)]).compactMap { $0.string("role") }
        }
    }

    /// Gives the user a role (no change when they hold it already); `notFound` for an unknown user or role.
    public func assign(_ role: String, toUser userID: String, now: Date = Date()) throws(AccountError) {
        try AccountError.wrap {
            try database.transaction { connection in
                guard try connection.queryOne("SELECT 1 FROM users WHERE id = ?", [.text(userID)]) != nil else {
                    throw AccountError.notFound("user")
                }
                try Self.assign(role, to: userID, at: Timestamp.milliseconds(now), on: connection)
                try connection.execute("UPDATE users SET updated_at = ? WHERE id = ?", [.integer(Timestamp.milliseconds(now)), .text(userID)])
            }
        }
    }

    /// Takes a role from the user; false when they did not hold it. A user keeps at least one role,
    /// and the last enabled admin keeps the admin role.
    @discardableResult
    public func remove(_ role: String, fromUser userID: String) throws(AccountError) -> Bool {
        try AccountError.wrap {
            try database.transaction { connection in
                let held = try connection.query("SELECT role FROM user_roles WHERE user_id = ?", [.text(userID)]).compactMap { $0.string("role") }
                guard held.contains(role) else { return false }
                guard held.count > 1 else { throw AccountError.forbidden("a user keeps at least one role") }
                if role == Role.admin { try UserStore.refuseLastAdmin(userID, on: connection) }
                try connection.execute("DELETE FROM user_roles WHERE user_id = ? AND role = ?", [.text(userID), .text(role)])
                return true
            }
        }
    }

    /// Every grant as a policy, ordered by subject, object and action.
    public func policies() throws(AccountError) -> [Policy] {
        try AccountError.wrap {
            try database.query("SELECT role, resource, action FROM role_permissions ORDER BY role, resource, action").map {
                Policy(subject: $0.string("role") ?? "", object: $0.string("resource") ?? "", action: $0.string("action") ?? "")
            }
        }
    }

    /// Grants `policy.object:policy.action` to the role `policy.subject`; false when it was granted already.
    @discardableResult
    public func addPolicy(_ policy: Policy) throws(AccountError) -> Bool {
        let permission = try Permission(parsing: policy.permission.description, field: "object")
        guard let role = try get(policy.subject) else { throw .notFound("role") }
        guard !role.permissions.contains(permission) else { return false }
        _ = try setPermissions(role.name, role.permissions + [permission])
        return true
    }

    /// Revokes one grant; false when the role did not have it.
    @discardableResult
    public func removePolicy(_ policy: Policy) throws(AccountError) -> Bool {
        guard let role = try get(policy.subject), role.permissions.contains(policy.permission) else { return false }
        _ = try setPermissions(role.name, role.permissions.filter { $0 != policy.permission })
        return true
    }

    static func assign(_ role: String, to userID: String, at: Int64, on connection: Connection) throws {
        guard try connection.queryOne("SELECT 1 FROM roles WHERE name = ?", [.text(role)]) != nil else {
            throw AccountError.notFound("role")
        }
        try connection.execute(
            "INSERT OR IGNORE INTO user_roles (user_id, role, assigned_at) VALUES (?, ?, ?)", [.text(userID), .text(role), .integer(at)])
    }

    static func check(_ permissions: [Permission]) throws(AccountError) {
        guard permissions.count <= 256 else { throw .invalid(field: "permissions", reason: "at most 256") }
        for permission in permissions where !permission.isValid {
            throw .invalid(field: "permissions", reason: "'\(permission.description.prefix(64))' is not a known permission")
        }
    }

    static func insert(_ permissions: [Permission], for role: String, on connection: Connection) throws {
        for permission in Set(permissions) {
            try connection.execute(
                "INSERT INTO role_permissions (role, resource, action) VALUES (?, ?, ?)",
                [.text(role), .text(permission.resource), .text(permission.action)])
        }
    }
}
