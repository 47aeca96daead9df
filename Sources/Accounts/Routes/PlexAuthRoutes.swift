import Core
public import HTTP

/// 001's Plex sign-in: `POST /api/v1/auth/plex/pin` makes a PIN at plex.tv, the person approves it
/// there, and `POST /api/v1/auth/plex/verify` turns it into a session (body and cookies as the
/// browser login). Public, limited per address: PINs 10 per 10 minutes, verify (which clients poll)
/// 60 a minute.
public struct PlexAuthRoutes: RouteProvider {
    let signIn: PlexSignIn
    let pinLimit = RateLimitRule(name: "plex-pin", limit: 10, windowSeconds: 600)
    let verifyLimit = RateLimitRule(name: "plex-verify", limit: 60, windowSeconds: 60)

    public init(signIn: PlexSignIn) {
        self.signIn = signIn
    }

    static let pinSchema = Schema.object(["id": .string, "code": .string, "qrUrl": .string, "expiresIn": .integer])

    public var routes: [Route] {
        let signIn = signIn
        let cookies = SessionCookieWriter(service: signIn.service)
        return [
            Route.post(
                "/api/v1/auth/plex/pin", .public,
                RouteDoc(
                    "Create a Plex sign-in PIN: open qrUrl, approve, then verify its id (001)", tag: "auth",
                    request: ["clientName": "MediaNest"],
                    response: [
                        "success": true,
                        "data": ["id": "k3J9…", "code": "ABCD1234", "qrUrl": "https://app.plex.tv/auth#?clientID=…", "expiresIn": 900],
                    ],
                    requestSchema: .object([:], optional: ["clientName": .string(maxLength: 64)]), requestOptional: true,
                    responseSchema: .success(["data": Self.pinSchema]), errors: [429, 502, 503])
            ) { request in
                let fields = try request.optionalFields()
                let name = try fields.optionalString("clientName", maxBytes: 64)
                if let name, name.isEmpty || !name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) {
                    throw HTTPError.badRequest("Field 'clientName' must be 1 to 64 bytes without control characters", detail: "clientName")
                }
                let (handle, pin) = try await signIn.createPin(clientName: name)
                return .success([
                    "data": [
                        "id": .string(handle), "code": .string(pin.code), "qrUrl": .string(pin.authURL), "expiresIn": .int(pin.expiresIn),
                    ]
                ])
            }.limited(pinLimit),
            Route.post(
                "/api/v1/auth/plex/verify", .public,
                RouteDoc(
                    "Sign in with an approved Plex PIN: the Plex server's owner as an admin, people it is shared with as users; "
                        + "sets the session, refresh and CSRF cookies (001)",
                    tag: "auth", request: ["pinId": "k3J9…", "rememberMe": false],
                    requestSchema: .object(["pinId": .string(maxLength: 64)], optional: ["rememberMe": .boolean]),
                    responseSchema: .success(["data": AuthRoutes.browserSessionSchema]), errors: [400, 401, 403, 404, 409, 410, 429, 502, 503])
            ) { request in
                let fields = try request.fields()
                let handle = try fields.string("pinId", maxBytes: 64)
                guard handle.utf8.allSatisfy(Self.isHandleByte) else {
                    throw HTTPError.badRequest("Field 'pinId' must be the id POST /api/v1/auth/plex/pin answered", detail: "pinId")
                }
                let signedIn = try await signIn.verify(handle: handle, remember: fields.bool("rememberMe"), client: AuthRoutes.client(request))
                let csrf = try SessionCookieWriter.csrfToken()
                return Response.success(["data": AuthRoutes.browserSession(signedIn, csrf: csrf)])
                    .setting(cookies.cookies(for: signedIn, csrf: csrf, request))
            }.limited(verifyLimit),
        ]
    }

    /// base64url, as the handles are.
    static func isHandleByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}
