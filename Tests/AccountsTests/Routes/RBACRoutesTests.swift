import Accounts
import Core
import HTTP
import TestSupport
import Testing

/// 003's RBAC routes: roles, user roles, policies and the catalogue, their refusals, changes reaching
/// the gate on the next request, and the escalation guard.
struct RBACRoutesTests {
    static func json(_ reply: RawHTTPClient.Reply) throws -> JSON { try JSON.parseStrict(reply.body) }

    @Test func listsRolesPoliciesAndTheCatalogue() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let roles = try Self.json(try await fixture.request("GET", "/api/v1/rbac/roles", headers: fixture.owner))
        #expect(roles["total"] == 4)
        let admin = roles["roles"]?.arrayValue?.first { $0["name"] == "admin" }
        #expect(admin?["is_built_in"] == true && admin?["permissions"] == [["resource": "*", "action": "*"]])
        let catalogue = try Self.json(try await fixture.request("GET", "/api/v1/rbac/permissions", headers: fixture.owner))
        #expect(catalogue["total"] == JSON(Permission.catalogue.count))
        #expect(catalogue["permissions"]?.arrayValue?.contains(["resource": "roles", "action": "write"]) == true)
        let policies = try Self.json(try await fixture.request("GET", "/api/v1/rbac/policies", headers: fixture.owner))
        #expect(policies["policies"]?.arrayValue?.contains(["subject": "admin", "object": "*", "action": "*"]) == true)
        #expect(policies["total"] == JSON(policies["policies"]?.arrayValue?.count ?? -1))
    }

    static let guarded: [(String, String, JSON?)] = [
        ("GET", "/api/v1/rbac/policies", nil),
        ("POST", "/api/v1/rbac/policies", ["subject": "user", "object": "jobs", "action": "read"]),
        ("DELETE", "/api/v1/rbac/policies", ["subject": "user", "object": "media", "action": "read"]),
        ("GET", "/api/v1/rbac/users/USER/roles", nil),
        ("POST", "/api/v1/rbac/users/USER/roles", ["role": "admin"]),
        ("DELETE", "/api/v1/rbac/users/USER/roles/user", nil),
        ("GET", "/api/v1/rbac/roles", nil),
        ("POST", "/api/v1/rbac/roles", ["name": "sneaky"]),
        ("GET", "/api/v1/rbac/roles/user", nil),
        ("PATCH", "/api/v1/rbac/roles/user", ["description": "x"]),
        ("DELETE", "/api/v1/rbac/roles/guest", nil),
        ("GET", "/api/v1/rbac/roles/user/permissions", nil),
        ("PUT", "/api/v1/rbac/roles/user/permissions", ["permissions": ["settings:write"]]),
        ("GET", "/api/v1/rbac/permissions", nil),
        ("GET", "/api/v1/admin/activity", nil),
        ("GET", "/api/v1/admin/activity/users/USER", nil),
        ("GET", "/api/v1/admin/activity/resources/user/USER", nil),
        ("GET", "/api/v1/admin/activity/stats", nil),
        ("GET", "/api/v1/admin/activity/actions", nil),
    ]

    @Test func aUserGets403AndNoCredential401OnEveryRBACAndActivityRoute() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let ann = try await fixture.user("ann")
        let (access, _) = try await fixture.login("ann")
        for (method, path, body) in Self.guarded {
            let path = path.replacing("USER", with: ann.id)
            let refused = try await fixture.request(method, path, headers: AccountRoutesFixture.bearer(access), json: body)
            #expect(refused.status == 403, "\(method) \(path)")
            #expect(try await fixture.request(method, path, json: body).status == 401, "\(method) \(path)")
        }
        // Nothing changed.
        let roles = try Self.json(try await fixture.request("GET", "/api/v1/rbac/users/\(ann.id)/roles", headers: fixture.owner))
        #expect(roles == ["roles": ["user"], "total": 1])
    }

    @Test func customRolesAreCreatedReadChangedAndDeleted() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let body: JSON = ["name": "editor", "description": "Edits media", "permissions": [["resource": "media", "action": "write"], "jobs:read"]]
        let created = try await fixture.request("POST", "/api/v1/rbac/roles", headers: fixture.owner, json: body)
        #expect(created.status == 201)
        #expect(
            try Self.json(created)
                == [
                    "name": "editor", "description": "Edits media", "is_built_in": false, "user_count": 0,
                    "permissions": [["resource": "jobs", "action": "read"], ["resource": "media", "action": "write"]],
                ])
        #expect(try await fixture.request("POST", "/api/v1/rbac/roles", headers: fixture.owner, json: body).status == 409)
        #expect(try await fixture.request("GET", "/api/v1/rbac/roles/editor", headers: fixture.owner).status == 200)

        let replaced = try await fixture.request(
            "PUT", "/api/v1/rbac/roles/editor/permissions", headers: fixture.owner, json: ["permissions": ["media:*"]])
        #expect(replaced.status == 200)
        #expect(try Self.json(replaced)["permissions"] == [["resource": "media", "action": "*"]])
        let listed = try Self.json(try await fixture.request("GET", "/api/v1/rbac/roles/editor/permissions", headers: fixture.owner))
        #expect(listed == ["permissions": [["resource": "media", "action": "*"]], "total": 1])
        let renamed = try await fixture.request("PATCH", "/api/v1/rbac/roles/editor", headers: fixture.owner, json: ["description": "Media"])
        #expect(try Self.json(renamed)["description"] == "Media")

        #expect(try await fixture.request("DELETE", "/api/v1/rbac/roles/editor", headers: fixture.owner).status == 204)
        #expect(try await fixture.request("GET", "/api/v1/rbac/roles/editor", headers: fixture.owner).status == 404)
        #expect(try await fixture.request("DELETE", "/api/v1/rbac/roles/editor", headers: fixture.owner).status == 404)
        #expect(try await fixture.request("DELETE", "/api/v1/rbac/roles/user", headers: fixture.owner).status == 403)
        #expect(
            try await fixture.request("PUT", "/api/v1/rbac/roles/admin/permissions", headers: fixture.owner, json: ["permissions": []]).status == 403)
        #expect(try await fixture.request("GET", "/api/v1/rbac/roles/NO%20SUCH", headers: fixture.owner).status == 404)

        let log = try await fixture.service.perform { try $0.activity.query(ActivityFilter(resourceType: "role", resourceID: "editor")) }
        #expect(Set(log.items.map(\.action)) == [ActivityAction.roleChanged, ActivityAction.permissionsChanged])
        #expect(log.items.allSatisfy { $0.username == AccountService.applianceActor && $0.details["via"] == "appliance_token" })
    }

    static let badRoleBodies: [(JSON, String)] = [
        (["name": "Bad Name"], "name"),
        (["name": .string(String(repeating: "a", count: 33))], "name"),
        (["name": "ok", "permissions": ["media:fly"]], "permissions"),
        (["name": "ok", "permissions": ["nonsense"]], "permissions"),
        (["name": "ok", "permissions": [["resource": "media"]]], "permissions"),
        (["name": "ok", "permissions": "media:read"], "permissions"),
        (["name": "ok", "description": .string(String(repeating: "d", count: 1001))], "description"),
        ([:], "name"),
    ]

    @Test(arguments: badRoleBodies) func aBadRoleBodyIs400NamingTheField(body: JSON, field: String) async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let reply = try await fixture.request("POST", "/api/v1/rbac/roles", headers: fixture.owner, json: body)
        #expect(reply.status == 400)
        #expect(try Self.json(reply)["detail"] == .string(field))
    }

    @Test func aDemotedUserLosesAccessOnTheNextRequest() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let ben = try await fixture.user("ben", roles: [Role.user, Role.moderator])
        let (access, _) = try await fixture.login("ben")
        let bearer = AccountRoutesFixture.bearer(access)
        #expect(try await fixture.request("GET", "/api/v1/admin/activity", headers: bearer).status == 200)

        #expect(try await fixture.request("DELETE", "/api/v1/rbac/users/\(ben.id)/roles/moderator", headers: fixture.owner).status == 204)
        #expect(try await fixture.request("GET", "/api/v1/admin/activity", headers: bearer).status == 403)
        #expect(try await fixture.request("DELETE", "/api/v1/rbac/users/\(ben.id)/roles/moderator", headers: fixture.owner).status == 404)

        let given = try await fixture.request("POST", "/api/v1/rbac/users/\(ben.id)/roles", headers: fixture.owner, json: ["role": "moderator"])
        #expect(given.status == 201)
        #expect(try Self.json(given) == ["roles": ["moderator", "user"], "total": 2])
        #expect(try await fixture.request("GET", "/api/v1/admin/activity", headers: bearer).status == 200)
        let again = try await fixture.request("POST", "/api/v1/rbac/users/\(ben.id)/roles", headers: fixture.owner, json: ["role": "moderator"])
        #expect(again.status == 201)
        #expect(try Self.json(again) == ["roles": ["moderator", "user"], "total": 2])

        #expect(try await fixture.request("POST", "/api/v1/rbac/users/nobody/roles", headers: fixture.owner, json: ["role": "user"]).status == 404)
        #expect(
            try await fixture.request("POST", "/api/v1/rbac/users/\(ben.id)/roles", headers: fixture.owner, json: ["role": "nosuch"]).status == 404)
        #expect(try await fixture.request("POST", "/api/v1/rbac/users/\(ben.id)/roles", headers: fixture.owner, json: ["role": "No!"]).status == 400)
        #expect(try await fixture.request("GET", "/api/v1/rbac/users/nobody/roles", headers: fixture.owner).status == 404)
        let log = try await fixture.service.perform { try $0.activity.query(ActivityFilter(action: ActivityAction.roleChanged)) }
        #expect(log.items.map { $0.details["change"] } == ["assigned", "removed"])
        #expect(log.items.allSatisfy { $0.resourceID == ben.id && $0.username == AccountService.applianceActor })
    }

    @Test func theLastAdminAndAUsersLastRoleStay() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let root = try await fixture.user("root", roles: [Role.admin, Role.user])
        let ann = try await fixture.user("ann")
        #expect(try await fixture.request("DELETE", "/api/v1/rbac/users/\(root.id)/roles/admin", headers: fixture.owner).status == 403)
        #expect(try await fixture.request("DELETE", "/api/v1/rbac/users/\(ann.id)/roles/user", headers: fixture.owner).status == 403)
        let failed = try await fixture.service.perform { try $0.activity.query(ActivityFilter(success: false)) }
        #expect(failed.total == 2 && failed.items.allSatisfy { $0.action == ActivityAction.roleChanged })
    }

    @Test func policiesGrantAndRevokeOnePermission() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("gus", roles: [Role.guest])
        let (access, _) = try await fixture.login("gus")
        let gus = AccountRoutesFixture.bearer(access)
        #expect(try await fixture.request("GET", "/api/v1/rbac/roles", headers: gus).status == 403)
        let policy: JSON = ["subject": "guest", "object": "roles", "action": "read"]
        let added = try await fixture.request("POST", "/api/v1/rbac/policies", headers: fixture.owner, json: policy)
        #expect(added.status == 201)
        #expect(try Self.json(added) == policy)
        #expect(try await fixture.request("POST", "/api/v1/rbac/policies", headers: fixture.owner, json: policy).status == 409)
        #expect(try await fixture.request("GET", "/api/v1/rbac/roles", headers: gus).status == 200)
        #expect(try await fixture.request("DELETE", "/api/v1/rbac/policies", headers: fixture.owner, json: policy).status == 204)
        #expect(try await fixture.request("GET", "/api/v1/rbac/roles", headers: gus).status == 403)
        #expect(try await fixture.request("DELETE", "/api/v1/rbac/policies", headers: fixture.owner, json: policy).status == 404)

        let bad: [(JSON, Int, String?)] = [
            (["subject": "guest", "object": "nothing", "action": "read"], 400, "object"),
            (["subject": "guest", "object": "activity", "action": "write"], 400, "action"),
            (["subject": "guest", "object": "roles"], 400, "action"),
            (["subject": "Guest!", "object": "roles", "action": "read"], 400, "subject"),
            (["subject": "nosuch", "object": "roles", "action": "read"], 404, nil),
        ]
        for (body, status, field) in bad {
            let reply = try await fixture.request("POST", "/api/v1/rbac/policies", headers: fixture.owner, json: body)
            #expect(reply.status == status, "\(body)")
            if let field { #expect(try Self.json(reply)["detail"] == .string(field)) }
        }
        let log = try await fixture.service.perform { try $0.activity.query(ActivityFilter(action: ActivityAction.permissionsChanged)) }
        #expect(log.items.map { $0.details["added"] ?? $0.details["removed"] } == [["roles:read"], ["roles:read"]])
    }

    /// A non-admin holding `roles:write` manages only what they hold: no role or permission they lack,
    /// for anyone (themselves included), and no taking a role they lack from someone else.
    @Test func aRoleManagerCannotRaiseTheirOwnPrivileges() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let manager: JSON = ["name": "rbac-manager", "permissions": ["roles:read", "roles:write", "users:read"]]
        #expect(try await fixture.request("POST", "/api/v1/rbac/roles", headers: fixture.owner, json: manager).status == 201)
        let root = try await fixture.user("root", roles: [Role.admin])
        let mia = try await fixture.user("mia", roles: [Role.user, "rbac-manager"])
        let carl = try await fixture.user("carl")
        let (access, _) = try await fixture.login("mia")
        let bearer = AccountRoutesFixture.bearer(access)

        let refused: [(String, String, JSON?)] = [
            ("POST", "/api/v1/rbac/users/\(mia.id)/roles", ["role": "admin"]),
            ("POST", "/api/v1/rbac/users/\(mia.id)/roles", ["role": "moderator"]),
            ("POST", "/api/v1/rbac/users/\(carl.id)/roles", ["role": "moderator"]),
            ("DELETE", "/api/v1/rbac/users/\(root.id)/roles/admin", nil),
            ("POST", "/api/v1/rbac/roles", ["name": "wider", "permissions": ["settings:write"]]),
            ("POST", "/api/v1/rbac/roles", ["name": "everything", "permissions": ["*:*"]]),
            ("PUT", "/api/v1/rbac/roles/rbac-manager/permissions", ["permissions": ["roles:write", "activity:read"]]),
            ("PUT", "/api/v1/rbac/roles/user/permissions", ["permissions": ["media:*"]]),
            ("PATCH", "/api/v1/rbac/roles/moderator", ["description": "mine now"]),
            ("POST", "/api/v1/rbac/policies", ["subject": "user", "object": "settings", "action": "write"]),
            ("DELETE", "/api/v1/rbac/policies", ["subject": "moderator", "object": "activity", "action": "read"]),
        ]
        for (method, path, body) in refused {
            #expect(try await fixture.request(method, path, headers: bearer, json: body).status == 403, "\(method) \(path)")
        }
        let roles = try await fixture.service.perform { try ($0.roles.roles(ofUser: mia.id), $0.roles.roles(ofUser: root.id)) }
        #expect(roles.0 == ["rbac-manager", "user"] && roles.1 == ["admin"])

        // Within what mia holds, she can act.
        #expect(try await fixture.request("POST", "/api/v1/rbac/users/\(carl.id)/roles", headers: bearer, json: ["role": "guest"]).status == 201)
        #expect(
            try await fixture.request("POST", "/api/v1/rbac/roles", headers: bearer, json: ["name": "viewer", "permissions": ["media:read"]]).status
                == 201)
        let failed = try await fixture.service.perform { try $0.activity.query(ActivityFilter(userID: mia.id, success: false)) }
        #expect(failed.total == refused.count)
    }
}
