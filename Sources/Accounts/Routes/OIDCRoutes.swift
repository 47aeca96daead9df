import Core
import Crypto
import FoundationEssentials
public import HTTP

/// 003's eleven OIDC paths: sign-in with a provider (`/api/v1/oidc/*`, public, limited per address),
/// the caller's links (`/api/v1/users/me/oidc*`), and provider management (`/api/v1/admin/oidc/*`,
/// `oidc:read` / `oidc:write`, in `OIDCRoutes+Admin.swift`). The callback answers 003's tokens as JSON,
/// or, when the sign-in was started with a `redirect_url`, a 302 there with the browser's session
/// cookies set. Codes, tokens, nonces and client secrets are never answered or logged.
public struct OIDCRoutes: RouteProvider {
    let service: AccountService
    let relyingParty: any OIDCSignInService
    let start: RateLimitRule
    let callback: RateLimitRule

    public init(service: AccountService, relyingParty: any OIDCSignInService) {
        self.service = service
        self.relyingParty = relyingParty
        start = RateLimitRule(name: "oidc_start", limit: 20, windowSeconds: 300)
        callback = RateLimitRule(name: "oidc_callback", limit: 20, windowSeconds: 300)
    }

    public var routes: [Route] {
        signInRoutes + callerRoutes + adminRoutes
    }

    var signInRoutes: [Route] {
        let (service, relyingParty) = (service, relyingParty)
        let cookies = SessionCookieWriter(service: service)
        return [
            Route.get(
                "/api/v1/oidc/providers", .public,
                RouteDoc(
                    "The enabled identity providers to offer on the sign-in page (003)", tag: "oidc",
                    responseSchema: .object(["providers": .array(OIDCJSON.publicProviderSchema), "total": .integer]))
            ) { _ in
                let providers = try await service.perform { try $0.providers.list(enabledOnly: true) }
                return .json(["providers": .array(providers.map(OIDCJSON.publicProvider)), "total": .int(Int64(providers.count))])
            },
            Route.get(
                "/api/v1/oidc/auth/{provider}", .public,
                RouteDoc(
                    "Start a sign-in: the provider's authorization URL to send the browser to (state, nonce and PKCE kept ten minutes); "
                        + "with redirect_url (a path here), the callback answers a 302 there with the session cookies (003)",
                    tag: "oidc", query: ["redirect_url"], responseSchema: OIDCJSON.authURLSchema, errors: [404, 429, 502])
            ) { request in
                let (_, config) = try await Self.provider(service, request)
                let returnTo = try Self.returnTo(request)
                let started = try await relyingParty.authorizationURL(
                    provider: config, redirectURI: try Self.callbackURL(service, request), returnTo: returnTo, linkingUserID: nil,
                    now: service.clock())
                return Self.started(started, browser: returnTo != nil, cookies, request)
            }.limited(start),
            Route.get(
                "/api/v1/oidc/callback/{provider}", .public,
                RouteDoc(
                    "Finish a sign-in or link: the code is exchanged and the ID token verified; the linked user (or one made when the "
                        + "provider creates users) is signed in: tokens as JSON, or a 302 to the sign-in's redirect_url with cookies (003)",
                    tag: "oidc", query: ["code", "state", "error", "error_description"], responseSchema: OIDCJSON.callbackSchema,
                    errors: [302, 401, 403, 404, 409, 429, 502])
            ) { request in
                let signedIn: SignedIn
                let returnTo: String?
                do {
                    (signedIn, returnTo) = try await Self.finish(service, relyingParty, request)
                } catch {
                    let answer = HTTPError.storage(error, failing: "Failed to finish an OIDC sign-in")
                    let reason = (error as? OIDCError)?.description ?? answer.message
                    await service.record(
                        ActivityEntry(
                            action: ActivityAction.loginFailed, resourceType: "session", success: false, errorMessage: reason,
                            ipAddress: request.remoteAddress, userAgent: request.userAgent,
                            details: ["method": "oidc", "provider": .string(String(request.parameter("provider").prefix(100)))]))
                    throw answer
                }
                guard let returnTo else {
                    return Self.noStore(
                        .json([
                            "access_token": .string(signedIn.accessToken), "token_type": "Bearer", "expires_in": .int(signedIn.expiresIn),
                            "refresh_token": .string(signedIn.refreshToken), "user": AccountJSON.user(signedIn.user),
                        ]))
                }
                let csrf = try SessionCookieWriter.csrfToken()
                return Self.noStore(Response(status: 302, headers: Headers([("Location", returnTo)])))
                    .setting(cookies.cookies(for: signedIn, csrf: csrf, request) + [Self.stateCookie(nil, cookies, request)])
            }.limited(callback),
        ]
    }

    /// Verifies the callback, finds or makes the account, and opens its session.
    static func finish(
        _ service: AccountService, _ relyingParty: any OIDCSignInService, _ request: Request
    ) async throws -> (SignedIn, String?) {
        let state = try query(request, "state", maxBytes: 512, required: true) ?? ""
        let code = try query(request, "code", maxBytes: 4096, required: false)
        let error = try query(request, "error", maxBytes: 256, required: false)
        let (provider, config) = try await provider(service, request)
        let signIn = try await relyingParty.finish(provider: config, state: state, code: code, error: error, now: service.clock())
        // A browser sign-in and every link must come back to the browser that started them, so a
        // callback URL made elsewhere cannot sign a victim in or link their identity to another
        // account (login CSRF); a sign-in that asked for JSON tokens sets no cookie to check.
        if signIn.returnTo != nil || signIn.linkingUserID != nil {
            guard let cookie = Cookies(request.headers)[stateCookieName], Crypto.constantTimeEqual(cookie, state) else {
                throw HTTPError.badRequest("The sign-in was started in another browser; start it again", detail: "state")
            }
        }
        let account = try await service.account(for: signIn, provider: provider)
        let user = account.user
        if account.created {
            await service.record(
                ActivityEntry(
                    userID: user.id, username: user.username, action: ActivityAction.userCreated, resourceType: "user", resourceID: user.id,
                    ipAddress: request.remoteAddress, userAgent: request.userAgent,
                    details: ["method": "oidc", "provider": .string(provider.settings.name)]))
        }
        if account.linked {
            await service.record(
                ActivityEntry(
                    userID: user.id, username: user.username, action: ActivityAction.oidcLinked, resourceType: "oidc_provider",
                    resourceID: provider.id, ipAddress: request.remoteAddress, userAgent: request.userAgent,
                    details: ["provider": .string(provider.settings.name)]))
        }
        let signedIn = try await service.signIn(user, remember: false, client: AuthRoutes.client(request), method: "oidc")
        return (signedIn, signIn.returnTo)
    }

    /// The enabled provider the `{provider}` segment names, or 404.
    static func provider(_ service: AccountService, _ request: Request) async throws(HTTPError) -> (OIDCProvider, OIDCProviderConfig) {
        guard let found = try await service.signInProvider(named: request.parameter("provider")) else {
            throw HTTPError.notFound("No such OIDC provider", detail: "provider")
        }
        return found
    }

    /// A query parameter of at most `maxBytes`; a missing required or over-long one is a 400 naming it.
    static func query(_ request: Request, _ name: String, maxBytes: Int, required: Bool) throws(HTTPError) -> String? {
        guard let value = request.query[name], !value.isEmpty else {
            if required { throw HTTPError.badRequest("Missing query parameter '\(name)'", detail: name) }
            return nil
        }
        guard value.utf8.count <= maxBytes else {
            throw HTTPError.badRequest("Query parameter '\(name)' is longer than \(maxBytes) bytes", detail: name)
        }
        return value
    }

    /// `redirect_url`, which must be a path on the appliance (so a sign-in cannot send the browser away).
    static func returnTo(_ request: Request) throws(HTTPError) -> String? {
        guard let value = try query(request, "redirect_url", maxBytes: 2048, required: false) else { return nil }
        guard let path = OIDCRelyingParty.localPath(value) else {
            throw HTTPError.badRequest("Invalid redirect_url: must be a path on this appliance, like /library", detail: "redirect_url")
        }
        return path
    }

    /// The callback URL the provider sends the browser back to: under `email.public_url` when set, else
    /// under the request's own `Host` (https when a proxy says the request came over TLS). It must be
    /// registered with the provider as it is.
    static func callbackURL(_ service: AccountService, _ request: Request) throws(HTTPError) -> String {
        var base = service.settings.publicURL
        if base.isEmpty {
            guard let host = request.headers["Host"], (1...255).contains(host.utf8.count),
                host.utf8.allSatisfy({
                    FieldLimits.isUsernameByte($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]")
                })
            else { throw HTTPError.badRequest("Missing or invalid Host header", detail: "Host") }
            let scheme = request.headers["X-Forwarded-Proto"]?.lowercased() == "https" ? "https" : "http"
            base = scheme + "://" + host
        }
        while base.hasSuffix("/") { base.removeLast() }
        let name = request.parameter("provider").lowercased()
        return base + "/api/v1/oidc/callback/" + OIDCURL.encode(name)
    }

    static let stateCookieName = "applianced_oidc_state"

    /// The answer to a start: the authorization URL, and for a browser sign-in (one with a
    /// `redirect_url`) or a link a cookie holding its state, which the callback must see again. `Lax`, so the
    /// provider's redirect back (a top-level GET from another site) carries it.
    static func started(
        _ started: OIDCAuthorizationRequest, browser: Bool, _ cookies: SessionCookieWriter, _ request: Request
    ) -> Response {
        let response = noStore(.json(["auth_url": .string(started.url)]))
        return browser ? response.setting([stateCookie(started.state, cookies, request)]) : response
    }

    /// The state cookie (nil: the one that clears it), seen only by the callback, for ten minutes.
    static func stateCookie(_ state: String?, _ cookies: SessionCookieWriter, _ request: Request) -> SetCookie {
        var cookie = SetCookie(
            name: stateCookieName, value: state ?? "", maxAgeSeconds: state == nil ? 0 : 600, path: "/api/v1/oidc/callback",
            secure: cookies.secure(request))
        cookie.sameSite = "Lax"
        return cookie
    }

    static func noStore(_ response: Response) -> Response {
        var response = response
        response.headers.set("Cache-Control", "no-store")
        return response
    }
}
