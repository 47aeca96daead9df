import Core
public import FoundationEssentials
import Glibc
public import HTTP
import Store

extension ActivityAction {
    public static let sessionRevoked = "session.revoked"
}

/// An uploaded avatar as 003's `Avatar` shows it.
public struct StoredAvatar: Sendable {
    public let id: String
    public let user: User
    public let image: AvatarImage
    public let sizeBytes: Int
    public let version: Int
    public let uploadedAt: Date
}

/// Changes to accounts made through the user, session and admin routes: each writes the store, reloads
/// what the gate knows when it has to, and logs the activity with who did it.
extension AccountService {
    public var avatars: AvatarStore { AvatarStore(statePath: database.path) }

    /// Applies what `change` makes of the current user (profile fields, preferences) in one turn of the
    /// database queue. A new e-mail address is unverified and gets a verification mail.
    public func updateUser(
        _ id: String, fields: [String], action: String = ActivityAction.userUpdated, by actor: Principal, client: ClientInfo,
        _ change: @escaping @Sendable (User) throws(AccountError) -> UserChanges
    ) async throws(HTTPError) -> User {
        let (before, after) = try await perform { service in
            guard let user = try service.users.get(id: id) else { throw AccountError.notFound("user") }
            guard let updated = try service.users.update(id, try change(user)) else { throw AccountError.notFound("user") }
            return (user, updated)
        }
        if before.username != after.username { try await reloadDirectory() }
        await record(activity(action, by: actor, target: after, client: client, details: ["fields": .array(fields.map(JSON.string))]))
        if after.email?.lowercased() != before.email?.lowercased() { await sendVerification(to: after, client: client) }
        return after
    }

    /// Stores a checked image as the user's avatar and points `avatar_url` at it (`?v=` bumped, so
    /// caches fetch the new one).
    public func setAvatar(_ bytes: [UInt8], image: AvatarImage, userID: String, by actor: Principal, client: ClientInfo) async throws(HTTPError)
        -> StoredAvatar
    {
        guard let user = try await perform({ try $0.users.get(id: userID) }) else { throw HTTPError.notFound("No such user") }
        let version = Self.avatarVersion(of: user) + 1
        let avatars = avatars
        do {
            try await BlockingWork.run { try avatars.write(bytes, userID: userID) }
        } catch let error as SystemError where error.code == ENOSPC {
            throw HTTPError.storageFull
        } catch {
            Log.shared.error("Failed to store the avatar of user \(userID): \(error)")
            throw HTTPError.serverError("Failed to store the avatar")
        }
        let url = "\(Self.avatarPath(userID))?v=\(version)"
        let updated = try await updateUser(userID, fields: ["avatar"], by: actor, client: client) { _ in UserChanges(avatarURL: .some(url)) }
        let id: String
        do { id = try Secrets.identifier() } catch { throw HTTPError.serverError() }
        return StoredAvatar(id: id, user: updated, image: image, sizeBytes: bytes.count, version: version, uploadedAt: updated.updatedAt)
    }

    /// The route that serves a user's uploaded avatar.
    public static func avatarPath(_ userID: String) -> String { "/api/v1/users/\(userID)/avatar" }

    /// The `?v=` of an uploaded avatar's URL; 0 when the user has none (or a Plex or OIDC picture).
    static func avatarVersion(of user: User) -> Int {
        guard let url = user.avatarURL, url.hasPrefix(avatarPath(user.id) + "?v=") else { return 0 }
        return Int(url.dropFirst(avatarPath(user.id).count + 3)) ?? 0
    }

    /// 001's role change: `role` becomes the user's built-in role; their next request already has it.
    public func setRole(of userID: String, to role: String, by actor: Principal, client: ClientInfo) async throws(HTTPError) -> User {
        let (before, after) = try await perform { service in
            guard let before = try service.users.get(id: userID) else { throw AccountError.notFound("user") }
            guard let after = try service.users.setBuiltInRole(userID, to: role) else { throw AccountError.notFound("user") }
            return (before, after)
        }
        try await reloadDirectory()
        await record(
            activity(
                ActivityAction.roleChanged, by: actor, target: after, client: client,
                details: ["from": .array(before.roles.map(JSON.string)), "to": .array(after.roles.map(JSON.string))]))
        return after
    }

    /// Deletes an account with its sessions, keys and avatar; its access tokens stop on the next
    /// request. Deleting yourself is refused (another admin does it), as is deleting the last admin.
    public func deleteUser(_ userID: String, by actor: Principal, client: ClientInfo) async throws(HTTPError) {
        guard actor.user?.id != userID else {
            throw HTTPError.forbidden("You cannot delete your own account; another admin can")
        }
        guard let user = try await perform({ try $0.users.get(id: userID) }) else { throw HTTPError.notFound("No such user") }
        guard try await perform({ try $0.users.delete(userID) }) else { throw HTTPError.notFound("No such user") }
        try await reloadDirectory()
        let avatars = avatars
        do {
            try await BlockingWork.run { try avatars.remove(userID: userID) }
        } catch {
            Log.shared.warning("Failed to remove the avatar of deleted user \(userID): \(error)")
        }
        await record(activity(ActivityAction.userDeleted, by: actor, target: user, client: client, details: ["username": .string(user.username)]))
    }

    /// Disables an account (its sessions and access tokens end at once) or enables it again. Not
    /// yourself, not the last enabled admin.
    public func setDisabled(_ userID: String, _ disabled: Bool, by actor: Principal, client: ClientInfo) async throws(HTTPError) -> User {
        guard actor.user?.id != userID || !disabled else {
            throw HTTPError.forbidden("You cannot disable your own account; another admin can")
        }
        let user = try await perform { service -> User in
            guard try service.users.setDisabled(userID, disabled), let user = try service.users.get(id: userID) else {
                throw AccountError.notFound("user")
            }
            if disabled { _ = try service.sessions.revokeAll(userID: userID, keeping: nil) }
            return user
        }
        try await reloadDirectory()
        await record(
            activity(disabled ? ActivityAction.userDisabled : ActivityAction.userEnabled, by: actor, target: user, client: client, details: [:]))
        return user
    }

    /// Revokes one session: the caller's own, or with `anyUser` (an admin) anyone's. False when there is
    /// no such active session the caller may revoke.
    public func revokeSession(_ id: String, by actor: Principal, anyUser: Bool, client: ClientInfo) async throws(HTTPError) -> Bool {
        let owner = try await perform { try $0.sessions.get(id)?.userID }
        guard let owner, anyUser || owner == actor.user?.id else { return false }
        guard try await revokeSession(id, userID: owner) else { return false }
        await record(
            ActivityEntry(
                userID: actor.user?.id, username: actor.user?.username ?? "appliance", action: ActivityAction.sessionRevoked,
                resourceType: "session", resourceID: id, ipAddress: client.address, userAgent: client.userAgent,
                details: ["user_id": .string(owner)]))
        return true
    }

    /// "Sign out everywhere": every session and access token of the user ends.
    public func revokeAllSessions(of user: UserIdentity, client: ClientInfo) async throws(HTTPError) {
        try await endAllSessions(of: user.id)
        await record(
            ActivityEntry(
                userID: user.id, username: user.username, action: ActivityAction.sessionRevoked, resourceType: "session",
                ipAddress: client.address, userAgent: client.userAgent, details: ["all": true]))
    }

    func activity(_ action: String, by actor: Principal, target: User, client: ClientInfo, details: JSON) -> ActivityEntry {
        var details = details
        if case .object(var members) = details, actor.user?.id != target.id {
            members["target_username"] = .string(target.username)
            details = .object(members)
        }
        return ActivityEntry(
            userID: actor.user?.id, username: actor.user?.username ?? "appliance", action: action, resourceType: "user",
            resourceID: target.id, ipAddress: client.address, userAgent: client.userAgent, details: details)
    }
}
