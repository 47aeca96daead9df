import Accounts
import Testing

struct RoleStoreTests {
    @Test func builtInRolesAreSeededWithValidPermissions() throws {
        let f = try AccountsFixture()
        let roles = try f.roles.list()
        #expect(roles.map(\.name) == ["admin", "guest", "moderator", "user"])
        #expect(roles.allSatisfy { $0.isBuiltIn })
        for role in roles {
            for permission in role.permissions { #expect(permission.isValid, "\(role.name): \(permission)") }
        }
        #expect(try f.roles.permissions(for: Role.admin) == [Permission("*", "*")])
        let user = Set(try f.roles.permissions(for: Role.user))
        #expect(Permission.allows(user, Permission("requests", "write")))
        #expect(!Permission.allows(user, Permission("users", "read")))
        #expect(!Permission.allows(user, Permission("settings", "write")))
        let guest = Set(try f.roles.permissions(for: Role.guest))
        #expect(Permission.allows(guest, Permission("media", "read")) && !Permission.allows(guest, Permission("requests", "write")))
        let moderator = Set(try f.roles.permissions(for: Role.moderator))
        #expect(Permission.allows(moderator, Permission("jobs", "write")) && !Permission.allows(moderator, Permission("roles", "write")))
        // Everything the catalogue names is reachable by admin alone.
        for permission in Permission.catalogue { #expect(Permission.allows([Permission("*", "*")], permission)) }
    }

    @Test(arguments: ["users", "users:", ":read", "users:fly", "nothing:read", "users:read:x", "*:fly", "nothing:*", "USERS:READ", ""])
    func badPermissionStringsAreRefused(text: String) {
        #expect(throws: AccountError.self) { try Permission(parsing: text) }
    }

    @Test(arguments: ["users:read", "users:*", "*:read", "*:*", "requests:manage", "stash:write"])
    func goodPermissionStringsParse(text: String) throws {
        #expect(try Permission(parsing: text).description == text)
    }

    @Test func wildcardsCover() {
        #expect(Permission("jobs", "*").covers(Permission("jobs", "write")))
        #expect(!Permission("jobs", "*").covers(Permission("users", "write")))
        #expect(Permission("*", "read").covers(Permission("users", "read")))
        #expect(!Permission("*", "read").covers(Permission("users", "write")))
    }

    @Test func customRolesCRUD() throws {
        let f = try AccountsFixture()
        let editor = try f.roles.create(
            name: "editor", description: "Edits", permissions: [Permission("media", "write"), Permission("media", "read")])
        #expect(!editor.isBuiltIn && editor.permissions == [Permission("media", "read"), Permission("media", "write")] && editor.userCount == 0)
        #expect(throws: AccountError.conflict(field: "name")) { try f.roles.create(name: "editor") }
        #expect(throws: AccountError.self) { try f.roles.create(name: "Bad Name") }
        #expect(throws: AccountError.self) { try f.roles.create(name: "x", permissions: [Permission("users", "fly")]) }
        let changed = try f.roles.setPermissions("editor", [Permission("jobs", "*")])
        #expect(changed?.permissions == [Permission("jobs", "*")])
        #expect(try f.roles.setPermissions("nobody", []) == nil)
        #expect(throws: AccountError.self) { try f.roles.setPermissions(Role.admin, []) }

        let u = try f.user("frank", roles: ["editor"])
        #expect(try f.roles.get("editor")?.userCount == 1)
        #expect(try f.roles.permissions(ofUser: u.id) == [Permission("jobs", "*")])
        #expect(throws: AccountError.self) { try f.roles.delete("editor") }
        try f.roles.assign(Role.guest, toUser: u.id)
        #expect(try f.roles.remove("editor", fromUser: u.id))
        #expect(try f.roles.delete("editor"))
        #expect(try f.roles.get("editor") == nil)
        #expect(try !f.roles.delete("editor"))
        for builtIn in Role.builtIn {
            #expect(throws: AccountError.forbidden("built-in role '\(builtIn)' cannot be deleted")) { try f.roles.delete(builtIn) }
        }
    }

    @Test func assignmentsAndTheirGuards() throws {
        let f = try AccountsFixture()
        let root = try f.user("root", roles: [Role.admin])
        let u = try f.user("gina")
        try f.roles.assign(Role.moderator, toUser: u.id)
        try f.roles.assign(Role.moderator, toUser: u.id)
        #expect(try f.roles.roles(ofUser: u.id) == [Role.moderator, Role.user])
        #expect(try f.users.get(id: u.id)?.roles == [Role.moderator, Role.user])
        #expect(throws: AccountError.notFound("role")) { try f.roles.assign("wizard", toUser: u.id) }
        #expect(throws: AccountError.notFound("user")) { try f.roles.assign(Role.user, toUser: "missing") }
        #expect(try f.roles.remove(Role.user, fromUser: u.id))
        #expect(try !f.roles.remove(Role.user, fromUser: u.id))
        #expect(throws: AccountError.self) { try f.roles.remove(Role.moderator, fromUser: u.id) }
        try f.roles.assign(Role.user, toUser: root.id)
        #expect(throws: AccountError.self) { try f.roles.remove(Role.admin, fromUser: root.id) }
        #expect(try f.roles.roles(ofUser: root.id) == [Role.admin, Role.user])
    }

    @Test func policiesAreRoleGrants() throws {
        let f = try AccountsFixture()
        let policies = try f.roles.policies()
        #expect(policies.contains(Policy(subject: "admin", object: "*", action: "*")))
        #expect(policies.contains(Policy(subject: "guest", object: "media", action: "read")))
        #expect(try f.roles.addPolicy(Policy(subject: "guest", object: "requests", action: "read")))
        #expect(try !f.roles.addPolicy(Policy(subject: "guest", object: "requests", action: "read")))
        #expect(Permission.allows(try f.roles.permissions(for: Role.guest), Permission("requests", "read")))
        #expect(throws: AccountError.notFound("role")) { try f.roles.addPolicy(Policy(subject: "nobody", object: "media", action: "read")) }
        #expect(throws: AccountError.self) { try f.roles.addPolicy(Policy(subject: "guest", object: "media", action: "fly")) }
        #expect(try f.roles.removePolicy(Policy(subject: "guest", object: "requests", action: "read")))
        #expect(try !f.roles.removePolicy(Policy(subject: "guest", object: "requests", action: "read")))
    }

    @Test func apiKeyScopes() throws {
        #expect(try Permission.granted(byScope: "read") == [Permission("*", "read")])
        #expect(try Permission.granted(byScope: "admin") == [Permission("*", "*")])
        #expect(try Permission.granted(byScope: "jobs:write") == [Permission("jobs", "write")])
        #expect(throws: AccountError.self) { try Permission.granted(byScope: "root") }
    }
}

struct ConcretePermissionTests {
    @Test func wildcardsBecomeStringsAGateMatchesExactly() {
        #expect(Permission.concrete([Permission("*", "*"), Permission("jobs", "read")]) == ["*:*"])
        let reads = Permission.concrete([Permission("*", "read")])
        #expect(reads.contains("users:read") && reads.contains("jobs:read") && !reads.contains("jobs:write"))
        #expect(reads.count == Permission.catalogue.filter { $0.action == "read" }.count)
        #expect(Permission.concrete([Permission("jobs", "*")]) == ["jobs:read", "jobs:write"])
    }

    @Test func anAPIKeyGetsWhatBothItsOwnerAndItsScopesAllow() {
        let admin = [Permission("*", "*")]
        #expect(Permission.effective(roles: admin, scopes: admin) == ["*:*"])
        #expect(Permission.effective(roles: admin, scopes: [Permission("jobs", "read")]) == ["jobs:read"])
        let user = [Permission("media", "read"), Permission("requests", "write")]
        #expect(Permission.effective(roles: user, scopes: [Permission("*", "*")]) == ["media:read", "requests:write"])
        #expect(Permission.effective(roles: user, scopes: [Permission("*", "read")]) == ["media:read"])
        #expect(Permission.effective(roles: user, scopes: [Permission("users", "write")]).isEmpty)
    }

    @Test func primaryRole() throws {
        let f = try AccountsFixture()
        try f.roles.create(name: "custom")
        #expect(try f.user("one", roles: [Role.user, Role.admin]).primaryRole == Role.admin)
        #expect(try f.user("two", roles: ["custom", Role.guest]).primaryRole == Role.guest)
        #expect(try f.user("three", roles: ["custom"]).primaryRole == "custom")
    }
}
