public import HTTP

/// Why an app gave us nothing usable, as one short reason fit for a client, a log line and the probe
/// state: never the API key, never a raw upstream body.
public enum IntegrationError: Error, Sendable, Equatable, CustomStringConvertible, HTTPErrorConvertible {
    /// Switched off, or without an address or a key.
    case notConfigured(IntegrationApp)
    /// The app answered 401 or 403.
    case refused(IntegrationApp)
    /// Nothing accepted the connection (or TLS failed, or the URL is not usable); the reason says which.
    case unreachable(IntegrationApp, String)
    /// No answer within `integrations.timeout_s`.
    case timeout(IntegrationApp)
    /// An answer that is not the JSON expected: HTML, truncated, another app's.
    case badAnswer(IntegrationApp)
    /// The app has no such thing (404).
    case notFound(IntegrationApp, String)
    /// The app answered an error status (5xx or 429 after every try, or a 4xx it explains).
    case status(IntegrationApp, Int)
    /// The app is marked down after consecutive failures; calls fail fast with the last reason until a probe gets through.
    case down(IntegrationApp, String)
    /// The caller went away.
    case cancelled(IntegrationApp)

    public var app: IntegrationApp {
        switch self {
        case .notConfigured(let app), .refused(let app), .unreachable(let app, _), .timeout(let app), .badAnswer(let app),
            .notFound(let app, _), .status(let app, _), .down(let app, _), .cancelled(let app):
            app
        }
    }

    public var description: String {
        switch self {
        case .notConfigured(let app): "\(app.title) is not configured"
        case .refused(let app): "\(app.title) refused the API key"
        case .unreachable(let app, let reason): "\(app.title) is unreachable: \(reason)"
        case .timeout(let app): "\(app.title) did not answer in time"
        case .badAnswer(let app): "\(app.title)'s answer is not the JSON expected"
        case .notFound(let app, let what): "\(app.title) has no \(what)"
        case .status(let app, let status): "\(app.title) answered HTTP \(status)"
        case .down(_, let reason): reason
        case .cancelled(let app): "the request to \(app.title) was cancelled"
        }
    }

    /// Whether the failure says the app itself is unwell (counted by its circuit breaker); a 404 or a
    /// cancelled caller says nothing about the app.
    var countsAgainstApp: Bool {
        switch self {
        case .notFound, .cancelled, .notConfigured, .down: false
        default: true
        }
    }

    public var httpError: HTTPError {
        switch self {
        case .notConfigured: .unavailable(description, code: "INTEGRATION_NOT_CONFIGURED")
        case .timeout: HTTPError(status: 504, code: "UPSTREAM_ERROR", message: description)
        case .notFound: .notFound(description)
        case .cancelled: .unavailable(description)
        case .down(let app, _): .badGateway("\(app.title) is down", detail: description)
        case .refused, .unreachable, .badAnswer, .status: .badGateway(description)
        }
    }
}
