/// One `resource:action` grant (RBAC per seed 003). `*` in either place is a wildcard: `*:*` is
/// everything (the admin role), `jobs:*` every action on jobs, `*:read` reading anything.
/// Only pairs in `catalogue` (or wildcards over it) are valid, so a typo cannot grant nothing silently.
public struct Permission: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let resource: String
    public let action: String

    public init(_ resource: String, _ action: String) {
        self.resource = resource
        self.action = action
    }

    /// Parses and validates `resource:action`; `field` names the request field in the error.
    public init(parsing text: String, field: String = "permissions") throws(AccountError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .invalid(field: field, reason: "'\(text.prefix(64))' is not resource:action") }
        self.init(String(parts[0]), String(parts[1]))
        guard isValid else { throw .invalid(field: field, reason: "'\(text.prefix(64))' is not a known permission") }
    }

    public var description: String { "\(resource):\(action)" }

    public static func < (lhs: Permission, rhs: Permission) -> Bool { lhs.description < rhs.description }

    /// Whether this grant covers `required` (which names one resource and one action).
    public func covers(_ required: Permission) -> Bool {
        (resource == "*" || resource == required.resource) && (action == "*" || action == required.action)
    }

    /// Whether any of `grants` covers `required`.
    public static func allows(_ grants: some Sequence<Permission>, _ required: Permission) -> Bool {
        grants.contains { $0.covers(required) }
    }

    /// In the catalogue, or a wildcard over it.
    public var isValid: Bool {
        switch (resource, action) {
        case ("*", "*"): true
        case ("*", let action): Self.actions.contains(action)
        case (let resource, "*"): Self.catalogue.contains { $0.resource == resource }
        default: Self.catalogue.contains(self)
        }
    }

    public static let actions: Set<String> = ["read", "write", "delete", "manage"]

    /// Every permission a route can require, by API area of seeds 000–004: accounts and RBAC (001, 003),
    /// settings and setup (000, 002, 004), libraries and media (000, 001, 003), requests and downloads
    /// (001), jobs and schedules (000, 004), Plex (000, 001), system, monitoring, services and logs (002),
    /// integrations (003 Radarr/Sonarr), Stash (004). `write` covers create and update; `delete` and
    /// `manage` exist only where a document separates them (deleting users, approving others' requests).
    public static let catalogue: [Permission] = [
        ("users", ["read", "write", "delete"]), ("roles", ["read", "write"]), ("sessions", ["read", "write"]),
        ("apikeys", ["read", "write"]), ("profile", ["read", "write"]), ("oidc", ["read", "write"]),
        ("activity", ["read"]), ("settings", ["read", "write"]), ("setup", ["read", "write"]),
        ("libraries", ["read", "write"]), ("media", ["read", "write"]), ("requests", ["read", "write", "manage"]),
        ("downloads", ["read", "write"]), ("jobs", ["read", "write"]), ("schedules", ["read", "write"]),
        ("plex", ["read", "write"]), ("system", ["read", "write"]), ("monitoring", ["read"]),
        ("services", ["read", "write"]), ("logs", ["read"]), ("integrations", ["read", "write"]),
        ("stash", ["read", "write"]),
    ].flatMap { resource, actions in actions.map { Permission(resource, $0) } }

    /// What an API key scope grants: a permission string, or one of 003's coarse scopes
    /// (`read` = `*:read`, `write` = `*:read` + `*:write`, `admin` = `*:*`).
    public static func granted(byScope scope: String) throws(AccountError) -> [Permission] {
        switch scope {
        case "read": [Permission("*", "read")]
        case "write": [Permission("*", "read"), Permission("*", "write")]
        case "admin": [Permission("*", "*")]
        default: [try Permission(parsing: scope, field: "scopes")]
        }
    }

    /// `grants` as plain strings a gate can test with exact, `*:*` and `resource:*` matches alone:
    /// `*:*` stays (so permissions added later are covered), anything else becomes the catalogue
    /// entries it covers (`*:read` → every `…:read`).
    public static func concrete(_ grants: some Sequence<Permission>) -> Set<String> {
        let grants = Array(grants)
        if grants.contains(Permission("*", "*")) { return ["*:*"] }
        return Set(catalogue.filter { allows(grants, $0) }.map(\.description))
    }

    /// What an API key may do: what both its owner's roles and its scopes allow, as `concrete` strings.
    public static func effective(roles: some Sequence<Permission>, scopes: some Sequence<Permission>) -> Set<String> {
        let (roles, scopes) = (Array(roles), Array(scopes))
        let everything = Permission("*", "*")
        if roles.contains(everything) && scopes.contains(everything) { return ["*:*"] }
        return Set(catalogue.filter { allows(roles, $0) && allows(scopes, $0) }.map(\.description))
    }
}
