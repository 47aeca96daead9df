import Core
public import HTTP

/// The e-mailed token flows: 003's verify-email, resend-verification, forgot-password and
/// reset-password, and 001's password reset (`/api/auth/password-reset/{request,verify,confirm}`).
/// Both reset paths share one count of mails per address (`auth.password_resets_per_hour`, 001: 3 per
/// hour), and answer a request the same whether the address has an account or not.
public struct EmailRoutes: RouteProvider {
    let service: AccountService
    /// Reset mails per address per hour; past it a request is answered as usual and nothing is sent.
    let resetsPerAddress: RateLimiter
    /// Reset requests per client address, against one client spraying addresses.
    let requests = RateLimitRule(name: "password-reset-request", limit: 20, windowSeconds: 3600)
    /// Token presentations per client address (tokens are 256-bit, this bounds the hashing work).
    let presentations = RateLimitRule(name: "email-token", limit: 30, windowSeconds: 900)
    let resends: RateLimitRule

    public init(service: AccountService) {
        self.service = service
        let perHour = max(1, service.settings.passwordResetsPerHour)
        resetsPerAddress = RateLimiter(limit: perHour, windowSeconds: 3600)
        resends = RateLimitRule(name: "resend-verification", limit: perHour, windowSeconds: 3600, key: .user)
    }

    static let tokenField = Schema.string(maxLength: 512)

    public var routes: [Route] {
        let (service, resetsPerAddress) = (service, resetsPerAddress)
        return [
            Route.post(
                "/api/v1/auth/verify-email", .public,
                RouteDoc(
                    "Confirm an e-mail address with the token mailed to it (003)", tag: "auth", request: ["token": "…"], status: 204,
                    requestSchema: .object(["token": Self.tokenField]), errors: [400, 429])
            ) { request in
                try await service.verifyEmail(token: request.fields().string("token", maxBytes: 512), client: AuthRoutes.client(request))
                return .empty(status: 204)
            }.limited(presentations),
            Route.post(
                "/api/v1/auth/resend-verification", .authenticated,
                RouteDoc(
                    "Mail your address a new verification token (none when it is verified already) (003)", tag: "auth", status: 204,
                    errors: [400, 429])
            ) { request in
                guard let identity = request.principal.user else {
                    throw HTTPError.badRequest("The appliance token has no account and no e-mail address; sign in as a user", detail: "principal")
                }
                guard let user = try await service.perform({ try $0.users.get(id: identity.id) }) else { throw HTTPError.unauthorized() }
                guard user.email != nil else { throw HTTPError.badRequest("Your account has no e-mail address", detail: "email") }
                await service.sendVerification(to: user, client: AuthRoutes.client(request))
                return .empty(status: 204)
            }.limited(resends),
            Route.post(
                "/api/v1/auth/forgot-password", .public,
                RouteDoc(
                    "Mail a password reset token, if the address has an account; the answer is the same either way (003)", tag: "auth",
                    request: ["email": "ann@example.com"], status: 204, requestSchema: .object(["email": .string(maxLength: 254)]),
                    errors: [400, 429])
            ) { request in
                try Self.requestReset(service, resetsPerAddress, request)
                return .empty(status: 204)
            }.limited(requests),
            Route.post(
                "/api/v1/auth/reset-password", .public,
                RouteDoc(
                    "Set a new password with a mailed reset token (single use, 1 hour); every session of the account ends (003)",
                    tag: "auth", request: ["token": "…", "new_password": "…"], status: 204,
                    requestSchema: .object(["token": Self.tokenField, "new_password": .string(maxLength: 1024)]), errors: [400, 429])
            ) { request in
                let fields = try request.fields()
                try await service.resetPassword(
                    token: fields.string("token", maxBytes: 512), newPassword: fields.string("new_password", maxBytes: 1024),
                    field: "new_password", client: AuthRoutes.client(request))
                return .empty(status: 204)
            }.limited(presentations),
            Route.post(
                "/api/auth/password-reset/request", .public,
                RouteDoc(
                    "Mail a password reset token, if the address has an account; the answer is the same either way (001)", tag: "auth",
                    request: ["email": "ann@example.com"], requestSchema: .object(["email": .string(maxLength: 254)]),
                    responseSchema: .success(["message": .string]), errors: [400, 429])
            ) { request in
                try Self.requestReset(service, resetsPerAddress, request)
                return .success(["message": "If an account has this address, a reset mail is on its way"])
            }.limited(requests),
            Route.post(
                "/api/auth/password-reset/verify", .public,
                RouteDoc(
                    "Whether a reset token is still good, without spending it; tokenId is accepted and not needed (001)", tag: "auth",
                    request: ["token": "…"],
                    requestSchema: .object(["token": Self.tokenField], optional: ["tokenId": .string(maxLength: 128)]),
                    responseSchema: .success(["data": .object(["valid": .boolean, "expiresAt": .dateTime])]), errors: [400, 429])
            ) { request in
                let fields = try request.fields()
                _ = try fields.optionalString("tokenId", maxBytes: 128)
                guard let pending = try await service.pendingPasswordReset(token: fields.string("token", maxBytes: 512)) else {
                    throw HTTPError.invalidEmailToken
                }
                return .success(["data": ["valid": true, "expiresAt": AccountJSON.iso(pending.expiresAt)]])
            }.limited(presentations),
            Route.post(
                "/api/auth/password-reset/confirm", .public,
                RouteDoc(
                    "Set a new password with a mailed reset token (single use, 1 hour); every session of the account ends (001)",
                    tag: "auth", request: ["token": "…", "newPassword": "…"],
                    requestSchema: .object(["token": Self.tokenField, "newPassword": .string(maxLength: 1024)]),
                    responseSchema: .success(["message": .string]), errors: [400, 429])
            ) { request in
                let fields = try request.fields()
                try await service.resetPassword(
                    token: fields.string("token", maxBytes: 512), newPassword: fields.string("newPassword", maxBytes: 1024),
                    field: "newPassword", client: AuthRoutes.client(request))
                return .success(["message": "The password is changed; sign in with it"])
            }.limited(presentations),
        ]
    }

    static func requestReset(_ service: AccountService, _ perAddress: RateLimiter, _ request: Request) throws(HTTPError) {
        let email = try request.fields().string("email", maxBytes: 254)
        try service.requestPasswordReset(email: email, perAddress: perAddress, client: AuthRoutes.client(request))
    }
}
