import Accounts
import Core
import HTTP
import TestSupport
import Testing

/// 001's (and 003's) `/api/v1/admin/users`, `/api/v1/admin/users/{id}/role` and `/api/v1/admin/users/{id}`.
struct AdminUserRoutesTests {
    @Test func theListAnswers001sAnd003sShapesAPageAtATime() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (_, admin, _) = try await fixture.signedIn("root", roles: [Role.admin])
        for name in ["ann", "bob", "cat"] { try await fixture.user(name) }
        let page = try await fixture.request("GET", "/api/v1/admin/users?page=2&limit=3&role=all", headers: admin)
        #expect(page.status == 200 && page.json["success"] == true)
        #expect(page.json["data"]?["pagination"] == ["page": 2, "limit": 3, "totalPages": 2, "totalUsers": 4])
        #expect(page.json["data"]?["users"]?.arrayValue?.map { $0["username"] } == ["root"])
        #expect(page.json["users"] == page.json["data"]?["users"] && page.json["total"] == 4)
        let root = try #require(page.json["users"]?.arrayValue?.first)
        #expect(root["role"] == "admin" && root["is_admin"] == true && root["createdAt"]?.stringValue != nil && root["name"] == "root")
        #expect(!page.text.contains("argon2") && !page.text.contains("password"))

        let admins = try await fixture.request("GET", "/api/v1/admin/users?role=admin", headers: admin)
        #expect(admins.json["total"] == 1)
        let others = try await fixture.request("GET", "/api/v1/admin/users?is_admin=false&offset=1&limit=1", headers: admin)
        #expect(others.json["total"] == 3 && others.json["users"]?.arrayValue?.map { $0["username"] } == ["bob"])
        #expect(
            try await fixture.request("GET", "/api/v1/admin/users?query=CA", headers: admin).json["users"]?.arrayValue?.map { $0["username"] } == [
                "cat"
            ])
        #expect(try await fixture.request("GET", "/api/v1/admin/users?is_active=false", headers: admin).json["total"] == 0)
        #expect(try await fixture.request("GET", "/api/v1/admin/users", headers: fixture.owner).json["total"] == 4)
    }

    @Test(arguments: [
        ("limit=0", "limit"), ("limit=101", "limit"), ("page=0", "page"), ("page=x", "page"), ("offset=-1", "offset"),
        ("is_active=maybe", "is_active"), ("is_admin=2", "is_admin"), ("role=Not%20A%20Role", "role"),
    ])
    func aBadQueryIsRefused(query: String, field: String) async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (_, admin, _) = try await fixture.signedIn("root", roles: [Role.admin])
        let reply = try await fixture.request("GET", "/api/v1/admin/users?\(query)", headers: admin)
        #expect(reply.status == 400 && reply.json["detail"]?.stringValue == field)
    }

    @Test func aUserOrAGuestCannotReachTheAdminRoutes() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (ann, user, _) = try await fixture.signedIn("ann")
        let (_, guest, _) = try await fixture.signedIn("gus", roles: [Role.guest])
        for headers in [user, guest] {
            #expect(try await fixture.request("GET", "/api/v1/admin/users", headers: headers).status == 403)
            #expect(try await fixture.request("PATCH", "/api/v1/admin/users/\(ann.id)/role", headers: headers, json: ["role": "admin"]).status == 403)
            #expect(try await fixture.request("DELETE", "/api/v1/admin/users/\(ann.id)", headers: headers).status == 403)
        }
        #expect(try await fixture.request("GET", "/api/v1/admin/users").status == 401)
    }

    @Test func aDemotedAdminLosesTheAdminRoutesOnTheNextRequest() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (root, admin, _) = try await fixture.signedIn("root", roles: [Role.admin])
        let (bob, bobHeaders, _) = try await fixture.signedIn("bob", roles: [Role.admin, Role.user])
        #expect(try await fixture.request("GET", "/api/v1/admin/users", headers: bobHeaders).status == 200)
        let demoted = try await fixture.request("PATCH", "/api/v1/admin/users/\(bob.id)/role", headers: admin, json: ["role": "user"])
        #expect(demoted.status == 200 && demoted.json["success"] == true)
        #expect(demoted.json["data"]?["user"]?["role"] == "user" && demoted.json["data"]?["user"]?["roles"] == ["user"])
        #expect(try await fixture.request("GET", "/api/v1/admin/users", headers: bobHeaders).status == 403)
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: bobHeaders).json["is_admin"] == false)
        let logged = try await fixture.activity(ActivityAction.roleChanged)
        #expect(logged.first?.resourceID == bob.id && logged.first?.userID == root.id && logged.first?.details["to"] == ["user"])

        // Promoted again by the owner; the last admin cannot demote themselves.
        #expect(
            try await fixture.request("PATCH", "/api/v1/admin/users/\(bob.id)/role", headers: fixture.owner, json: ["role": "admin"]).status == 200)
        #expect(try await fixture.request("GET", "/api/v1/admin/users", headers: bobHeaders).status == 200)
        #expect(try await fixture.request("PATCH", "/api/v1/admin/users/\(bob.id)/role", headers: admin, json: ["role": "guest"]).status == 200)
        let last = try await fixture.request("PATCH", "/api/v1/admin/users/\(root.id)/role", headers: admin, json: ["role": "user"])
        #expect(last.status == 403)
        #expect(try await fixture.request("GET", "/api/v1/admin/users", headers: admin).status == 200)
    }

    @Test func aRoleChangeChecksItsInput() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (_, admin, _) = try await fixture.signedIn("root", roles: [Role.admin])
        let ann = try await fixture.user("ann")
        for body: JSON in [["role": "superuser"], ["role": 1], [:], ["role": ""]] {
            let reply = try await fixture.request("PATCH", "/api/v1/admin/users/\(ann.id)/role", headers: admin, json: body)
            #expect(reply.status == 400 && reply.json["detail"] == "role")
        }
        let unknown = try await fixture.request(
            "PATCH", "/api/v1/admin/users/00000000-0000-4000-8000-000000000000/role", headers: admin, json: ["role": "user"])
        #expect(unknown.status == 404)
    }

    @Test func deletingAUserStopsTheirTokensAtOnce() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (root, admin, _) = try await fixture.signedIn("root", roles: [Role.admin])
        let (bob, bobHeaders, bobRefresh) = try await fixture.signedIn("bob")
        _ = try await fixture.send(
            "POST", "/api/v1/users/me/avatar", headers: bobHeaders, body: TestImages.png(width: 8, height: 8), contentType: "image/png")
        #expect(try await fixture.request("DELETE", "/api/v1/admin/users/\(bob.id)", headers: admin).status == 204)
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: bobHeaders).status == 401)
        #expect(try await fixture.request("POST", "/api/v1/sessions/refresh", json: ["refresh_token": .string(bobRefresh)]).status == 401)
        #expect(try await fixture.request("GET", "/api/v1/users/\(bob.id)", headers: admin).status == 404)
        #expect(try await fixture.request("DELETE", "/api/v1/admin/users/\(bob.id)", headers: admin).status == 404)
        #expect(try fixture.service.avatars.read(userID: bob.id) == nil)
        let logged = try await fixture.activity(ActivityAction.userDeleted)
        #expect(logged.first?.resourceID == bob.id && logged.first?.userID == root.id)

        let yourself = try await fixture.request("DELETE", "/api/v1/admin/users/\(root.id)", headers: admin)
        #expect(yourself.status == 403)
        // The owner may delete any user but the last admin.
        #expect(try await fixture.request("DELETE", "/api/v1/admin/users/\(root.id)", headers: fixture.owner).status == 403)
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: admin).status == 200)
    }

    @Test func anAdminCreatesDisablesAndEnablesUsers() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (root, admin, _) = try await fixture.signedIn("root", roles: [Role.admin])
        let created = try await fixture.request(
            "POST", "/api/v1/admin/users", headers: admin,
            json: ["username": "dee", "email": "dee@example.com", "password": "correct horse battery", "role": "moderator"])
        #expect(created.status == 201)
        let dee = try #require(created.json["data"]?["user"])
        #expect(dee["username"] == "dee" && dee["role"] == "moderator")
        let id = try #require(dee["id"]?.stringValue)
        #expect(
            try await fixture.request(
                "POST", "/api/v1/admin/users", headers: admin,
                json: ["username": "dee", "email": "other@example.com", "password": "correct horse battery"]
            ).status == 409)
        #expect(
            try await fixture.request(
                "POST", "/api/v1/admin/users", headers: admin, json: ["username": "eve", "email": "eve@example.com", "password": "short"]
            ).status == 400)
        #expect(
            try await fixture.request(
                "POST", "/api/v1/admin/users", headers: admin,
                json: ["username": "fay", "email": "fay@example.com", "password": "correct horse battery", "role": "overlord"]
            ).json["detail"] == "role")

        // Dee signs in; disabling her ends that session at once, and she cannot sign in again until enabled.
        let login = try await fixture.request("POST", "/api/v1/auth/login", json: ["username": "dee", "password": "correct horse battery"])
        let token = try #require(login.json["access_token"]?.stringValue)
        let bearer = ["Authorization": "Bearer \(token)"]
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: bearer).status == 200)
        let disabled = try await fixture.request("POST", "/api/v1/admin/users/\(id)/disable", headers: admin)
        #expect(disabled.status == 200 && disabled.json["data"]?["user"]?["is_active"] == false)
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: bearer).status == 401)
        #expect(
            try await fixture.request("POST", "/api/v1/auth/login", json: ["username": "dee", "password": "correct horse battery"]).status != 200)
        let enabled = try await fixture.request("POST", "/api/v1/admin/users/\(id)/enable", headers: admin)
        #expect(enabled.status == 200 && enabled.json["data"]?["user"]?["is_active"] == true)
        #expect(
            try await fixture.request("POST", "/api/v1/auth/login", json: ["username": "dee", "password": "correct horse battery"]).status == 200)

        // Not yourself; not an unknown user; not for a plain user.
        #expect(try await fixture.request("POST", "/api/v1/admin/users/\(root.id)/disable", headers: admin).status == 403)
        #expect(try await fixture.request("POST", "/api/v1/admin/users/nobody/disable", headers: admin).status == 404)
        let (_, user, _) = try await fixture.signedIn("ann")
        #expect(try await fixture.request("POST", "/api/v1/admin/users/\(id)/disable", headers: user).status == 403)
    }
}
