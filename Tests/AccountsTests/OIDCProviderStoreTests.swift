import Accounts
import FoundationEssentials
import Store
import Testing

struct OIDCProviderStoreTests {
    static func settings(_ name: String = "authentik") -> OIDCProviderSettings {
        var s = OIDCProviderSettings(
            name: name, displayName: "Authentik", issuerURL: "https://auth.example.com/application/o/appliance/",
            clientID: "client-1", clientSecret: "s3cr3t-value")
        s.roleMappings = ["admins": Role.admin]
        return s
    }

    @Test func theClientSecretIsMaskedOnEveryResponseRead() throws {
        let f = try AccountsFixture()
        let created = try f.oidc.create(Self.settings())
        #expect(created.settings.clientSecret == OIDCProvider.mask)
        #expect(try f.oidc.get(id: created.id)?.settings.clientSecret == OIDCProvider.mask)
        #expect(try f.oidc.get(name: "AUTHENTIK")?.settings.clientSecret == OIDCProvider.mask)
        #expect(try f.oidc.list().allSatisfy { $0.settings.clientSecret == OIDCProvider.mask })
        let listed = try f.oidc.list()
        #expect(!"\(listed)".contains("s3cr3t-value"))
        #expect(try f.oidc.unmasked(id: created.id)?.settings.clientSecret == "s3cr3t-value")
        #expect(created.settings.roleMappings == ["admins": "admin"] && created.settings.scopes == ["openid", "profile", "email"])
        #expect(created.settings.claimMappings == OIDCClaimMappings())
    }

    @Test func updateKeepsTheSecretUnlessGiven() throws {
        let f = try AccountsFixture()
        let created = try f.oidc.create(Self.settings())
        let renamed = try f.oidc.update(created.id) { s in
            s.displayName = "Company SSO"
            s.clientSecret = OIDCProvider.mask
            s.endpoints.token = "https://auth.example.com/token"
            s.claimMappings.username = "nickname"
        }
        #expect(renamed?.settings.displayName == "Company SSO" && renamed?.settings.endpoints.token == "https://auth.example.com/token")
        #expect(renamed?.settings.claimMappings.username == "nickname")
        #expect(try f.oidc.unmasked(id: created.id)?.settings.clientSecret == "s3cr3t-value")
        try f.oidc.update(created.id) { $0.clientSecret = "rotated" }
        #expect(try f.oidc.unmasked(id: created.id)?.settings.clientSecret == "rotated")
        try f.oidc.update(created.id) { $0.enabled = false }
        #expect(try f.oidc.list(enabledOnly: true).isEmpty)
        #expect(try f.oidc.update("missing") { $0.enabled = true } == nil)
    }

    @Test func namesAreUniqueAndInputIsChecked() throws {
        let f = try AccountsFixture()
        try f.oidc.create(Self.settings("keycloak"))
        #expect(throws: AccountError.conflict(field: "name")) { try f.oidc.create(Self.settings("keycloak")) }
        var bad = Self.settings("x")
        bad.issuerURL = "ftp://nope"
        #expect(throws: AccountError.self) { try f.oidc.create(bad) }
        bad = Self.settings("x")
        bad.clientSecret = ""
        #expect(throws: AccountError.self) { try f.oidc.create(bad) }
        bad = Self.settings("x")
        bad.scopes = ["profile"]
        #expect(throws: AccountError.self) { try f.oidc.create(bad) }
        bad = Self.settings("Has Space")
        #expect(throws: AccountError.self) { try f.oidc.create(bad) }
        bad = Self.settings("x")
        bad.defaultRole = "wizard"
        #expect(throws: AccountError.self) { try f.oidc.create(bad) }
    }

    @Test func defaultEnableAndDelete() throws {
        let f = try AccountsFixture()
        let a = try f.oidc.create(Self.settings("a"))
        let b = try f.oidc.create(Self.settings("b"))
        #expect(try f.oidc.setDefault(a.id))
        #expect(try f.oidc.setDefault(b.id))
        #expect(try f.oidc.list().filter { $0.isDefault }.map(\.id) == [b.id])
        #expect(try !f.oidc.setDefault("missing"))
        #expect(try f.oidc.delete(a.id))
        #expect(try !f.oidc.delete(a.id))
    }

    @Test func linksAreUniquePerProviderAndSubject() throws {
        let f = try AccountsFixture()
        let p = try f.oidc.create(Self.settings())
        let u = try f.user("ada")
        let v = try f.user("boris")
        let link = try f.oidc.link(providerID: p.id, subject: "sub-1", userID: u.id, email: "ada@corp.example")
        #expect(link.providerName == "authentik" && link.providerDisplayName == "Authentik" && link.userID == u.id)
        #expect(try f.oidc.link(providerID: p.id, subject: "sub-1")?.userID == u.id)
        #expect(throws: AccountError.conflict(field: "subject")) { try f.oidc.link(providerID: p.id, subject: "sub-1", userID: v.id) }
        #expect(throws: AccountError.conflict(field: "provider")) { try f.oidc.link(providerID: p.id, subject: "sub-2", userID: u.id) }
        try f.oidc.recordLogin(linkID: link.id, at: Date(timeIntervalSince1970: 1_900_000_000))
        #expect(try f.oidc.links(userID: u.id).first?.lastLoginAt == Date(timeIntervalSince1970: 1_900_000_000))
        #expect(try f.oidc.unlink(providerID: p.id, userID: u.id))
        #expect(try f.oidc.link(providerID: p.id, subject: "sub-1") == nil)
        try f.oidc.link(providerID: p.id, subject: "sub-1", userID: v.id)
        #expect(try f.oidc.delete(p.id))
        #expect(try f.oidc.links(userID: v.id).isEmpty)
    }

    @Test func aRoleThatIsAProvidersDefaultCannotBeDeleted() throws {
        let f = try AccountsFixture()
        try f.roles.create(name: "sso")
        var s = Self.settings()
        s.defaultRole = "sso"
        try f.oidc.create(s)
        #expect(throws: AccountError.self) { try f.roles.delete("sso") }
        #expect(try f.roles.get("sso") != nil)
    }
}
