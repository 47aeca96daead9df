import Accounts
import Store
import TestSupport
import Testing

struct AccountsMigrationTests {
    @Test func aVersion2DatabaseGainsTheAccountTables() throws {
        let dir = TemporaryDirectory("migrate")
        let path = dir.file("state.db")
        let v2 = StateSchema.migrations.filter { $0.version <= 2 }
        #expect(v2.count == 2)
        do {
            let old = try Database(path: path, migrations: v2)
            #expect(try old.userVersion() == 2)
            try old.execute(
                "INSERT INTO kv (key, value, updated_at) VALUES ('setup.complete', '1', 1)")
            #expect(try old.query("SELECT name FROM sqlite_master WHERE name = 'users'").isEmpty)
        }
        let upgraded = try Database(path: path, migrations: StateSchema.migrations)
        #expect(try upgraded.userVersion() == StateSchema.migrations.last?.version)
        #expect(try upgraded.queryOne("SELECT value FROM kv WHERE key = 'setup.complete'")?.string("value") == "1")
        let tables = Set(try upgraded.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0.string("name") })
        for table in [
            "users", "roles", "role_permissions", "user_roles", "sessions", "rotated_refresh_tokens", "api_keys", "mfa_totp",
            "mfa_backup_codes", "email_tokens", "oidc_providers", "oidc_links", "activity_log",
        ] {
            #expect(tables.contains(table), "missing \(table)")
        }
        let users = UserStore(database: upgraded)
        let admin = try users.create(NewUser(username: "admin", roles: [Role.admin]))
        #expect(try users.countAdmins() == 1 && admin.isAdmin)
        // Reopening applies nothing twice.
        let again = try Database(path: path, migrations: StateSchema.migrations)
        #expect(try UserStore(database: again).count() == 1)
    }

    @Test func storesWorkThroughPerform() async throws {
        let f = try AccountsFixture()
        f.database.poolPolicy = .refuse
        let users = f.users
        let made = try await users.perform { try $0.create(NewUser(username: "async")) }
        let read = try await users.perform { try $0.get(id: made.id) }
        #expect(read?.username == "async")
    }
}
