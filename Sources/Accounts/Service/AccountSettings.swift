/// The `[auth]` settings the account service runs with (the composition root fills it from the config).
public struct AccountSettings: Sendable {
    public var accessTokenSeconds: Int64 = 15 * 60
    public var refreshTokenDays = 7
    public var rememberMeDays = 30
    public var allowRegistration = false
    public var passwordMinLength = 8
    /// Failed or not, at most this many password logins per address per window (001: 5 per 15 minutes).
    public var loginAttempts = 5
    public var loginWindowSeconds: Double = 15 * 60
    public var passwordResetsPerHour = 3
    public var activityRetentionDays = 90
    /// Whether session cookies carry `Secure` (nil: when the request came through TLS).
    public var secureCookies: Bool?
    /// The base URL put in e-mailed links; empty derives it from the request's `Host`.
    public var publicURL = ""

    public init() {}
}

/// Where a request came from, for sessions and the activity log.
public struct ClientInfo: Sendable {
    public let address: String
    public let userAgent: String?

    public init(address: String, userAgent: String?) {
        self.address = address
        self.userAgent = userAgent.map { String($0.prefix(512)) }
    }
}
