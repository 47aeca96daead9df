public import Core
public import FoundationEssentials

/// A local account: who it is, how it signs in (password, Plex, OIDC), its roles and its state.
/// The password hash is kept for login checks only; `UserRoutes` never renders it.
public struct User: Sendable, Equatable {
    public var id: String
    public var username: String
    public var email: String?
    public var displayName: String?
    /// argon2id PHC string; nil for accounts that sign in only through Plex or OIDC.
    public var passwordHash: String?
    public var emailVerified: Bool
    public var plexAccountID: String?
    public var plexUsername: String?
    public var avatarURL: String?
    /// The user's preferences object (003 `UserPreferences`), at most 16 KiB encoded.
    public var preferences: JSON
    /// Role names, sorted.
    public var roles: [String]
    public var disabled: Bool
    /// Bumped by a password change or a disable: an access token carrying an older epoch is refused.
    public var tokenEpoch: Int64
    public var passwordChangedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var lastLoginAt: Date?

    public var isAdmin: Bool { roles.contains(Role.admin) }

    /// The one role a single-role view shows (001's `role`, the gate's identity): the highest built-in
    /// role held (admin, moderator, user, guest), else the first custom one.
    public var primaryRole: String { User.primaryRole(of: roles) }

    /// The one role a single-role view (001's `role`, the gate's `UserIdentity.role`) shows: the most
    /// powerful built-in role held, else the first custom one, else guest.
    public static func primaryRole(of roles: [String]) -> String {
        Role.builtIn.first { roles.contains($0) } ?? roles.first ?? Role.guest
    }
}

/// The fields a new account is created with.
public struct NewUser: Sendable {
    public var username: String
    public var email: String?
    public var displayName: String?
    public var passwordHash: String?
    public var emailVerified: Bool
    public var plexAccountID: String?
    public var plexUsername: String?
    public var avatarURL: String?
    public var preferences: JSON
    public var roles: [String]

    public init(
        username: String, email: String? = nil, displayName: String? = nil, passwordHash: String? = nil,
        emailVerified: Bool = false, plexAccountID: String? = nil, plexUsername: String? = nil,
        avatarURL: String? = nil, preferences: JSON = [:], roles: [String] = [Role.user]
    ) {
        self.username = username
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.emailVerified = emailVerified
        self.plexAccountID = plexAccountID
        self.plexUsername = plexUsername
        self.avatarURL = avatarURL
        self.preferences = preferences
        self.roles = roles
    }
}

/// A partial update of the profile fields: nil leaves a field as it is; `.some(nil)` clears an optional one.
public struct UserChanges: Sendable {
    public var username: String?
    public var email: String??
    public var displayName: String??
    public var emailVerified: Bool?
    public var plexAccountID: String??
    public var plexUsername: String??
    public var avatarURL: String??
    public var preferences: JSON?

    public init(
        username: String? = nil, email: String?? = nil, displayName: String?? = nil, emailVerified: Bool? = nil,
        plexAccountID: String?? = nil, plexUsername: String?? = nil, avatarURL: String?? = nil, preferences: JSON? = nil
    ) {
        self.username = username
        self.email = email
        self.displayName = displayName
        self.emailVerified = emailVerified
        self.plexAccountID = plexAccountID
        self.plexUsername = plexUsername
        self.avatarURL = avatarURL
        self.preferences = preferences
    }
}

/// One page of a listing and how many rows match in all.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let total: Int
}

extension Page: Equatable where Item: Equatable {}
