import Core
import FoundationEssentials
public import HTTP

/// 003's users: `/users/me` (profile), `/users/me/preferences`, `/users/me/avatar` (upload) and
/// `/users/{userId}`, plus `/users/{userId}/avatar`, where an uploaded avatar's `avatar_url` points.
/// The caller's own account needs `profile:read` / `profile:write` (so a read-only API key cannot
/// change it); other users need `users:read`. The appliance token has no profile: 400.
public struct UserRoutes: RouteProvider {
    let service: AccountService

    public init(service: AccountService) {
        self.service = service
    }

    static let userUpdateSchema = Schema.object(
        [:],
        optional: [
            "email": .string(maxLength: FieldLimits.emailLength), "display_name": .string(maxLength: FieldLimits.displayNameLength),
            "timezone": .string(maxLength: 64), "locale": .string(maxLength: 35),
        ])

    public var routes: [Route] {
        let service = service
        return [
            Route.get(
                "/api/v1/users/me", .permission("profile:read"),
                RouteDoc("Your profile; the appliance token answers as its owner (003)", tag: "users", responseSchema: AccountJSON.userSchema)
            ) { request in
                .json(try await AuthRoutes.currentUser(service, request.principal))
            },
            Route.put(
                "/api/v1/users/me", .permission("profile:write"),
                RouteDoc(
                    "Update your display name, e-mail (unverified until confirmed; a mail is sent), time zone or locale (003)",
                    tag: "users", request: ["display_name": "Ann", "timezone": "Europe/Berlin"], requestSchema: Self.userUpdateSchema,
                    responseSchema: AccountJSON.userSchema, errors: [409])
            ) { request in
                let identity = try Self.signedIn(request)
                let fields = try request.fields()
                let email = try fields.optionalString("email", maxBytes: FieldLimits.emailLength)
                let displayName = try fields.optionalString("display_name", maxBytes: FieldLimits.displayNameLength)
                var given: [String: JSON] = [:]
                for name in ["timezone", "locale"] {
                    // An empty string clears the value, as null does.
                    if let value = try fields.optionalString(name, maxBytes: 64) { given[name] = value.isEmpty ? .null : .string(value) }
                }
                let regional = given
                let names = ((email == nil ? [] : ["email"]) + (displayName == nil ? [] : ["display_name"]) + regional.keys).sorted()
                guard !names.isEmpty else { return .json(try await AuthRoutes.currentUser(service, request.principal)) }
                let user = try await service.updateUser(identity.id, fields: names, by: request.principal, client: AuthRoutes.client(request)) {
                    (user: User) throws(AccountError) -> UserChanges in
                    var changes = UserChanges()
                    if let email { changes.email = .some(email) }
                    if let displayName { changes.displayName = .some(displayName.isEmpty ? nil : displayName) }
                    if !regional.isEmpty { changes.preferences = try UserPreferences.applying(regional, to: user.preferences) }
                    return changes
                }
                return .json(AccountJSON.user(user))
            },
            Route.get(
                "/api/v1/users/me/preferences", .permission("profile:read"),
                RouteDoc("Your preferences, defaults filled in (003)", tag: "users", responseSchema: AccountJSON.preferencesSchema)
            ) { request in
                .json(AccountJSON.preferences(try await Self.user(service, Self.signedIn(request).id)))
            },
            Route.put(
                "/api/v1/users/me/preferences", .permission("profile:write"),
                RouteDoc(
                    "Change some of your preferences: known keys are checked, null reverts one to its default, other keys are kept as given; at most 16 KiB in all (003)",
                    tag: "users", request: ["theme": "dark", "email_notifications": ["enabled": false]],
                    requestSchema: .anyObject, responseSchema: AccountJSON.preferencesSchema)
            ) { request in
                let identity = try Self.signedIn(request)
                guard request.body.count <= FieldLimits.preferencesBytes else {
                    throw HTTPError.badRequest("Preferences are at most \(FieldLimits.preferencesBytes) bytes", detail: "preferences")
                }
                var members = try request.fields().json.objectValue ?? [:]
                members["user_id"] = nil
                let update = members
                guard !update.isEmpty else { return .json(AccountJSON.preferences(try await Self.user(service, identity.id))) }
                let user = try await service.updateUser(
                    identity.id, fields: update.keys.sorted(), by: request.principal, client: AuthRoutes.client(request)
                ) { (user: User) throws(AccountError) -> UserChanges in
                    UserChanges(preferences: try UserPreferences.applying(update, to: user.preferences))
                }
                return .json(AccountJSON.preferences(user))
            },
            Route(
                "POST", "/api/v1/users/me/avatar", access: .permission("profile:write"),
                doc: RouteDoc(
                    "Upload your avatar: multipart/form-data with a 'file' part, or the image itself as the body; PNG, JPEG, GIF or WebP, at most 1 MiB and 4096 pixels a side (003)",
                    tag: "users", responseSchema: AccountJSON.avatarSchema, errors: [400]),
                accepts: ["multipart/form-data"] + AvatarImage.mimeTypes,
                handler: .async { request in
                    let identity = try Self.signedIn(request)
                    let bytes = try Self.uploadedFile(request)
                    let image = try AvatarImage(sniffing: bytes)
                    let avatar = try await service.setAvatar(
                        bytes, image: image, userID: identity.id, by: request.principal, client: AuthRoutes.client(request))
                    return .json(AccountJSON.avatar(avatar))
                }),
            Route.get(
                "/api/v1/users/{userId}", .permission("users:read"),
                RouteDoc("A user's profile (003)", tag: "users", responseSchema: AccountJSON.userSchema)
            ) { request in
                .json(AccountJSON.user(try await Self.user(service, request.parameter("userId"))))
            },
            Route(
                "GET", "/api/v1/users/{userId}/avatar", access: .permission("profile:read"),
                doc: RouteDoc(
                    "A user's uploaded avatar image (where avatar_url points); `me` for your own, another's needs users:read",
                    tag: "users", responseSchema: .text, contentType: "image/*"),
                handler: .async { request in
                    let named = request.parameter("userId")
                    let id = named == "me" ? try Self.signedIn(request).id : named
                    guard id == request.principal.user?.id || request.principal.holds("users:read") else { throw HTTPError.forbidden() }
                    let user = try await Self.user(service, id)
                    guard AccountService.avatarVersion(of: user) > 0 else { throw HTTPError.notFound("No uploaded avatar") }
                    let avatars = service.avatars
                    let stored: [UInt8]?
                    do {
                        stored = try await BlockingWork.run { try avatars.read(userID: id) }
                    } catch {
                        Log.shared.error("Failed to read the avatar of user \(id): \(error)")
                        throw HTTPError.serverError("Failed to read the avatar")
                    }
                    guard let bytes = stored, let image = try? AvatarImage(sniffing: bytes) else { throw HTTPError.notFound("No uploaded avatar") }
                    return Response(
                        status: 200,
                        headers: Headers([
                            ("Content-Type", image.mimeType), ("Cache-Control", "private, max-age=86400"),
                            // An image opened on its own can run nothing, whatever else its bytes hold.
                            ("Content-Security-Policy", "default-src 'none'; sandbox"),
                        ]),
                        body: bytes)
                }),
        ].map { $0.documenting(errors: [400]) }  // the appliance token has no profile
    }

    /// The signed-in user; the appliance token has no profile of its own.
    static func signedIn(_ request: Request) throws(HTTPError) -> UserIdentity {
        guard let user = request.principal.user else {
            throw HTTPError.badRequest("The appliance token has no user profile; sign in as a user", detail: "principal")
        }
        return user
    }

    /// The user with this id, or 404.
    static func user(_ service: AccountService, _ id: String) async throws(HTTPError) -> User {
        guard id.utf8.count <= 64, let user = try await service.perform({ try $0.users.get(id: id) }) else {
            throw HTTPError.notFound("No such user")
        }
        return user
    }

    /// The `file` part of a multipart body, or the body itself when it is an image.
    static func uploadedFile(_ request: Request) throws(HTTPError) -> [UInt8] {
        let contentType = request.headers["Content-Type"] ?? ""
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return request.body }
        let form = try MultipartForm(body: request.body, contentType: contentType)
        guard let file = form.part("file") else { throw HTTPError.badRequest("Missing field 'file'", detail: "file") }
        return file.body
    }
}
