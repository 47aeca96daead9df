import Core
import FoundationEssentials
import HTTP

/// How accounts look in responses. A user carries the union of 003's `User` and 001's user
/// (`role`), never a hash, a secret or a token.
enum AccountJSON {
    static func iso(_ date: Date?) -> JSON {
        date.map { .string($0.formatted(.iso8601)) } ?? .null
    }

    static func user(_ user: User) -> JSON {
        [
            "id": .string(user.id), "username": .string(user.username), "email": JSON(user.email),
            "display_name": JSON(user.displayName), "name": JSON(user.displayName ?? user.username), "avatar_url": JSON(user.avatarURL),
            "locale": user.preferences["locale"] ?? .null, "timezone": user.preferences["timezone"] ?? .null,
            "qar_enabled": false, "is_active": .bool(!user.disabled), "is_admin": .bool(user.isAdmin),
            "email_verified": .bool(user.emailVerified), "role": .string(user.primaryRole), "roles": .array(user.roles.map(JSON.string)),
            "plex_username": JSON(user.plexUsername), "created_at": iso(user.createdAt), "last_login_at": iso(user.lastLoginAt),
        ]
    }

    /// The appliance token's owner where a route shows "the signed-in user".
    static let applianceOwner: JSON = [
        "id": "appliance", "username": "appliance", "email": nil, "display_name": "Appliance token", "name": "Appliance token",
        "avatar_url": nil, "locale": nil, "timezone": nil, "qar_enabled": false, "is_active": true, "is_admin": true,
        "email_verified": false, "role": "admin", "roles": ["admin"], "plex_username": nil, "created_at": nil, "last_login_at": nil,
    ]

    static let userSchema = Schema.object(
        ["id": .string, "username": .string, "is_active": .boolean, "role": .string, "roles": .array(.string)],
        optional: [
            "email": .nullable(.string), "display_name": .nullable(.string), "name": .string, "avatar_url": .nullable(.string),
            "locale": .any, "timezone": .any, "qar_enabled": .boolean, "is_admin": .boolean, "email_verified": .boolean,
            "plex_username": .nullable(.string), "created_at": .nullable(.string), "last_login_at": .nullable(.string),
        ])

    static func session(_ session: Session, current: String?) -> JSON {
        [
            "id": .string(session.id), "user_id": .string(session.userID), "ip_address": JSON(session.ipAddress),
            "user_agent": JSON(session.userAgent), "device_name": JSON(session.userAgent), "created_at": iso(session.createdAt),
            "last_activity_at": iso(session.lastUsedAt), "expires_at": iso(session.expiresAt), "is_active": .bool(session.isActive()),
            "is_current": .bool(session.id == current), "remember": .bool(session.remember),
        ]
    }

    static let sessionSchema = Schema.object(
        ["id": .string, "user_id": .string, "created_at": .nullable(.string), "expires_at": .nullable(.string), "is_current": .boolean],
        optional: [
            "ip_address": .nullable(.string), "user_agent": .nullable(.string), "device_name": .nullable(.string),
            "last_activity_at": .nullable(.string), "is_active": .boolean, "remember": .boolean,
        ])
}
