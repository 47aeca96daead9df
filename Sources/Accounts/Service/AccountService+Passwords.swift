import Core
public import HTTP

extension AccountService {
    /// A self-service account (003 register): role `user`, e-mail unverified, a verification mail sent.
    public func register(username: String, email: String, password: String, displayName: String?, client: ClientInfo) async throws(HTTPError) -> User {
        try await create(username: username, email: email, password: password, displayName: displayName, role: Role.user, by: nil, client: client)
    }

    /// An account an admin creates (the dashboard's Users page): any built-in role; the e-mail address
    /// is unverified and gets a verification mail, as after registering.
    public func createUser(
        username: String, email: String, password: String, displayName: String?, role: String, by actor: Principal, client: ClientInfo
    ) async throws(HTTPError) -> User {
        try await create(username: username, email: email, password: password, displayName: displayName, role: role, by: actor, client: client)
    }

    /// Creates the account, logs who made it (`by` nil: the person themselves), and mails the verification.
    private func create(
        username: String, email: String, password: String, displayName: String?, role: String, by actor: Principal?, client: ClientInfo
    ) async throws(HTTPError) -> User {
        let hash = try await hashNewPassword(password)
        let user = try await perform { service in
            try service.users.create(NewUser(username: username, email: email, displayName: displayName, passwordHash: hash, roles: [role]))
        }
        try await reloadDirectory()
        let entry =
            actor.map { actor in
                activity(ActivityAction.userCreated, by: actor, target: user, client: client, details: ["via": "admin", "role": .string(role)])
            }
            ?? ActivityEntry(
                userID: user.id, username: user.username, action: ActivityAction.userCreated, resourceType: "user", resourceID: user.id,
                ipAddress: client.address, userAgent: client.userAgent, details: ["via": "register"])
        await record(entry)
        await sendVerification(to: user, client: client)
        return user
    }

    /// Checks the old password, stores the new one, and ends every session and access token of the user.
    public func changePassword(userID: String, old: String, new: String, client: ClientInfo) async throws(HTTPError) {
        guard let user = try await perform({ try $0.users.get(id: userID) }) else { throw HTTPError.unauthorized() }
        guard try await checkPassword(old, of: user) else { throw HTTPError.invalidCredentials }
        try await setPassword(user, to: new, client: client, action: ActivityAction.passwordChanged)
    }

    /// Stores a new password and ends every session of the user (their tokens were issued before it).
    func setPassword(_ user: User, to password: String, client: ClientInfo, action: String) async throws(HTTPError) {
        let hash = try await hashNewPassword(password, field: "new_password")
        try await perform { service in _ = try service.users.setPassword(user.id, hash: hash) }
        try await endAllSessions(of: user.id)
        await record(
            ActivityEntry(
                userID: user.id, username: user.username, action: action, resourceType: "user", resourceID: user.id,
                ipAddress: client.address, userAgent: client.userAgent))
    }

    /// Mails a verification link (or logs it without SMTP). Failures are logged; the account stands.
    func sendVerification(to user: User, client: ClientInfo) async {
        guard let email = user.email, !user.emailVerified else { return }
        do {
            let token = try await perform { try $0.emailTokens.issue(userID: user.id, email: email, purpose: .verifyEmail) }
            try await mailer.send(
                to: email, subject: "Confirm your e-mail address",
                body: "Hello \(user.displayName ?? user.username),\n\nconfirm this address with the code below "
                    + "(POST /api/v1/auth/verify-email), valid for 24 hours:\n\n\(token)\n")
        } catch {
            Log.shared.warning("Failed to send the verification mail for user \(user.id): \(error)")
        }
    }
}
