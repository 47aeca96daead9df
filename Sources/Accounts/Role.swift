/// A named set of permissions held by users (003 `RoleDetail`). Four are built in and cannot be
/// deleted; admins add custom ones.
public struct Role: Sendable, Equatable {
    public static let admin = "admin"
    public static let moderator = "moderator"
    public static let user = "user"
    public static let guest = "guest"
    public static let builtIn = [admin, moderator, user, guest]

    public var name: String
    public var description: String
    public var isBuiltIn: Bool
    /// Sorted.
    public var permissions: [Permission]
    /// How many users hold it.
    public var userCount: Int
}

/// One `(subject, object, action)` grant as 003's `/rbac/policies` shows it. Policies are not a
/// second store: a policy is a role's permission, with the role as subject and the resource as object
/// (Revenge keeps both in one Casbin table the same way). Subjects are role names only.
public struct Policy: Sendable, Hashable {
    public var subject: String
    public var object: String
    public var action: String

    public init(subject: String, object: String, action: String) {
        self.subject = subject
        self.object = object
        self.action = action
    }

    public var permission: Permission { Permission(object, action) }
}
