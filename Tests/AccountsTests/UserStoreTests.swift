import Accounts
import Core
import FoundationEssentials
import Store
import Testing

struct UserStoreTests {
    @Test func createReadUpdateDelete() throws {
        let f = try AccountsFixture()
        let alice = try f.users.create(
            NewUser(
                username: "Alice", email: "Alice@Example.com", displayName: "Alice A", passwordHash: "$argon2id$x",
                preferences: ["theme": "dark"]))
        #expect(alice.id.count == 36 && alice.roles == [Role.user] && !alice.isAdmin && alice.tokenEpoch == 0)
        #expect(alice.passwordChangedAt != nil)
        #expect(try f.users.get(id: alice.id) == alice)
        #expect(try f.users.get(username: "aLiCe")?.id == alice.id)
        #expect(try f.users.get(email: "alice@example.COM")?.id == alice.id)
        #expect(try f.users.get(login: "ALICE@example.com")?.id == alice.id)
        #expect(try f.users.get(login: "alice")?.id == alice.id)
        #expect(try f.users.get(login: "nobody") == nil)

        let updated = try #require(
            try f.users.update(
                alice.id,
                UserChanges(
                    displayName: .some(nil), avatarURL: "https://x.test/a.png",
                    preferences: ["theme": "light"])))
        #expect(updated.displayName == nil && updated.avatarURL == "https://x.test/a.png" && updated.preferences == ["theme": "light"])
        #expect(try f.users.update("missing", UserChanges(displayName: "x")) == nil)

        try f.users.recordLogin(alice.id, at: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(try f.users.get(id: alice.id)?.lastLoginAt == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(try f.users.delete(alice.id))
        #expect(try f.users.get(id: alice.id) == nil)
        #expect(try !f.users.delete(alice.id))
    }

    @Test func plexOnlyUsersHaveNoPassword() throws {
        let f = try AccountsFixture()
        let plex = try f.users.create(NewUser(username: "plexfan", email: nil, plexAccountID: "12345", plexUsername: "PlexFan"))
        #expect(plex.passwordHash == nil && plex.passwordChangedAt == nil && plex.email == nil)
        #expect(try f.users.get(plexAccountID: "12345")?.id == plex.id)
        #expect(throws: AccountError.conflict(field: "plex_account_id")) {
            try f.users.create(NewUser(username: "other", plexAccountID: "12345"))
        }
    }

    @Test func usernamesAndEmailsAreUniqueWithoutRegardToCase() throws {
        let f = try AccountsFixture()
        let bob = try f.user("bob", email: "bob@example.com")
        #expect(throws: AccountError.conflict(field: "username")) { try f.user("BOB", email: "other@example.com") }
        #expect(throws: AccountError.conflict(field: "email")) { try f.user("bobby", email: "BOB@EXAMPLE.COM") }
        let carol = try f.user("carol")
        #expect(throws: AccountError.conflict(field: "username")) { try f.users.update(carol.id, UserChanges(username: "Bob")) }
        #expect(throws: AccountError.conflict(field: "email")) { try f.users.update(carol.id, UserChanges(email: "Bob@example.com")) }
        // Changing one's own name's case is not a conflict.
        #expect(try f.users.update(bob.id, UserChanges(username: "Bob"))?.username == "Bob")
    }

    @Test(arguments: [
        (NewUser(username: "ab"), "username"), (NewUser(username: String(repeating: "a", count: 33)), "username"),
        (NewUser(username: "with space"), "username"), (NewUser(username: "ünï"), "username"), (NewUser(username: "a/b"), "username"),
        (NewUser(username: "okay", email: "no-at-sign"), "email"), (NewUser(username: "okay", email: "a@b@c"), "email"),
        (NewUser(username: "okay", email: String(repeating: "a", count: 250) + "@b.co"), "email"),
        (NewUser(username: "okay", email: "a b@c.d"), "email"),
        (NewUser(username: "okay", displayName: String(repeating: "x", count: 101)), "display_name"),
        (NewUser(username: "okay", displayName: "bell\u{7}"), "display_name"),
        (NewUser(username: "okay", avatarURL: "javascript:alert(1)"), "avatar_url"),
        (NewUser(username: "okay", avatarURL: "https://x.test/" + String(repeating: "a", count: 2040)), "avatar_url"),
        (NewUser(username: "okay", preferences: ["blob": .string(String(repeating: "x", count: 16 * 1024))]), "preferences"),
        (NewUser(username: "okay", preferences: [1, 2]), "preferences"),
        (NewUser(username: "okay", roles: []), "role"),
    ])
    func limitsAreValidationErrorsNamingTheField(new: NewUser, field: String) throws {
        let f = try AccountsFixture()
        let error = try #require(throws: AccountError.self) { try f.users.create(new) }
        guard case .invalid(let named, _) = error else {
            Issue.record("expected invalid(\(field)), got \(error)")
            return
        }
        #expect(named == field)
        #expect(try f.users.count() == 0)
    }

    @Test func boundaryValuesAreAccepted() throws {
        let f = try AccountsFixture()
        let local = String(repeating: "a", count: 64)
        let domain = String(repeating: "b", count: 254 - 65 - 4) + ".com"
        let user = try f.users.create(
            NewUser(
                username: "a.b_c-D9" + String(repeating: "z", count: 24), email: local + "@" + domain,
                displayName: String(repeating: "é", count: 50), avatarURL: "https://x.test/" + String(repeating: "a", count: 2048 - 15)))
        #expect(user.username.count == 32 && user.email?.utf8.count == 254)
        #expect(try f.users.create(NewUser(username: "abc")).username == "abc")
    }

    @Test func unknownRoleIsNotFound() throws {
        let f = try AccountsFixture()
        #expect(throws: AccountError.notFound("role")) { try f.users.create(NewUser(username: "dave", roles: ["wizard"])) }
        #expect(try f.users.get(username: "dave") == nil)
    }

    @Test func passwordChangeAndDisableBumpTheTokenEpoch() throws {
        let f = try AccountsFixture()
        let u = try f.user("erin")
        #expect(try f.users.setPassword(u.id, hash: "$argon2id$new", now: Date(timeIntervalSince1970: 1_900_000_000)))
        var stored = try #require(try f.users.get(id: u.id))
        #expect(stored.passwordHash == "$argon2id$new" && stored.tokenEpoch == 1)
        #expect(stored.passwordChangedAt == Date(timeIntervalSince1970: 1_900_000_000))
        #expect(try f.users.setDisabled(u.id, true))
        stored = try #require(try f.users.get(id: u.id))
        #expect(stored.disabled && stored.tokenEpoch == 2)
        #expect(try f.users.setDisabled(u.id, false))
        stored = try #require(try f.users.get(id: u.id))
        #expect(!stored.disabled && stored.tokenEpoch == 2)
        #expect(try f.users.bumpTokenEpoch(u.id))
        #expect(try f.users.get(id: u.id)?.tokenEpoch == 3)
        #expect(try !f.users.setPassword("missing", hash: "x"))
    }

    @Test func listPagesSearchesAndCounts() throws {
        let f = try AccountsFixture()
        for name in ["zed", "amy", "Ben", "bea", "carl"] { try f.user(name) }
        try f.user("boss", roles: [Role.admin])
        let first = try f.users.list(offset: 0, limit: 2)
        #expect(first.total == 6 && first.items.map(\.username) == ["amy", "bea"])
        #expect(try f.users.list(offset: 4, limit: 10).items.map(\.username) == ["carl", "zed"])
        let search = try f.users.list(search: "B")
        #expect(search.total == 3 && search.items.map(\.username) == ["bea", "Ben", "boss"])
        #expect(try f.users.list(search: "example.com").total == 6)
        #expect(try f.users.list(search: "%").total == 0)
        #expect(try f.users.list(search: "_").total == 0)
        #expect(try f.users.list(role: Role.admin).items.map(\.username) == ["boss"])
        #expect(try f.users.countAdmins() == 1)
    }

    @Test func theLastEnabledAdminStays() throws {
        let f = try AccountsFixture()
        let root = try f.user("root", roles: [Role.admin])
        #expect(throws: AccountError.self) { try f.users.delete(root.id) }
        #expect(throws: AccountError.self) { try f.users.setDisabled(root.id, true) }
        let second = try f.user("second", roles: [Role.admin, Role.user])
        #expect(try f.users.countAdmins() == 2)
        #expect(try f.users.setDisabled(second.id, true))
        #expect(try f.users.countAdmins() == 1)
        #expect(throws: AccountError.self) { try f.users.delete(root.id) }
        #expect(try f.users.setDisabled(second.id, false))
        #expect(try f.users.delete(root.id))
        #expect(try f.users.countAdmins() == 1)
    }
}
