/// Who may call a route. The server checks it in one place before any handler runs, and the OpenAPI
/// document lists it for every operation.
public enum Access: Sendable, Hashable {
    /// No credential needed (health, setup status, wizard pages, login).
    case `public`
    /// Open until first-boot setup completes, then needs a credential (the setup endpoints).
    case setup
    /// Any valid credential (a route that acts on the caller's own account: `/users/me`, logout).
    case authenticated
    /// A principal holding this permission (`resource:action`, e.g. `settings:write`); the appliance
    /// token holds every permission.
    case permission(String)
    /// The appliance token or a user with the admin role.
    case admin

    /// Lower is more open: public < setup < authenticated < permission < admin.
    var openness: Int {
        switch self {
        case .public: 0
        case .setup: 1
        case .authenticated: 2
        case .permission: 3
        case .admin: 4
        }
    }

    /// How the OpenAPI document and the role matrix name it: `public`, `setup`, `authenticated`,
    /// `admin`, or the permission string.
    public var name: String {
        switch self {
        case .public: "public"
        case .setup: "setup"
        case .authenticated: "authenticated"
        case .permission(let permission): permission
        case .admin: "admin"
        }
    }
}

/// Who made a request, as the one auth check decided before any handler ran.
public enum Principal: Sendable, Equatable {
    /// No credential was needed (a public route) and none was given.
    case anonymous
    /// The appliance token (`X-Auth-Token` / `Authorization: Bearer`, or `WEB_AUTH_TOKEN`): the owner,
    /// holding every permission.
    case applianceToken
    /// A signed-in user (session token, session cookie or API key).
    case user(UserIdentity)

    /// The signed-in user, when there is one.
    public var user: UserIdentity? {
        if case .user(let identity) = self { identity } else { nil }
    }

    /// Whether the principal may do what `permission` names.
    public func holds(_ permission: String) -> Bool {
        switch self {
        case .anonymous: false
        case .applianceToken: true
        case .user(let identity): identity.holds(permission)
        }
    }

    /// Whether this is the owner: the appliance token or an admin user holding every permission (an
    /// admin's API key with narrower scopes is not, so a `read` key cannot reach `.admin` routes).
    public var isAdmin: Bool {
        switch self {
        case .anonymous: false
        case .applianceToken: true
        case .user(let identity): identity.role == "admin" && identity.holds("*:*")
        }
    }
}

/// A signed-in user as the gate resolved it: who, with which role and permissions, and through which
/// credential (a session, or an API key whose scopes narrowed the permissions).
public struct UserIdentity: Sendable, Equatable {
    public enum Via: Sendable, Equatable {
        /// An access token (Bearer header or cookie) of the session `id`.
        case session(id: String)
        /// An API key (`X-API-Key`).
        case apiKey(id: String)
    }

    public let id: String
    public let username: String
    public let role: String
    /// `resource:action` strings; `*:*` grants everything, `resource:*` every action on a resource.
    public let permissions: Set<String>
    public let via: Via

    public init(id: String, username: String, role: String, permissions: Set<String>, via: Via) {
        self.id = id
        self.username = username
        self.role = role
        self.permissions = permissions
        self.via = via
    }

    public func holds(_ permission: String) -> Bool {
        if permissions.contains(permission) || permissions.contains("*:*") { return true }
        guard let colon = permission.firstIndex(of: ":") else { return false }
        return permissions.contains(permission[..<colon] + ":*")
    }

    /// The session id when signed in with a session token.
    public var sessionID: String? {
        if case .session(let id) = via { id } else { nil }
    }
}
