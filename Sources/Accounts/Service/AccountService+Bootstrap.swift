import Core
public import HTTP
import Store

extension HTTPError {
    /// 409: the first admin exists already, so the bootstrap is closed.
    static let adminExists = HTTPError(
        status: 409, code: "ADMIN_EXISTS", message: "An admin account exists already",
        detail: "Sign in with it (POST /api/auth/login), or have an admin create more accounts")
}

extension AccountService {
    /// Whether an enabled admin account exists.
    public func adminExists() async throws(HTTPError) -> Bool {
        try await perform { try $0.users.countAdmins() > 0 }
    }

    /// The first admin account (001's admin bootstrap): `username`, or one made from `name` or the
    /// e-mail address. The check and the insert share one transaction, so two racing calls cannot
    /// both make an admin; 409 `ADMIN_EXISTS` once one does.
    public func bootstrapAdmin(
        email: String?, username: String?, password: String, name: String?, client: ClientInfo
    ) async throws(HTTPError) -> User {
        do {
            if let email { try FieldLimits.checkEmail(email) }
            if let username { try FieldLimits.checkUsername(username) }
            if let name { try FieldLimits.checkText(name, field: "name", maximum: FieldLimits.displayNameLength) }
        } catch {
            throw error.httpError
        }
        // Closed already: answer before spending a hash.
        guard try await !adminExists() else { throw .adminExists }
        let hash = try await hashNewPassword(password)
        let displayName = name.flatMap { $0.trimmingWhitespace().isEmpty ? nil : $0.trimmingWhitespace() }
        let created: User? = try await perform { service in
            try service.database.transaction { _ in
                guard try service.users.countAdmins() == 0 else { return nil }
                let chosen = try username ?? service.freeUsername(from: [displayName, email], fallback: "admin")
                return try service.users.create(
                    NewUser(username: chosen, email: email, displayName: displayName, passwordHash: hash, roles: [Role.admin]))
            }
        }
        guard let user = created else { throw .adminExists }
        try await reloadDirectory()
        await record(
            ActivityEntry(
                userID: user.id, username: user.username, action: ActivityAction.userCreated, resourceType: "user", resourceID: user.id,
                ipAddress: client.address, userAgent: client.userAgent, details: ["via": "bootstrap", "role": .string(Role.admin)]))
        return user
    }

    /// A username made from `candidates` that no account holds; call on the database queue.
    func freeUsername(from candidates: [String?], fallback: String) throws -> String {
        let base = UsernameSuggestion.base(from: candidates, fallback: fallback)
        guard let free = try UsernameSuggestion.unique(base, taken: { try users.get(username: $0) != nil }) else {
            throw AccountError.conflict(field: "username")
        }
        return free
    }
}
