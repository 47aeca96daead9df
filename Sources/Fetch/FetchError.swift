/// A request that got no HTTP response: what went wrong, libcurl's code and message, and the URL
/// with credentials and secret-looking query values masked, so the error can be logged as it is.
public struct FetchError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The failure as a caller acts on it.
    public enum Kind: String, Sendable {
        /// The host name did not resolve or nothing accepted the connection.
        case unreachable
        /// The connect or total timeout ran out.
        case timeout
        /// The body grew past `maximumResponseBytes`.
        case tooLarge
        /// More redirects than `maximumRedirects`.
        case tooManyRedirects
        /// The TLS handshake or certificate check failed.
        case tls
        /// Not an absolute http or https URL.
        case badURL
        /// A header name or value that cannot be sent (empty name, colon in the name, line break).
        case badRequest
        /// The task awaiting the request was cancelled.
        case cancelled
        /// Anything else libcurl reported (connection reset, bad response, …).
        case transport
    }

    public let kind: Kind
    /// libcurl's `CURLcode`, 0 when the failure was found before libcurl ran.
    public let curlCode: Int32
    public let message: String
    /// The URL, redacted with `FetchError.redact`.
    public let url: String

    public init(kind: Kind, curlCode: Int32, message: String, url: String) {
        self.kind = kind
        self.curlCode = curlCode
        self.message = message
        self.url = FetchError.redact(url)
    }

    public var description: String { "\(message) (\(url))" }

    static let secretNames = ["token", "key", "secret", "password", "passwd", "auth", "signature", "session"]

    /// `url` with any `user:password@` and the values of query parameters whose names look secret
    /// (`X-Plex-Token`, `apikey`, `password`, …) replaced by `****`.
    public static func redact(_ url: String) -> String {
        var base = url
        var fragment = ""
        if let hash = base.firstIndex(of: "#") {
            fragment = String(base[hash...])
            base = String(base[..<hash])
        }
        if let scheme = base.firstRange(of: "://") {
            let rest = base[scheme.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@") {
                base = String(base[..<scheme.upperBound]) + "****" + String(rest[at...])
            }
        }
        guard let question = base.firstIndex(of: "?") else { return base + fragment }
        let query = base[base.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false).map {
            pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<equals].lowercased()
            return secretNames.contains { name.contains($0) } ? "\(pair[..<equals])=****" : String(pair)
        }
        return String(base[...question]) + query.joined(separator: "&") + fragment
    }
}
