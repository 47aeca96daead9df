import Accounts
import Core
import HTTP
import TestSupport
import Testing

/// 001's `/api/v1/csrf/*` against the gate's double-submit check.
struct CSRFRoutesTests {
    static func csrfCookie(_ reply: RawHTTPClient.Reply) -> String? {
        reply.headerLines.first { $0.lowercased().hasPrefix("set-cookie:") && $0.contains("\(SessionCookies.csrf)=") }
    }

    @Test func aTokenComesInAReadableStrictCookieThatTheGateTakes() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        let issued = try await fixture.request("GET", "/api/v1/csrf/token")
        #expect(issued.status == 200)
        let data = try JSON.parseStrict(issued.body)["data"]
        let token = try #require(data?["csrfToken"]?.stringValue)
        #expect(token.count == 43 && (data?["expiresIn"]?.intValue ?? 0) > 0)
        let cookie = try #require(Self.csrfCookie(issued))
        #expect(cookie.contains("\(SessionCookies.csrf)=\(token);") && cookie.contains("SameSite=Strict") && !cookie.contains("HttpOnly"))
        #expect(try JSON.parseStrict(try await fixture.request("GET", "/api/v1/csrf/token").body)["data"]?["csrfToken"]?.stringValue != token)

        let login = try await fixture.request("POST", "/api/auth/login", json: ["email": "ann@example.com", "password": "correct horse battery"])
        let session = try #require(try JSON.parseStrict(login.body)["data"]?["token"]?.stringValue)
        let jar = "\(SessionCookies.access)=\(session); \(SessionCookies.csrf)=\(token)"
        // Signed in by cookie, a refresh is a state change: it needs the current token.
        let refused = try await fixture.request("POST", "/api/v1/csrf/refresh", headers: ["Cookie": jar])
        #expect(refused.status == 403 && refused.bodyMember("code") == "CSRF_TOKEN_INVALID")
        let wrong = try await fixture.request("POST", "/api/v1/csrf/refresh", headers: ["Cookie": jar, "X-CSRF-Token": token + "x"])
        #expect(wrong.status == 403)
        let refreshed = try await fixture.request("POST", "/api/v1/csrf/refresh", headers: ["Cookie": jar, "X-CSRF-Token": token])
        #expect(refreshed.status == 200)
        let next = try #require(try JSON.parseStrict(refreshed.body)["data"]?["csrfToken"]?.stringValue)
        #expect(next != token && Self.csrfCookie(refreshed)?.contains("\(SessionCookies.csrf)=\(next);") == true)
        let nextJar = "\(SessionCookies.access)=\(session); \(SessionCookies.csrf)=\(next)"
        #expect(try await fixture.request("POST", "/api/v1/auth/logout", headers: ["Cookie": nextJar, "X-CSRF-Token": next]).status == 204)
    }

    @Test func statsCountIssuedRefreshedAndRefusedForTheAdmin() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        let ann = AccountRoutesFixture.bearer(try await fixture.login("ann").access)
        _ = try await fixture.request("GET", "/api/v1/csrf/token")
        _ = try await fixture.request("POST", "/api/v1/csrf/refresh", headers: ann)
        let login = try await fixture.request("POST", "/api/auth/login", json: ["email": "ann@example.com", "password": "correct horse battery"])
        let session = try #require(try JSON.parseStrict(login.body)["data"]?["token"]?.stringValue)
        let refused = try await fixture.request("POST", "/api/v1/auth/logout", headers: ["Cookie": "\(SessionCookies.access)=\(session)"])
        #expect(refused.status == 403)

        let stats = try await fixture.request("GET", "/api/v1/csrf/stats", headers: fixture.owner)
        #expect(stats.status == 200)
        let data = try JSON.parseStrict(stats.body)["data"]
        #expect(data?["issued"] == 1 && data?["refreshed"] == 1)
        // The refusal count is the process's (other tests' servers count into it too).
        #expect((data?["refused"]?.intValue ?? 0) >= 1 && data?["since"]?.stringValue != nil)
        #expect(try await fixture.request("GET", "/api/v1/csrf/stats", headers: ann).status == 403)
        #expect(try await fixture.request("GET", "/api/v1/csrf/stats").status == 401)
        #expect(try await fixture.request("POST", "/api/v1/csrf/refresh").status == 401)
    }
}
