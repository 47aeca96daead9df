import Accounts
import Core
import HTTP
import TestSupport
import Testing

/// 001's admin bootstrap: the first admin once, before setup by anyone on the setup hosts, after it only
/// with the appliance token.
struct BootstrapRoutesTests {
    static let admin: JSON = ["email": "admin@example.com", "password": "correct horse battery", "name": "Admin User"]

    @Test func beforeSetupTheFirstAdminIsCreatedAndSignedInOnce() async throws {
        let fixture = try AccountRoutesFixture(setupComplete: false)
        defer { Task { await fixture.stop() } }
        let reply = try await fixture.request("POST", "/api/auth/admin", json: Self.admin)
        #expect(reply.status == 201)
        let data = try JSON.parseStrict(reply.body)["data"]
        #expect(data?["user"]?["role"] == "admin" && data?["user"]?["username"] == "admin.user")
        #expect(data?["user"]?["email"] == "admin@example.com" && data?["user"]?["name"] == "Admin User")
        #expect(reply.headerLines.filter { $0.lowercased().hasPrefix("set-cookie:") }.count == 3)
        #expect(!reply.text.contains("correct horse") && !reply.text.contains("argon2"))
        let token = try #require(data?["token"]?.stringValue)
        #expect(try await fixture.request("GET", "/api/v1/auth/session", headers: AccountRoutesFixture.bearer(token)).status == 200)

        let again = try await fixture.request(
            "POST", "/api/auth/admin", json: ["email": "other@example.com", "password": "another horse battery"])
        #expect(again.status == 409)
        #expect(try JSON.parseStrict(again.body)["code"] == "ADMIN_EXISTS")
        #expect(try await fixture.service.perform { try $0.users.count() } == 1)
        let created = try await fixture.service.perform { try $0.activity.query(ActivityFilter(action: ActivityAction.userCreated)) }
        #expect(created.total == 1 && created.items.first?.details["via"] == "bootstrap")
    }

    @Test func afterSetupOnlyTheApplianceTokenMayBootstrap() async throws {
        let fixture = try AccountRoutesFixture(setupComplete: true)
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        let (access, _) = try await fixture.login("ann")
        #expect(try await fixture.request("POST", "/api/auth/admin", json: Self.admin).status == 401)
        #expect(try await fixture.request("POST", "/api/auth/admin", headers: AccountRoutesFixture.bearer(access), json: Self.admin).status == 403)
        #expect(try await fixture.request("POST", "/api/auth/admin", headers: fixture.owner, json: Self.admin).status == 201)
        #expect(try await fixture.request("POST", "/api/auth/admin", headers: fixture.owner, json: Self.admin).status == 409)
    }

    @Test func aDerivedUsernameIsMadeUnique() async throws {
        let fixture = try AccountRoutesFixture(setupComplete: false)
        defer { Task { await fixture.stop() } }
        try await fixture.user("admin.user")
        let reply = try await fixture.request("POST", "/api/auth/admin", json: Self.admin)
        #expect(reply.status == 201)
        #expect(try JSON.parseStrict(reply.body)["data"]?["user"]?["username"] == "admin.user-2")
    }

    @Test(
        arguments: [
            (["email": "a@example.com"], "password"),
            (["email": "a@example.com", "password": "short"], "password"),
            (["email": "not an address", "password": "correct horse battery"], "email"),
            (["password": "correct horse battery"], "email"),
            (["username": "x", "password": "correct horse battery"], "username"),
            (["email": "a@example.com", "password": "correct horse battery", "name": .string(String(repeating: "n", count: 101))], "name"),
            (["email": "a@example.com", "password": .string(String(repeating: "p", count: 1025))], "password"),
            (["email": 7, "password": "correct horse battery"], "email"),
        ] as [(JSON, String)])
    func badInputIsA400NamingTheField(body: JSON, field: String) async throws {
        let fixture = try AccountRoutesFixture(setupComplete: false)
        defer { Task { await fixture.stop() } }
        let reply = try await fixture.request("POST", "/api/auth/admin", json: body)
        #expect(reply.status == 400)
        #expect(try JSON.parseStrict(reply.body)["detail"]?.stringValue == field)
        #expect(try await fixture.service.perform { try $0.users.count() } == 0)
    }

    @Test func theSixthAttemptFromOneAddressIs429() async throws {
        let fixture = try AccountRoutesFixture(setupComplete: false)
        defer { Task { await fixture.stop() } }
        for _ in 0..<5 {
            #expect(try await fixture.request("POST", "/api/auth/admin", json: ["email": "a@example.com", "password": "short"]).status == 400)
        }
        #expect(try await fixture.request("POST", "/api/auth/admin", json: Self.admin).status == 429)
    }
}
