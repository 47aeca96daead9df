public import HTTP

/// A Socket.IO namespace and who may join it; the server checks `access` against the CONNECT's token
/// (or the handshake's credential) the way the HTTP gate checks a route.
public struct SocketNamespace: Sendable {
    public let name: String
    public let access: Access

    public init(_ name: String, access: Access) {
        self.name = name
        self.access = access
    }

    /// 001's five: `/` public, `/authenticated` and `/media` any signed-in user, `/admin` admins,
    /// `/system` admins or holders of `system:read`.
    public static let standard: [SocketNamespace] = [
        SocketNamespace("/", access: .public),
        SocketNamespace("/authenticated", access: .authenticated),
        SocketNamespace("/admin", access: .admin),
        SocketNamespace("/media", access: .authenticated),
        SocketNamespace("/system", access: .permission("system:read")),
    ]

    /// Whether `principal` may join.
    func admits(_ principal: Principal) -> Bool {
        switch access {
        case .public: true
        case .setup, .authenticated: principal != .anonymous
        case .permission(let permission): principal.holds(permission)
        case .admin: principal.isAdmin
        }
    }
}
