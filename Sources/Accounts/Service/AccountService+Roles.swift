import Core
import FoundationEssentials
public import HTTP

/// Role and grant changes as the RBAC routes make them: each passes the escalation guard, changes the
/// store, reloads the gate's directory (so the next request already sees it) and records who did it.
///
/// The guard: a principal hands out, takes away and edits only what it holds itself. A grant is within
/// its reach when it holds every catalogue permission the grant covers (`*:*` only with `*:*`, since
/// that covers permissions added later); a role is within reach when all its grants are. So a moderator
/// given `roles:write` cannot give anyone, themselves included, a role or permission they lack, cannot
/// edit or delete the admin role, and cannot take a role they lack from anyone (an admin's, say).
extension AccountService {
    /// Whether `principal` holds everything `grants` give.
    public static func reaches(_ principal: Principal, _ grants: some Sequence<Permission>) -> Bool {
        if principal.holds("*:*") { return true }
        let everything = Permission("*", "*")
        return grants.allSatisfy { grant in
            grant != everything && Permission.catalogue.filter(grant.covers).allSatisfy { principal.holds($0.description) }
        }
    }

    /// Gives `userID` the role (no change, and nothing logged, when they hold it); the user's roles after it.
    public func assignRole(_ role: String, to userID: String, by actor: Principal, client: ClientInfo) async throws(HTTPError) -> [String] {
        let (roles, changed) = try await guarded(actor, client, ActivityAction.roleChanged, ("user", userID)) { service throws in
            guard try service.users.get(id: userID) != nil else { throw AccountError.notFound("user") }
            guard let found = try service.roles.get(role) else { throw AccountError.notFound("role") }
            try Self.requireReach(actor, found.permissions, "role '\(role)'")
            let held = try service.roles.roles(ofUser: userID)
            guard !held.contains(role) else { return (held, false) }
            try service.roles.assign(role, toUser: userID)
            return (try service.roles.roles(ofUser: userID), true)
        }
        guard changed else { return roles }
        try await reloadDirectory()
        await audit(actor, client, ActivityAction.roleChanged, resource: ("user", userID), details: ["role": .string(role), "change": "assigned"])
        return roles
    }

    /// Takes the role from `userID`: 404 when the user does not hold it; refused for their last role and
    /// for the last enabled admin's admin role.
    public func removeRole(_ role: String, from userID: String, by actor: Principal, client: ClientInfo) async throws(HTTPError) {
        try await guarded(actor, client, ActivityAction.roleChanged, ("user", userID)) { service throws in
            guard try service.users.get(id: userID) != nil else { throw AccountError.notFound("user") }
            let grants = try service.roles.permissions(for: role)
            try Self.requireReach(actor, grants, "role '\(role)'")
            guard try service.roles.remove(role, fromUser: userID) else { throw AccountError.notFound("role assignment") }
        }
        try await reloadDirectory()
        await audit(actor, client, ActivityAction.roleChanged, resource: ("user", userID), details: ["role": .string(role), "change": "removed"])
    }

    /// A new custom role.
    public func createRole(
        name: String, description: String, permissions: [Permission], by actor: Principal, client: ClientInfo
    ) async throws(HTTPError) -> Role {
        let role = try await guarded(actor, client, ActivityAction.roleChanged, ("role", name)) { service throws in
            try Self.requireReach(actor, permissions, "permissions")
            return try service.roles.create(name: name, description: description, permissions: permissions)
        }
        try await reloadDirectory()
        await audit(
            actor, client, ActivityAction.roleChanged, resource: ("role", name),
            details: ["change": "created", "permissions": Self.strings(permissions)])
        return role
    }

    /// Changes a role's description and/or replaces its permissions (nil leaves either as it is).
    public func updateRole(
        _ name: String, description: String?, permissions: [Permission]?, by actor: Principal, client: ClientInfo
    ) async throws(HTTPError) -> Role {
        let (before, after) = try await guarded(actor, client, ActivityAction.roleChanged, ("role", name)) { service throws in
            guard let role = try service.roles.get(name) else { throw AccountError.notFound("role") }
            try Self.requireReach(actor, role.permissions + (permissions ?? []), "role '\(name)'")
            if let description { _ = try service.roles.setDescription(name, description) }
            if let permissions { _ = try service.roles.setPermissions(name, permissions) }
            guard let updated = try service.roles.get(name) else { throw AccountError.notFound("role") }
            return (role, updated)
        }
        try await reloadDirectory()
        if let description, description != before.description {
            await audit(actor, client, ActivityAction.roleChanged, resource: ("role", name), details: ["change": "updated"])
        }
        if permissions != nil, before.permissions != after.permissions {
            await audit(
                actor, client, ActivityAction.permissionsChanged, resource: ("role", name),
                details: ["before": Self.strings(before.permissions), "after": Self.strings(after.permissions)])
        }
        return after
    }

    /// Deletes a custom role no user holds.
    public func deleteRole(_ name: String, by actor: Principal, client: ClientInfo) async throws(HTTPError) {
        try await guarded(actor, client, ActivityAction.roleChanged, ("role", name)) { service throws in
            guard let role = try service.roles.get(name) else { throw AccountError.notFound("role") }
            try Self.requireReach(actor, role.permissions, "role '\(name)'")
            _ = try service.roles.delete(name)
        }
        try await reloadDirectory()
        await audit(actor, client, ActivityAction.roleChanged, resource: ("role", name), details: ["change": "deleted"])
    }

    /// Grants one permission to a role (003's policy); false when the role had it already.
    public func addPolicy(_ policy: Policy, by actor: Principal, client: ClientInfo) async throws(HTTPError) -> Bool {
        let added = try await guarded(actor, client, ActivityAction.permissionsChanged, ("role", policy.subject)) { service throws in
            guard let role = try service.roles.get(policy.subject) else { throw AccountError.notFound("role") }
            try Self.requireReach(actor, role.permissions + [policy.permission], "role '\(policy.subject)'")
            return try service.roles.addPolicy(policy)
        }
        guard added else { return false }
        try await reloadDirectory()
        await audit(
            actor, client, ActivityAction.permissionsChanged, resource: ("role", policy.subject),
            details: ["added": [.string(policy.permission.description)]])
        return true
    }

    /// Revokes one permission from a role; 404 when the role did not have it.
    public func removePolicy(_ policy: Policy, by actor: Principal, client: ClientInfo) async throws(HTTPError) {
        try await guarded(actor, client, ActivityAction.permissionsChanged, ("role", policy.subject)) { service throws in
            guard let role = try service.roles.get(policy.subject) else { throw AccountError.notFound("role") }
            try Self.requireReach(actor, role.permissions, "role '\(policy.subject)'")
            guard try service.roles.removePolicy(policy) else { throw AccountError.notFound("policy") }
        }
        try await reloadDirectory()
        await audit(
            actor, client, ActivityAction.permissionsChanged, resource: ("role", policy.subject),
            details: ["removed": [.string(policy.permission.description)]])
    }

    static func requireReach(_ actor: Principal, _ grants: [Permission], _ what: String) throws(HTTPError) {
        guard reaches(actor, grants) else {
            throw HTTPError(
                status: 403, code: "FORBIDDEN", message: "You cannot grant, change or take away permissions you do not hold yourself",
                detail: what)
        }
    }

    static func strings(_ permissions: [Permission]) -> JSON {
        .array(permissions.sorted().map { .string($0.description) })
    }
}
