import Core
public import FoundationEssentials
public import HTTP
public import Store

/// The account service: the stores, the password hasher, the token issuer and the in-memory directory
/// the gate reads, with the sign-in operations every login path shares (password, MFA second step,
/// refresh, logout, Plex, OIDC). Route providers call it; it never touches HTTP beyond its error type.
public final class AccountService: Sendable {
    public let database: Database
    public let users: UserStore
    public let roles: RoleStore
    public let sessions: SessionStore
    public let keys: APIKeyStore
    public let mfa: MFAStore
    public let emailTokens: EmailTokenStore
    public let providers: OIDCProviderStore
    public let activity: ActivityLog
    public let hasher: PasswordHasher
    public let tokens: AccessTokens
    public let directory: AccountDirectory
    public let settings: AccountSettings
    public let mailer: any AccountMailer
    /// Unix seconds.
    public let clock: @Sendable () -> Int64
    /// Second-factor guesses per user: 5 per 5 minutes.
    let mfaGuesses = RateLimiter(limit: 5, windowSeconds: 300)
    /// Refresh-token trades per address, one count for 003's `/auth/refresh` and `/sessions/refresh`:
    /// 60 a minute (a household behind one address refreshes often; the login limit is not for this).
    public let refreshLimit = RateLimitRule(name: "refresh", limit: 60, windowSeconds: 60)

    public init(
        database: Database, hasher: PasswordHasher, tokens: AccessTokens, settings: AccountSettings, mailer: any AccountMailer,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.database = database
        users = UserStore(database: database)
        roles = RoleStore(database: database)
        sessions = SessionStore(
            database: database, lifetime: TimeInterval(settings.refreshTokenDays * 86_400),
            rememberLifetime: TimeInterval(settings.rememberMeDays * 86_400))
        keys = APIKeyStore(database: database)
        mfa = MFAStore(database: database)
        emailTokens = EmailTokenStore(database: database)
        providers = OIDCProviderStore(database: database)
        activity = ActivityLog(database: database)
        self.hasher = hasher
        self.tokens = tokens
        self.directory = AccountDirectory()
        self.settings = settings
        self.mailer = mailer
        self.clock = clock
    }

    /// The gate's verifier for sessions and API keys.
    public var verifier: SessionVerifier {
        SessionVerifier(directory: directory, tokens: tokens, database: database, clock: clock)
    }

    // MARK: Database access

    /// Runs `body` on the database's queue; what it throws is answered as the account error or the
    /// state database error it is.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (AccountService) throws -> T) async throws(HTTPError) -> T {
        do {
            return try await database.perform { [self] in try body(self) }
        } catch {
            throw HTTPError.storage(error, failing: "Failed to use the account database")
        }
    }

    /// Re-reads what the gate knows; call after any change to users, roles or keys.
    public func reloadDirectory() async throws(HTTPError) {
        try await perform { service in try service.directory.reload(from: service.database) }
    }

    /// Appends to the activity log; a failure to log is logged, never the caller's failure.
    public func record(_ entry: ActivityEntry) async {
        do {
            _ = try await perform { service in try service.activity.record(entry) }
        } catch {
            Log.shared.warning("Failed to write the activity log (\(entry.action)): \(error)")
        }
    }

    // MARK: Passwords

    /// A PHC hash of a new password that meets the length rules; 429 when the hashing slots are full.
    public func hashNewPassword(_ password: String, field: String = "password") async throws(HTTPError) -> String {
        guard password.count >= settings.passwordMinLength else {
            throw HTTPError.badRequest("Invalid \(field): at least \(settings.passwordMinLength) characters", detail: field)
        }
        guard password.utf8.count <= 1024 else { throw HTTPError.badRequest("Invalid \(field): at most 1024 bytes", detail: field) }
        do {
            return try await hasher.hash(password)
        } catch {
            throw Self.hasherError(error)
        }
    }

    /// Whether `password` is the user's (a missing user or hash costs the same and says no).
    public func checkPassword(_ password: String, of user: User?) async throws(HTTPError) -> Bool {
        guard password.utf8.count <= 1024 else { return false }
        do {
            return try await hasher.verify(password, hash: user?.passwordHash)
        } catch {
            throw Self.hasherError(error)
        }
    }

    static func hasherError(_ error: PasswordHasher.Failure) -> HTTPError {
        switch error {
        case .busy:
            HTTPError(
                status: 429, code: "RATE_LIMIT_EXCEEDED", message: "Too many sign-ins at once; retry shortly",
                headers: [("Retry-After", "1")])
        case .crypto: HTTPError.serverError()
        }
    }
}

/// Sends the service's e-mail (verification, password reset): over SMTP, or to the log when no mail
/// server is configured, so the admin can pass the link on.
public protocol AccountMailer: Sendable {
    func send(to address: String, subject: String, body: String) async throws(HTTPError)
}
