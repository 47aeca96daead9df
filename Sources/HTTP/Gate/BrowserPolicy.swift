/// What keeps a web page the owner happens to visit from driving the box through their browser
/// (`docs/security.md`): a state-changing request or a WebSocket upgrade from another origin is
/// refused, and a body must carry the media type its route takes, so an HTML form or a `no-cors`
/// `text/plain` fetch (which need no CORS preflight) never reaches a JSON handler.
public enum BrowserPolicy {
    /// Methods that may change state; GET, HEAD and OPTIONS never do.
    static func changesState(_ method: String) -> Bool {
        method != "GET" && method != "HEAD" && method != "OPTIONS"
    }

    /// A 403 when a browser says the request comes from a page of another origin: `Sec-Fetch-Site`
    /// other than `same-origin` or `none` (typed in the address bar), or an `Origin` whose host and port
    /// are not the request's `Host`. Clients that send neither (curl, the *arr apps, routers) pass.
    public static func crossOriginRefusal(method: String, headers: Headers, isUpgrade: Bool) -> HTTPError? {
        guard isUpgrade || changesState(method) else { return nil }
        if let site = headers["Sec-Fetch-Site"]?.lowercased(), site != "same-origin", site != "none" {
            return refusal("the browser reports a \(site.prefix(32)) request")
        }
        guard let origin = headers["Origin"] else { return nil }
        guard let originHost = host(ofOrigin: origin) else { return refusal("its Origin is not a web origin") }
        guard let requestHost = headers["Host"]?.lowercased(), originHost == requestHost || originHost == defaultPortless(requestHost)
        else {
            return refusal("its Origin is not this box")
        }
        return nil
    }

    private static func refusal(_ why: String) -> HTTPError {
        HTTPError(
            status: 403, code: "FORBIDDEN", message: "Cross-origin request refused",
            detail: "A page of another site may not change this box: \(why)")
    }

    /// `host[:port]` of an `http` or `https` origin, lowercased; nil for `null` and other schemes.
    static func host(ofOrigin origin: String) -> String? {
        let lowered = origin.lowercased()
        let rest: Substring
        if lowered.hasPrefix("http://") {
            rest = lowered.dropFirst(7)
        } else if lowered.hasPrefix("https://") {
            rest = lowered.dropFirst(8)
        } else {
            return nil
        }
        guard !rest.isEmpty, !rest.contains("/") else { return nil }
        return String(rest)
    }

    /// `box:80` and `box` name the same origin for plain HTTP.
    private static func defaultPortless(_ host: String) -> String {
        host.hasSuffix(":80") ? String(host.dropLast(3)) : host + ":80"
    }

    /// A 415 when a request that may carry a body declares (or sends without declaring) a media type
    /// the route does not take. JSON may say `charset=utf-8` and nothing else.
    public static func mediaTypeRefusal(method: String, headers: Headers, accepted: [String]) -> HTTPError? {
        guard changesState(method) else { return nil }
        let declared = headers["Content-Type"]
        let hasBody = headers["Transfer-Encoding"] != nil || (headers["Content-Length"].flatMap { Int($0) } ?? 0) > 0
        guard declared != nil || hasBody else { return nil }
        let expected = accepted.joined(separator: " or ")
        guard let declared else {
            return unsupported("A request body needs 'Content-Type: \(expected)'")
        }
        let parts = declared.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingSpaces().lowercased() }
        let mediaType = parts.first ?? ""
        guard accepted.contains(mediaType) else {
            return unsupported("Content-Type must be \(expected), not '\(declared.prefix(64))'")
        }
        if mediaType == "application/json" {
            for parameter in parts.dropFirst() where parameter != "charset=utf-8" && parameter != "charset=\"utf-8\"" {
                return unsupported("JSON bodies are UTF-8: the only Content-Type parameter taken is charset=utf-8")
            }
        }
        return nil
    }

    private static func unsupported(_ message: String) -> HTTPError {
        HTTPError(status: 415, code: "UNSUPPORTED_MEDIA_TYPE", message: message)
    }
}
