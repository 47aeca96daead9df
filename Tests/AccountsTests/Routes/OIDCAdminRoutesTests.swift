import Accounts
import Core
import HTTP
import TestSupport
import Testing

/// 003's `/admin/oidc/providers*`: who may call them, the masked client secret, bad input, and what
/// enable, disable, default and delete do to the sign-in routes.
struct OIDCAdminRoutesTests {
    static let base = "/api/v1/admin/oidc/providers"

    @Test func aUserRoleIsRefusedEveryAdminRoute() async throws {
        let oidc = try await OIDCRoutesHarness()
        defer { Task { await oidc.stop() } }
        try await oidc.fixture.user("carl")
        let (access, _) = try await oidc.fixture.login("carl")
        let user = AccountRoutesFixture.bearer(access)
        let one = Self.base + "/" + oidc.providerID
        let calls: [(String, String, JSON?)] = [
            ("GET", Self.base, nil), ("POST", Self.base, ["name": "x"]), ("GET", one, nil), ("PATCH", one, ["display_name": "x"]),
            ("DELETE", one, nil), ("POST", one + "/enable", nil), ("POST", one + "/disable", nil), ("POST", one + "/default", nil),
        ]
        for (method, path, body) in calls {
            let reply = try await oidc.fixture.request(method, path, headers: user, json: body)
            #expect(reply.status == 403, "\(method) \(path)")
            #expect(try await oidc.fixture.request(method, path, json: body).status == 401, "\(method) \(path)")
        }
        #expect(try await oidc.fixture.request("GET", Self.base, headers: oidc.fixture.owner).status == 200)
    }

    @Test func theClientSecretIsMaskedAndAPatchWithTheMaskKeepsIt() async throws {
        let oidc = try await OIDCRoutesHarness()
        defer { Task { await oidc.stop() } }
        let secret = oidc.idp.settings.clientSecret
        let list = try await oidc.fixture.request("GET", Self.base, headers: oidc.fixture.owner)
        let one = try await oidc.fixture.request("GET", Self.base + "/" + oidc.providerID, headers: oidc.fixture.owner)
        let publicList = try await oidc.fixture.request("GET", "/api/v1/oidc/providers")
        for reply in [list, one, publicList] {
            #expect(reply.status == 200)
            #expect(!reply.text.contains(secret))
        }
        #expect(try JSON.parseStrict(one.body)["client_secret"]?.stringValue == "****")
        #expect(try JSON.parseStrict(list.body)["total"]?.intValue == 1)
        let info = try JSON.parseStrict(publicList.body)["providers"]?.arrayValue?.first
        #expect(info?["name"]?.stringValue == "fake" && info?["display_name"]?.stringValue == "Fake IdP")
        #expect(info?["client_id"] == nil && info?["client_secret"] == nil)

        let patched = try await oidc.fixture.request(
            "PATCH", Self.base + "/" + oidc.providerID, headers: oidc.fixture.owner, json: ["display_name": "Company", "client_secret": "****"])
        #expect(patched.status == 200)
        #expect(try JSON.parseStrict(patched.body)["display_name"]?.stringValue == "Company")
        #expect(try await oidc.signIn().status == 200)
        // A new, wrong secret is stored: the provider refuses the exchange.
        _ = try await oidc.fixture.request(
            "PATCH", Self.base + "/" + oidc.providerID, headers: oidc.fixture.owner, json: ["client_secret": "a wrong secret"])
        #expect(try await oidc.signIn().status == 401)
        #expect(try await oidc.activity(ActivityAction.providerUpdated) == 2)
        #expect(try await oidc.activity(ActivityAction.providerCreated) == 1)
    }

    static let badCreates: [(String, JSON)] = [
        ("issuer_url", ["issuer_url": "http://idp.example.com"]),
        ("issuer_url", ["issuer_url": "ftp://idp.example.com"]),
        ("name", ["name": "Not A Slug"]),
        ("client_secret", ["client_secret": nil]),
        ("client_secret", ["client_secret": "****"]),
        ("scopes", ["scopes": ["profile"]]),
        ("token_endpoint", ["token_endpoint": "http://idp.example.com/token"]),
        ("claim_mappings", ["claim_mappings": ["unknown": "x"]]),
        ("provider_type", ["provider_type": "okta"]),
        ("default_role", ["default_role": "no such role"]),
    ]

    @Test(arguments: badCreates)
    func aBadCreateIs400NamingTheField(field: String, change: JSON) async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        var body: [String: JSON] = [
            "name": "corp", "display_name": "Corp", "issuer_url": "https://idp.example.com", "client_id": "appliance",
            "client_secret": "secret",
        ]
        for (name, value) in change.objectValue ?? [:] { body[name] = value == .null ? nil : value }
        let reply = try await fixture.request("POST", Self.base, headers: fixture.owner, json: .object(body))
        #expect(reply.status == 400)
        #expect(try JSON.parseStrict(reply.body)["detail"]?.stringValue == field)
    }

    @Test func aTakenNameIs409() async throws {
        let oidc = try await OIDCRoutesHarness()
        defer { Task { await oidc.stop() } }
        let again = try await oidc.fixture.request(
            "POST", Self.base, headers: oidc.fixture.owner,
            json: ["name": "fake", "display_name": "x", "issuer_url": "https://idp.example.com", "client_id": "c", "client_secret": "s"])
        #expect(again.status == 409)
    }

    @Test func disableEnableDefaultAndDeleteReachTheSignInRoutes() async throws {
        let oidc = try await OIDCRoutesHarness()
        defer { Task { await oidc.stop() } }
        let owner = oidc.fixture.owner
        let one = Self.base + "/" + oidc.providerID
        #expect(try await oidc.fixture.request("POST", one + "/disable", headers: owner).status == 204)
        #expect(try JSON.parseStrict(try await oidc.fixture.request("GET", "/api/v1/oidc/providers").body)["total"]?.intValue == 0)
        #expect(try await oidc.fixture.request("GET", "/api/v1/oidc/auth/fake").status == 404)
        #expect(try await oidc.fixture.request("POST", one + "/enable", headers: owner).status == 204)
        #expect(try await oidc.fixture.request("POST", one + "/default", headers: owner).status == 204)
        let info = try JSON.parseStrict(try await oidc.fixture.request("GET", "/api/v1/oidc/providers").body)["providers"]?.arrayValue?.first
        #expect(info?["is_default"] == true)
        let access = try #require(try JSON.parseStrict(try await oidc.signIn().body)["access_token"]?.stringValue)

        #expect(try await oidc.fixture.request("DELETE", one, headers: owner).status == 204)
        #expect(try await oidc.fixture.request("GET", one, headers: owner).status == 404)
        #expect(try await oidc.fixture.request("POST", one + "/enable", headers: owner).status == 404)
        let links = try await oidc.fixture.request("GET", "/api/v1/users/me/oidc", headers: AccountRoutesFixture.bearer(access))
        #expect(try JSON.parseStrict(links.body)["total"]?.intValue == 0)
        #expect(try await oidc.activity(ActivityAction.providerDeleted) == 1)
    }
}
