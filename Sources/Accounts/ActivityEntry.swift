public import Core
public import FoundationEssentials

/// One line of the activity log (003 `ActivityLogEntry`): who did what to which resource, from where,
/// and whether it worked. `details` never holds a secret; the caller builds it.
public struct ActivityEntry: Sendable, Equatable {
    public var id: String
    public var createdAt: Date
    /// Nil for failed logins of unknown names and for the appliance token.
    public var userID: String?
    public var username: String?
    /// `area.verb`, e.g. `auth.login` (see `ActivityAction`).
    public var action: String
    public var resourceType: String?
    public var resourceID: String?
    public var success: Bool
    public var errorMessage: String?
    public var ipAddress: String?
    public var userAgent: String?
    public var details: JSON

    public init(
        userID: String? = nil, username: String? = nil, action: String, resourceType: String? = nil, resourceID: String? = nil,
        success: Bool = true, errorMessage: String? = nil, ipAddress: String? = nil, userAgent: String? = nil, details: JSON = [:]
    ) {
        self.id = ""
        self.createdAt = Date(timeIntervalSince1970: 0)
        self.userID = userID
        self.username = username
        self.action = action
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.success = success
        self.errorMessage = errorMessage
        self.ipAddress = ipAddress
        self.userAgent = userAgent
        self.details = details
    }
}

/// The actions the daemon logs, named once.
public enum ActivityAction {
    public static let login = "auth.login"
    public static let loginFailed = "auth.login_failed"
    public static let logout = "auth.logout"
    public static let refreshReused = "auth.refresh_reused"
    public static let passwordChanged = "auth.password_changed"
    public static let passwordReset = "auth.password_reset"
    public static let mfaEnabled = "mfa.enabled"
    public static let mfaDisabled = "mfa.disabled"
    public static let userCreated = "user.created"
    public static let userUpdated = "user.updated"
    public static let userDeleted = "user.deleted"
    public static let userDisabled = "user.disabled"
    public static let userEnabled = "user.enabled"
    public static let roleChanged = "role.changed"
    public static let permissionsChanged = "permission.changed"
    public static let apiKeyCreated = "apikey.created"
    public static let apiKeyRevoked = "apikey.revoked"
    public static let providerChanged = "oidc.provider_changed"
    public static let settingsWrite = "settings.write"
}

/// Which entries a query returns; nil fields do not filter.
public struct ActivityFilter: Sendable, Equatable {
    public var userID: String?
    public var action: String?
    public var success: Bool?
    public var resourceType: String?
    public var resourceID: String?
    /// Inclusive.
    public var since: Date?
    /// Exclusive.
    public var until: Date?

    public init(
        userID: String? = nil, action: String? = nil, success: Bool? = nil, resourceType: String? = nil, resourceID: String? = nil,
        since: Date? = nil, until: Date? = nil
    ) {
        self.userID = userID
        self.action = action
        self.success = success
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.since = since
        self.until = until
    }
}

/// Counts over a time window (003 `ActivityStats` and `ActionCount`).
public struct ActivityStats: Sendable, Equatable {
    public var total: Int
    public var succeeded: Int
    public var failed: Int
    public var oldest: Date?
    public var newest: Date?
    /// Entries per action, most frequent first.
    public var actions: [ActionCount]
}

public struct ActionCount: Sendable, Equatable {
    public var action: String
    public var count: Int
}
