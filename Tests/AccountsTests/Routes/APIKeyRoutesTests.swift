import Accounts
import Core
import FoundationEssentials
import HTTP
import TestSupport
import Testing

/// 003's API keys: shown once, listed by prefix, revoked at once, never more than their owner (or, when
/// made with a key, than that key).
struct APIKeyRoutesTests {
    static func json(_ reply: RawHTTPClient.Reply) throws -> JSON { try JSON.parseStrict(reply.body) }

    /// Creates a key through the route for the bearer; its id and plaintext.
    static func createKey(_ fixture: AccountRoutesFixture, _ headers: [String: String], scopes: [JSON]) async throws -> (id: String, key: String) {
        let reply = try await fixture.request("POST", "/api/v1/apikeys", headers: headers, json: ["name": "script", "scopes": .array(scopes)])
        let body = try json(reply)
        guard reply.status == 201, let id = body["id"]?.stringValue, let key = body["api_key"]?.stringValue else {
            throw FixtureError("key creation answered \(reply.status): \(reply.text)")
        }
        return (id, key)
    }

    @Test func aKeyIsShownOnceListedByPrefixAndStopsWhenRevoked() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let ann = try await fixture.user("ann")
        let (access, _) = try await fixture.login("ann")
        let bearer = AccountRoutesFixture.bearer(access)
        let created = try await fixture.request(
            "POST", "/api/v1/apikeys", headers: bearer,
            json: ["name": "backup", "description": "nightly", "scopes": ["read", "media:read"], "expires_at": "2099-01-01T00:00:00Z"])
        #expect(created.status == 201)
        let body = try Self.json(created)
        let key = try #require(body["api_key"]?.stringValue)
        let id = try #require(body["id"]?.stringValue)
        #expect(key.hasPrefix(body["key_prefix"]?.stringValue ?? "-") && body["message"] != nil)
        #expect(body["scopes"] == ["read", "media:read"] && body["user_id"] == .string(ann.id))
        #expect(body["expires_at"] == "2099-01-01T00:00:00Z")

        let listed = try await fixture.request("GET", "/api/v1/apikeys", headers: bearer)
        #expect(try Self.json(listed)["total"] == 1)
        #expect(try Self.json(listed)["keys"]?.arrayValue?.first?["name"] == "backup")
        #expect(!listed.text.contains(key) && !listed.text.contains("api_key"))
        let one = try await fixture.request("GET", "/api/v1/apikeys/\(id)", headers: bearer)
        #expect(one.status == 200 && !one.text.contains(key))
        #expect(try Self.json(one)["is_active"] == true)

        let byKey = ["X-API-Key": key]
        #expect(try await fixture.request("GET", "/api/v1/apikeys", headers: byKey).status == 200)
        // The gate stamps the use off the server thread.
        var lastUsed: JSON? = .null
        for _ in 0..<100 where lastUsed == .null {
            lastUsed = try Self.json(try await fixture.request("GET", "/api/v1/apikeys/\(id)", headers: bearer))["last_used_at"]
            if lastUsed == .null { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(lastUsed?.stringValue != nil)
        #expect(try await fixture.request("DELETE", "/api/v1/apikeys/\(id)", headers: bearer).status == 204)
        #expect(try await fixture.request("GET", "/api/v1/apikeys", headers: byKey).status == 401)
        #expect(try await fixture.request("DELETE", "/api/v1/apikeys/\(id)", headers: bearer).status == 404)
        #expect(try Self.json(try await fixture.request("GET", "/api/v1/apikeys", headers: bearer))["total"] == 0)

        let log = try await fixture.service.perform { try $0.activity.query(ActivityFilter(resourceType: "apikey", resourceID: id)) }
        #expect(log.items.map(\.action) == [ActivityAction.apiKeyRevoked, ActivityAction.apiKeyCreated])
        #expect(log.items.allSatisfy { $0.userID == ann.id })
        let everything = try await fixture.service.perform { try $0.activity.query() }
        #expect(!everything.items.contains { String(decoding: $0.details.encoded(), as: UTF8.self).contains(key) })
    }

    @Test func someoneElsesKeyIsNotFound() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        try await fixture.user("ben")
        let ann = AccountRoutesFixture.bearer(try await fixture.login("ann").access)
        let ben = AccountRoutesFixture.bearer(try await fixture.login("ben").access)
        let (id, key) = try await Self.createKey(fixture, ann, scopes: ["read"])
        #expect(try await fixture.request("GET", "/api/v1/apikeys/\(id)", headers: ben).status == 404)
        #expect(try await fixture.request("DELETE", "/api/v1/apikeys/\(id)", headers: ben).status == 404)
        #expect(try await fixture.request("GET", "/api/v1/apikeys/nosuch", headers: ann).status == 404)
        #expect(try await fixture.request("GET", "/api/v1/apikeys", headers: ["X-API-Key": key]).status == 200)
    }

    @Test func aKeyNeverCarriesMoreThanItsOwnerNorMoreThanItsScopes() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        try await fixture.user("root", roles: [Role.admin])
        let ann = AccountRoutesFixture.bearer(try await fixture.login("ann").access)
        let root = AccountRoutesFixture.bearer(try await fixture.login("root").access)

        // A user's key with 003's admin scope is still the user's.
        let (_, annAdmin) = try await Self.createKey(fixture, ann, scopes: ["admin"])
        #expect(try await fixture.request("GET", "/api/v1/admin/activity", headers: ["X-API-Key": annAdmin]).status == 403)
        #expect(try await fixture.request("GET", "/api/v1/rbac/roles", headers: ["X-API-Key": annAdmin]).status == 403)
        #expect(try await fixture.request("GET", "/api/v1/apikeys", headers: ["X-API-Key": annAdmin]).status == 200)

        // An admin's key has only its scopes.
        let (_, rootRead) = try await Self.createKey(fixture, root, scopes: ["read"])
        #expect(try await fixture.request("GET", "/api/v1/rbac/roles", headers: ["X-API-Key": rootRead]).status == 200)
        #expect(try await fixture.request("POST", "/api/v1/rbac/roles", headers: ["X-API-Key": rootRead], json: ["name": "x"]).status == 403)
        let (_, rootRoles) = try await Self.createKey(fixture, root, scopes: ["roles:read"])
        #expect(try await fixture.request("GET", "/api/v1/rbac/roles", headers: ["X-API-Key": rootRoles]).status == 200)
        #expect(try await fixture.request("GET", "/api/v1/admin/activity", headers: ["X-API-Key": rootRoles]).status == 403)
        let (_, rootAdmin) = try await Self.createKey(fixture, root, scopes: ["admin"])
        #expect(try await fixture.request("POST", "/api/v1/rbac/roles", headers: ["X-API-Key": rootAdmin], json: ["name": "x"]).status == 201)

        // A key made with a key gets no more than the key that made it.
        let minted = try await fixture.request("POST", "/api/v1/apikeys", headers: ["X-API-Key": rootRead], json: ["name": "m", "scopes": ["admin"]])
        #expect(minted.status == 403)
        let narrower = try await fixture.request(
            "POST", "/api/v1/apikeys", headers: ["X-API-Key": rootRead], json: ["name": "m", "scopes": ["roles:read"]])
        #expect(narrower.status == 201)
    }

    @Test func anAdminsNarrowKeyIsNotTheOwner() {
        let narrow = Principal.user(UserIdentity(id: "u", username: "root", role: "admin", permissions: ["roles:read"], via: .apiKey(id: "k")))
        let full = Principal.user(UserIdentity(id: "u", username: "root", role: "admin", permissions: ["*:*"], via: .apiKey(id: "k")))
        #expect(!narrow.isAdmin && full.isAdmin)
    }

    @Test func expiredKeysAre401() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let ann = try await fixture.user("ann")
        let created = try await fixture.service.perform { service in
            try service.keys.create(
                userID: ann.id, name: "old", scopes: ["read"], expiresAt: Date(timeIntervalSinceNow: -60), now: Date(timeIntervalSinceNow: -3600))
        }
        try await fixture.service.reloadDirectory()
        #expect(try await fixture.request("GET", "/api/v1/apikeys", headers: ["X-API-Key": created.plaintext]).status == 401)
        #expect(try await fixture.request("GET", "/api/v1/apikeys", headers: ["X-API-Key": created.plaintext + "x"]).status == 401)
    }

    static let badBodies: [(JSON, String)] = [
        (["name": "k", "scopes": []], "scopes"),
        (["name": "k"], "scopes"),
        (["name": "k", "scopes": ["fly"]], "scopes"),
        (["name": "k", "scopes": ["media:fly"]], "scopes"),
        (["name": "k", "scopes": "read"], "scopes"),
        (["name": "", "scopes": ["read"]], "name"),
        (["name": .string(String(repeating: "n", count: 256)), "scopes": ["read"]], "name"),
        (["scopes": ["read"]], "name"),
        (["name": "k", "scopes": ["read"], "expires_at": "tomorrow"], "expires_at"),
        (["name": "k", "scopes": ["read"], "expires_at": "2001-01-01T00:00:00Z"], "expires_at"),
        (["name": "k", "scopes": ["read"], "description": .string(String(repeating: "d", count: 1001))], "description"),
    ]

    @Test(arguments: badBodies) func aBadKeyRequestIs400NamingTheField(body: JSON, field: String) async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        let bearer = AccountRoutesFixture.bearer(try await fixture.login("ann").access)
        let reply = try await fixture.request("POST", "/api/v1/apikeys", headers: bearer, json: body)
        #expect(reply.status == 400)
        #expect(try Self.json(reply)["detail"] == .string(field))
    }

    @Test func theApplianceTokenHasNoKeysOfItsOwn() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let calls: [(String, String, JSON?)] = [("GET", "/api/v1/apikeys", nil), ("POST", "/api/v1/apikeys", ["name": "k", "scopes": ["read"]])]
        for (method, path, body) in calls {
            let reply = try await fixture.request(method, path, headers: fixture.owner, json: body)
            #expect(reply.status == 400)
            #expect(try Self.json(reply)["detail"] == "principal")
        }
    }
}
