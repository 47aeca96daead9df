import Accounts
import Core
import Crypto
import HTTP
import Store
import TestSupport
import Testing

/// 003's OIDC sign-in, link and unlink through the routes against a fake provider, and each refusal
/// issue 11 lists: no session, a 4xx in the one error shape, an `auth.login_failed` entry.
struct OIDCRoutesTests {
    @Test func aFirstSignInCreatesTheUserAndASecondReusesTheLink() async throws {
        let oidc = try await OIDCRoutesHarness()
        defer { Task { await oidc.stop() } }
        let first = try await oidc.signIn()
        #expect(first.status == 200)
        #expect(first.header("Cache-Control") == "no-store")
        let body = try JSON.parseStrict(first.body)
        #expect(body["token_type"]?.stringValue == "Bearer")
        #expect(body["refresh_token"]?.stringValue?.isEmpty == false)
        #expect(body["user"]?["username"]?.stringValue == "ada")
        #expect(body["user"]?["email"]?.stringValue == "ada@example.com")
        #expect(body["user"]?["role"]?.stringValue == "user")
        #expect(!first.text.contains(oidc.idp.settings.clientSecret))
        let access = try #require(body["access_token"]?.stringValue)
        let links = try await oidc.fixture.request("GET", "/api/v1/users/me/oidc", headers: AccountRoutesFixture.bearer(access))
        #expect(links.status == 200)
        let linkBody = try JSON.parseStrict(links.body)
        #expect(linkBody["total"]?.intValue == 1)
        #expect(linkBody["links"]?.arrayValue?.first?["provider_name"]?.stringValue == "fake")
        #expect(linkBody["links"]?.arrayValue?.first?["provider_display_name"]?.stringValue == "Fake IdP")

        let second = try await oidc.signIn()
        #expect(second.status == 200)
        #expect(try JSON.parseStrict(second.body)["user"]?["id"] == body["user"]?["id"])
        #expect(try await oidc.userCount() == 1)
        #expect(try await oidc.activity(ActivityAction.login) == 2)
        #expect(try await oidc.activity(ActivityAction.userCreated) == 1)
    }

    @Test func theUsernameIsMadeUniqueAndAnUnverifiedEmailIsLeftOut() async throws {
        let oidc = try await OIDCRoutesHarness { $0.profile["email_verified"] = false }
        defer { Task { await oidc.stop() } }
        try await oidc.fixture.user("ada", email: "someone@example.com")
        let reply = try await oidc.signIn()
        #expect(reply.status == 200)
        let user = try JSON.parseStrict(reply.body)["user"]
        #expect(user?["username"]?.stringValue == "ada-2")
        #expect(user?["email"] == .null)
    }

    @Test func aRedirectURLMakesTheCallbackA302WithTheSessionCookies() async throws {
        let oidc = try await OIDCRoutesHarness()
        defer { Task { await oidc.stop() } }
        let (query, cookie) = try await oidc.browse("GET", "/api/v1/oidc/auth/fake?redirect_url=/library")
        let state = try #require(cookie)
        #expect(state.hasPrefix("applianced_oidc_state="))
        let reply = try await oidc.callback(query, headers: ["Cookie": state])
        #expect(reply.status == 302)
        #expect(reply.header("Location") == "/library")
        let cookies = reply.headerLines.filter { $0.lowercased().hasPrefix("set-cookie:") }
        for name in [SessionCookies.access, SessionCookies.refresh, SessionCookies.csrf] {
            #expect(cookies.contains { $0.contains("\(name)=") }, "\(name)")
        }
        #expect(cookies.contains { $0.contains("\(SessionCookies.access)=") && $0.contains("HttpOnly") })
        // Only a path here: never another site.
        let away = try await oidc.fixture.request("GET", "/api/v1/oidc/auth/fake?redirect_url=//evil.example/")
        #expect(away.status == 400)
        #expect(try JSON.parseStrict(away.body)["detail"]?.stringValue == "redirect_url")
    }

    @Test func aBrowserSignInMustComeBackToTheBrowserThatStartedIt() async throws {
        let oidc = try await OIDCRoutesHarness()
        defer { Task { await oidc.stop() } }
        // A callback URL made in another browser (login CSRF): no state cookie, or another one.
        let (query, _) = try await oidc.browse("GET", "/api/v1/oidc/auth/fake?redirect_url=/library")
        try await expectRefused(oidc, try await oidc.callback(query), status: 400)
        let (other, _) = try await oidc.browse("GET", "/api/v1/oidc/auth/fake?redirect_url=/library")
        let refused = try await oidc.callback(other, headers: ["Cookie": "applianced_oidc_state=\(try PKCE.randomValue())"])
        #expect(refused.status == 400)
        #expect(try await oidc.activity(ActivityAction.login) == 0)
    }

    @Test func anUnknownIdentityIsRefusedWhenTheProviderCreatesNoOne() async throws {
        let oidc = try await OIDCRoutesHarness(provider: ["auto_create_users": false])
        defer { Task { await oidc.stop() } }
        try await expectRefused(oidc, try await oidc.signIn(), status: 403)
    }

    @Test func aLinkFlowLinksTheSignedInUserWhoCanThenSignInAndUnlink() async throws {
        let oidc = try await OIDCRoutesHarness()
        defer { Task { await oidc.stop() } }
        let bob = try await oidc.fixture.user("bob")
        let (access, _) = try await oidc.fixture.login("bob")
        let bearer = AccountRoutesFixture.bearer(access)
        // Only in the browser that started it: without its state cookie the callback links nothing.
        let elsewhere = try await oidc.callback(try await oidc.authorize("POST", "/api/v1/users/me/oidc/fake/link", headers: bearer))
        #expect(elsewhere.status == 400)
        let (query, cookie) = try await oidc.browse("POST", "/api/v1/users/me/oidc/fake/link", headers: bearer)
        let linked = try await oidc.callback(query, headers: ["Cookie": try #require(cookie)])
        #expect(linked.status == 200)
        #expect(try JSON.parseStrict(linked.body)["user"]?["id"]?.stringValue == bob.id)
        #expect(try await oidc.activity(ActivityAction.oidcLinked) == 1)
        // Linked already: a second link is a conflict; a plain sign-in now reaches bob.
        #expect(try await oidc.fixture.request("POST", "/api/v1/users/me/oidc/fake/link", headers: bearer).status == 409)
        let signIn = try await oidc.signIn()
        #expect(try JSON.parseStrict(signIn.body)["user"]?["id"]?.stringValue == bob.id)
        #expect(try await oidc.userCount() == 1)

        #expect(try await oidc.fixture.request("DELETE", "/api/v1/users/me/oidc/fake", headers: bearer).status == 204)
        let links = try await oidc.fixture.request("GET", "/api/v1/users/me/oidc", headers: bearer)
        #expect(try JSON.parseStrict(links.body)["total"]?.intValue == 0)
        #expect(try await oidc.fixture.request("DELETE", "/api/v1/users/me/oidc/fake", headers: bearer).status == 404)
        #expect(try await oidc.activity(ActivityAction.oidcUnlinked) == 1)
    }

    @Test func aDisabledUserIsRefusedThroughTheirLink() async throws {
        let oidc = try await OIDCRoutesHarness()
        defer { Task { await oidc.stop() } }
        let id = try #require(try JSON.parseStrict(try await oidc.signIn().body)["user"]?["id"]?.stringValue)
        let service = oidc.fixture.service
        _ = try await service.database.perform { try service.users.setDisabled(id, true) }
        try await service.reloadDirectory()
        let refused = try await oidc.signIn()
        #expect(refused.status == 401)
        #expect(try JSON.parseStrict(refused.body)["access_token"] == nil)
        #expect(try await oidc.activity(ActivityAction.loginFailed) == 1)
        #expect(try await oidc.activity(ActivityAction.login) == 1)
    }

    @Test func theLastWayToSignInCannotBeUnlinked() async throws {
        let oidc = try await OIDCRoutesHarness()
        defer { Task { await oidc.stop() } }
        let access = try #require(try JSON.parseStrict(try await oidc.signIn().body)["access_token"]?.stringValue)
        let bearer = AccountRoutesFixture.bearer(access)
        let refused = try await oidc.fixture.request("DELETE", "/api/v1/users/me/oidc/fake", headers: bearer)
        #expect(refused.status == 403)
        #expect(try JSON.parseStrict(refused.body)["success"] == false)
        let links = try await oidc.fixture.request("GET", "/api/v1/users/me/oidc", headers: bearer)
        #expect(try JSON.parseStrict(links.body)["total"]?.intValue == 1)
    }

    @Test func theApplianceTokenHasNoLinksAndCannotMakeOne() async throws {
        let oidc = try await OIDCRoutesHarness()
        defer { Task { await oidc.stop() } }
        let links = try await oidc.fixture.request("GET", "/api/v1/users/me/oidc", headers: oidc.fixture.owner)
        #expect(links.status == 200)
        #expect(try JSON.parseStrict(links.body)["total"]?.intValue == 0)
        #expect(try await oidc.fixture.request("POST", "/api/v1/users/me/oidc/fake/link", headers: oidc.fixture.owner).status == 400)
        #expect(try await oidc.fixture.request("GET", "/api/v1/users/me/oidc").status == 401)
    }

    // MARK: Refusals through the callback

    /// No session, no user, the error shape, and one more `auth.login_failed`.
    func expectRefused(_ oidc: OIDCRoutesHarness, _ reply: RawHTTPClient.Reply, status: Int, logins: Int = 0) async throws {
        #expect(reply.status == status)
        let body = try JSON.parseStrict(reply.body)
        #expect(body["success"] == false)
        #expect(body["code"]?.stringValue?.isEmpty == false && body["error"]?.stringValue?.isEmpty == false)
        #expect(body["access_token"] == nil)
        #expect(reply.headerLines.allSatisfy { !$0.lowercased().hasPrefix("set-cookie:") })
        #expect(!reply.text.contains(oidc.idp.settings.clientSecret))
        #expect(try await oidc.activity(ActivityAction.login) == logins)
        #expect(try await oidc.activity(ActivityAction.loginFailed) == 1)
        if logins == 0 { #expect(try await oidc.userCount() == 0) }
    }

    @Test func aWrongStateIsRefused() async throws {
        let oidc = try await OIDCRoutesHarness()
        defer { Task { await oidc.stop() } }
        var query = try await oidc.authorize()
        query["state"] = try PKCE.randomValue()
        try await expectRefused(oidc, try await oidc.callback(query), status: 400)
    }

    @Test func aReusedStateIsRefused() async throws {
        let oidc = try await OIDCRoutesHarness()
        defer { Task { await oidc.stop() } }
        let query = try await oidc.authorize()
        #expect(try await oidc.callback(query).status == 200)
        try await expectRefused(oidc, try await oidc.callback(query), status: 400, logins: 1)
    }

    @Test func aWrongNonceIsRefused() async throws {
        let oidc = try await OIDCRoutesHarness { $0.nonce = "replayed-nonce" }
        defer { Task { await oidc.stop() } }
        try await expectRefused(oidc, try await oidc.signIn(), status: 401)
    }

    @Test func aWrongAudienceIsRefused() async throws {
        let oidc = try await OIDCRoutesHarness { $0.audience = "another-client" }
        defer { Task { await oidc.stop() } }
        try await expectRefused(oidc, try await oidc.signIn(), status: 401)
    }

    @Test func aWrongIssuerIsRefused() async throws {
        let oidc = try await OIDCRoutesHarness { $0.issuerClaim = "https://evil.example" }
        defer { Task { await oidc.stop() } }
        try await expectRefused(oidc, try await oidc.signIn(), status: 401)
    }

    @Test func aWrongPKCEVerifierIsRefused() async throws {
        let oidc = try await OIDCRoutesHarness()
        defer { Task { await oidc.stop() } }
        let query = try await oidc.authorize()
        let state = try #require(query["state"])
        // Swap the remembered verifier for another: the provider's S256 check fails the exchange.
        let login = try #require(oidc.party.pending.take(state: state, now: FakeIdentityProvider.now()))
        oidc.party.pending.insert(
            OIDCPendingLogin(
                providerID: login.providerID, codeVerifier: try PKCE.generate().verifier, nonce: login.nonce, redirectURI: login.redirectURI,
                returnTo: login.returnTo, linkingUserID: login.linkingUserID, createdAt: login.createdAt),
            state: state)
        try await expectRefused(oidc, try await oidc.callback(query), status: 401)
    }

    @Test func theStartIsLimitedPerAddress() async throws {
        let oidc = try await OIDCRoutesHarness()
        defer { Task { await oidc.stop() } }
        for _ in 0..<20 { #expect(try await oidc.fixture.request("GET", "/api/v1/oidc/auth/fake").status == 200) }
        let limited = try await oidc.fixture.request("GET", "/api/v1/oidc/auth/fake")
        #expect(limited.status == 429 && limited.header("Retry-After") != nil)
    }
}
