import Core
/// URL rules and encodings for talking to an identity provider: https everywhere except loopback
/// hosts (so tests can run a fake provider), RFC 3986 percent-encoding, form bodies and queries.
enum OIDCURL {
    /// Whether `url` is an absolute https URL, or http to 127.0.0.1, [::1] or localhost; no user info,
    /// no fragment, no spaces or control characters.
    static func isAllowed(_ url: String) -> Bool {
        guard url.utf8.count <= 2048, !url.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7f }), !url.contains("#") else { return false }
        let lower = url.lowercased()
        let secure = lower.hasPrefix("https://")
        guard secure || lower.hasPrefix("http://") else { return false }
        let rest = lower.dropFirst(secure ? 8 : 7)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard !authority.isEmpty, !authority.contains("@") else { return false }
        if secure { return true }
        let host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { return false }
        } else {
            host = authority.prefix { $0 != ":" }
        }
        return host == "127.0.0.1" || host == "localhost" || host == "[::1]"
    }

    /// RFC 3986 percent-encoding: everything but the unreserved characters is escaped.
    static func encode(_ value: String) -> String {
        PercentEncoding.encode(value)
    }

    /// `name=value&…`, each side percent-encoded (a query string or an
    /// `application/x-www-form-urlencoded` body; `%20` for a space is valid in both).
    static func form(_ pairs: [(String, String)]) -> String {
        pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }

    /// `base` with the query `pairs` appended (after `&` when `base` already has a query).
    static func appending(_ pairs: [(String, String)], to base: String) -> String {
        base + (base.contains("?") ? "&" : "?") + form(pairs)
    }
}
