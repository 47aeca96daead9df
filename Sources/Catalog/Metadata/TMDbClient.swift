import Core
public import Fetch
import FoundationEssentials

/// TMDb's v3 API as the catalog asks it: one client per daemon (held by `CatalogService`) so the
/// metadata routes, refreshes and the scanner share one pace and one answer cache. Sends the key as
/// `api_key`, or as a bearer token when it is a v4 read token; retries 429 and 5xx; turns every failure
/// into a `MetadataError` whose reason never holds the key or a raw body.
public final class TMDbClient: Sendable {
    /// Ten seconds a request, 4 MiB an answer: TMDb's largest (a show with credits) is far smaller. No
    /// redirects: the URL carries the key, and TMDb's API does not redirect.
    public static let defaultOptions = FetchOptions(connectTimeout: 5, timeout: 10, maximumResponseBytes: 4 << 20, maximumRedirects: 0)
    /// Tries per request, the first included.
    static let maximumTries = 3
    /// The longest wait before a retry: a longer `Retry-After` is cut to this (a request must not hang).
    static let longestRetryWait: Duration = .seconds(10)

    /// The catalog's settings now: key, address, pace and cache lifetime apply from the next request.
    let settings: @Sendable () -> CatalogSettings
    let fetch: FetchClient
    let pace = TMDbPace()
    let cache = TMDbCache()

    public init(settings: @escaping @Sendable () -> CatalogSettings, options: FetchOptions = TMDbClient.defaultOptions) {
        self.settings = settings
        fetch = FetchClient(options: options)
    }

    /// A client for fixed settings (tools and tests).
    public convenience init(settings: CatalogSettings, options: FetchOptions = TMDbClient.defaultOptions) {
        self.init(settings: { settings }, options: options)
    }

    /// Whether TMDb may be asked now (enabled, with a key and an address).
    public var isConfigured: Bool { settings().usesTMDb }

    /// `path` (e.g. `/movie/603`) with `query`, decoded as `T`; `what` names the thing in a 404's reason.
    func get<T: Decodable>(_ path: String, _ query: [(String, String)], what: String) async throws(MetadataError) -> T {
        let current = settings()
        guard current.usesTMDb else { throw MetadataError.notConfigured }
        let base = current.tmdbBaseURL.hasSuffix("/") ? String(current.tmdbBaseURL.dropLast()) : current.tmdbBaseURL
        // The key stays out of the cache key: answers do not depend on it.
        let address = base + path + Self.queryString(query)
        let cached = cache.body(for: address)
        let body: [UInt8]
        if let cached {
            body = cached
        } else {
            await pace.admit(perSecond: current.tmdbRequestsPerSecond)
            body = try await send(address, key: current.tmdbAPIKey, rate: current.tmdbRequestsPerSecond, what: what)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let value = try? decoder.decode(T.self, from: Data(body)) else {
            throw MetadataError.upstream("TMDb's answer is not the JSON expected")
        }
        if cached == nil { cache.store(body, for: address, lifetimeSeconds: current.tmdbCacheSeconds) }
        return value
    }

    /// Sends one GET to `url` (retrying 429 and 5xx, each try at TMDb's pace) and answers the 2xx body.
    /// A v4 read access token (a JWT, `eyJ…`) goes in `Authorization`; a v3 key in `api_key`.
    private func send(_ url: String, key: String, rate: Int, what: String) async throws(MetadataError) -> [UInt8] {
        var url = url
        var headers = [(name: "Accept", value: "application/json")]
        if key.hasPrefix("eyJ") {
            headers.append((name: "Authorization", value: "Bearer \(key)"))
        } else {
            url += (url.contains("?") ? "&" : "?") + "api_key=" + Self.percentEncoded(key)
        }
        for attempt in 1...Self.maximumTries {
            if attempt > 1 { await pace.admit(perSecond: rate) }
            let response: FetchResponse
            do {
                response = try await fetch.send(FetchRequest(.get, url, headers: headers))
            } catch {
                throw Self.reason(error)
            }
            switch response.status {
            case 200..<300: return response.body
            case 401: throw MetadataError.refused
            case 404: throw MetadataError.notFound(what)
            case let status where RetryWait.isRetried(status) && attempt < Self.maximumTries:
                guard
                    await RetryWait.pause(
                        before: attempt + 1, retryAfter: response.header("Retry-After"), base: .milliseconds(500), longest: Self.longestRetryWait)
                else {
                    throw MetadataError.upstream("cancelled")
                }
            default: throw MetadataError.upstream("TMDb answered HTTP \(response.status)")
            }
        }
        throw MetadataError.upstream("TMDb answered no request")
    }

    /// A transfer failure as a short reason (FetchError's own message would name the URL).
    static func reason(_ error: FetchError) -> MetadataError {
        switch error.kind {
        case .timeout: .upstream("TMDb did not answer in time")
        case .tooLarge: .upstream("TMDb's answer is too large")
        case .unreachable: .upstream("TMDb is unreachable")
        case .tls: .upstream("TMDb's TLS certificate was refused")
        case .cancelled: .upstream("cancelled")
        case .badURL, .badRequest: .upstream("the TMDb base URL is not usable")
        case .tooManyRedirects, .transport: .upstream("the connection to TMDb failed")
        }
    }

    /// `?a=1&b=x%20y`, or empty without parameters.
    static func queryString(_ query: [(String, String)]) -> String {
        PercentEncoding.query(query)
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        PercentEncoding.encode(text)
    }
}
