import Core
public import FoundationEssentials
public import HTTP

extension HTTPError {
    /// 400 for an e-mailed token that is unknown, spent, expired or no longer matches its account.
    static let invalidEmailToken = HTTPError.badRequest("Invalid or expired token", detail: "token")
}

extension AccountService {
    /// A password reset asked for `email`: always the same answer, whether the address has an account or
    /// not. At most `perAddress.limit` mails per address per window: past it nothing is sent, and the
    /// caller still answers success (a 429 would tell which addresses are being asked for). The lookup
    /// and the mail run after the answer, so its timing tells nothing either.
    public func requestPasswordReset(email: String, perAddress: RateLimiter, client: ClientInfo) throws(HTTPError) {
        let email = email.trimmingWhitespace()
        do { try FieldLimits.checkEmail(email) } catch { throw error.httpError }
        guard perAddress.hit(email.lowercased(), now: RateLimitRule.now()).allowed else { return }
        Task { await sendPasswordReset(to: email, client: client) }
    }

    /// Mails a reset token to the account with this address, if there is an enabled one.
    func sendPasswordReset(to email: String, client: ClientInfo) async {
        do {
            guard let user = try await perform({ try $0.users.get(email: email) }), !user.disabled, let address = user.email else { return }
            let token = try await perform { try $0.emailTokens.issue(userID: user.id, email: address, purpose: .resetPassword) }
            try await mailer.send(
                to: address, subject: "Reset your password",
                body: "Hello \(user.displayName ?? user.username),\n\nsomeone (from \(client.address)) asked to reset the password of your "
                    + "applianced account. Within the next hour, \(resetInstructions(token))\n\n"
                    + "If you did not ask for it, ignore this mail: the password stays.\n")
        } catch {
            Log.shared.warning("Failed to send a password reset mail: \(error)")
        }
    }

    /// The link (only under `auth.public_url`: a `Host` header is the client's to choose, and a link
    /// built from it could carry the token to someone else's server) and the code itself.
    func resetInstructions(_ token: String) -> String {
        let code = "send this code with a new password (POST /api/v1/auth/reset-password):\n\n\(token)"
        var base = settings.publicURL.trimmingWhitespace()
        guard !base.isEmpty else { return code }
        while base.hasSuffix("/") { base.removeLast() }
        return "open\n\n\(base)/reset-password?token=\(token)\n\nor " + code
    }

    /// The account a reset token would reset, without spending it; nil when the token is no good.
    public func pendingPasswordReset(token: String) async throws(HTTPError) -> (user: User, expiresAt: Date)? {
        guard let pending = try await perform({ try $0.emailTokens.check(token, purpose: .resetPassword) }),
            let user = try await resettable(pending)
        else { return nil }
        return (user, pending.expiresAt)
    }

    /// Spends a reset token and sets the new password (checked first, so a too-short one keeps the token):
    /// every session of the user ends, and `auth.password_reset` is logged. `field` names the password
    /// field in a 400.
    public func resetPassword(token: String, newPassword: String, field: String, client: ClientInfo) async throws(HTTPError) {
        let hash = try await hashNewPassword(newPassword, field: field)
        guard let redemption = try await perform({ try $0.emailTokens.redeem(token, purpose: .resetPassword) }),
            let user = try await resettable(redemption)
        else { throw HTTPError.invalidEmailToken }
        guard try await perform({ try $0.users.setPassword(user.id, hash: hash) }) else { throw HTTPError.invalidEmailToken }
        try await endAllSessions(of: user.id)
        await record(
            ActivityEntry(
                userID: user.id, username: user.username, action: ActivityAction.passwordReset, resourceType: "user", resourceID: user.id,
                ipAddress: client.address, userAgent: client.userAgent))
    }

    /// The user of a reset token while the account is enabled and still has the address it was mailed to.
    private func resettable(_ redemption: EmailTokenStore.Redemption) async throws(HTTPError) -> User? {
        guard let user = try await perform({ try $0.users.get(id: redemption.userID) }), !user.disabled,
            user.email?.lowercased() == redemption.email.lowercased()
        else { return nil }
        return user
    }

    /// Spends a verification token and marks the address it was mailed to verified, if it is still the
    /// account's address.
    public func verifyEmail(token: String, client: ClientInfo) async throws(HTTPError) {
        guard let redemption = try await perform({ try $0.emailTokens.redeem(token, purpose: .verifyEmail) }) else {
            throw HTTPError.invalidEmailToken
        }
        let verified = try await perform { service -> User? in
            guard let user = try service.users.get(id: redemption.userID), user.email?.lowercased() == redemption.email.lowercased()
            else { return nil }
            return try service.users.update(user.id, UserChanges(emailVerified: true))
        }
        guard let verified else { throw HTTPError.invalidEmailToken }
        await record(
            ActivityEntry(
                userID: verified.id, username: verified.username, action: ActivityAction.userUpdated, resourceType: "user",
                resourceID: verified.id, ipAddress: client.address, userAgent: client.userAgent, details: ["email_verified": true]))
    }
}
