public import HTTP

/// Why Stash gave us nothing usable. Each case carries a short reason fit for a client, a job's
/// `error` and a log: never the API key, never a raw upstream body.
public enum StashError: Error, Sendable, Equatable, CustomStringConvertible, HTTPErrorConvertible {
    /// Stash is switched off (`integrations.stash.enabled`) or has no URL.
    case notConfigured
    /// Stash answered 401 or 403: the API key is wrong or missing.
    case refused
    /// Stash has no such scene.
    case notFound(String)
    /// Stash answered, but with GraphQL `errors` (the first message, cut short).
    case graphQL(String)
    /// Anything else: unreachable, a timeout, 5xx or 429 after every try, a body that is not GraphQL's JSON.
    case upstream(String)
    /// A sync is already running (its job id).
    case busy(String)
    /// The job was cancelled.
    case cancelled

    public var description: String {
        switch self {
        case .notConfigured: "Stash is not configured (integrations.stash.enabled and url)"
        case .refused: "Stash refused the API key"
        case .notFound(let what): "Stash has no \(what)"
        case .graphQL(let message): "Stash answered with an error: \(message)"
        case .upstream(let reason): "Stash failed: \(reason)"
        case .busy: "A Stash sync is already running"
        case .cancelled: "cancelled"
        }
    }

    public var httpError: HTTPError {
        switch self {
        case .notConfigured: .unavailable(description, code: "INTEGRATION_NOT_CONFIGURED")
        case .refused: .badGateway(description)
        case .notFound: .notFound(description)
        case .graphQL(let message): .badGateway("Stash answered with an error", detail: message)
        case .upstream(let reason): .badGateway("Stash failed", detail: reason)
        case .busy(let job): .conflict(description, detail: job)
        case .cancelled: .conflict("The sync was cancelled")
        }
    }
}
