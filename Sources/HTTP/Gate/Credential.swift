/// A credential as a request presents it, and where it came from: verifiers accept only the kinds they
/// issue (the appliance token never comes from a cookie, an API key only from `X-API-Key`).
public struct Credential: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `X-Auth-Token` or `Authorization: Bearer`.
        case bearer
        /// `X-API-Key`.
        case apiKey
        /// The session cookie a browser sends (`SessionCookies.access`).
        case cookie
        /// `?token=` of a WebSocket upgrade, which browsers cannot give headers.
        case query
    }

    public let kind: Kind
    public let value: String

    public init(_ kind: Kind, _ value: String) {
        self.kind = kind
        self.value = value
    }

    /// The one credential a request is judged by. An explicit header wins over the cookie, so a client
    /// that sends a bad token is refused rather than silently signed in by a cookie it also carries.
    static func presented(in headers: Headers, queryToken: String?) -> Credential? {
        if let token = headers["X-Auth-Token"], !token.isEmpty { return Credential(.bearer, token) }
        if let authorization = headers["Authorization"] {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].utf8.count == 6, parts[0].lowercased() == "bearer" {
                let token = parts[1].trimmingSpaces()
                if !token.isEmpty { return Credential(.bearer, token) }
            }
        }
        if let key = headers["X-API-Key"], !key.isEmpty { return Credential(.apiKey, key) }
        if let queryToken, !queryToken.isEmpty { return Credential(.query, queryToken) }
        if let cookie = Cookies(headers)[SessionCookies.access], !cookie.isEmpty { return Credential(.cookie, cookie) }
        return nil
    }
}

/// The names of the browser session's cookies. The access token is HttpOnly; the CSRF token is readable
/// by the page, which echoes it in `X-CSRF-Token` on every state-changing request (double submit).
public enum SessionCookies {
    public static let access = "applianced_session"
    public static let refresh = "applianced_refresh"
    public static let csrf = "applianced_csrf"
    public static let csrfHeader = "X-CSRF-Token"
}

extension Substring {
    /// Without leading and trailing spaces and tabs, on UTF-8 bytes: header values are trimmed on every
    /// request, and a walk over `Character`s (grapheme breaking, two reversals) cost a 300-byte bearer
    /// token half the route's speed.
    func trimmingSpaces() -> String {
        let bytes = utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start = bytes.index(after: start) }
        while end > start {
            let before = bytes.index(before: end)
            guard bytes[before] == 0x20 || bytes[before] == 0x09 else { break }
            end = before
        }
        return String(self[start..<end])
    }
}
