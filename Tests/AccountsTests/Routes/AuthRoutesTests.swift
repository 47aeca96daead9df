import Accounts
import Core
import HTTP
import Testing
import TestSupport

/// 003's login, refresh, logout and change-password, and 001's browser login with its cookies.
struct AuthRoutesTests {
    @Test func loginGivesTokensThatOpenTheSessionUntilLogout() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let ann = try await fixture.user("ann")
        let (access, refresh) = try await fixture.login("ann")
        let session = try await fixture.request("GET", "/api/v1/auth/session", headers: AccountRoutesFixture.bearer(access))
        #expect(session.status == 200)
        #expect(try JSON.parseStrict(session.body)["data"]?["user"]?["id"]?.stringValue == ann.id)
        #expect(!session.text.contains("argon2"))

        let out = try await fixture.request(
            "POST", "/api/v1/auth/logout", headers: AccountRoutesFixture.bearer(access), json: ["refresh_token": .string(refresh)])
        #expect(out.status == 204)
        #expect(try await fixture.request("GET", "/api/v1/auth/session", headers: AccountRoutesFixture.bearer(access)).status == 401)
        #expect(try await fixture.request("POST", "/api/v1/auth/refresh", json: ["refresh_token": .string(refresh)]).status == 401)
    }

    @Test func wrongPasswordAndUnknownUserAnswerAlike() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        let wrong = try await fixture.request("POST", "/api/v1/auth/login", json: ["username": "ann", "password": "nope nope nope"])
        let unknown = try await fixture.request("POST", "/api/v1/auth/login", json: ["username": "bob", "password": "nope nope nope"])
        #expect(wrong.status == 401 && unknown.status == 401)
        #expect(try JSON.parseStrict(wrong.body)["error"] == JSON.parseStrict(unknown.body)["error"])
    }

    @Test func aReusedRefreshTokenRevokesTheWholeFamily() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        let (_, first) = try await fixture.login("ann")
        let rotated = try await fixture.request("POST", "/api/v1/auth/refresh", json: ["refresh_token": .string(first)])
        #expect(rotated.status == 200)
        let body = try JSON.parseStrict(rotated.body)
        let (access, second) = (body["access_token"]?.stringValue ?? "", body["refresh_token"]?.stringValue ?? "")
        #expect(try await fixture.request("GET", "/api/v1/auth/session", headers: AccountRoutesFixture.bearer(access)).status == 200)
        // The spent token again: the session ends, its new refresh token and its access token with it.
        #expect(try await fixture.request("POST", "/api/v1/auth/refresh", json: ["refresh_token": .string(first)]).status == 401)
        #expect(try await fixture.request("POST", "/api/v1/auth/refresh", json: ["refresh_token": .string(second)]).status == 401)
        #expect(try await fixture.request("GET", "/api/v1/auth/session", headers: AccountRoutesFixture.bearer(access)).status == 401)
    }

    @Test func theSixthLoginFromOneAddressIn15MinutesIs429() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        for _ in 0..<5 {
            #expect(try await fixture.request("POST", "/api/auth/login", json: ["email": "ann@example.com", "password": "wrong password"]).status == 401)
        }
        // 001's and 003's login paths share the count.
        let sixth = try await fixture.request("POST", "/api/v1/auth/login", json: ["username": "ann", "password": "correct horse battery"])
        #expect(sixth.status == 429)
        #expect(sixth.header("Retry-After") != nil && sixth.header("X-RateLimit-Limit") == "5")
    }

    @Test func browserLoginSetsCookiesAndStateChangesNeedTheCSRFToken() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        let reply = try await fixture.request("POST", "/api/auth/login", json: ["email": "ann@example.com", "password": "correct horse battery"])
        #expect(reply.status == 200)
        let cookies = reply.headerLines.filter { $0.lowercased().hasPrefix("set-cookie:") }
        #expect(cookies.count == 3)
        #expect(cookies.contains { $0.contains("\(SessionCookies.access)=") && $0.contains("HttpOnly") && $0.contains("SameSite=Strict") })
        let data = try JSON.parseStrict(reply.body)["data"]
        let (token, csrf) = (data?["token"]?.stringValue ?? "", data?["csrfToken"]?.stringValue ?? "")
        let jar = "\(SessionCookies.access)=\(token); \(SessionCookies.csrf)=\(csrf)"
        #expect(try await fixture.request("GET", "/api/v1/auth/session", headers: ["Cookie": jar]).status == 200)
        #expect(try await fixture.request("POST", "/api/v1/auth/logout", headers: ["Cookie": jar]).status == 403)
        #expect(try await fixture.request("POST", "/api/v1/auth/logout", headers: ["Cookie": jar, "X-CSRF-Token": csrf]).status == 204)
        #expect(try await fixture.request("GET", "/api/v1/auth/session", headers: ["Cookie": jar]).status == 401)
    }

    @Test func changingThePasswordEndsEveryTokenIssuedBefore() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        let (access, refresh) = try await fixture.login("ann")
        let changed = try await fixture.request(
            "POST", "/api/v1/auth/change-password", headers: AccountRoutesFixture.bearer(access),
            json: ["old_password": "correct horse battery", "new_password": "a new horse battery"])
        #expect(changed.status == 204)
        #expect(try await fixture.request("GET", "/api/v1/auth/session", headers: AccountRoutesFixture.bearer(access)).status == 401)
        #expect(try await fixture.request("POST", "/api/v1/auth/refresh", json: ["refresh_token": .string(refresh)]).status == 401)
        _ = try await fixture.login("ann", password: "a new horse battery")
    }

    @Test func registrationIsOffByDefault() async throws {
        let closed = try AccountRoutesFixture()
        defer { Task { await closed.stop() } }
        let body: JSON = ["username": "newbie", "email": "newbie@example.com", "password": "long enough pass"]
        #expect(try await closed.request("POST", "/api/v1/auth/register", json: body).status == 403)
        let open = try AccountRoutesFixture(settings: { $0.allowRegistration = true })
        defer { Task { await open.stop() } }
        let created = try await open.request("POST", "/api/v1/auth/register", json: body)
        #expect(created.status == 201)
        #expect(try JSON.parseStrict(created.body)["role"]?.stringValue == "user")
        #expect(open.mail.last?.to == "newbie@example.com")
        #expect(try await open.request("POST", "/api/v1/auth/register", json: body).status == 409)
    }
}
