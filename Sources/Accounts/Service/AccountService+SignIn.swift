import Core
import FoundationEssentials
public import HTTP

/// A new session: the user, the refresh token (shown once) and a first access token.
public struct SignedIn: Sendable {
    public let user: User
    public let session: Session
    public let accessToken: String
    public let refreshToken: String
    /// Seconds the access token lives.
    public let expiresIn: Int64
}

/// What a password login ends in: a session, or a ticket to present with the second factor.
public enum LoginOutcome: Sendable {
    case signedIn(SignedIn)
    case mfaRequired(ticket: String, user: User)
}

extension HTTPError {
    /// 401 for a wrong name, password, code or token: the same answer whichever it was.
    public static let invalidCredentials = HTTPError(status: 401, code: "UNAUTHORIZED", message: "Invalid credentials")

    /// 401 `MFA_REQUIRED` with the ticket the second step presents.
    static func mfaRequired(ticket: String) -> HTTPError {
        HTTPError(
            status: 401, code: "MFA_REQUIRED", message: "A second factor is required",
            detail: "POST the same login route again with mfa_token and code (a TOTP or backup code)",
            extra: ["mfa_required": true, "mfa_token": .string(ticket), "methods": ["totp", "backup_code"]])
    }
}

extension AccountService {
    /// Opens a session for a user who has proved who they are (password and second factor, Plex, OIDC).
    public func signIn(_ user: User, remember: Bool, client: ClientInfo, method: String) async throws(HTTPError) -> SignedIn {
        guard !user.disabled else { throw HTTPError.invalidCredentials }
        let now = clock()
        let issued = try await perform { service in
            let issued = try service.sessions.create(
                userID: user.id, remember: remember, userAgent: client.userAgent, ipAddress: client.address)
            _ = try service.users.recordLogin(user.id)
            return issued
        }
        await record(
            ActivityEntry(
                userID: user.id, username: user.username, action: ActivityAction.login, resourceType: "session",
                resourceID: issued.session.id, ipAddress: client.address, userAgent: client.userAgent, details: ["method": .string(method)]))
        return SignedIn(
            user: user, session: issued.session,
            accessToken: tokens.issue(userID: user.id, sessionID: issued.session.id, epoch: user.tokenEpoch, now: now),
            refreshToken: issued.refreshToken, expiresIn: tokens.lifetimeSeconds)
    }

    /// A username-or-e-mail and password login. Unknown names cost a hash like known ones; a user with
    /// MFA on gets a ticket instead of a session (`completeMFA`).
    public func passwordLogin(login: String, password: String, remember: Bool, client: ClientInfo) async throws(HTTPError) -> LoginOutcome {
        let trimmed = login.trimmingWhitespace()
        let user: User? = trimmed.isEmpty || trimmed.utf8.count > 254 ? nil : try await perform { try $0.users.get(login: trimmed) }
        let matches = try await checkPassword(password, of: user)
        guard let user, matches, !user.disabled else {
            await record(
                ActivityEntry(
                    userID: user?.id, username: user?.username ?? String(trimmed.prefix(64)), action: ActivityAction.loginFailed,
                    resourceType: "session", success: false, errorMessage: user?.disabled == true ? "disabled" : "invalid credentials",
                    ipAddress: client.address, userAgent: client.userAgent, details: ["method": "password"]))
            throw HTTPError.invalidCredentials
        }
        let status = try await perform { try $0.mfa.status(userID: user.id) }
        if status.enabled {
            return .mfaRequired(ticket: tokens.issueMFATicket(userID: user.id, epoch: user.tokenEpoch, remember: remember, now: clock()), user: user)
        }
        return .signedIn(try await signIn(user, remember: remember, client: client, method: "password"))
    }

    /// The second step of an MFA login: the ticket from the first and a TOTP or backup code. Guesses are
    /// limited per user (5 per 5 minutes), so a ticket cannot be brute-forced in its five minutes.
    public func completeMFA(ticket: String, code: String, client: ClientInfo) async throws(HTTPError) -> SignedIn {
        let now = clock()
        guard let claims = tokens.verify(ticket, type: "mfa", now: now) else { throw HTTPError.invalidCredentials }
        try checkMFAGuess(userID: claims.userID)
        guard let user = try await perform({ try $0.users.get(id: claims.userID) }), user.tokenEpoch == claims.epoch, !user.disabled
        else { throw HTTPError.invalidCredentials }
        guard try await verifySecondFactor(userID: user.id, code: code) else {
            await record(
                ActivityEntry(
                    userID: user.id, username: user.username, action: ActivityAction.loginFailed, resourceType: "session", success: false,
                    errorMessage: "wrong second factor", ipAddress: client.address, userAgent: client.userAgent, details: ["method": "mfa"]))
            throw HTTPError.invalidCredentials
        }
        return try await signIn(user, remember: tokens.ticketRemembers(ticket, now: now), client: client, method: "password+mfa")
    }

    /// Counts one second-factor guess for the user; 429 past 5 in 5 minutes.
    public func checkMFAGuess(userID: String) throws(HTTPError) {
        let decision = mfaGuesses.hit(userID, now: RateLimitRule.now())
        guard decision.allowed else { throw HTTPError.rateLimited(decision) }
    }

    /// A TOTP code (6 digits, replay-safe) or an unused backup code.
    public func verifySecondFactor(userID: String, code: String) async throws(HTTPError) -> Bool {
        let code = code.filter { !$0.isWhitespace }
        guard !code.isEmpty, code.utf8.count <= 32 else { return false }
        return try await perform { service in
            if code.count == 6, code.allSatisfy(\.isNumber) {
                return try service.mfa.verifyTOTP(userID: userID, code: code)
            }
            return try service.mfa.useBackupCode(userID: userID, code: code)
        }
    }

    /// Trades a refresh token for a new pair. A token already spent revokes its whole session (stolen
    /// and replayed, or the client raced itself): logged, and 401.
    public func refresh(_ token: String, client: ClientInfo) async throws(HTTPError) -> SignedIn {
        let outcome = try await perform { try $0.sessions.rotate(presented: token, userAgent: client.userAgent, ipAddress: client.address) }
        let now = clock()
        switch outcome {
        case .rotated(let issued):
            guard let user = try await perform({ try $0.users.get(id: issued.session.userID) }), !user.disabled else {
                throw HTTPError.invalidCredentials
            }
            return SignedIn(
                user: user, session: issued.session,
                accessToken: tokens.issue(userID: user.id, sessionID: issued.session.id, epoch: user.tokenEpoch, now: now),
                refreshToken: issued.refreshToken, expiresIn: tokens.lifetimeSeconds)
        case .reused(let sessionID, let userID):
            directory.revokeSession(sessionID, until: now + tokens.lifetimeSeconds, now: now)
            await record(
                ActivityEntry(
                    userID: userID, action: ActivityAction.refreshReused, resourceType: "session", resourceID: sessionID, success: false,
                    errorMessage: "a spent refresh token was presented again; the session is revoked", ipAddress: client.address,
                    userAgent: client.userAgent))
            throw HTTPError.invalidCredentials
        case .expired, .revoked, .unknown:
            throw HTTPError.invalidCredentials
        }
    }

    /// Ends the caller's session (the one its access token names, or the one a refresh token belongs to).
    public func logout(_ principal: Principal, refreshToken: String?, client: ClientInfo) async throws(HTTPError) {
        var sessionID = principal.user?.sessionID
        if sessionID == nil, let refreshToken, !refreshToken.isEmpty {
            sessionID = try await perform { try $0.sessions.session(presented: refreshToken)?.id }
        }
        guard let sessionID else { return }
        try await revokeSession(sessionID, userID: principal.user?.id)
        await record(
            ActivityEntry(
                userID: principal.user?.id, username: principal.user?.username, action: ActivityAction.logout, resourceType: "session",
                resourceID: sessionID, ipAddress: client.address, userAgent: client.userAgent))
    }

    /// Revokes a session (with `userID`, only that user's) and its live access tokens at once.
    @discardableResult
    public func revokeSession(_ id: String, userID: String?) async throws(HTTPError) -> Bool {
        let revoked = try await perform { try $0.sessions.revoke(id, userID: userID) }
        let now = clock()
        if revoked { directory.revokeSession(id, until: now + tokens.lifetimeSeconds, now: now) }
        return revoked
    }

    /// Ends every session of a user (password change, disable, "sign out everywhere") by bumping the
    /// token epoch, which kills every access token, and revoking the refresh tokens.
    public func endAllSessions(of userID: String, keeping: String? = nil) async throws(HTTPError) {
        try await perform { service in
            _ = try service.sessions.revokeAll(userID: userID, keeping: keeping)
            if keeping == nil { _ = try service.users.bumpTokenEpoch(userID) }
        }
        try await reloadDirectory()
    }
}
