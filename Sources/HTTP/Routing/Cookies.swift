/// The `Cookie` request header as name → value (RFC 6265 §5.4: `name=value` pairs separated by `; `).
/// The first of two cookies with one name wins; values are taken as sent, without decoding.
public struct Cookies: Sendable {
    private var values: [String: String] = [:]

    public init(_ headers: Headers) {
        guard let header = headers["Cookie"] else { return }
        for pair in header.split(separator: ";") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = pair[..<equals].trimmingSpaces()
            var value = Substring(pair[pair.index(after: equals)...]).trimmingSpaces()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if !name.isEmpty, values[name] == nil { values[name] = value }
        }
    }

    public subscript(name: String) -> String? { values[name] }
}

/// One `Set-Cookie` header value. Session cookies are `HttpOnly; SameSite=Strict; Path=/`; `Secure`
/// is set when the request came over TLS (behind a proxy) or the config says so.
public struct SetCookie: Sendable {
    public var name: String
    public var value: String
    public var maxAgeSeconds: Int?
    public var path = "/"
    public var httpOnly = true
    public var secure = false
    public var sameSite = "Strict"

    public init(name: String, value: String, maxAgeSeconds: Int?, path: String = "/", httpOnly: Bool = true, secure: Bool = false) {
        self.name = name
        self.value = value
        self.maxAgeSeconds = maxAgeSeconds
        self.path = path
        self.httpOnly = httpOnly
        self.secure = secure
    }

    /// A cookie that tells the browser to forget `name`.
    public static func expired(_ name: String, path: String = "/", httpOnly: Bool = true, secure: Bool = false) -> SetCookie {
        SetCookie(name: name, value: "", maxAgeSeconds: 0, path: path, httpOnly: httpOnly, secure: secure)
    }

    public var headerValue: String {
        var parts = ["\(name)=\(value)", "Path=\(path)", "SameSite=\(sameSite)"]
        if let maxAgeSeconds { parts.append("Max-Age=\(maxAgeSeconds)") }
        if httpOnly { parts.append("HttpOnly") }
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }
}
