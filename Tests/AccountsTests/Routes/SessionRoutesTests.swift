import Accounts
import Core
import HTTP
import TestSupport
import Testing

/// 003's `/sessions`, `/sessions/current`, `/sessions/refresh` and `/sessions/{sessionId}`.
struct SessionRoutesTests {
    @Test func theListShowsYourSessionsAndWhichIsCurrent() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (ann, first, refresh) = try await fixture.signedIn("ann")
        _ = try await fixture.session("ann")
        _ = try await fixture.signedIn("bob")
        let list = try await fixture.request("GET", "/api/v1/sessions", headers: first)
        #expect(list.status == 200 && list.json["total"] == 2)
        let sessions = try #require(list.json["sessions"]?.arrayValue)
        #expect(sessions.allSatisfy { $0["user_id"]?.stringValue == ann.id && $0["is_active"] == true })
        #expect(sessions.filter { $0["is_current"] == true }.count == 1)
        #expect(!list.text.contains(refresh))
        let current = try await fixture.request("GET", "/api/v1/sessions/current", headers: first)
        #expect(current.status == 200 && current.json["is_current"] == true)
        #expect(sessions.contains { $0["id"] == current.json["id"] && $0["is_current"] == true })
        // The owner has no sessions of its own.
        #expect(try await fixture.request("GET", "/api/v1/sessions", headers: fixture.owner).json == ["sessions": [], "total": 0])
        #expect(try await fixture.request("GET", "/api/v1/sessions/current", headers: fixture.owner).status == 404)
    }

    @Test func revokingASessionStopsItsAccessTokenOnTheNextRequest() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (_, first, _) = try await fixture.signedIn("ann")
        let (second, secondRefresh) = try await fixture.session("ann")
        let id = try #require(try await fixture.request("GET", "/api/v1/sessions/current", headers: second).json["id"]?.stringValue)
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: second).status == 200)
        #expect(try await fixture.request("DELETE", "/api/v1/sessions/\(id)", headers: first).status == 204)
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: second).status == 401)
        #expect(try await fixture.request("POST", "/api/v1/sessions/refresh", json: ["refresh_token": .string(secondRefresh)]).status == 401)
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: first).status == 200)
        #expect(try await fixture.request("DELETE", "/api/v1/sessions/\(id)", headers: first).status == 404)
        #expect(try await fixture.activity(ActivityAction.sessionRevoked).first?.resourceID == id)
    }

    @Test func anotherUsersSessionIsNotFoundUnlessAnAdminRevokesIt() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (_, ann, _) = try await fixture.signedIn("ann")
        let (_, bob, _) = try await fixture.signedIn("bob")
        let (_, admin, _) = try await fixture.signedIn("root", roles: [Role.admin])
        let id = try #require(try await fixture.request("GET", "/api/v1/sessions/current", headers: bob).json["id"]?.stringValue)
        #expect(try await fixture.request("DELETE", "/api/v1/sessions/\(id)", headers: ann).status == 404)
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: bob).status == 200)
        #expect(try await fixture.request("DELETE", "/api/v1/sessions/\(id)", headers: admin).status == 204)
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: bob).status == 401)
        let malformed = try await fixture.request("DELETE", "/api/v1/sessions/NOT-an-id!", headers: ann)
        #expect(malformed.status == 400 && malformed.json["detail"] == "sessionId")
        #expect(try await fixture.request("DELETE", "/api/v1/sessions/00000000-0000-4000-8000-000000000000", headers: ann).status == 404)
    }

    @Test func deletingTheCurrentSessionSignsOut() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (_, headers, refresh) = try await fixture.signedIn("ann")
        let (other, _) = try await fixture.session("ann")
        let out = try await fixture.request("DELETE", "/api/v1/sessions/current", headers: headers)
        #expect(out.status == 204)
        #expect(out.headerLines.contains { $0.lowercased().hasPrefix("set-cookie:") && $0.contains("\(SessionCookies.access)=;") })
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: headers).status == 401)
        #expect(try await fixture.request("POST", "/api/v1/sessions/refresh", json: ["refresh_token": .string(refresh)]).status == 401)
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: other).status == 200)
        let owner = try await fixture.request("DELETE", "/api/v1/sessions/current", headers: fixture.owner)
        #expect(owner.status == 400 && owner.json["detail"] == "principal")
    }

    @Test func deletingAllSessionsEndsEveryOne() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (_, first, firstRefresh) = try await fixture.signedIn("ann")
        let (second, secondRefresh) = try await fixture.session("ann")
        let (_, bob, _) = try await fixture.signedIn("bob")
        #expect(try await fixture.request("DELETE", "/api/v1/sessions", headers: first).status == 204)
        for headers in [first, second] {
            #expect(try await fixture.request("GET", "/api/v1/users/me", headers: headers).status == 401)
        }
        for refresh in [firstRefresh, secondRefresh] {
            #expect(try await fixture.request("POST", "/api/v1/sessions/refresh", json: ["refresh_token": .string(refresh)]).status == 401)
        }
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: bob).status == 200)
        #expect(try await fixture.request("DELETE", "/api/v1/sessions", headers: fixture.owner).status == 400)
        _ = try await fixture.login("ann")
    }

    @Test func refreshRotatesTheTokensAndASpentOneRevokesTheSession() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (_, _, refresh) = try await fixture.signedIn("ann")
        let rotated = try await fixture.request("POST", "/api/v1/sessions/refresh", json: ["refresh_token": .string(refresh)])
        #expect(rotated.status == 200 && rotated.json["expires_in"] == 900)
        let access = try #require(rotated.json["access_token"]?.stringValue)
        let next = try #require(rotated.json["refresh_token"]?.stringValue)
        #expect(next != refresh)
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: AccountRoutesFixture.bearer(access)).status == 200)
        #expect(try await fixture.request("POST", "/api/v1/sessions/refresh", json: ["refresh_token": .string(refresh)]).status == 401)
        #expect(try await fixture.request("POST", "/api/v1/sessions/refresh", json: ["refresh_token": .string(next)]).status == 401)
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: AccountRoutesFixture.bearer(access)).status == 401)
        let missing = try await fixture.request("POST", "/api/v1/sessions/refresh", json: [:])
        #expect(missing.status == 400 && missing.json["detail"] == "refresh_token")
        let long = try await fixture.request("POST", "/api/v1/sessions/refresh", json: ["refresh_token": .string(String(repeating: "a", count: 600))])
        #expect(long.status == 400 && long.json["detail"] == "refresh_token")
    }

    @Test func aGuestMayNotListSessionsButMaySignOut() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (_, guest, _) = try await fixture.signedIn("gus", roles: [Role.guest])
        #expect(try await fixture.request("GET", "/api/v1/sessions", headers: guest).status == 403)
        #expect(try await fixture.request("DELETE", "/api/v1/sessions/current", headers: guest).status == 204)
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: guest).status == 401)
    }
}
