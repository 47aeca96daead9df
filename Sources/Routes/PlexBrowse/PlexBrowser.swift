import Core
import Fetch
import HTTP
import Plex

/// Where the configured Plex Media Server is and how long to wait for it, read on every call so a
/// changed `plex.url` or `plex.token` applies at once.
public struct PlexBrowseSettings: Sendable, Equatable {
    public var url: String
    public var token: String
    public var timeoutSeconds: Int

    public init(url: String, token: String, timeoutSeconds: Int = 10) {
        self.url = url
        self.token = token
        self.timeoutSeconds = timeoutSeconds
    }
}

/// 001's Plex browsing over the configured server and token: each answer is built from Plex's JSON
/// and cached as 001 says (1 h server and libraries, 5 min search, recently added, items and
/// collections), in a bounded cache keyed by server, token and request. Plex failures become the
/// same API errors as 000's Plex routes (`PlexInput.error`).
public final class PlexBrowser: Sendable {
    /// How long an answer is served from the cache, in seconds.
    public enum Lifetime {
        public static let server = 3600.0
        public static let libraries = 3600.0
        public static let search = 300.0
        public static let recentlyAdded = 300.0
        public static let items = 300.0
        public static let collections = 300.0
    }

    let settings: @Sendable () -> PlexBrowseSettings
    let client: PlexClientInfo
    let cache: AnswerCache
    /// Monotonic seconds, for the cache lifetimes.
    let now: @Sendable () -> Double

    /// `clientIdentifier` is the appliance's `X-Plex-Client-Identifier`.
    public init(
        clientIdentifier: String, cacheEntries: Int = 512, cacheBytes: Int = 8 << 20, settings: @escaping @Sendable () -> PlexBrowseSettings
    ) {
        self.settings = settings
        self.client = PlexClientInfo(clientIdentifier: clientIdentifier)
        self.cache = AnswerCache(maxEntries: cacheEntries, maxBytes: cacheBytes)
        self.now = { RateLimitRule.now() }
    }

    /// The cached answer for `key` on the configured server, or `build`'s, cached for `lifetime`.
    func cached(
        _ key: String, lifetime: Double, _ build: @Sendable (PlexServerClient) async throws(PlexError) -> JSON
    ) async throws(HTTPError) -> JSON {
        let server = try configuredServer()
        let fullKey = server.baseURL + "\u{0}" + server.token + "\u{0}" + key
        if let hit = cache.value(for: fullKey, now: now()) { return hit }
        let value: JSON
        do {
            value = try await build(server.client)
        } catch {
            throw Self.httpError(error)
        }
        cache.store(value, for: fullKey, lifetime: lifetime, now: now())
        return value
    }

    /// A client for the configured server, or 503 when there is none (or its settings are unusable).
    func configuredServer() throws(HTTPError) -> (client: PlexServerClient, baseURL: String, token: String) {
        let current = settings()
        guard !current.url.isEmpty, !current.token.isEmpty else {
            throw HTTPError(status: 503, code: "PLEX_NOT_CONFIGURED", message: "No Plex server is configured.")
        }
        let url: String
        let token: String
        do {
            url = try PlexInput.serverURL(current.url)
            token = try PlexInput.token(current.token)
        } catch {
            throw HTTPError(status: 503, code: "PLEX_NOT_CONFIGURED", message: "The Plex server settings are not usable.", detail: error.message)
        }
        let timeout = Double(min(max(current.timeoutSeconds, 1), 300))
        let client = PlexServerClient(
            baseURL: url, token: token, client: client,
            fetch: FetchClient(options: FetchOptions(connectTimeout: min(5, timeout), timeout: timeout, maximumResponseBytes: 16 << 20)))
        return (client, url, token)
    }

    /// A Plex failure as the API answers it: a refused token and an unreachable server as 000's Plex
    /// routes answer them, a missing item as 404, anything else as 502.
    static func httpError(_ error: PlexError) -> HTTPError {
        switch error.kind {
        case .unauthorized: PlexInput.error(.unauthorized)
        case .unreachable, .timeout, .tls: PlexInput.error(.unreachable(error.description))
        case .notFound: HTTPError.notFound("Plex has no such library, collection or item.")
        case .badURL, .httpStatus, .badResponse, .cancelled: PlexInput.error(.upstream(error.description))
        }
    }
}
