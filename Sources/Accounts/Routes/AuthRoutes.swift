import Core
public import HTTP

/// Password sign-in and sessions: 003's `/api/v1/auth/{login,logout,refresh,register,change-password}`
/// and 001's `/api/auth/login` and `/api/v1/auth/session` (001's browser login also sets the session,
/// refresh and CSRF cookies). Both login paths count against one per-address limit (001: 5 per 15
/// minutes) and take the second factor as a second call with `mfa_token` (`mfaToken`) and `code`.
public struct AuthRoutes: RouteProvider {
    let service: AccountService
    let login: RateLimitRule
    let register: RateLimitRule

    public init(service: AccountService) {
        self.service = service
        login = RateLimitRule(name: "login", limit: service.settings.loginAttempts, windowSeconds: service.settings.loginWindowSeconds)
        register = RateLimitRule(name: "register", limit: 5, windowSeconds: 3600)
    }

    static let tokensSchema = Schema.object(
        ["user": AccountJSON.userSchema, "access_token": .string, "refresh_token": .string, "expires_in": .integer],
        optional: ["token_type": .string])
    static let loginRequest = Schema.object(
        [:],
        optional: [
            "username": .string(maxLength: 254), "password": .string(maxLength: 1024), "device_name": .string(maxLength: 100),
            "remember_me": .boolean, "mfa_token": .string, "code": .string(maxLength: 32),
        ])

    public var routes: [Route] {
        let service = service
        let cookies = SessionCookieWriter(service: service)
        return [
            Route.post(
                "/api/v1/auth/login", .public,
                RouteDoc(
                    "Sign in with a username or e-mail and password; with MFA on, a second call with mfa_token and code (003)",
                    tag: "auth", request: ["username": "ann", "password": "correct horse battery"], requestSchema: Self.loginRequest,
                    responseSchema: Self.tokensSchema, errors: [401, 429])
            ) { request in
                let fields = try request.fields()
                let signedIn = try await Self.login(
                    service, fields, login: "username", ticket: "mfa_token", remember: "remember_me", request)
                return .json(Self.tokens(signedIn))
            }.limited(login),
            Route.post(
                "/api/auth/login", .public,
                RouteDoc(
                    "Password login for the browser: sets the session, refresh and CSRF cookies (001)", tag: "auth",
                    request: ["email": "admin@example.com", "password": "correct horse battery", "rememberMe": true],
                    requestSchema: .object(
                        [:],
                        optional: [
                            "email": .string(maxLength: 254), "username": .string(maxLength: 254), "password": .string(maxLength: 1024),
                            "rememberMe": .boolean, "mfaToken": .string, "code": .string(maxLength: 32),
                        ]),
                    responseSchema: .success(["data": Self.browserSessionSchema]), errors: [401, 429])
            ) { request in
                let fields = try request.fields()
                let name = try fields.optionalString("email", maxBytes: 254) == nil ? "username" : "email"
                let signedIn = try await Self.login(service, fields, login: name, ticket: "mfaToken", remember: "rememberMe", request)
                let csrf = try SessionCookieWriter.csrfToken()
                return Response.success(["data": Self.browserSession(signedIn, csrf: csrf)])
                    .setting(cookies.cookies(for: signedIn, csrf: csrf, request))
            }.limited(login),
            Route.get(
                "/api/v1/auth/session", .authenticated,
                RouteDoc("The signed-in user (001)", tag: "auth", responseSchema: .success(["data": .object(["user": AccountJSON.userSchema])]))
            ) { request in
                .success(["data": ["user": try await Self.currentUser(service, request.principal)]])
            },
            Route.post(
                "/api/v1/auth/logout", .authenticated,
                RouteDoc(
                    "Sign out: ends this session (its access tokens stop at once) and clears the browser's cookies (001, 003)",
                    tag: "auth", request: ["refresh_token": "…"], status: 204, requestSchema: .object([:], optional: ["refresh_token": .string]),
                    requestOptional: true)
            ) { request in
                let fields = try request.optionalFields()
                let refresh = try fields.optionalString("refresh_token", maxBytes: 512) ?? Cookies(request.headers)[SessionCookies.refresh]
                try await service.logout(request.principal, refreshToken: refresh, client: Self.client(request))
                return Response.empty(status: 204).setting(cookies.cleared(request))
            },
            Route.post(
                "/api/v1/auth/refresh", .public,
                RouteDoc(
                    "Trade a refresh token (body, or the browser's refresh cookie) for new tokens; a spent one revokes its session (003)",
                    tag: "auth", request: ["refresh_token": "…"], requestSchema: .object([:], optional: ["refresh_token": .string]),
                    requestOptional: true,
                    responseSchema: .object(["access_token": .string, "expires_in": .integer], optional: ["refresh_token": .string, "token_type": .string]),
                    errors: [401, 429])
            ) { request in
                try await Self.refresh(service, cookies, request)
            }.limited(service.refreshLimit),
            Route.post(
                "/api/v1/auth/register", .public,
                RouteDoc(
                    "Create an account (only when auth.allow_registration is on) (003)", tag: "auth",
                    request: ["username": "ann", "email": "ann@example.com", "password": "correct horse battery"], status: 201,
                    requestSchema: .object(
                        ["username": .string(maxLength: 32), "email": .string(maxLength: 254), "password": .string(maxLength: 1024)],
                        optional: ["display_name": .string(maxLength: 100)]),
                    responseSchema: AccountJSON.userSchema, errors: [409, 429])
            ) { request in
                guard service.settings.allowRegistration else {
                    throw HTTPError(
                        status: 403, code: "REGISTRATION_DISABLED", message: "Registration is switched off",
                        detail: "An admin can turn on auth.allow_registration, or create the account")
                }
                let fields = try request.fields()
                let user = try await service.register(
                    username: fields.string("username", maxBytes: 64), email: fields.string("email", maxBytes: 254),
                    password: fields.string("password", maxBytes: 1024), displayName: fields.optionalString("display_name", maxBytes: 400),
                    client: Self.client(request))
                return .json(AccountJSON.user(user), status: 201)
            }.limited(register),
            Route.post(
                "/api/v1/auth/change-password", .authenticated,
                RouteDoc(
                    "Change your password: every session and access token of the account ends, sign in again (003)", tag: "auth",
                    request: ["old_password": "…", "new_password": "…"], status: 204,
                    requestSchema: .object(["old_password": .string(maxLength: 1024), "new_password": .string(maxLength: 1024)]),
                    errors: [401, 429])
            ) { request in
                guard let user = request.principal.user else {
                    throw HTTPError.badRequest("The appliance token has no password; sign in as a user", detail: "principal")
                }
                try service.checkMFAGuess(userID: user.id)
                let fields = try request.fields()
                try await service.changePassword(
                    userID: user.id, old: fields.string("old_password", maxBytes: 1024), new: fields.string("new_password", maxBytes: 1024),
                    client: Self.client(request))
                return Response.empty(status: 204).setting(cookies.cleared(request))
            },
        ]
    }

    /// Either refresh path (003's `/auth/refresh` and `/sessions/refresh`): the token from the body or the
    /// browser's refresh cookie traded for new tokens; a browser gets its cookies renewed too.
    static func refresh(_ service: AccountService, _ cookies: SessionCookieWriter, _ request: Request) async throws(HTTPError) -> Response {
        let fields = try request.optionalFields()
        let fromCookie = Cookies(request.headers)[SessionCookies.refresh]
        guard let token = try fields.optionalString("refresh_token", maxBytes: 512) ?? fromCookie else {
            throw HTTPError.badRequest("Missing field 'refresh_token'", detail: "refresh_token")
        }
        let signedIn = try await service.refresh(token, client: client(request))
        let response = Response.json([
            "access_token": .string(signedIn.accessToken), "refresh_token": .string(signedIn.refreshToken),
            "expires_in": .int(signedIn.expiresIn), "token_type": "Bearer",
        ])
        guard fromCookie != nil else { return response }
        let csrf: String
        if let current = Cookies(request.headers)[SessionCookies.csrf] { csrf = current } else { csrf = try SessionCookieWriter.csrfToken() }
        return response.setting(cookies.cookies(for: signedIn, csrf: csrf, request))
    }

    static func client(_ request: Request) -> ClientInfo {
        ClientInfo(address: request.remoteAddress, userAgent: request.userAgent)
    }

    /// Either step of a login: `login` + `password`, or `ticket` + `code` after an MFA_REQUIRED.
    static func login(
        _ service: AccountService, _ fields: BodyFields, login: String, ticket: String, remember: String, _ request: Request
    ) async throws(HTTPError) -> SignedIn {
        let client = client(request)
        if let ticket = try fields.optionalString(ticket, maxBytes: 4096) {
            return try await service.completeMFA(ticket: ticket, code: fields.string("code", maxBytes: 32), client: client)
        }
        let outcome = try await service.passwordLogin(
            login: fields.string(login, maxBytes: 254), password: fields.string("password", maxBytes: 1024),
            remember: fields.bool(remember), client: client)
        switch outcome {
        case .signedIn(let signedIn): return signedIn
        case .mfaRequired(let ticket, _): throw HTTPError.mfaRequired(ticket: ticket)
        }
    }

    static func tokens(_ signedIn: SignedIn) -> JSON {
        [
            "user": AccountJSON.user(signedIn.user), "access_token": .string(signedIn.accessToken),
            "refresh_token": .string(signedIn.refreshToken), "expires_in": .int(signedIn.expiresIn), "token_type": "Bearer",
        ]
    }

    static let browserSessionSchema = Schema.object(
        ["user": AccountJSON.userSchema, "token": .string, "csrfToken": .string], optional: ["rememberToken": .string, "expiresIn": .integer])

    /// 001's session body: the user, the access token, the refresh token as `rememberToken`, the CSRF token.
    static func browserSession(_ signedIn: SignedIn, csrf: String) -> JSON {
        [
            "user": AccountJSON.user(signedIn.user), "token": .string(signedIn.accessToken), "rememberToken": .string(signedIn.refreshToken),
            "csrfToken": .string(csrf), "expiresIn": .int(signedIn.expiresIn),
        ]
    }

    static func currentUser(_ service: AccountService, _ principal: Principal) async throws(HTTPError) -> JSON {
        guard let identity = principal.user else { return AccountJSON.applianceOwner }
        guard let user = try await service.perform({ try $0.users.get(id: identity.id) }) else { throw HTTPError.unauthorized() }
        return AccountJSON.user(user)
    }
}
