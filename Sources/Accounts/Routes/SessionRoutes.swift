import Core
public import HTTP

/// 003's sessions: the caller's signed-in devices (`/sessions`), this one (`/sessions/current`),
/// refresh (`/sessions/refresh`, the same rotation as `/auth/refresh`) and revoking one
/// (`/sessions/{sessionId}`). A revoked session's access tokens stop on the next request. Another
/// user's session is a 404, except to a caller holding `users:write` (an admin), who may revoke any.
public struct SessionRoutes: RouteProvider {
    let service: AccountService
    let refresh: RateLimitRule

    public init(service: AccountService) {
        self.service = service
        refresh = service.refreshLimit
    }

    static let listSchema = Schema.object(["sessions": .array(AccountJSON.sessionSchema), "total": .integer])

    public var routes: [Route] {
        let service = service
        let cookies = SessionCookieWriter(service: service)
        return [
            Route.get(
                "/api/v1/sessions", .permission("sessions:read"),
                RouteDoc(
                    "Your active sessions, most recently used first; none for the appliance token (003)", tag: "sessions",
                    responseSchema: Self.listSchema)
            ) { request in
                guard let identity = request.principal.user else { return .json(["sessions": [], "total": 0]) }
                let sessions = try await service.perform { try $0.sessions.list(userID: identity.id) }
                return .json([
                    "sessions": .array(sessions.map { AccountJSON.session($0, current: identity.sessionID) }), "total": JSON(sessions.count),
                ])
            },
            Route.delete(
                "/api/v1/sessions", .permission("sessions:write"),
                RouteDoc("Sign out everywhere: every session and access token of yours ends, this one too (003)", tag: "sessions", status: 204)
            ) { request in
                let identity = try UserRoutes.signedIn(request)
                try await service.revokeAllSessions(of: identity, client: AuthRoutes.client(request))
                return Response.empty(status: 204).setting(cookies.cleared(request))
            },
            Route.get(
                "/api/v1/sessions/current", .permission("sessions:read"),
                RouteDoc(
                    "The session of the access token in use; 404 for an API key or the appliance token (003)", tag: "sessions",
                    responseSchema: AccountJSON.sessionSchema, errors: [404])
            ) { request in
                guard let identity = request.principal.user, let id = identity.sessionID,
                    let session = try await service.perform({ try $0.sessions.get(id) }), session.userID == identity.id, session.isActive()
                else { throw HTTPError.notFound("No current session: the credential is not a session's access token") }
                return .json(AccountJSON.session(session, current: id))
            },
            Route.delete(
                "/api/v1/sessions/current", .authenticated,
                RouteDoc("Sign out: this session ends and its access tokens stop at once (003)", tag: "sessions", status: 204)
            ) { request in
                guard request.principal.user?.sessionID != nil else {
                    throw HTTPError.badRequest("Only a session's access token can end its session; this credential is not one", detail: "principal")
                }
                try await service.logout(request.principal, refreshToken: nil, client: AuthRoutes.client(request))
                return Response.empty(status: 204).setting(cookies.cleared(request))
            },
            Route.post(
                "/api/v1/sessions/refresh", .public,
                RouteDoc(
                    "Trade a refresh token (body, or the browser's refresh cookie) for a new access and refresh token; a spent one revokes its session (003)",
                    tag: "sessions", request: ["refresh_token": "…"],
                    requestSchema: .object([:], optional: ["refresh_token": .string(maxLength: 512)]),
                    requestOptional: true,
                    responseSchema: .object(
                        ["access_token": .string, "refresh_token": .string, "expires_in": .integer], optional: ["token_type": .string]),
                    errors: [429])
            ) { request in
                try await AuthRoutes.refresh(service, cookies, request)
            }.limited(refresh),
            Route.delete(
                "/api/v1/sessions/{sessionId}", .permission("sessions:write"),
                RouteDoc("Revoke one of your sessions (an admin: anyone's); its access tokens stop at once (003)", tag: "sessions", status: 204)
            ) { request in
                let id = request.parameter("sessionId")
                guard id.utf8.count <= 64, id.utf8.allSatisfy({ FieldLimits.isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }) else {
                    throw HTTPError.badRequest("Invalid sessionId: not a session id", detail: "sessionId")
                }
                let revoked = try await service.revokeSession(
                    id, by: request.principal, anyUser: request.principal.holds("users:write"), client: AuthRoutes.client(request))
                guard revoked else { throw HTTPError.notFound("No such session") }
                let response = Response.empty(status: 204)
                return id == request.principal.user?.sessionID ? response.setting(cookies.cleared(request)) : response
            },
        ].map { $0.documenting(errors: [400, 401]) }  // the appliance token or an API key has no session; a spent refresh token
    }
}
