public import Core
import Fetch
import Synchronization

/// Stash's GraphQL API as the sync asks it: `POST <url>/graphql` with the key in `ApiKey`, a time-out
/// of `integrations.timeout_s`, up to three tries when Stash answers 5xx or 429 (nothing else is
/// retried), and every failure turned into a `StashError` whose reason never holds the key or a raw body.
public final class StashClient: Sendable {
    /// Tries per request, the first included.
    static let maximumTries = 3
    /// The longest wait before a retry: a longer `Retry-After` is cut to this.
    static let longestRetryWait: Duration = .seconds(5)
    /// The largest answer taken (a page of 1,000 scenes with their files is a few MiB).
    static let maximumResponseBytes = 32 << 20

    /// The settings now: address, key and time-out apply from the next request.
    let settings: @Sendable () -> StashSettings

    /// How the last request to the configured Stash ended (nil: none yet): what the readiness check
    /// reports, so that it never waits on the network.
    let last = Mutex<StashError?>(nil)

    public init(settings: @escaping @Sendable () -> StashSettings) {
        self.settings = settings
    }

    /// Whether the last request to the configured Stash worked (true before any), and why not.
    public var lastOutcome: (ready: Bool, error: String?) {
        guard let error = last.withLock({ $0 }) else { return (true, nil) }
        return (false, error.description)
    }

    /// Whether Stash may be asked now.
    public var isConfigured: Bool { settings().isConfigured }

    /// Sends one GraphQL operation and answers its `data`. `using` replaces the configured address and
    /// key (the connection test of unsaved settings); without it an unconfigured Stash is refused.
    public func send(
        _ query: String, operation: String, variables: JSON = [:], using override: StashSettings? = nil
    ) async throws(StashError) -> JSON {
        do {
            let data = try await exchange(query, operation: operation, variables: variables, using: override)
            if override == nil { last.withLock { $0 = nil } }
            return data
        } catch {
            if override == nil, error != .cancelled { last.withLock { $0 = error } }
            throw error
        }
    }

    func exchange(
        _ query: String, operation: String, variables: JSON, using override: StashSettings?
    ) async throws(StashError) -> JSON {
        let current = override ?? settings()
        guard override != nil || current.isConfigured, !current.url.isEmpty else { throw StashError.notConfigured }
        let base = current.url.hasSuffix("/") ? String(current.url.dropLast()) : current.url
        var headers = [(name: "Content-Type", value: "application/json"), (name: "Accept", value: "application/json")]
        if !current.apiKey.isEmpty { headers.append((name: "ApiKey", value: current.apiKey)) }
        let body: JSON = ["operationName": .string(operation), "query": .string(query), "variables": variables]
        let options = FetchOptions(
            connectTimeout: Double(min(5, max(1, current.timeoutSeconds))), timeout: Double(max(1, current.timeoutSeconds)),
            maximumResponseBytes: Self.maximumResponseBytes, maximumRedirects: 0)
        let request = FetchRequest(.post, base + "/graphql", headers: headers, body: body.encoded(), options: options)
        let fetch = FetchClient(options: options)
        for attempt in 1...Self.maximumTries {
            let response: FetchResponse
            do {
                response = try await fetch.send(request)
            } catch {
                throw Self.reason(error)
            }
            switch response.status {
            case 200..<300: return try Self.data(response.body, key: current.apiKey)
            case 401, 403: throw StashError.refused
            case 404: throw StashError.upstream("no GraphQL endpoint at this URL (HTTP 404)")
            case let status where RetryWait.isRetried(status) && attempt < Self.maximumTries:
                guard
                    await RetryWait.pause(
                        before: attempt + 1, retryAfter: response.header("Retry-After"), base: .milliseconds(500), longest: Self.longestRetryWait)
                else {
                    throw StashError.cancelled
                }
            case 400 where Self.hasErrors(response.body):
                // GraphQL servers answer a query they cannot run with 400 and `errors`.
                return try Self.data(response.body, key: current.apiKey)
            default: throw StashError.upstream("Stash answered HTTP \(response.status)")
            }
        }
        throw StashError.upstream("Stash answered no request")
    }

    /// The `data` of a GraphQL answer, or its first error as `graphQL`.
    static func data(_ body: [UInt8], key: String) throws(StashError) -> JSON {
        guard let answer = try? JSON.parseStrict(body), answer.objectValue != nil else {
            throw StashError.upstream("Stash's answer is not GraphQL JSON")
        }
        if let errors = answer["errors"]?.arrayValue, let first = errors.first {
            throw StashError.graphQL(clean(first["message"]?.stringValue ?? "unknown error", key: key))
        }
        guard let data = answer["data"], data.objectValue != nil else {
            throw StashError.upstream("Stash's answer has no data")
        }
        return data
    }

    static func hasErrors(_ body: [UInt8]) -> Bool {
        (try? JSON.parseStrict(body))?["errors"]?.arrayValue?.isEmpty == false
    }

    /// An upstream message fit to show: one line, at most 200 characters, without the key.
    static func clean(_ message: String, key: String) -> String {
        var text = String(message.unicodeScalars.map { $0.value < 0x20 ? " " : Character($0) })
        if key.count >= 4 { text = text.replacing(key, with: "****") }
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }

    /// A transfer failure as a short reason (FetchError's own message would name the URL).
    static func reason(_ error: FetchError) -> StashError {
        switch error.kind {
        case .timeout: .upstream("Stash did not answer in time")
        case .tooLarge: .upstream("Stash's answer is too large")
        case .unreachable: .upstream("Stash is unreachable")
        case .tls: .upstream("Stash's TLS certificate was refused")
        case .cancelled: .cancelled
        case .badURL, .badRequest: .upstream("the Stash URL is not usable")
        case .tooManyRedirects, .transport: .upstream("the connection to Stash failed")
        }
    }
}
