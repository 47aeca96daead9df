import Accounts
import FoundationEssentials
import Store
import Testing

struct APIKeyStoreTests {
    let start = Date(timeIntervalSince1970: 1_900_000_000)

    @Test func createVerifyListRevoke() throws {
        let f = try AccountsFixture()
        let u = try f.user("olga")
        let created = try f.keys.create(userID: u.id, name: "backup script", scopes: ["jobs:read", "read"], now: start)
        #expect(created.plaintext.hasPrefix(created.key.prefix + "_"))
        #expect(created.key.prefix.hasPrefix("apk_") && created.key.prefix.count == 12)
        #expect(created.plaintext.count == 12 + 1 + 43)
        #expect(created.key.scopes == ["jobs:read", "read"])
        #expect(Set(created.key.permissions) == [Permission("jobs", "read"), Permission("*", "read")])

        let later = start.addingTimeInterval(60)
        let verified = try #require(try f.keys.verify(presented: created.plaintext, now: later))
        #expect(verified.id == created.key.id && verified.userID == u.id && verified.lastUsedAt == later)
        #expect(try f.keys.get(created.key.id)?.lastUsedAt == later)

        #expect(try f.keys.list(userID: u.id).map(\.id) == [created.key.id])
        #expect(try !f.keys.revoke(created.key.id, userID: "someone-else"))
        #expect(try f.keys.revoke(created.key.id, userID: u.id, now: later))
        #expect(try f.keys.verify(presented: created.plaintext, now: later) == nil)
        #expect(try f.keys.list(userID: u.id).isEmpty)
        #expect(try !f.keys.revoke(created.key.id))
    }

    @Test func wrongOrTamperedKeysAreRefused() throws {
        let f = try AccountsFixture()
        let u = try f.user("pia")
        let created = try f.keys.create(userID: u.id, name: "k", scopes: ["admin"], now: start)
        var flipped = Array(created.plaintext)
        flipped[flipped.count - 1] = flipped.last == "A" ? "B" : "A"
        for bad in [
            String(flipped), created.key.prefix, created.key.prefix + "_", "apk_", "", "rv_123",
            String(created.plaintext.dropLast()), created.plaintext + "x", String(repeating: "a", count: 5000),
        ] {
            #expect(try f.keys.verify(presented: bad, now: start) == nil, "\(bad.prefix(20))")
        }
    }

    @Test func expiredKeysAreRefused() throws {
        let f = try AccountsFixture()
        let u = try f.user("quinn")
        let created = try f.keys.create(userID: u.id, name: "temp", scopes: ["read"], expiresAt: start.addingTimeInterval(3600), now: start)
        #expect(try f.keys.verify(presented: created.plaintext, now: start.addingTimeInterval(3599)) != nil)
        #expect(try f.keys.verify(presented: created.plaintext, now: start.addingTimeInterval(3600)) == nil)
        #expect(throws: AccountError.self) {
            try f.keys.create(userID: u.id, name: "past", scopes: ["read"], expiresAt: start.addingTimeInterval(-1), now: start)
        }
    }

    @Test func inputLimits() throws {
        let f = try AccountsFixture()
        let u = try f.user("rob")
        #expect(throws: AccountError.self) { try f.keys.create(userID: u.id, name: "", scopes: ["read"]) }
        #expect(throws: AccountError.self) { try f.keys.create(userID: u.id, name: String(repeating: "n", count: 256), scopes: ["read"]) }
        #expect(throws: AccountError.self) { try f.keys.create(userID: u.id, name: "k", scopes: []) }
        #expect(throws: AccountError.self) { try f.keys.create(userID: u.id, name: "k", scopes: ["root"]) }
        #expect(throws: AccountError.notFound("user")) { try f.keys.create(userID: "missing", name: "k", scopes: ["read"]) }
    }

    @Test func theSecretIsNeverStoredOrListed() throws {
        let f = try AccountsFixture()
        let u = try f.user("sam")
        let created = try f.keys.create(userID: u.id, name: "k", scopes: ["read"], now: start)
        let secret = String(created.plaintext.dropFirst(13))
        let dump = try f.database.query("SELECT * FROM api_keys").map { "\($0.values)" }.joined()
        #expect(!dump.contains(secret))
        let listed = try f.keys.list(userID: u.id)
        let single = try f.keys.get(created.key.id)
        #expect(!"\(listed)".contains(secret) && !"\(single as Any)".contains(secret))
    }
}
