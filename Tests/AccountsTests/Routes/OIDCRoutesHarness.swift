import Accounts
import Core
import HTTP
import Store
import TestSupport

/// The account routes with a fake identity provider registered as `fake` through the admin route,
/// and a browser's walk through a sign-in: start at the appliance, follow the provider's
/// authorization URL, come back to the callback.
struct OIDCRoutesHarness {
    let fixture: AccountRoutesFixture
    let idp: FakeIdentityProvider
    let party: OIDCRelyingParty
    let providerID: String

    init(provider extra: [String: JSON] = [:], _ configure: (inout FakeIdentityProvider.Settings) -> Void = { _ in }) async throws {
        idp = try FakeIdentityProvider()
        idp.update(configure)
        let party = OIDCRelyingParty()
        self.party = party
        fixture = try AccountRoutesFixture(providers: { [AuthRoutes(service: $0), OIDCRoutes(service: $0, relyingParty: party)] })
        var body: [String: JSON] = [
            "name": "fake", "display_name": "Fake IdP", "issuer_url": .string(idp.issuer), "client_id": .string(idp.settings.clientID),
            "client_secret": .string(idp.settings.clientSecret),
        ]
        body.merge(extra) { _, new in new }
        let created = try await fixture.request("POST", "/api/v1/admin/oidc/providers", headers: fixture.owner, json: .object(body))
        guard created.status == 201, let id = try JSON.parseStrict(created.body)["id"]?.stringValue else {
            throw FixtureError("creating the provider answered \(created.status): \(created.text)")
        }
        providerID = id
    }

    func stop() async {
        await fixture.stop()
    }

    /// Starts a sign-in (or, with `path` and a caller's headers, a link), follows the authorization URL
    /// at the provider, and returns the query the provider sent the browser back with.
    func authorize(
        _ method: String = "GET", _ path: String = "/api/v1/oidc/auth/fake", headers: [String: String] = [:]
    ) async throws -> [String: String] {
        try await browse(method, path, headers: headers).query
    }

    /// As `authorize`, with the `Cookie` header a browser would send back from the start's answer.
    func browse(
        _ method: String = "GET", _ path: String = "/api/v1/oidc/auth/fake", headers: [String: String] = [:]
    ) async throws -> (query: [String: String], cookie: String?) {
        let reply = try await fixture.request(method, path, headers: headers)
        guard reply.status == 200, let url = try JSON.parseStrict(reply.body)["auth_url"]?.stringValue else {
            throw FixtureError("\(path) answered \(reply.status): \(reply.text)")
        }
        let cookie = reply.headerLines.first { $0.lowercased().hasPrefix("set-cookie:") }.map {
            String($0.dropFirst("set-cookie:".count).prefix { $0 != ";" }).trimmingWhitespace()
        }
        return (try await idp.authorize(url), cookie)
    }

    /// The callback as the provider's redirect makes the browser call it (the values are base64url).
    func callback(_ query: [String: String], headers: [String: String] = [:]) async throws -> RawHTTPClient.Reply {
        let pairs = query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return try await fixture.request("GET", "/api/v1/oidc/callback/fake?" + pairs, headers: headers)
    }

    /// A whole sign-in; the callback's reply.
    func signIn() async throws -> RawHTTPClient.Reply {
        try await callback(try await authorize())
    }

    /// How many activity entries carry `action`.
    func activity(_ action: String) async throws -> Int {
        let service = fixture.service
        return try await service.database.perform { try service.activity.query(ActivityFilter(action: action)).total }
    }

    func userCount() async throws -> Int {
        let service = fixture.service
        return try await service.database.perform { try service.users.count() }
    }
}
