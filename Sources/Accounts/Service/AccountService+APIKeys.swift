import Core
public import FoundationEssentials
public import HTTP

/// API keys as `/api/v1/apikeys` makes and revokes them: always the caller's own (the appliance token has
/// no user to own one), reloaded into the gate at once, recorded in the activity log (name, prefix and
/// scopes; never the key).
extension AccountService {
    /// A new key for the signed-in user. Its scopes may name more than the owner holds (003's `admin`
    /// on a `user`'s key): the gate grants the intersection. A key made with a key gets no more than the
    /// key that made it, so a leaked narrow key cannot mint a wider one.
    public func createAPIKey(
        name: String, description: String?, scopes: [String], expiresAt: Date?, by actor: Principal, client: ClientInfo
    ) async throws(HTTPError) -> CreatedAPIKey {
        let owner = try Self.keyOwner(actor)
        if case .apiKey = owner.via {
            var grants: [Permission] = []
            for scope in scopes {
                do { grants += try Permission.granted(byScope: scope) } catch { throw error.httpError }
            }
            let wanted = Permission.effective(roles: directory.user(owner.id)?.grants ?? [], scopes: grants)
            guard wanted.allSatisfy({ actor.holds($0) }) else {
                throw HTTPError(
                    status: 403, code: "FORBIDDEN", message: "A key made with an API key cannot do more than that key",
                    detail: "scopes")
            }
        }
        let created = try await perform { service in
            try service.keys.create(userID: owner.id, name: name, description: description, scopes: scopes, expiresAt: expiresAt)
        }
        try await reloadDirectory()
        await audit(
            actor, client, ActivityAction.apiKeyCreated, resource: ("apikey", created.key.id),
            details: [
                "name": .string(created.key.name), "key_prefix": .string(created.key.prefix),
                "scopes": .array(created.key.scopes.map(JSON.string)),
            ])
        return created
    }

    /// Revokes one of the caller's keys: it stops at the next request. 404 for a key that is not theirs
    /// or already revoked.
    public func revokeAPIKey(_ id: String, by actor: Principal, client: ClientInfo) async throws(HTTPError) {
        let owner = try Self.keyOwner(actor)
        let key = try await perform { service throws in
            guard let key = try service.keys.get(id, userID: owner.id), try service.keys.revoke(id, userID: owner.id) else {
                throw AccountError.notFound("API key")
            }
            return key
        }
        try await reloadDirectory()
        await audit(
            actor, client, ActivityAction.apiKeyRevoked, resource: ("apikey", id),
            details: ["name": .string(key.name), "key_prefix": .string(key.prefix)])
    }

    /// The signed-in user who owns the keys a request names; the appliance token has none.
    public static func keyOwner(_ principal: Principal) throws(HTTPError) -> UserIdentity {
        guard let user = principal.user else {
            throw HTTPError.badRequest(
                "API keys belong to a user, and the appliance token has none: sign in as a user to manage keys", detail: "principal")
        }
        return user
    }
}
