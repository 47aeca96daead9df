import Core
import FoundationEssentials
public import HTTP
import Synchronization

/// 001's CSRF endpoints. The check itself is the gate's (`AuthGate.checkCSRF`: a request signed in by
/// the session cookie that changes state must echo the `applianced_csrf` cookie in `X-CSRF-Token`);
/// these routes hand a page that token: a fresh one in the readable, SameSite=Strict cookie and in the
/// body. `token` is open (a page gets one before it signs in), `refresh` needs a credential (and so,
/// by cookie, the current token), `stats` is the admin's.
public struct CSRFRoutes: RouteProvider {
    let service: AccountService
    let counts = Counts()

    public init(service: AccountService) {
        self.service = service
    }

    /// Tokens handed out by these routes since the provider was made (at start).
    final class Counts: Sendable {
        let since = Date()
        let issued = Atomic<Int>(0)
        let refreshed = Atomic<Int>(0)
    }

    static let tokenSchema = Schema.success(["data": .object(["csrfToken": .string], optional: ["expiresIn": .integer])])

    public var routes: [Route] {
        let (service, counts) = (service, counts)
        return [
            Route.get(
                "/api/v1/csrf/token", .public,
                RouteDoc(
                    "A new CSRF token, also set as the applianced_csrf cookie; send it back in X-CSRF-Token (001)", tag: "auth",
                    responseSchema: Self.tokenSchema)
            ) { request in
                counts.issued.add(1, ordering: .relaxed)
                return try Self.issue(service, request)
            },
            Route.post(
                "/api/v1/csrf/refresh", .authenticated,
                RouteDoc("Replace the CSRF token with a new one (cookie and body) (001)", tag: "auth", responseSchema: Self.tokenSchema)
            ) { request in
                counts.refreshed.add(1, ordering: .relaxed)
                return try Self.issue(service, request)
            },
            Route.get(
                "/api/v1/csrf/stats", .admin,
                RouteDoc(
                    "CSRF tokens issued and refreshed, and requests refused for a missing or wrong token, since the start (001)",
                    tag: "auth",
                    responseSchema: .success([
                        "data": .object(["issued": .integer, "refreshed": .integer, "refused": .integer, "since": .dateTime])
                    ]))
            ) { _ in
                .success([
                    "data": [
                        "issued": .int(Int64(counts.issued.load(ordering: .relaxed))),
                        "refreshed": .int(Int64(counts.refreshed.load(ordering: .relaxed))),
                        "refused": .int(Int64(CSRFRefusals.total)), "since": AccountJSON.iso(counts.since),
                    ]
                ])
            },
        ]
    }

    /// A fresh token in the cookie (readable by the page, SameSite=Strict) and the body. It lives as long
    /// as the longest session, so it never runs out before the session it guards.
    static func issue(_ service: AccountService, _ request: Request) throws(HTTPError) -> Response {
        let token = try SessionCookieWriter.csrfToken()
        let lifetime = max(service.settings.rememberMeDays, service.settings.refreshTokenDays) * 86_400
        let cookie = SetCookie(
            name: SessionCookies.csrf, value: token, maxAgeSeconds: lifetime, httpOnly: false,
            secure: SessionCookieWriter(service: service).secure(request))
        return Response.success(["data": ["csrfToken": .string(token), "expiresIn": .int(Int64(lifetime))]]).setting([cookie])
    }
}
