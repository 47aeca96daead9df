/// Why the OpenAI-compatible endpoint gave nothing usable. Each case carries a short reason fit for a
/// client, a plan's metadata and a log: never the API key, never a raw upstream body.
public enum OpenAIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No URL or no key (`integrations.openai`).
    case notConfigured
    /// The endpoint answered 401 or 403.
    case refused
    /// Unreachable, a timeout, an HTTP error after every try, or an answer that is not the API's shape.
    case upstream(String)
    /// The model answered, but not with the JSON object asked for (prose, a fenced block of prose, …).
    case unusableAnswer(String)
    case cancelled

    public var description: String {
        switch self {
        case .notConfigured: "No OpenAI-compatible endpoint is configured (integrations.openai.url and api_key)"
        case .refused: "The OpenAI endpoint refused the API key"
        case .upstream(let reason): "The OpenAI endpoint failed: \(reason)"
        case .unusableAnswer(let reason): "The AI's answer is not usable: \(reason)"
        case .cancelled: "cancelled"
        }
    }

    /// Whether the next request would fail the same way (an analysis stops asking after one of these).
    var isLasting: Bool {
        switch self {
        case .notConfigured, .refused, .cancelled: true
        case .upstream(let reason): reason == Self.unreachable || reason == Self.timedOut
        case .unusableAnswer: false
        }
    }

    static let unreachable = "the endpoint is unreachable"
    static let timedOut = "the endpoint did not answer in time"
}
