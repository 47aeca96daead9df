/// The `[auth]` settings of user accounts, typed: what the composition root hands to the password hasher, the session
/// issuer, the rate limiter and the cookie writer.
public struct AuthSettings: Sendable, Equatable {
    /// When a session cookie gets the `Secure` flag.
    public enum CookieSecure: String, Sendable, CaseIterable {
        /// When the request came over HTTPS.
        case auto
        case always
        case never
    }

    public var maxParallelHashes: Int
    public var allowRegistration: Bool
    public var argon2MemoryKiB: Int
    public var argon2Iterations: Int
    public var argon2Parallelism: Int
    public var accessTokenMinutes: Int
    public var refreshTokenDays: Int
    public var rememberMeDays: Int
    /// Logins allowed from one address per `loginWindowMinutes`.
    public var loginAttempts: Int
    public var loginWindowMinutes: Int
    /// Password reset mails to one e-mail address per hour.
    public var passwordResetPerHour: Int
    public var activityRetentionDays: Int
    public var cookieSecure: CookieSecure
    public var passwordMinLength: Int
}

/// The `[email]` settings, typed. `password` is a secret: never log this value or put it in an answer.
public struct EmailSettings: Sendable, Equatable, CustomStringConvertible {
    /// STARTTLS on an `smtp://` server.
    public enum StartTLS: String, Sendable, CaseIterable {
        /// No mail unless the server upgrades to TLS.
        case required
        /// TLS when the server offers it, plain text otherwise.
        case opportunistic
        case never
    }

    /// `smtp://host:port` or `smtps://host:port`; empty when the box has no mail server.
    public var smtpURL: String
    public var from: String
    public var username: String
    public var password: String
    public var startTLS: StartTLS
    public var timeoutSeconds: Int
    /// Base URL of links in mail; empty: no link (a request's `Host` is the client's to choose).
    public var publicURL: String

    /// True when mail can be sent; otherwise links go to the log.
    public var isConfigured: Bool { !smtpURL.isEmpty }

    /// The settings with the password masked.
    public var description: String {
        "EmailSettings(smtpURL: \(smtpURL), from: \(from), username: \(username), password: \(password.isEmpty ? "" : "****"), "
            + "startTLS: \(startTLS.rawValue), timeoutSeconds: \(timeoutSeconds), publicURL: \(publicURL))"
    }
}

extension ConfigSnapshot {
    /// `[auth]` as a value; the loader has checked every range and choice.
    public var auth: AuthSettings {
        AuthSettings(
            maxParallelHashes: integer("auth.max_parallel_hashes"), allowRegistration: bool("auth.allow_registration"),
            argon2MemoryKiB: integer("auth.argon2_memory_kib"), argon2Iterations: integer("auth.argon2_iterations"),
            argon2Parallelism: integer("auth.argon2_parallelism"), accessTokenMinutes: integer("auth.access_token_minutes"),
            refreshTokenDays: integer("auth.refresh_token_days"), rememberMeDays: integer("auth.remember_me_days"),
            loginAttempts: integer("auth.login_attempts"), loginWindowMinutes: integer("auth.login_window_minutes"),
            passwordResetPerHour: integer("auth.password_reset_per_hour"), activityRetentionDays: integer("auth.activity_retention_days"),
            cookieSecure: choice("auth.cookie_secure"), passwordMinLength: integer("auth.password_min_length"))
    }

    /// `[email]` as a value; the loader has checked every range and choice.
    public var email: EmailSettings {
        EmailSettings(
            smtpURL: string("email.smtp_url"), from: string("email.from"), username: string("email.username"),
            password: string("email.password"), startTLS: choice("email.starttls"), timeoutSeconds: integer("email.timeout_seconds"),
            publicURL: string("email.public_url"))
    }

    /// A choice setting as its enum; a value outside the enum is a programmer error (the schema lists the same values).
    func choice<Value: RawRepresentable<String>>(_ name: String) -> Value {
        guard let value = Value(rawValue: string(name)) else { preconditionFailure("setting \(name) is not one of its choices") }
        return value
    }
}
