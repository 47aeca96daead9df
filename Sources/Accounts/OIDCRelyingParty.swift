import Core
import Crypto
public import Fetch
import Synchronization

/// One identity provider as the relying party uses it (what an admin configures in `/admin/oidc/providers`).
public struct OIDCProviderConfig: Sendable, Equatable {
    /// The provider's name in the appliance's routes (`/oidc/auth/{provider}`).
    public var id: String
    /// The issuer, exactly as the provider's discovery document and ID tokens spell it.
    public var issuer: String
    public var clientID: String
    public var clientSecret: String
    /// Scopes requested; `openid` is always sent first.
    public var scopes: [String]
    /// Also read the userinfo endpoint after the code exchange (for providers that leave email or
    /// name out of the ID token).
    public var fetchUserInfo: Bool

    public init(
        id: String, issuer: String, clientID: String, clientSecret: String, scopes: [String] = ["openid", "email", "profile"],
        fetchUserInfo: Bool = false
    ) {
        self.id = id
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
        self.fetchUserInfo = fetchUserInfo
    }
}

/// Where to send the browser to start a sign-in, and the `state` that will come back with it.
public struct OIDCAuthorizationRequest: Sendable, Equatable {
    public let url: String
    public let state: String

    public init(url: String, state: String) {
        self.url = url
        self.state = state
    }
}

/// A finished sign-in: who it is, and what the route that started it asked for.
public struct OIDCSignIn: Sendable, Equatable {
    public let providerID: String
    public let identity: OIDCIdentity
    public let returnTo: String?
    /// Set when a signed-in user was linking this provider (`/users/me/oidc/{provider}/link`).
    public let linkingUserID: String?

    public init(providerID: String, identity: OIDCIdentity, returnTo: String?, linkingUserID: String?) {
        self.providerID = providerID
        self.identity = identity
        self.returnTo = returnTo
        self.linkingUserID = linkingUserID
    }
}

/// What the OIDC routes need from a relying party; `OIDCRelyingParty` is the real one, and route
/// tests may pass a fake.
public protocol OIDCSignInService: Sendable {
    func authorizationURL(
        provider: OIDCProviderConfig, redirectURI: String, returnTo: String?, linkingUserID: String?, now: Int64
    ) async throws(OIDCError) -> OIDCAuthorizationRequest
    func finish(provider: OIDCProviderConfig, state: String, code: String?, error: String?, now: Int64) async throws(OIDCError) -> OIDCSignIn
    /// Drops what is cached for `issuer` (after an admin changes or deletes the provider).
    func forget(issuer: String)
}

/// The OpenID Connect relying party (authorization code flow with PKCE, state and nonce): builds the
/// authorization URL, and on the callback exchanges the code and verifies the ID token. Discovery
/// documents and key sets are cached per issuer; pending sign-ins live in memory for ten minutes.
public final class OIDCRelyingParty: OIDCSignInService {
    public let discovery: OIDCDiscovery
    public let pending: OIDCPendingLogins
    public let leewaySeconds: Int64
    let fetch: FetchClient
    private let keySetTimeToLive: Int64
    private let keySetMinimumRefetch: Int64
    private let keySets = Mutex<[String: OIDCKeySet]>([:])

    public init(
        fetch: FetchClient = .oidcDefault, pending: OIDCPendingLogins = OIDCPendingLogins(), discoveryTimeToLiveSeconds: Int64 = 3600,
        keySetTimeToLiveSeconds: Int64 = 3600, keySetMinimumRefetchSeconds: Int64 = 60, leewaySeconds: Int64 = 60
    ) {
        self.fetch = fetch
        self.pending = pending
        self.discovery = OIDCDiscovery(fetch: fetch, timeToLiveSeconds: discoveryTimeToLiveSeconds)
        self.keySetTimeToLive = keySetTimeToLiveSeconds
        self.keySetMinimumRefetch = keySetMinimumRefetchSeconds
        self.leewaySeconds = leewaySeconds
    }

    /// Starts a sign-in (or, with `linkingUserID`, a link) with `provider`: remembers a fresh state,
    /// nonce and PKCE verifier, and returns the provider's authorization URL carrying them.
    /// `redirectURI` is the appliance's callback, as registered with the provider. `returnTo` is kept
    /// only when it is a path on the appliance (`/…`, not `//host` or `/\host`), so it cannot redirect away.
    public func authorizationURL(
        provider: OIDCProviderConfig, redirectURI: String, returnTo: String? = nil, linkingUserID: String? = nil, now: Int64
    ) async throws(OIDCError) -> OIDCAuthorizationRequest {
        let metadata = try await discovery.metadata(issuer: provider.issuer, now: now)
        let state: String, nonce: String, pkce: PKCE
        do {
            (state, nonce, pkce) = (try PKCE.randomValue(), try PKCE.randomValue(), try PKCE.generate())
        } catch {
            throw .randomnessUnavailable
        }
        pending.insert(
            OIDCPendingLogin(
                providerID: provider.id, codeVerifier: pkce.verifier, nonce: nonce, redirectURI: redirectURI,
                returnTo: returnTo.flatMap(Self.localPath),
                linkingUserID: linkingUserID, createdAt: now),
            state: state)
        let scopes = ["openid"] + provider.scopes.filter { $0 != "openid" }
        let url = OIDCURL.appending(
            [
                ("response_type", "code"), ("client_id", provider.clientID), ("redirect_uri", redirectURI),
                ("scope", scopes.joined(separator: " ")), ("state", state), ("nonce", nonce),
                ("code_challenge", pkce.challenge), ("code_challenge_method", "S256"),
            ], to: metadata.authorizationEndpoint)
        return OIDCAuthorizationRequest(url: url, state: state)
    }

    /// Finishes the sign-in that the provider's redirect to the callback of `provider` reports: the
    /// callback's `state`, and its `code` or `error`. The pending sign-in is used up whatever happens.
    public func finish(
        provider: OIDCProviderConfig, state: String, code: String?, error: String? = nil, now: Int64
    ) async throws(OIDCError) -> OIDCSignIn {
        guard let login = pending.take(state: state, now: now) else { throw .unknownState }
        guard login.providerID == provider.id else { throw .providerMismatch }
        if let error { throw .authorizationDenied(OIDCError.excerpt(error)) }
        guard let code, !code.isEmpty, code.utf8.count <= 4096 else { throw .authorizationDenied("no code") }
        let metadata = try await discovery.metadata(issuer: provider.issuer, now: now)
        let tokens = try await exchange(code: code, login: login, provider: provider, metadata: metadata)
        let verifier = IDTokenVerifier(issuer: provider.issuer, clientID: provider.clientID, leewaySeconds: leewaySeconds)
        var identity = try await verifier.verify(tokens.idToken, keys: keySet(jwksURI: metadata.jwksURI), nonce: login.nonce, now: now)
        if provider.fetchUserInfo, let endpoint = metadata.userinfoEndpoint {
            identity = try await userinfo(endpoint: endpoint, accessToken: tokens.accessToken, adding: identity)
        }
        return OIDCSignIn(providerID: provider.id, identity: identity, returnTo: login.returnTo, linkingUserID: login.linkingUserID)
    }

    /// `path` if it is a path on this host: starts with one `/`, no backslash, no control characters.
    public static func localPath(_ path: String) -> String? {
        guard path.hasPrefix("/"), !path.hasPrefix("//"), path.utf8.count <= 2048,
            !path.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 < 0x20 || $0 == 0x7f })
        else { return nil }
        return path
    }

    /// The cached key set at `jwksURI` (one per provider).
    public func keySet(jwksURI: String) -> OIDCKeySet {
        keySets.withLock { sets in
            if let set = sets[jwksURI] { return set }
            let set = OIDCKeySet(
                jwksURI: jwksURI, fetch: fetch, timeToLiveSeconds: keySetTimeToLive, minimumRefetchSeconds: keySetMinimumRefetch)
            sets[jwksURI] = set
            return set
        }
    }

    public func forget(issuer: String) {
        discovery.forget(issuer: issuer)
        keySets.withLock { $0 = [:] }
    }
}
