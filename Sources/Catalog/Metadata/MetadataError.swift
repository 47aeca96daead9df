public import HTTP

/// Why TMDb gave us nothing usable. Each case carries a short reason fit for a client and for
/// `metadata_error`: never a raw upstream body, never the API key (URLs are redacted before they get here).
public enum MetadataError: Error, Sendable, Equatable, CustomStringConvertible, HTTPErrorConvertible {
    /// TMDb is switched off or has no API key.
    case notConfigured
    /// TMDb answered 401: the key is wrong or revoked.
    case refused
    /// TMDb has no such movie, show, season, episode or collection.
    case notFound(String)
    /// A search found nothing that fits the title (and year) of a catalog item.
    case noMatch(String)
    /// Anything else: a timeout, 5xx or 429 after every try, a body that is not the JSON we expect.
    case upstream(String)

    public var description: String {
        switch self {
        case .notConfigured: "TMDb is not configured (no API key)"
        case .refused: "TMDb refused the API key"
        case .notFound(let what): "TMDb has no \(what)"
        case .noMatch(let item): "no TMDb match for '\(item)'"
        case .upstream(let reason): "TMDb failed: \(reason)"
        }
    }

    public var httpError: HTTPError {
        switch self {
        case .notConfigured: .unavailable(description, code: "TMDB_NOT_CONFIGURED")
        case .refused: .badGateway(description)
        case .notFound, .noMatch: .notFound(description)
        case .upstream(let reason): .badGateway("TMDb failed", detail: reason)
        }
    }
}
