import FoundationEssentials
import Crypto
import HTTP

/// The browser side of a session (001): the access token in an HttpOnly cookie, the refresh token in
/// one only `/api` sees, and a CSRF token the page can read and must echo in `X-CSRF-Token`.
struct SessionCookieWriter: Sendable {
    let service: AccountService

    /// `Secure` when the config says always, or (auto) when the request came through TLS at a proxy.
    func secure(_ request: Request) -> Bool {
        if let configured = service.settings.secureCookies { return configured }
        return request.headers["X-Forwarded-Proto"]?.lowercased() == "https"
    }

    /// A fresh CSRF token: 32 random bytes, base64url.
    static func csrfToken() throws(HTTPError) -> String {
        do { return try Crypto.randomToken(bytes: 32) } catch { throw HTTPError.serverError() }
    }

    func cookies(for signedIn: SignedIn, csrf: String, _ request: Request) -> [SetCookie] {
        let secure = secure(request)
        let lifetime = Int(signedIn.session.expiresAt.timeIntervalSince(signedIn.session.createdAt))
        return [
            SetCookie(name: SessionCookies.access, value: signedIn.accessToken, maxAgeSeconds: Int(signedIn.expiresIn), secure: secure),
            SetCookie(name: SessionCookies.refresh, value: signedIn.refreshToken, maxAgeSeconds: lifetime, path: "/api", secure: secure),
            SetCookie(name: SessionCookies.csrf, value: csrf, maxAgeSeconds: lifetime, httpOnly: false, secure: secure),
        ]
    }

    func cleared(_ request: Request) -> [SetCookie] {
        let secure = secure(request)
        return [
            .expired(SessionCookies.access, secure: secure), .expired(SessionCookies.refresh, path: "/api", secure: secure),
            .expired(SessionCookies.csrf, httpOnly: false, secure: secure),
        ]
    }
}

extension Response {
    func setting(_ cookies: [SetCookie]) -> Response {
        var response = self
        for cookie in cookies { response.headers.add("Set-Cookie", cookie.headerValue) }
        return response
    }
}
