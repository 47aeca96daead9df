import Core
public import HTTP

/// 003's user settings, `/settings/user` and `/settings/user/{key}`: the caller's preferences object
/// (the one `/users/me/preferences` shows) key by key, each with its type, category and description.
/// Known keys are checked and have defaults; any other key is the client's own. These literal paths
/// win over 004's `/api/v1/settings/{key}` in the router (no server setting is called `user`).
public struct UserSettingsRoutes: RouteProvider {
    let service: AccountService

    public init(service: AccountService) {
        self.service = service
    }

    public var routes: [Route] {
        let service = service
        let key: [String: Schema] = ["key": .string(maxLength: UserPreferences.keyLength)]
        return [
            Route.get(
                "/api/v1/settings/user", .permission("profile:read"),
                RouteDoc(
                    "Your settings: every known key (stored or default) and your own keys (003)", tag: "settings",
                    responseSchema: .array(AccountJSON.settingSchema))
            ) { request in
                let user = try await UserRoutes.user(service, UserRoutes.signedIn(request).id)
                let values = UserPreferences.effective(user.preferences)
                return .json(.array(values.keys.sorted().map { AccountJSON.setting(userID: user.id, key: $0, value: values[$0] ?? .null) }))
            },
            Route.get(
                "/api/v1/settings/user/{key}", .permission("profile:read"),
                RouteDoc(
                    "One of your settings; 404 for a key neither known nor set (003)", tag: "settings", parameterTypes: key,
                    responseSchema: AccountJSON.settingSchema)
            ) { request in
                let name = try Self.key(request)
                let user = try await UserRoutes.user(service, UserRoutes.signedIn(request).id)
                guard let value = UserPreferences.effective(user.preferences)[name] else { throw HTTPError.notFound("No such setting") }
                return .json(AccountJSON.setting(userID: user.id, key: name, value: value))
            },
            Route.put(
                "/api/v1/settings/user/{key}", .permission("profile:write"),
                RouteDoc(
                    "Set one of your settings: a known key takes its type, your own keys any value but null (003)", tag: "settings",
                    parameterTypes: key, request: ["value": "dark"], requestSchema: .object(["value": .any]),
                    responseSchema: AccountJSON.settingSchema)
            ) { request in
                let name = try Self.key(request)
                let identity = try UserRoutes.signedIn(request)
                let fields = try request.fields()
                guard let value = fields.json["value"] else { throw HTTPError.badRequest("Missing field 'value'", detail: "value") }
                guard value != .null else { throw HTTPError.badRequest("Field 'value' must not be null; DELETE reverts a setting", detail: "value") }
                let user = try await service.updateUser(
                    identity.id, fields: [name], action: ActivityAction.settingsWrite, by: request.principal, client: AuthRoutes.client(request)
                ) { (user: User) throws(AccountError) -> UserChanges in
                    var members = user.preferences.objectValue ?? [:]
                    members[name] = try UserPreferences.validated(value, for: name, current: members[name], field: "value")
                    return UserChanges(preferences: try UserPreferences.applying([:], to: .object(members)))
                }
                return .json(AccountJSON.setting(userID: user.id, key: name, value: UserPreferences.effective(user.preferences)[name] ?? value))
            },
            Route.delete(
                "/api/v1/settings/user/{key}", .permission("profile:write"),
                RouteDoc("Remove one of your settings: a known key reverts to its default (003)", tag: "settings", parameterTypes: key, status: 204)
            ) { request in
                let name = try Self.key(request)
                let identity = try UserRoutes.signedIn(request)
                let user = try await UserRoutes.user(service, identity.id)
                guard user.preferences[name] != nil || UserPreferences.key(name) != nil else { throw HTTPError.notFound("No such setting") }
                if user.preferences[name] != nil {
                    _ = try await service.updateUser(
                        identity.id, fields: [name], action: ActivityAction.settingsWrite, by: request.principal, client: AuthRoutes.client(request)
                    ) { (user: User) throws(AccountError) -> UserChanges in
                        UserChanges(preferences: try UserPreferences.applying([name: .null], to: user.preferences))
                    }
                }
                return .empty(status: 204)
            },
        ].map { $0.documenting(errors: [400]) }  // the appliance token has no settings
    }

    /// The `{key}` of the path, checked.
    static func key(_ request: Request) throws(HTTPError) -> String {
        let name = request.parameter("key")
        do {
            try UserPreferences.checkName(name, field: "key")
        } catch {
            throw error.httpError
        }
        return name
    }
}
