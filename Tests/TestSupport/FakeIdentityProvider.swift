public import Core
public import Crypto
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A fake OpenID Connect provider on a loopback port, for the relying party's tests: discovery, a
/// JWKS with one RSA and one P-256 key, an authorization endpoint that redirects back with a code,
/// a token endpoint that checks the code, the client's credentials and the PKCE verifier (S256) and
/// answers an ID token it signs, and userinfo. `Settings` makes it misbehave as a test needs.
public final class FakeIdentityProvider: Sendable {
    /// How the provider answers; tests change it with `update`.
    public struct Settings: Sendable {
        public var clientID = "appliance"
        public var clientSecret = "s3cret:&=+"
        /// `token_endpoint_auth_methods_supported`; the token endpoint accepts only these.
        public var authMethods = ["client_secret_basic", "client_secret_post"]
        /// Which key signs ID tokens.
        public var signingKey: JWSPrivateKey.Kind = .rsa
        /// The `issuer` in discovery; nil: the real one.
        public var discoveryIssuer: String?
        /// The `iss` claim; nil: the real issuer.
        public var issuerClaim: String?
        /// The `aud` claim; nil: the client id.
        public var audience: JSON?
        public var authorizedParty: String?
        /// The `nonce` claim; nil: the one the authorization request sent.
        public var nonce: String?
        /// `exp` is `iat` plus this.
        public var lifetimeSeconds: Int64 = 300
        /// `iat` is now plus this (negative: issued in the past).
        public var issuedAtOffset: Int64 = 0
        /// The `kid` header; nil: the signing key's own.
        public var keyID: String?
        public var subject = "user-1"
        public var profile: [String: JSON] = [
            "email": "ada@example.com", "email_verified": true, "name": "Ada Lovelace", "preferred_username": "ada",
        ]
        /// What userinfo answers; nil: `sub` and `profile`.
        public var userinfo: [String: JSON]?
        /// Rewrites each ID token before it is sent (a bit flip, another header).
        public var tamper: (@Sendable (String) -> String)?

        public init() {}
    }

    /// One key pair per process: RSA generation takes a while.
    public static let rsaKey = try! JWSPrivateKey.generate(.rsa)
    public static let p256Key = try! JWSPrivateKey.generate(.p256)

    struct Grant {
        let clientID: String
        let redirectURI: String
        let challenge: String
        let nonce: String?
    }

    struct State {
        var issuer = ""
        var settings = Settings()
        var grants: [String: Grant] = [:]
        var accessTokens: Set<String> = []
        var jwksFetches = 0
        var tokenRequests: [[String: String]] = []
    }

    final class Box: Sendable {
        let state = Mutex(State())
    }

    private let box = Box()
    public let server: LoopbackHTTPServer
    /// The issuer: the server's base URL.
    public var issuer: String { server.baseURL }

    public init() throws {
        let box = box
        server = try LoopbackHTTPServer { request in FakeIdentityProvider.answer(request, box) }
        let issuer = server.baseURL
        box.state.withLock { $0.issuer = issuer }
    }

    public func update(_ change: (inout Settings) -> Void) {
        box.state.withLock { change(&$0.settings) }
    }

    public var settings: Settings { box.state.withLock { $0.settings } }
    /// How many times the JWKS was fetched.
    public var jwksFetches: Int { box.state.withLock { $0.jwksFetches } }
    /// The form fields and the `authorization` header (as `_authorization`) of each token request.
    public var tokenRequests: [[String: String]] { box.state.withLock { $0.tokenRequests } }

    /// Seconds since 1970, the provider's clock.
    public static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec)
    }

    /// Follows an authorization URL as a browser would and returns the query of the redirect back
    /// (`code` and `state`, or `error`).
    public func authorize(_ url: String) async throws -> [String: String] {
        guard url.hasPrefix(issuer + "/") else { throw LoopbackHTTPServer.Failure(description: "not this provider's URL") }
        let reply = try await RawHTTPClient.request(port: UInt16(server.port), "GET", String(url.dropFirst(issuer.count)))
        guard reply.status == 302, let location = reply.header("location"), let question = location.firstIndex(of: "?") else {
            throw LoopbackHTTPServer.Failure(description: "authorization answered \(reply.status): \(reply.text)")
        }
        return LoopbackHTTPServer.decodeForm(String(location[location.index(after: question)...]))
    }

    /// The public keys as a JWKS document (`kid` "rsa-1" and "ec-1").
    public static func jwks() -> JSON {
        let (n, e) = try! rsaKey.rsaPublicNumbers()
        let (x, y) = try! p256Key.p256PublicPoint()
        return [
            "keys": [
                [
                    "kty": "RSA", "kid": "rsa-1", "use": "sig", "alg": "RS256", "n": .string(Base64.urlEncode(n)),
                    "e": .string(Base64.urlEncode(e)),
                ],
                [
                    "kty": "EC", "kid": "ec-1", "use": "sig", "alg": "ES256", "crv": "P-256", "x": .string(Base64.urlEncode(x)),
                    "y": .string(Base64.urlEncode(y)),
                ],
            ]
        ]
    }

    /// A compact JWS of `header` and `claims` signed with `key` (RS256 or ES256 by its kind).
    public static func sign(header: [String: JSON], claims: [String: JSON], with key: JWSPrivateKey) -> String {
        let input = Base64.urlEncode(JSON.object(header).encoded()) + "." + Base64.urlEncode(JSON.object(claims).encoded())
        return input + "." + Base64.urlEncode(try! key.sign(Array(input.utf8)))
    }

    static func json(_ status: Int, _ body: JSON) -> LoopbackHTTPServer.Response {
        LoopbackHTTPServer.Response(status: status, headers: [("Content-Type", "application/json")], body: body.encoded())
    }
}
