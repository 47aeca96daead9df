import Core
public import Fetch
import FoundationEssentials

/// How one app is asked: its address and key from the settings now, a time-out, bounded retries on
/// 5xx and 429, its circuit breaker and its answer cache. Every client (`RadarrClient`, …) sends
/// through one of these; every failure comes out as an `IntegrationError`.
public final class AppConnection: Sendable {
    /// Tries per request, the first included.
    static let maximumTries = 3
    /// The longest wait before a retry: a longer `Retry-After` is cut to this.
    static let longestRetryWait: Duration = .seconds(2)
    /// Largest answer accepted (a big Radarr library's movie list is tens of MiB).
    static let maximumResponseBytes = 48 << 20

    public let app: IntegrationApp
    let settings: @Sendable () -> IntegrationSettings
    let breaker: CircuitBreaker
    let cache: AnswerCache
    let fetch = FetchClient()
    /// Base wait before the second try (doubled before the third); tests make it small.
    let retryBase: Duration

    public init(
        app: IntegrationApp, settings: @escaping @Sendable () -> IntegrationSettings, clock: IntegrationClock = .system,
        retryBase: Duration = .milliseconds(250)
    ) {
        self.app = app
        self.settings = settings
        breaker = CircuitBreaker(clock: clock)
        cache = AnswerCache(clock: clock)
        self.retryBase = retryBase
    }

    /// The app's settings now.
    public var current: AppSettings { settings()[app] }

    /// Whether the app is switched on with an address and a key.
    public var isConfigured: Bool { current.isConfigured }

    /// Whether the breaker has marked the app down.
    public var isDown: Bool { breaker.isOpen }

    /// `GET path?query`, decoded as `T`, from the cache while fresh.
    public func get<T: Decodable & Sendable>(
        _ path: String, _ query: [(String, String)] = [], lifetime: CacheLifetime = .none, what: String = "such item"
    ) async throws(IntegrationError) -> T {
        let key = path + Self.queryString(query)
        if let cached = cache.value(key, as: T.self) { return cached }
        let value: T = try await send(.get, path, query, body: nil, what: what)
        cache.store(value, key, lifetime: lifetime)
        return value
    }

    /// A request with a JSON body (`POST`, `PUT`), decoded as `T`; the cache is emptied (lists changed).
    public func send<T: Decodable & Sendable, Body: Encodable>(
        _ method: HTTPMethod, _ path: String, json: Body, what: String = "such item"
    ) async throws(IntegrationError) -> T {
        let encoder = JSONEncoder()
        guard let body = try? encoder.encode(json) else { throw IntegrationError.badAnswer(app) }
        defer { cache.removeAll() }
        return try await send(method, path, [], body: Array(body), what: what)
    }

    /// Sends one request (retrying 5xx and 429) through the breaker and decodes the 2xx body.
    func send<T: Decodable>(
        _ method: HTTPMethod, _ path: String, _ query: [(String, String)], body: [UInt8]?, what: String
    ) async throws(IntegrationError) -> T {
        let all = settings()
        let app = all[self.app]
        guard app.isConfigured else { throw IntegrationError.notConfigured(self.app) }
        if case .refuse(let reason) = breaker.admit(intervalSeconds: all.probeIntervalSeconds) {
            throw IntegrationError.down(self.app, reason)
        }
        do {
            let body = try await exchange(method, path, query, body: body, app: app, timeout: all.timeoutSeconds, what: what)
            let value: T = try decode(body)
            breaker.succeeded()
            return value
        } catch {
            if error.countsAgainstApp {
                breaker.failed(error.description, intervalSeconds: all.probeIntervalSeconds)
            } else if case .notFound = error {
                breaker.succeeded()
            }
            throw error
        }
    }

    /// The request's 2xx body, after at most `maximumTries` tries.
    private func exchange(
        _ method: HTTPMethod, _ path: String, _ query: [(String, String)], body: [UInt8]?, app settings: AppSettings, timeout: Double,
        what: String
    ) async throws(IntegrationError) -> [UInt8] {
        var query = query
        var headers = [(name: "Accept", value: "application/json")]
        if app == .tautulli {
            query.insert(("apikey", settings.apiKey), at: 0)
        } else {
            headers.append((name: "X-Api-Key", value: settings.apiKey))
        }
        if body != nil { headers.append((name: "Content-Type", value: "application/json")) }
        let options = FetchOptions(
            connectTimeout: min(5, timeout), timeout: timeout, maximumResponseBytes: Self.maximumResponseBytes, maximumRedirects: 0)
        let request = FetchRequest(method, settings.base + path + Self.queryString(query), headers: headers, body: body, options: options)
        for attempt in 1...Self.maximumTries {
            let response: FetchResponse
            do {
                response = try await fetch.send(request)
            } catch {
                throw reason(error)
            }
            switch response.status {
            case 200..<300: return response.body
            case 401, 403: throw IntegrationError.refused(app)
            case 404: throw IntegrationError.notFound(app, what)
            case let status where (status == 429 || status >= 500) && attempt < Self.maximumTries:
                guard
                    await RetryWait.pause(
                        before: attempt + 1, retryAfter: response.header("Retry-After"), base: retryBase, longest: Self.longestRetryWait)
                else {
                    throw IntegrationError.cancelled(app)
                }
            default: throw IntegrationError.status(app, response.status)
            }
        }
        throw IntegrationError.status(app, 0)
    }

    /// `body` as `T`; Tautulli's answers are unwrapped from `response.data` first.
    private func decode<T: Decodable>(_ body: [UInt8]) throws(IntegrationError) -> T {
        let decoder = JSONDecoder()
        if app == .tautulli {
            guard let envelope = try? decoder.decode(TautulliEnvelope<T>.self, from: Data(body)) else {
                // A refused key is a 200 with `result: error` and a message naming the key.
                if let failure = try? decoder.decode(TautulliEnvelope<JSON>.self, from: Data(body)), failure.response.result == "error" {
                    let message = (failure.response.message ?? "").lowercased()
                    throw message.contains("apikey") || message.contains("api key") ? IntegrationError.refused(app) : IntegrationError.badAnswer(app)
                }
                throw IntegrationError.badAnswer(app)
            }
            guard envelope.response.result == "success", let data = envelope.response.data else {
                let message = (envelope.response.message ?? "").lowercased()
                throw message.contains("apikey") || message.contains("api key") ? IntegrationError.refused(app) : IntegrationError.badAnswer(app)
            }
            return data
        }
        guard let value = try? decoder.decode(T.self, from: Data(body)) else { throw IntegrationError.badAnswer(app) }
        return value
    }

    /// A transfer failure as a short reason (FetchError's own message names the URL, which may hold the key).
    private func reason(_ error: FetchError) -> IntegrationError {
        switch error.kind {
        case .timeout: .timeout(app)
        case .unreachable: .unreachable(app, "nothing answers at the configured address")
        case .tls: .unreachable(app, "its TLS certificate was refused")
        case .badURL, .badRequest: .unreachable(app, "the configured URL is not usable")
        case .tooLarge: .badAnswer(app)
        case .cancelled: .cancelled(app)
        case .tooManyRedirects, .transport: .unreachable(app, "the connection failed")
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

/// Tautulli's `{"response": {"result", "message", "data"}}`.
struct TautulliEnvelope<T: Decodable>: Decodable {
    struct Inner: Decodable {
        let result: String
        let message: String?
        let data: T?
    }

    let response: Inner
}
