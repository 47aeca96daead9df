import Accounts
import Core
import HTTP
import Synchronization
import TestSupport
import Testing

/// 001's Plex PIN sign-in against a fake plex.tv: the server's owner is an admin, people it is shared
/// with are users, strangers get nothing; a linked account signs in as itself.
struct PlexAuthRoutesTests {
    static let owner = PlexAccountInfo(id: "1", username: "Owner Person", email: "owner@example.com", title: "Owner Person")
    static let friend = PlexAccountInfo(id: "2", username: "friend_1", email: "friend@example.com", thumb: "https://plex.tv/users/2/avatar")
    static let stranger = PlexAccountInfo(id: "3", username: "stranger", email: "stranger@example.com")

    let plex = FakePlexAccounts()
    let fixture: AccountRoutesFixture

    init() throws {
        plex.add(Self.owner, token: "token-owner", access: .owner)
        plex.add(Self.friend, token: "token-friend", access: .shared)
        plex.add(Self.stranger, token: "token-stranger", access: .none)
        let plex = plex
        fixture = try AccountRoutesFixture(providers: { service in
            [AuthRoutes(service: service), PlexAuthRoutes(signIn: PlexSignIn(service: service, plex: plex))]
        })
    }

    /// A PIN from the route, approved by the account with `token` (nil leaves it waiting): its handle.
    func pin(approvedWith token: String?) async throws -> String {
        let reply = try await fixture.request("POST", "/api/v1/auth/plex/pin", json: ["clientName": "MediaNest"])
        #expect(reply.status == 200)
        let handle = try #require(try JSON.parseStrict(reply.body)["data"]?["id"]?.stringValue)
        if let token { plex.approve(plex.lastPin, token: token) }
        return handle
    }

    func verify(_ handle: String) async throws -> RawHTTPClient.Reply {
        try await fixture.request("POST", "/api/v1/auth/plex/verify", json: ["pinId": .string(handle), "rememberMe": true])
    }

    @Test func aPinHasAnUnguessableIdACodeAndTheApprovalPage() async throws {
        defer { Task { await fixture.stop() } }
        let reply = try await fixture.request("POST", "/api/v1/auth/plex/pin", json: ["clientName": "MediaNest"])
        let data = try JSON.parseStrict(reply.body)["data"]
        #expect(data?["id"]?.stringValue?.count == 43 && data?["id"]?.stringValue != String(plex.lastPin))
        #expect(data?["code"] == .string("CODE\(plex.lastPin)") && data?["expiresIn"] == 900)
        #expect(data?["qrUrl"]?.stringValue?.hasPrefix("https://app.plex.tv/auth") == true)
        #expect(plex.state.withLock { $0.clientNames } == ["MediaNest"])
        // The body may be left out.
        #expect(try await fixture.request("POST", "/api/v1/auth/plex/pin").status == 200)
    }

    @Test func theServersOwnerBecomesAnAdminWithASession() async throws {
        defer { Task { await fixture.stop() } }
        let handle = try await pin(approvedWith: nil)
        let waiting = try await verify(handle)
        #expect(waiting.status == 400)
        #expect(try JSON.parseStrict(waiting.body)["code"] == "PIN_NOT_AUTHORIZED")
        plex.approve(plex.lastPin, token: "token-owner")
        let reply = try await verify(handle)
        #expect(reply.status == 200)
        let data = try JSON.parseStrict(reply.body)["data"]
        #expect(data?["user"]?["role"] == "admin" && data?["user"]?["username"] == "owner.person")
        #expect(data?["user"]?["plex_username"] == "Owner Person" && data?["user"]?["email"] == "owner@example.com")
        #expect(reply.headerLines.filter { $0.lowercased().hasPrefix("set-cookie:") }.count == 3)
        #expect(!reply.text.contains("token-owner"))
        let token = try #require(data?["token"]?.stringValue)
        #expect(try await fixture.request("GET", "/api/v1/auth/session", headers: AccountRoutesFixture.bearer(token)).status == 200)
        // Spent: the same PIN signs nobody in again.
        #expect(try await verify(handle).status == 404)
        let logins = try await fixture.service.perform { try $0.activity.query(ActivityFilter(action: ActivityAction.login)) }
        #expect(logins.items.first?.details["method"] == "plex")
    }

    @Test func someoneTheServerIsSharedWithBecomesAUser() async throws {
        defer { Task { await fixture.stop() } }
        let reply = try await verify(try await pin(approvedWith: "token-friend"))
        #expect(reply.status == 200)
        let user = try JSON.parseStrict(reply.body)["data"]?["user"]
        #expect(user?["role"] == "user" && user?["username"] == "friend_1" && user?["avatar_url"] == "https://plex.tv/users/2/avatar")
        let created = try await fixture.service.perform { try $0.activity.query(ActivityFilter(action: ActivityAction.userCreated)) }
        #expect(created.total == 1 && created.items.first?.details["via"] == "plex")
    }

    @Test func anAccountWithoutAccessIsRefusedAndGetsNoAccount() async throws {
        defer { Task { await fixture.stop() } }
        let reply = try await verify(try await pin(approvedWith: "token-stranger"))
        #expect(reply.status == 403)
        #expect(try JSON.parseStrict(reply.body)["code"] == "PLEX_ACCESS_DENIED")
        #expect(try await fixture.service.perform { try $0.users.count() } == 0)
        let failed = try await fixture.service.perform { try $0.activity.query(ActivityFilter(action: ActivityAction.loginFailed)) }
        #expect(failed.total == 1 && failed.items.first?.details["method"] == "plex")
    }

    @Test func withNoServerConfiguredOnlyTheOwnerCanBeDecided() async throws {
        defer { Task { await fixture.stop() } }
        plex.add(PlexAccountInfo(id: "4", username: "early"), token: "token-early", access: .undecided)
        let reply = try await verify(try await pin(approvedWith: "token-early"))
        #expect(reply.status == 409)
        #expect(try JSON.parseStrict(reply.body)["code"] == "PLEX_SERVER_NOT_CONFIGURED")
        #expect(try await fixture.service.perform { try $0.users.count() } == 0)
    }

    @Test func aLinkedUserSignsInAsThemselvesAndTheOwnerIsMadeAdmin() async throws {
        defer { Task { await fixture.stop() } }
        let linked = try await fixture.service.perform { service in
            try service.users.create(NewUser(username: "mine", email: "owner@example.com", plexAccountID: "1", roles: [Role.user]))
        }
        try await fixture.service.reloadDirectory()
        let reply = try await verify(try await pin(approvedWith: "token-owner"))
        #expect(reply.status == 200)
        let user = try JSON.parseStrict(reply.body)["data"]?["user"]
        #expect(user?["id"] == .string(linked.id) && user?["username"] == "mine" && user?["role"] == "admin")
        #expect(try await fixture.service.perform { try $0.users.count() } == 1)
    }

    @Test func anAddressAnotherAccountHoldsIsNotTakenOver() async throws {
        defer { Task { await fixture.stop() } }
        let other = try await fixture.user("someone", email: "friend@example.com")
        let reply = try await verify(try await pin(approvedWith: "token-friend"))
        #expect(reply.status == 200)
        let user = try JSON.parseStrict(reply.body)["data"]?["user"]
        #expect(user?["id"] != .string(other.id) && user?["email"] == .null)
    }

    @Test func anExpiredPinIs410AndAnUnknownOne404() async throws {
        defer { Task { await fixture.stop() } }
        let handle = try await pin(approvedWith: nil)
        plex.expire(plex.lastPin)
        let expired = try await verify(handle)
        #expect(expired.status == 410)
        #expect(try JSON.parseStrict(expired.body)["code"] == "PIN_EXPIRED")
        #expect(try await verify(handle).status == 404)
        #expect(try await verify(String(repeating: "A", count: 43)).status == 404)
    }

    @Test(
        arguments: [
            ("/api/v1/auth/plex/verify", [:], "pinId"),
            ("/api/v1/auth/plex/verify", ["pinId": 12345], "pinId"),
            ("/api/v1/auth/plex/verify", ["pinId": "../../etc"], "pinId"),
            ("/api/v1/auth/plex/verify", ["pinId": .string(String(repeating: "A", count: 65))], "pinId"),
            ("/api/v1/auth/plex/verify", ["pinId": "AAAA", "rememberMe": "yes"], "rememberMe"),
            ("/api/v1/auth/plex/pin", ["clientName": .string(String(repeating: "c", count: 65))], "clientName"),
            ("/api/v1/auth/plex/pin", ["clientName": "bad\nname"], "clientName"),
        ] as [(String, JSON, String)])
    func badInputIsA400NamingTheField(path: String, body: JSON, field: String) async throws {
        defer { Task { await fixture.stop() } }
        let reply = try await fixture.request("POST", path, json: body)
        #expect(reply.status == 400)
        #expect(try JSON.parseStrict(reply.body)["detail"]?.stringValue == field)
    }

    @Test func theEleventhPinFromOneAddressIn10MinutesIs429() async throws {
        defer { Task { await fixture.stop() } }
        for _ in 0..<10 { #expect(try await fixture.request("POST", "/api/v1/auth/plex/pin").status == 200) }
        #expect(try await fixture.request("POST", "/api/v1/auth/plex/pin").status == 429)
    }
}
