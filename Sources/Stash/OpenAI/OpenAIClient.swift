import Core
import Fetch
import Synchronization

/// An OpenAI-compatible chat-completions API (OpenAI, or a local server speaking its protocol):
/// `POST <url>/v1/chat/completions` and `GET <url>/v1/models` with the key as a Bearer token, a
/// time-out of `integrations.openai.timeout_s`, up to three tries on 429 and 5xx (`RetryWait`), every
/// failure an `OpenAIError` whose reason never holds the key or a raw body.
public final class OpenAIClient: Sendable {
    static let maximumTries = 3
    static let longestRetryWait: Duration = .seconds(10)
    /// The largest answer taken (a long model list is a few hundred KiB).
    static let maximumResponseBytes = 8 << 20

    let settings: @Sendable () -> OpenAISettings
    /// How the last request to the configured endpoint ended (nil: none yet), for the readiness check.
    let last = Mutex<OpenAIError?>(nil)

    public init(settings: @escaping @Sendable () -> OpenAISettings) {
        self.settings = settings
    }

    /// Whether the last request to the configured endpoint worked (true before any), and why not.
    public var lastOutcome: (ready: Bool, error: String?) {
        guard let error = last.withLock({ $0 }) else { return (true, nil) }
        return (false, error.description)
    }

    public var isConfigured: Bool { settings().isConfigured }

    /// One chat completion's text and what it cost in tokens.
    public struct Completion: Sendable {
        public var content: String
        public var promptTokens: Int
        public var completionTokens: Int
    }

    /// Asks `model` (the configured one by default) for a JSON object (`response_format: json_object`).
    public func complete(system: String, user: String, maximumTokens: Int = 1000) async throws(OpenAIError) -> Completion {
        let current = settings()
        let body: JSON = [
            "model": .string(current.model),
            "messages": [["role": "system", "content": .string(system)], ["role": "user", "content": .string(user)]],
            "response_format": ["type": "json_object"], "temperature": 0, "max_tokens": JSON(maximumTokens),
        ]
        let answer = try await send(.post, "/chat/completions", body: body, using: nil)
        guard let message = answer["choices"]?.arrayValue?.first?["message"], let content = message["content"]?.stringValue else {
            throw OpenAIError.upstream("the answer has no choices[0].message.content")
        }
        let usage = answer["usage"]
        return Completion(
            content: content, promptTokens: Int(usage?["prompt_tokens"]?.intValue ?? 0),
            completionTokens: Int(usage?["completion_tokens"]?.intValue ?? 0))
    }

    /// The ids of the models the endpoint offers (`GET /v1/models`), with `override` in place of the
    /// saved settings when given (the connection test of unsaved settings).
    public func models(using override: OpenAISettings? = nil) async throws(OpenAIError) -> [String] {
        let answer = try await send(.get, "/models", body: nil, using: override)
        guard let list = answer["data"]?.arrayValue else { throw OpenAIError.upstream("the model list is not the shape expected") }
        return list.compactMap { $0["id"]?.stringValue }
    }

    func send(_ method: HTTPMethod, _ path: String, body: JSON?, using override: OpenAISettings?) async throws(OpenAIError) -> JSON {
        do {
            let answer = try await exchange(method, path, body: body, using: override ?? settings())
            if override == nil { last.withLock { $0 = nil } }
            return answer
        } catch {
            if override == nil, error != .cancelled { last.withLock { $0 = error } }
            throw error
        }
    }

    func exchange(_ method: HTTPMethod, _ path: String, body: JSON?, using current: OpenAISettings) async throws(OpenAIError) -> JSON {
        guard current.isConfigured else { throw OpenAIError.notConfigured }
        var headers = [(name: "Accept", value: "application/json"), (name: "Authorization", value: "Bearer " + current.apiKey)]
        if body != nil { headers.append((name: "Content-Type", value: "application/json")) }
        let seconds = Double(max(1, current.timeoutSeconds))
        let options = FetchOptions(
            connectTimeout: min(10, seconds), timeout: seconds, maximumResponseBytes: Self.maximumResponseBytes, maximumRedirects: 0)
        let request = FetchRequest(method, current.endpoint(path), headers: headers, body: body?.encoded(), options: options)
        let fetch = FetchClient(options: options)
        for attempt in 1...Self.maximumTries {
            let response: FetchResponse
            do {
                response = try await fetch.send(request)
            } catch {
                throw Self.reason(error)
            }
            switch response.status {
            case 200..<300:
                guard let answer = try? JSON.parseStrict(response.body), answer.objectValue != nil else {
                    throw OpenAIError.upstream("the answer is not JSON")
                }
                return answer
            case 401, 403: throw OpenAIError.refused
            case let status where RetryWait.isRetried(status) && attempt < Self.maximumTries:
                guard
                    await RetryWait.pause(
                        before: attempt + 1, retryAfter: response.header("Retry-After"), base: .milliseconds(500), longest: Self.longestRetryWait)
                else { throw OpenAIError.cancelled }
            default:
                throw OpenAIError.upstream("HTTP \(response.status)" + (Self.message(response.body, key: current.apiKey).map { ": " + $0 } ?? ""))
            }
        }
        throw OpenAIError.upstream("no request was answered")
    }

    /// The `error.message` of an OpenAI error body, cleaned: one line, at most 200 characters, no key.
    static func message(_ body: [UInt8], key: String) -> String? {
        guard let text = (try? JSON.parseStrict(body))?["error"]?["message"]?.stringValue else { return nil }
        var line = String(text.unicodeScalars.map { $0.value < 0x20 ? " " : Character($0) })
        if key.count >= 4 { line = line.replacing(key, with: "****") }
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }

    static func reason(_ error: FetchError) -> OpenAIError {
        switch error.kind {
        case .timeout: .upstream(OpenAIError.timedOut)
        case .tooLarge: .upstream("the answer is too large")
        case .unreachable: .upstream(OpenAIError.unreachable)
        case .tls: .upstream("its TLS certificate was refused")
        case .cancelled: .cancelled
        case .badURL, .badRequest: .upstream("the URL is not usable")
        case .tooManyRedirects, .transport: .upstream("the connection failed")
        }
    }
}
