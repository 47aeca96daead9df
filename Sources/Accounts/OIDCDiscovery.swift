public import Core
public import Fetch
import Synchronization

/// What an identity provider says about itself in `{issuer}/.well-known/openid-configuration`
/// (OpenID Connect Discovery 1.0 §3), checked: the issuer is exactly the configured one, and every
/// endpoint is https (http only on loopback).
public struct OIDCProviderMetadata: Sendable, Equatable {
    public let issuer: String
    public let authorizationEndpoint: String
    public let tokenEndpoint: String
    public let jwksURI: String
    public let userinfoEndpoint: String?
    public let endSessionEndpoint: String?
    /// `token_endpoint_auth_methods_supported`; the spec's default when absent is `client_secret_basic`.
    public let tokenEndpointAuthMethods: [String]

    /// The metadata in `document`, or why it cannot be used for `expectedIssuer`.
    public static func parse(_ document: [String: JSON], expectedIssuer: String) throws(OIDCError) -> OIDCProviderMetadata {
        guard case .string(let issuer)? = document["issuer"] else { throw .badDocument("discovery has no issuer") }
        guard issuer == expectedIssuer else { throw .issuerMismatch }
        func endpoint(_ name: String, required: Bool) throws(OIDCError) -> String? {
            guard let value = document[name], value != .null else {
                if required { throw .badDocument("discovery has no \(name)") }
                return nil
            }
            guard case .string(let url) = value else { throw .badDocument("discovery's \(name) is not a string") }
            guard OIDCURL.isAllowed(url) else { throw .insecureURL(name) }
            return url
        }
        func strings(_ name: String) throws(OIDCError) -> [String]? {
            guard let value = document[name] else { return nil }
            guard case .array(let items) = value, items.count <= 64 else { throw .badDocument("discovery's \(name) is not an array") }
            return items.compactMap(\.stringValue)
        }
        if let types = try strings("response_types_supported"), !types.contains("code") {
            throw .badDocument("provider does not support response_type=code")
        }
        if let methods = try strings("code_challenge_methods_supported"), !methods.contains("S256") {
            throw .badDocument("provider does not support PKCE S256")
        }
        return OIDCProviderMetadata(
            issuer: issuer,
            authorizationEndpoint: try endpoint("authorization_endpoint", required: true)!,
            tokenEndpoint: try endpoint("token_endpoint", required: true)!,
            jwksURI: try endpoint("jwks_uri", required: true)!,
            userinfoEndpoint: try endpoint("userinfo_endpoint", required: false),
            endSessionEndpoint: try endpoint("end_session_endpoint", required: false),
            tokenEndpointAuthMethods: try strings("token_endpoint_auth_methods_supported") ?? ["client_secret_basic"])
    }

    /// The discovery URL of `issuer` (OIDC Discovery §4: the issuer without a trailing slash, then the well-known path).
    public static func discoveryURL(issuer: String) -> String {
        var base = issuer
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/.well-known/openid-configuration"
    }
}

/// Discovery documents fetched on first use and kept for `timeToLiveSeconds`, one per issuer; a
/// failed fetch is not cached, so a provider that was down is tried again on the next sign-in.
public final class OIDCDiscovery: Sendable {
    public let timeToLiveSeconds: Int64
    private let fetch: FetchClient
    private let cache = Mutex<[String: (metadata: OIDCProviderMetadata, fetchedAt: Int64)]>([:])

    public init(fetch: FetchClient = .oidcDefault, timeToLiveSeconds: Int64 = 3600) {
        self.fetch = fetch
        self.timeToLiveSeconds = timeToLiveSeconds
    }

    /// The checked metadata of `issuer` at `now` (seconds since 1970), from the cache or the provider.
    public func metadata(issuer: String, now: Int64) async throws(OIDCError) -> OIDCProviderMetadata {
        let cached = cache.withLock { $0[issuer] }
        if let cached, now - cached.fetchedAt < timeToLiveSeconds, now >= cached.fetchedAt { return cached.metadata }
        let url = OIDCProviderMetadata.discoveryURL(issuer: issuer)
        guard OIDCURL.isAllowed(url) else { throw .insecureURL("issuer") }
        let (status, document) = try await fetch.oidcObject(FetchRequest(.get, url, headers: [("Accept", "application/json")]), "discovery")
        guard status == 200 else { throw .badDocument("discovery answered status \(status)") }
        let metadata = try OIDCProviderMetadata.parse(document, expectedIssuer: issuer)
        cache.withLock { $0[issuer] = (metadata, now) }
        return metadata
    }

    /// Forgets `issuer`'s document (after an admin edits the provider).
    public func forget(issuer: String) {
        _ = cache.withLock { $0.removeValue(forKey: issuer) }
    }
}
