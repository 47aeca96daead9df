import Core
import Testing
import TestSupport

@testable import HTTP

/// The gate's credentials beyond the appliance token: cookies with the CSRF double submit, permissions,
/// and the rate limits a route declares.
struct GateTests {
    /// A verifier that knows one session token (from a header or the cookie) and one API key.
    struct Sessions: CredentialVerifier {
        static let user = UserIdentity(id: "u1", username: "ann", role: "user", permissions: ["jobs:read"], via: .session(id: "s1"))
        func principal(for credential: Credential) -> Principal? {
            switch (credential.kind, credential.value) {
            case (.bearer, "session-token"), (.cookie, "session-token"): .user(Self.user)
            default: nil
            }
        }
    }

    static let csrf = "0123456789abcdef0123"
    let gate = AuthGate(verifiers: [ApplianceTokenVerifier(token: "t0ken"), Sessions()], setup: SetupFlag(complete: true))

    @Test func aCookieSessionNeedsTheCSRFTokenOnStateChangesOnly() throws {
        let cookie = "\(SessionCookies.access)=session-token; \(SessionCookies.csrf)=\(Self.csrf)"
        #expect(try gate.authorize(.authenticated, method: "GET", headers: Headers([("Cookie", cookie)])) == .user(Sessions.user))
        for headers in [
            Headers([("Cookie", cookie)]),
            Headers([("Cookie", cookie), ("X-CSRF-Token", "0123456789abcdef0124")]),
            Headers([("Cookie", "\(SessionCookies.access)=session-token; \(SessionCookies.csrf)=short"), ("X-CSRF-Token", "short")]),
        ] {
            #expect { try gate.authorize(.authenticated, method: "POST", headers: headers) } throws: { ($0 as? HTTPError)?.code == "CSRF_TOKEN_INVALID" }
        }
        let good = Headers([("Cookie", cookie), ("X-CSRF-Token", Self.csrf)])
        #expect(try gate.authorize(.authenticated, method: "DELETE", headers: good) == .user(Sessions.user))
        // A bearer token is not sent by a browser on its own: no CSRF token needed.
        #expect(try gate.authorize(.authenticated, method: "POST", headers: Headers([("Authorization", "Bearer session-token")])) == .user(Sessions.user))
    }

    @Test func anExplicitBadHeaderIsNotRescuedByTheCookie() {
        let headers = Headers([("Authorization", "Bearer wrong"), ("Cookie", "\(SessionCookies.access)=session-token")])
        #expect { try gate.authorize(.authenticated, headers: headers) } throws: { ($0 as? HTTPError)?.status == 401 }
    }

    @Test func permissionsFollowTheIdentity() throws {
        let bearer = Headers([("Authorization", "Bearer session-token")])
        #expect(try gate.authorize(.permission("jobs:read"), headers: bearer) == .user(Sessions.user))
        #expect { try gate.authorize(.permission("jobs:write"), headers: bearer) } throws: { ($0 as? HTTPError)?.status == 403 }
        #expect { try gate.authorize(.permission("jobs:read"), headers: Headers()) } throws: { ($0 as? HTTPError)?.status == 401 }
        #expect(try gate.authorize(.permission("anything:at-all"), headers: Headers([("X-Auth-Token", "t0ken")])) == .applianceToken)
        let wildcard = UserIdentity(id: "a", username: "a", role: "moderator", permissions: ["jobs:*"], via: .apiKey(id: "k"))
        #expect(wildcard.holds("jobs:write") && !wildcard.holds("users:read"))
    }

    @Test func cookiesParse() {
        let cookies = Cookies(Headers([("Cookie", "a=1; b=\"two\" ;c=; a=3")]))
        #expect(cookies["a"] == "1" && cookies["b"] == "two" && cookies["c"] == "" && cookies["d"] == nil)
        let set = SetCookie(name: SessionCookies.access, value: "v", maxAgeSeconds: 60, secure: true).headerValue
        #expect(set == "applianced_session=v; Path=/; SameSite=Strict; Max-Age=60; HttpOnly; Secure")
    }

    @Test func aLimitedRouteAnswers429WithHeadersAndOtherRoutesAreNotCounted() async throws {
        let rule = RateLimitRule(name: "test", limit: 3, windowSeconds: 600)
        let doc = RouteDoc("limited", tag: "test")
        let server = try TestServer(routes: [
            Route("GET", "/limited", access: .public, doc: doc, handler: .immediate { _ in .json(["ok": true]) }).limited(rule),
            Route("GET", "/free", access: .public, doc: doc, handler: .immediate { _ in .json(["ok": true]) }),
        ])
        defer { Task { await server.server.stop() } }
        for expected in [2, 1, 0] {
            let reply = try await server.request("GET", "/limited")
            #expect(reply.status == 200)
            #expect(reply.header("X-RateLimit-Limit") == "3" && reply.header("X-RateLimit-Remaining") == String(expected))
        }
        let refused = try await server.request("GET", "/limited")
        #expect(refused.status == 429)
        #expect(refused.text.contains("RATE_LIMIT_EXCEEDED"))
        #expect(Int(refused.header("Retry-After") ?? "") ?? 0 > 0)
        #expect(refused.header("X-RateLimit-Remaining") == "0")
        #expect(try await server.request("GET", "/free").status == 200)
    }
}
