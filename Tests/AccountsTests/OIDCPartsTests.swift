import Accounts
import Core
import Crypto
import TestSupport
import Testing

/// The pieces of the OIDC relying party on their own: PKCE, pending sign-ins, JWKS and discovery parsing.
struct OIDCPartsTests {
    @Test func pkceRFC7636AppendixB() {
        #expect(PKCE.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test(arguments: [32, 96])
    func pkceVerifierLengthAndAlphabet(bytes: Int) throws {
        let verifier = try PKCE.generate(bytes: bytes).verifier
        #expect(verifier.utf8.count == (bytes == 32 ? 43 : 128))
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        #expect(verifier.utf8.allSatisfy(alphabet.contains))
        #expect(try PKCE.generate(bytes: bytes).verifier != verifier)
    }

    static func login(at time: Int64) -> OIDCPendingLogin {
        OIDCPendingLogin(
            providerID: "p", codeVerifier: "v", nonce: "n", redirectURI: "https://box/cb", returnTo: nil, linkingUserID: nil, createdAt: time)
    }

    @Test func pendingLoginsAreSingleUseExpireAndAreBounded() {
        let pending = OIDCPendingLogins(lifetimeSeconds: 600, capacity: 3)
        pending.insert(Self.login(at: 1000), state: "a")
        #expect(pending.take(state: "a", now: 1599) == Self.login(at: 1000))
        #expect(pending.take(state: "a", now: 1599) == nil)
        pending.insert(Self.login(at: 1000), state: "b")
        #expect(pending.take(state: "b", now: 1600) == nil)
        for (index, state) in ["c", "d", "e", "f"].enumerated() { pending.insert(Self.login(at: 2000 + Int64(index)), state: state) }
        #expect(pending.count == 3)
        #expect(pending.take(state: "c", now: 2010) == nil)  // the oldest made room
        #expect(pending.take(state: "f", now: 2010) != nil)
    }

    static let n = Base64.urlEncode([0xc1] + [UInt8](repeating: 0x55, count: 255))

    @Test func jwksKeepsOnlyUsableSigningKeys() throws {
        let point = Base64.urlEncode([UInt8](repeating: 7, count: 32))
        let document: JSON = [
            "keys": [
                ["kty": "RSA", "kid": "ok", "n": .string(Self.n), "e": "AQAB"],
                ["kty": "RSA", "kid": "enc", "use": "enc", "n": .string(Self.n), "e": "AQAB"],
                ["kty": "RSA", "kid": "small", "n": .string(Base64.urlEncode([UInt8](repeating: 0x55, count: 128))), "e": "AQAB"],
                ["kty": "RSA", "kid": "hs", "alg": "HS256", "n": .string(Self.n), "e": "AQAB"],
                ["kty": "RSA", "kid": "es-on-rsa", "alg": "ES256", "n": .string(Self.n), "e": "AQAB"],
                ["kty": "EC", "kid": "p384", "crv": "P-384", "x": .string(point), "y": .string(point)],
                ["kty": "EC", "kid": "ec", "crv": "P-256", "alg": "ES256", "x": .string(point), "y": .string(point)],
                ["kty": "oct", "kid": "oct", "k": "c2VjcmV0"],
                ["kty": "RSA", "kid": "padded", "n": .string(Self.n + "="), "e": "AQAB"],
            ]
        ]
        let keys = try OIDCKey.parseSet(try #require(document.objectValue))
        #expect(keys.map(\.id) == ["ok", "ec"])
        #expect(keys[0].accepts("RS256") && !keys[0].accepts("ES256") && !keys[0].accepts("HS256"))
        #expect(keys[1].accepts("ES256") && !keys[1].accepts("RS256"))
        #expect(throws: OIDCError.badDocument("JWKS has no usable RS256 or ES256 key")) {
            try OIDCKey.parseSet(["keys": [["kty": "oct", "k": "c2VjcmV0"]]])
        }
        #expect(throws: OIDCError.badDocument("JWKS has no keys array")) { try OIDCKey.parseSet(["keys": "none"]) }
    }

    static func discovery(_ changes: [String: JSON]) -> [String: JSON] {
        var document: [String: JSON] = [
            "issuer": "https://id.example", "authorization_endpoint": "https://id.example/auth", "token_endpoint": "https://id.example/token",
            "jwks_uri": "https://id.example/jwks",
        ]
        for (key, value) in changes { document[key] = value }
        return document
    }

    @Test(
        arguments: [
            (["issuer": "https://id.example/"], OIDCError.issuerMismatch),
            (["token_endpoint": .null], .badDocument("discovery has no token_endpoint")),
            (["jwks_uri": 7], .badDocument("discovery's jwks_uri is not a string")),
            (["token_endpoint": "http://id.example/token"], .insecureURL("token_endpoint")),
            (["jwks_uri": "http://127.0.0.1.evil.example/jwks"], .insecureURL("jwks_uri")),
            (["jwks_uri": "http://user@127.0.0.1/jwks"], .insecureURL("jwks_uri")),
            (["authorization_endpoint": "ftp://id.example/auth"], .insecureURL("authorization_endpoint")),
            (["authorization_endpoint": "https://id.example/a b"], .insecureURL("authorization_endpoint")),
            (["userinfo_endpoint": "http://localhost.example/u"], .insecureURL("userinfo_endpoint")),
            (["code_challenge_methods_supported": ["plain"]], .badDocument("provider does not support PKCE S256")),
            (["response_types_supported": ["id_token"]], .badDocument("provider does not support response_type=code")),
        ] as [([String: JSON], OIDCError)])
    func badDiscoveryIsRefused(changes: [String: JSON], error: OIDCError) {
        #expect(throws: error) { try OIDCProviderMetadata.parse(Self.discovery(changes), expectedIssuer: "https://id.example") }
    }

    @Test func discoveryAllowsHTTPOnLoopbackOnly() throws {
        for url in ["http://127.0.0.1:8080/jwks", "http://localhost/jwks", "http://[::1]:9/jwks", "https://id.example:8443/jwks?x=1"] {
            #expect(try OIDCProviderMetadata.parse(Self.discovery(["jwks_uri": .string(url)]), expectedIssuer: "https://id.example").jwksURI == url)
        }
        let metadata = try OIDCProviderMetadata.parse(Self.discovery([:]), expectedIssuer: "https://id.example")
        #expect(metadata.tokenEndpointAuthMethods == ["client_secret_basic"])
        #expect(
            OIDCProviderMetadata.discoveryURL(issuer: "https://id.example/tenant/") == "https://id.example/tenant/.well-known/openid-configuration")
    }

    @Test func authorizationURLIsPercentEncoded() async throws {
        let idp = try FakeIdentityProvider()
        let party = OIDCRelyingParty()
        let provider = OIDCProviderConfig(
            id: "x", issuer: idp.issuer, clientID: "a b&c=d/é", clientSecret: "s", scopes: ["email", "openid", "groups"])
        let request = try await party.authorizationURL(provider: provider, redirectURI: "http://127.0.0.1:9/cb?x=1&y=2", now: 1000)
        let query = LoopbackHTTPServer.decodeForm(String(request.url.split(separator: "?", maxSplits: 1)[1]))
        #expect(query["client_id"] == "a b&c=d/é")
        #expect(query["redirect_uri"] == "http://127.0.0.1:9/cb?x=1&y=2")
        #expect(query["scope"] == "openid email groups")
        #expect(query["response_type"] == "code" && query["code_challenge_method"] == "S256")
        #expect(query["state"] == request.state && query["nonce"]?.utf8.count == 43)
        #expect(request.url.contains("client_id=a%20b%26c%3Dd%2F%C3%A9&"))
        let login = try #require(party.pending.take(state: request.state, now: 1000))
        #expect(query["code_challenge"] == PKCE.challenge(for: login.codeVerifier))
        #expect(query["nonce"] == login.nonce)
    }

    @Test func unreachableProviderIsAProviderFault() async throws {
        let party = OIDCRelyingParty()
        let provider = OIDCProviderConfig(id: "x", issuer: "http://127.0.0.1:1", clientID: "c", clientSecret: "s")
        do {
            _ = try await party.authorizationURL(provider: provider, redirectURI: "http://127.0.0.1:9/cb", now: 1000)
            Issue.record("no error")
        } catch {
            #expect(error == .unreachable("unreachable"))
            #expect(error.isProviderFault)
        }
        let insecure = OIDCProviderConfig(id: "x", issuer: "http://id.example", clientID: "c", clientSecret: "s")
        await #expect(throws: OIDCError.insecureURL("issuer")) {
            try await party.authorizationURL(provider: insecure, redirectURI: "http://127.0.0.1:9/cb", now: 1000)
        }
    }

    @Test(arguments: [
        ("/library?x=1", true), ("/", true), ("//evil.example/", false), ("/\\evil.example", false), ("https://evil.example/", false),
        ("library", false), ("/a\nSet-Cookie: x", false),
    ])
    func returnToMustBeALocalPath(path: String, kept: Bool) {
        #expect((OIDCRelyingParty.localPath(path) != nil) == kept)
    }

    @Test func aKeySetThatCouldNotBeFetchedIsNotRetriedAtOnce() async throws {
        let keys = OIDCKeySet(jwksURI: "http://127.0.0.1:1/jwks")
        await #expect(throws: OIDCError.unreachable("unreachable")) { try await keys.key(id: "k", algorithm: "RS256", now: 1000) }
        await #expect(throws: OIDCError.unreachable("key set fetched less than 60 s ago failed")) {
            try await keys.key(id: "k", algorithm: "RS256", now: 1030)
        }
        await #expect(throws: OIDCError.unreachable("unreachable")) { try await keys.key(id: "k", algorithm: "RS256", now: 1060) }
    }
}
