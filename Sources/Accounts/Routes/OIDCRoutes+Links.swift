import Core
import FoundationEssentials
import HTTP

/// The caller's links to identity providers (003 `/users/me/oidc*`). The appliance token has no
/// account, so it has no links and cannot make one.
extension OIDCRoutes {
    var callerRoutes: [Route] {
        let (service, relyingParty) = (service, relyingParty)
        return [
            Route.get(
                "/api/v1/users/me/oidc", .authenticated,
                RouteDoc(
                    "Your links to identity providers (003)", tag: "oidc",
                    responseSchema: .object(["links": .array(OIDCJSON.linkSchema), "total": .integer]))
            ) { request in
                guard let user = request.principal.user else { return .json(["links": [], "total": 0]) }
                let links = try await service.perform { try $0.providers.links(userID: user.id) }
                return .json(["links": .array(links.map(OIDCJSON.link)), "total": .int(Int64(links.count))])
            },
            Route.post(
                "/api/v1/users/me/oidc/{provider}/link", .authenticated,
                RouteDoc(
                    "Start linking a provider to your account: the authorization URL; its callback links the identity it proves to you (003)",
                    tag: "oidc", query: ["redirect_url"], responseSchema: OIDCJSON.authURLSchema, errors: [403, 404, 409, 429, 502])
            ) { request in
                let user = try Self.account(request)
                let (provider, config) = try await Self.provider(service, request)
                guard provider.settings.allowLinking else { throw HTTPError.forbidden("This provider does not allow linking accounts") }
                let linked = try await service.perform { try $0.providers.links(userID: user.id) }
                guard !linked.contains(where: { $0.providerID == provider.id }) else {
                    throw HTTPError.conflict("Your account is already linked to this provider", detail: "provider")
                }
                let returnTo = try Self.returnTo(request)
                let started = try await relyingParty.authorizationURL(
                    provider: config, redirectURI: try Self.callbackURL(service, request), returnTo: returnTo, linkingUserID: user.id,
                    now: service.clock())
                return Self.started(started, browser: true, SessionCookieWriter(service: service), request)
            }.limited(start),
            Route.delete(
                "/api/v1/users/me/oidc/{provider}", .authenticated,
                RouteDoc(
                    "Unlink a provider from your account; refused while it is the account's last way to sign in (003)", tag: "oidc",
                    status: 204, errors: [403, 404])
            ) { request in
                let user = try Self.account(request)
                let name = request.parameter("provider")
                var provider: OIDCProvider?
                if (1...FieldLimits.nameLength).contains(name.utf8.count) {
                    provider = try await service.perform { try $0.providers.get(name: name) }
                }
                guard let provider else { throw HTTPError.notFound("No such OIDC provider", detail: "provider") }
                try await service.unlink(providerID: provider.id, user: user.id)
                await service.record(
                    ActivityEntry(
                        userID: user.id, username: user.username, action: ActivityAction.oidcUnlinked, resourceType: "oidc_provider",
                        resourceID: provider.id, ipAddress: request.remoteAddress, userAgent: request.userAgent,
                        details: ["provider": .string(provider.settings.name)]))
                return .empty()
            },
        ]
    }

    /// The signed-in user; the appliance token is refused (it has no account to link).
    static func account(_ request: Request) throws(HTTPError) -> UserIdentity {
        guard let user = request.principal.user else {
            throw HTTPError.badRequest("The appliance token has no account to link; sign in as a user", detail: "principal")
        }
        return user
    }
}
