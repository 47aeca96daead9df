import Fetch

/// A failed call to plex.tv or a Plex Media Server, typed by what the caller does about it.
public struct PlexError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, as the setup wizard and the job runner act on it.
    public enum Kind: String, Sendable {
        /// 401 or 403: the token is wrong, expired or has no access to this server.
        case unauthorized
        /// 404: no such PIN (or it expired), section or item.
        case notFound
        /// Nothing answered at the address (refused, no route, DNS).
        case unreachable
        /// The server did not answer within the timeout.
        case timeout
        /// The TLS handshake or certificate check failed.
        case tls
        /// Another HTTP status (`status` says which).
        case httpStatus
        /// The answer was not the JSON or XML Plex sends, or was too large.
        case badResponse
        /// The URL given for the server is not an absolute http(s) URL.
        case badURL
        /// The task waiting for the answer was cancelled.
        case cancelled
    }

    public let kind: Kind
    /// The HTTP status when the server answered, else 0.
    public let status: Int
    public let message: String
    /// The URL with the token and other secrets masked.
    public let url: String

    public init(kind: Kind, status: Int = 0, message: String, url: String) {
        self.kind = kind
        self.status = status
        self.message = message
        self.url = FetchError.redact(url)
    }

    public var description: String { "\(message) (\(url))" }

    init(_ error: FetchError) {
        let kind: Kind =
            switch error.kind {
            case .timeout: .timeout
            case .unreachable: .unreachable
            case .tls: .tls
            case .badURL: .badURL
            case .tooLarge: .badResponse
            case .cancelled: .cancelled
            case .tooManyRedirects, .badRequest, .transport: .unreachable
            }
        self.init(kind: kind, message: error.message, url: error.url)
    }

    static func status(_ status: Int, url: String, what: String) -> PlexError {
        switch status {
        case 401, 403: PlexError(kind: .unauthorized, status: status, message: "Plex rejected the token (\(status))", url: url)
        case 404: PlexError(kind: .notFound, status: status, message: "\(what) not found (404)", url: url)
        default: PlexError(kind: .httpStatus, status: status, message: "Plex answered \(status) for \(what)", url: url)
        }
    }
}
