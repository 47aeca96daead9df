public import FoundationEssentials
import Store

/// 001's single `role` on 003's roles: one built-in role per user, custom roles beside it.
extension UserStore {
    /// Makes `role` the user's one built-in role (admin, moderator, user or guest), keeping their custom
    /// roles; nil when there is no such user. Taking the admin role from the last enabled admin is refused.
    @discardableResult
    public func setBuiltInRole(_ id: String, to role: String, now: Date = Date()) throws(AccountError) -> User? {
        guard Role.builtIn.contains(role) else {
            throw .invalid(field: "role", reason: "must be one of \(Role.builtIn.joined(separator: ", "))")
        }
        let at = Timestamp.milliseconds(now)
        let found = try AccountError.wrap {
            try database.transaction { connection in
                guard try connection.queryOne("SELECT 1 FROM users WHERE id = ?", [.text(id)]) != nil else { return false }
                if role != Role.admin { try Self.refuseLastAdmin(id, on: connection) }
                try connection.execute(
                    "DELETE FROM user_roles WHERE user_id = ? AND role IN ('admin', 'moderator', 'user', 'guest') AND role != ?",
                    [.text(id), .text(role)])
                try RoleStore.assign(role, to: id, at: at, on: connection)
                try connection.execute("UPDATE users SET updated_at = ? WHERE id = ?", [.integer(at), .text(id)])
                return true
            }
        }
        return found ? try get(id: id) : nil
    }
}
