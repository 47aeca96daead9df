import Core
import FoundationEssentials
import HTTP

/// Provider management (003 `/admin/oidc/providers*`): `oidc:read` to look, `oidc:write` to change.
/// The client secret is answered as `****`, and a PATCH carrying `****` keeps the stored one. After an
/// edit or a delete the relying party forgets what it cached for the issuer (discovery, keys).
extension OIDCRoutes {
    var adminRoutes: [Route] {
        let (service, relyingParty) = (service, relyingParty)
        let base = Self.adminBase
        return [
            Route.get(
                base, .permission("oidc:read"),
                RouteDoc(
                    "Every identity provider, enabled or not; client secrets masked (003)", tag: "oidc",
                    responseSchema: .object(["providers": .array(OIDCJSON.adminProviderSchema), "total": .integer]))
            ) { _ in
                let providers = try await service.perform { try $0.providers.list() }
                return .json(["providers": .array(providers.map(OIDCJSON.adminProvider)), "total": .int(Int64(providers.count))])
            },
            Route.post(
                base, .permission("oidc:write"),
                RouteDoc(
                    "Add an identity provider (issuer https, or http only to a loopback host) (003)", tag: "oidc",
                    request: [
                        "name": "authentik", "display_name": "Authentik", "issuer_url": "https://auth.example.com/application/o/appliance/",
                        "client_id": "appliance", "client_secret": "…",
                    ], status: 201, requestSchema: OIDCJSON.createRequestSchema, responseSchema: OIDCJSON.adminProviderSchema, errors: [409])
            ) { request in
                let fields = try request.fields()
                let settings = try OIDCJSON.settings(fields, over: nil)
                let makeDefault = try fields.bool("is_default")
                let provider = try await service.perform { service -> OIDCProvider in
                    let made = try service.providers.create(settings)
                    guard makeDefault else { return made }
                    try service.providers.setDefault(made.id)
                    return try service.providers.get(id: made.id) ?? made
                }
                await Self.recordChange(service, ActivityAction.providerCreated, provider, request)
                return .json(OIDCJSON.adminProvider(provider), status: 201)
            },
            Route.get(
                base + "/{providerId}", .permission("oidc:read"),
                RouteDoc(
                    "One identity provider; client secret masked (003)", tag: "oidc", responseSchema: OIDCJSON.adminProviderSchema, errors: [404])
            ) { request in
                let id = try Self.providerID(request)
                guard let provider = try await service.perform({ try $0.providers.get(id: id) }) else {
                    throw HTTPError.notFound("No such OIDC provider", detail: "providerId")
                }
                return .json(OIDCJSON.adminProvider(provider))
            },
            Route.patch(
                base + "/{providerId}", .permission("oidc:write"),
                RouteDoc(
                    "Change an identity provider; fields left out stay, a client_secret of **** keeps the stored one (003)", tag: "oidc",
                    request: ["display_name": "Company sign-in", "client_secret": "****"], requestSchema: OIDCJSON.updateRequestSchema,
                    responseSchema: OIDCJSON.adminProviderSchema, errors: [404, 409])
            ) { request in
                let id = try Self.providerID(request)
                let fields = try request.fields()
                guard let before = try await service.perform({ try $0.providers.get(id: id) }) else {
                    throw HTTPError.notFound("No such OIDC provider", detail: "providerId")
                }
                let settings = try OIDCJSON.settings(fields, over: before.settings)
                let makeDefault = try fields.bool("is_default")
                let after = try await service.perform { service -> OIDCProvider? in
                    guard try service.providers.update(id, { $0 = settings }) != nil else { return nil }
                    if makeDefault { try service.providers.setDefault(id) }
                    return try service.providers.get(id: id)
                }
                guard let after else { throw HTTPError.notFound("No such OIDC provider", detail: "providerId") }
                relyingParty.forget(issuer: before.settings.issuerURL)
                relyingParty.forget(issuer: after.settings.issuerURL)
                let secretChanged = settings.clientSecret != nil && settings.clientSecret != OIDCProvider.mask
                await Self.recordChange(service, ActivityAction.providerUpdated, after, request, ["client_secret_changed": .bool(secretChanged)])
                return .json(OIDCJSON.adminProvider(after))
            },
            Route.delete(
                base + "/{providerId}", .permission("oidc:write"),
                RouteDoc("Delete an identity provider and every user's link to it (003)", tag: "oidc", status: 204, errors: [404])
            ) { request in
                let id = try Self.providerID(request)
                let provider = try await service.perform { service -> OIDCProvider? in
                    guard let provider = try service.providers.get(id: id), try service.providers.delete(id) else { return nil }
                    return provider
                }
                guard let provider else { throw HTTPError.notFound("No such OIDC provider", detail: "providerId") }
                relyingParty.forget(issuer: provider.settings.issuerURL)
                await Self.recordChange(service, ActivityAction.providerDeleted, provider, request)
                return .empty()
            },
            switched("enable", "Offer an identity provider for sign-in", ActivityAction.providerEnabled) { store, id in
                try store.update(id) { $0.enabled = true } != nil
            },
            switched("disable", "Stop offering an identity provider (its links stay)", ActivityAction.providerDisabled) { store, id in
                try store.update(id) { $0.enabled = false } != nil
            },
            switched("default", "Make an identity provider the one the sign-in page offers first", ActivityAction.providerDefault) { store, id in
                try store.setDefault(id)
            },
        ]
    }

    static let adminBase = "/api/v1/admin/oidc/providers"

    /// `POST …/{providerId}/<path>`: a switch on the provider (`change` false: no such provider), logged as `action`.
    func switched(
        _ path: String, _ summary: String, _ action: String, _ change: @escaping @Sendable (OIDCProviderStore, String) throws -> Bool
    ) -> Route {
        let (service, relyingParty) = (service, relyingParty)
        return Route.post(
            Self.adminBase + "/{providerId}/" + path, .permission("oidc:write"), RouteDoc(summary + " (003)", tag: "oidc", status: 204, errors: [404])
        ) { request in
            let id = try Self.providerID(request)
            let provider = try await service.perform { service -> OIDCProvider? in
                guard try change(service.providers, id) else { return nil }
                return try service.providers.get(id: id)
            }
            guard let provider else { throw HTTPError.notFound("No such OIDC provider", detail: "providerId") }
            relyingParty.forget(issuer: provider.settings.issuerURL)
            await Self.recordChange(service, action, provider, request)
            return .empty()
        }
    }

    /// A provider change in the activity log: who, which provider, what (never the secret).
    static func recordChange(
        _ service: AccountService, _ action: String, _ provider: OIDCProvider, _ request: Request, _ details: JSON = [:]
    ) async {
        let actor = request.principal.user
        var members = details.objectValue ?? [:]
        members["provider"] = .string(provider.settings.name)
        await service.record(
            ActivityEntry(
                userID: actor?.id, username: actor?.username, action: action, resourceType: "oidc_provider", resourceID: provider.id,
                ipAddress: request.remoteAddress, userAgent: request.userAgent, details: .object(members)))
    }

    /// The `{providerId}` segment; ids are at most 64 bytes, so anything longer is no provider.
    static func providerID(_ request: Request) throws(HTTPError) -> String {
        let id = request.parameter("providerId")
        guard (1...64).contains(id.utf8.count) else { throw HTTPError.notFound("No such OIDC provider", detail: "providerId") }
        return id
    }
}
