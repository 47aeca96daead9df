import Core
import FoundationEssentials
import HTTP

/// Preferences, settings, avatars and the admin user list as the routes show them.
extension AccountJSON {
    /// 003's `UserPreferences`: `user_id`, then every known key (stored or default) and the client's own.
    static func preferences(_ user: User) -> JSON {
        var members = UserPreferences.effective(user.preferences)
        members["user_id"] = .string(user.id)
        return .object(members)
    }

    static let preferencesSchema: Schema = {
        var optional: [String: Schema] = [:]
        for key in UserPreferences.keys { optional[key.name] = schema(of: key) }
        return Schema.object(["user_id": .string], optional: optional)
    }()

    /// A known key's value as the OpenAPI document describes it.
    static func schema(of key: PreferenceKey) -> Schema {
        switch key.kind {
        case .boolean: .boolean
        case .choice(let choices): .oneOf(choices)
        case .language: .string(maxLength: 35)
        case .languages, .timezone: .string(maxLength: 255)
        case .notification(let frequencies):
            frequencies.isEmpty
                ? .object([:], optional: ["enabled": .boolean], closed: true)
                : .object([:], optional: ["enabled": .boolean, "frequency": .oneOf(frequencies)], closed: true)
        }
    }

    /// 003's `UserSetting`: one key of the preferences with its type, category and description.
    static func setting(userID: String, key: String, value: JSON) -> JSON {
        let known = UserPreferences.key(key)
        return [
            "user_id": .string(userID), "key": .string(key), "value": value, "data_type": .string(UserPreferences.dataType(of: value, for: key)),
            "category": .string(known?.category ?? "custom"), "description": JSON(known?.description),
        ]
    }

    static let settingSchema = Schema.object(
        ["user_id": .string, "key": .string, "value": .any, "data_type": .oneOf(["string", "integer", "boolean", "float", "json"])],
        optional: ["category": .string, "description": .nullable(.string)])

    /// 003's `Avatar`; `file_path` is the URL path it is served at, not a path on the box.
    static func avatar(_ avatar: StoredAvatar) -> JSON {
        [
            "id": .string(avatar.id), "user_id": .string(avatar.user.id), "file_path": .string(AccountService.avatarPath(avatar.user.id)),
            "url": JSON(avatar.user.avatarURL), "file_size_bytes": JSON(avatar.sizeBytes), "mime_type": .string(avatar.image.mimeType),
            "width": JSON(avatar.image.width), "height": JSON(avatar.image.height), "is_animated": .bool(avatar.image.isAnimated),
            "version": JSON(avatar.version), "is_current": true, "uploaded_at": iso(avatar.uploadedAt),
        ]
    }

    static let avatarSchema = Schema.object(
        ["id": .string, "user_id": .string, "file_path": .string, "version": .integer, "is_current": .boolean],
        optional: [
            "url": .nullable(.string), "file_size_bytes": .integer, "mime_type": .oneOf(AvatarImage.mimeTypes), "width": .integer,
            "height": .integer, "is_animated": .boolean, "uploaded_at": .nullable(.string),
        ])

    /// A user in the admin list: 003's `User` with 001's camelCase members (`plexUsername`, `createdAt`,
    /// `lastLoginAt`) beside `name` and `role`.
    static func adminUser(_ user: User) -> JSON {
        guard case .object(var members) = self.user(user) else { return self.user(user) }
        members["plexUsername"] = JSON(user.plexUsername)
        members["createdAt"] = iso(user.createdAt)
        members["lastLoginAt"] = iso(user.lastLoginAt)
        return .object(members)
    }

    static let adminUserSchema: Schema = {
        guard case .object(var members) = userSchema.json, case .object(var properties) = members["properties"] else { return userSchema }
        properties["plexUsername"] = Schema.nullable(.string).json
        properties["createdAt"] = Schema.nullable(.string).json
        properties["lastLoginAt"] = Schema.nullable(.string).json
        members["properties"] = .object(properties)
        return Schema(.object(members))
    }()
}
