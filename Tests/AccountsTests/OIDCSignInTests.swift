import Accounts
import Core
import Crypto
import TestSupport
import Testing

/// A relying party and a fake provider, and one sign-in through both as a browser would make it.
struct OIDCFlow {
    static let redirectURI = "http://127.0.0.1:9/api/v1/oidc/callback/fake"
    let idp: FakeIdentityProvider
    let party = OIDCRelyingParty()
    var provider: OIDCProviderConfig

    init(_ configure: (inout FakeIdentityProvider.Settings) -> Void = { _ in }) throws {
        idp = try FakeIdentityProvider()
        idp.update(configure)
        let settings = idp.settings
        provider = OIDCProviderConfig(id: "fake", issuer: idp.issuer, clientID: settings.clientID, clientSecret: settings.clientSecret)
    }

    /// The authorization request, and the callback's query after the provider redirected back.
    func authorize(now: Int64 = FakeIdentityProvider.now()) async throws -> (OIDCAuthorizationRequest, [String: String]) {
        let request = try await party.authorizationURL(
            provider: provider, redirectURI: Self.redirectURI, returnTo: "/library", linkingUserID: nil, now: now)
        return (request, try await idp.authorize(request.url))
    }

    func signIn(now: Int64 = FakeIdentityProvider.now()) async throws -> OIDCSignIn {
        let (_, callback) = try await authorize(now: now)
        return try await party.finish(provider: provider, state: callback["state"] ?? "", code: callback["code"], now: now)
    }
}

/// Sign-in with OpenID Connect end to end against a fake provider, and each refusal issue 11 lists.
struct OIDCSignInTests {
    @Test func roundTripWithRS256AndClientSecretBasic() async throws {
        let flow = try OIDCFlow()
        let (request, callback) = try await flow.authorize()
        #expect(request.url.hasPrefix(flow.idp.issuer + "/authorize?response_type=code&client_id=appliance&"))
        #expect(request.url.contains("&code_challenge_method=S256"))
        #expect(callback["state"] == request.state)
        let signIn = try await flow.party.finish(
            provider: flow.provider, state: request.state, code: callback["code"], now: FakeIdentityProvider.now())
        #expect(signIn.providerID == "fake")
        #expect(signIn.returnTo == "/library")
        #expect(signIn.linkingUserID == nil)
        #expect(
            signIn.identity
                == OIDCIdentity(
                    issuer: flow.idp.issuer, subject: "user-1", email: "ada@example.com", emailVerified: true, name: "Ada Lovelace",
                    preferredUsername: "ada"))
        let form = try #require(flow.idp.tokenRequests.last)
        #expect(form["_authorization"]?.hasPrefix("Basic ") == true)
        #expect(form["client_secret"] == nil)
        #expect(form["code_verifier"]?.utf8.count == 43)
        #expect(flow.party.pending.count == 0)
    }

    @Test func clientSecretPostWhenThatIsAllTheProviderTakes() async throws {
        let flow = try OIDCFlow { $0.authMethods = ["client_secret_post"] }
        #expect(try await flow.signIn().identity.subject == "user-1")
        let form = try #require(flow.idp.tokenRequests.last)
        #expect(form["_authorization"] == nil)
        #expect(form["client_secret"] == flow.provider.clientSecret)
    }

    @Test func es256() async throws {
        let flow = try OIDCFlow { $0.signingKey = .p256 }
        #expect(try await flow.signIn().identity.email == "ada@example.com")
    }

    @Test func linkFlowCarriesTheUser() async throws {
        let flow = try OIDCFlow()
        let request = try await flow.party.authorizationURL(
            provider: flow.provider, redirectURI: OIDCFlow.redirectURI, linkingUserID: "u-42", now: FakeIdentityProvider.now())
        let callback = try await flow.idp.authorize(request.url)
        let signIn = try await flow.party.finish(
            provider: flow.provider, state: request.state, code: callback["code"], now: FakeIdentityProvider.now())
        #expect(signIn.linkingUserID == "u-42")
        #expect(signIn.returnTo == nil)
    }

    @Test func wrongStateIsRefused() async throws {
        let flow = try OIDCFlow()
        let (request, callback) = try await flow.authorize()
        let now = FakeIdentityProvider.now()
        await #expect(throws: OIDCError.unknownState) {
            try await flow.party.finish(provider: flow.provider, state: try PKCE.randomValue(), code: callback["code"], now: now)
        }
        _ = try await flow.party.finish(provider: flow.provider, state: request.state, code: callback["code"], now: now)
        // A state is good once.
        await #expect(throws: OIDCError.unknownState) {
            try await flow.party.finish(provider: flow.provider, state: request.state, code: callback["code"], now: now)
        }
    }

    @Test func stateExpiresAfterTenMinutes() async throws {
        let flow = try OIDCFlow()
        let now = FakeIdentityProvider.now()
        let (request, callback) = try await flow.authorize(now: now)
        await #expect(throws: OIDCError.unknownState) {
            try await flow.party.finish(provider: flow.provider, state: request.state, code: callback["code"], now: now + 600)
        }
    }

    @Test func callbackForAnotherProviderIsRefused() async throws {
        let flow = try OIDCFlow()
        let (request, callback) = try await flow.authorize()
        var other = flow.provider
        other.id = "other"
        await #expect(throws: OIDCError.providerMismatch) {
            try await flow.party.finish(provider: other, state: request.state, code: callback["code"], now: FakeIdentityProvider.now())
        }
    }

    @Test func providerErrorIsReported() async throws {
        let flow = try OIDCFlow()
        let (request, _) = try await flow.authorize()
        await #expect(throws: OIDCError.authorizationDenied("access_denied")) {
            try await flow.party.finish(
                provider: flow.provider, state: request.state, code: nil, error: "access_denied", now: FakeIdentityProvider.now())
        }
    }

    @Test func wrongNonceIsRefused() async throws {
        let flow = try OIDCFlow { $0.nonce = "replayed-nonce" }
        await #expect(throws: OIDCError.wrongNonce) { try await flow.signIn() }
    }

    @Test func wrongAudienceIsRefused() async throws {
        let flow = try OIDCFlow { $0.audience = "another-client" }
        await #expect(throws: OIDCError.wrongAudience) { try await flow.signIn() }
        // Several audiences need `azp` naming this client.
        flow.idp.update { $0.audience = ["appliance", "another-client"] }
        await #expect(throws: OIDCError.wrongAudience) { try await flow.signIn() }
        flow.idp.update { $0.authorizedParty = "another-client" }
        await #expect(throws: OIDCError.wrongAudience) { try await flow.signIn() }
        flow.idp.update { $0.authorizedParty = "appliance" }
        #expect(try await flow.signIn().identity.subject == "user-1")
    }

    @Test func wrongIssuerIsRefused() async throws {
        let flow = try OIDCFlow { $0.issuerClaim = "https://evil.example" }
        await #expect(throws: OIDCError.wrongIssuer) { try await flow.signIn() }
        let other = try OIDCFlow { $0.discoveryIssuer = "https://evil.example" }
        await #expect(throws: OIDCError.issuerMismatch) { try await other.authorize() }
    }

    @Test func wrongPKCEVerifierIsRefusedByTheProvider() async throws {
        let flow = try OIDCFlow()
        let (request, callback) = try await flow.authorize()
        let now = FakeIdentityProvider.now()
        // Swap the remembered verifier for another: the provider's S256 check must fail.
        let login = try #require(flow.party.pending.take(state: request.state, now: now))
        flow.party.pending.insert(
            OIDCPendingLogin(
                providerID: login.providerID, codeVerifier: try PKCE.generate().verifier, nonce: login.nonce, redirectURI: login.redirectURI,
                returnTo: login.returnTo, linkingUserID: login.linkingUserID, createdAt: login.createdAt),
            state: request.state)
        await #expect(throws: OIDCError.tokenRequestRefused(status: 400, error: "invalid_grant")) {
            try await flow.party.finish(provider: flow.provider, state: request.state, code: callback["code"], now: now)
        }
    }

    @Test func wrongClientSecretIsRefusedByTheProvider() async throws {
        var flow = try OIDCFlow()
        flow.provider.clientSecret = "guess"
        await #expect(throws: OIDCError.tokenRequestRefused(status: 401, error: "invalid_client")) { try await flow.signIn() }
    }

    @Test func expiredAndFutureTokensAreRefused() async throws {
        let flow = try OIDCFlow { $0.lifetimeSeconds = -3600 }
        await #expect(throws: OIDCError.expired) { try await flow.signIn() }
        flow.idp.update {
            $0.lifetimeSeconds = 300
            $0.issuedAtOffset = 3600
        }
        await #expect(throws: OIDCError.notYetValid) { try await flow.signIn() }
    }
}
