import Core
public import HTTP

/// 001's admin bootstrap (`POST /api/auth/admin`): the first admin account, signed in at once like the
/// browser login (session body and cookies). Open before setup completes, then only to the appliance
/// token (`Access.setup`); never to a user's credential, and closed (409) once an admin exists.
public struct BootstrapRoutes: RouteProvider {
    let service: AccountService
    /// Each attempt costs a password hash: 5 per 15 minutes per address.
    let limit = RateLimitRule(name: "admin-bootstrap", limit: 5, windowSeconds: 900)

    public init(service: AccountService) {
        self.service = service
    }

    public var routes: [Route] {
        let service = service
        let cookies = SessionCookieWriter(service: service)
        return [
            Route.post(
                "/api/auth/admin", .setup,
                RouteDoc(
                    "Create the first admin account and sign it in (sets the session, refresh and CSRF cookies); only while no admin "
                        + "exists, before setup completes or with the appliance token (001)",
                    tag: "auth",
                    request: ["email": "admin@example.com", "password": "correct horse battery", "name": "Admin User"], status: 201,
                    requestSchema: .object(
                        ["password": .string(maxLength: 1024)],
                        optional: [
                            "email": .string(maxLength: 254), "username": .string(maxLength: 32), "name": .string(maxLength: 100),
                            "rememberMe": .boolean,
                        ]),
                    responseSchema: .success(["data": AuthRoutes.browserSessionSchema]), errors: [403, 409, 429])
            ) { request in
                guard request.principal.user == nil else {
                    throw HTTPError.forbidden("A user account cannot create the first admin; use the appliance token")
                }
                let fields = try request.fields()
                let email = try fields.optionalString("email", maxBytes: 254)
                let username = try fields.optionalString("username", maxBytes: 64)
                guard email != nil || username != nil else {
                    throw HTTPError.badRequest("Missing field 'email' (or 'username')", detail: "email")
                }
                let client = AuthRoutes.client(request)
                let user = try await service.bootstrapAdmin(
                    email: email, username: username, password: fields.string("password", maxBytes: 1024),
                    name: fields.optionalString("name", maxBytes: 400), client: client)
                let signedIn = try await service.signIn(user, remember: fields.bool("rememberMe"), client: client, method: "bootstrap")
                let csrf = try SessionCookieWriter.csrfToken()
                return Response.success(["data": AuthRoutes.browserSession(signedIn, csrf: csrf)], status: 201)
                    .setting(cookies.cookies(for: signedIn, csrf: csrf, request))
            }.limited(limit)
        ]
    }
}
