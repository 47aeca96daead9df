import Crypto

/// The one auth check, run before any handler: decides the request's `Principal` from the route's
/// `Access` and the one credential the request presents (`Credential.presented`), or throws 401/403.
/// A principal signed in by the session cookie must echo the CSRF cookie in `X-CSRF-Token` on every
/// state-changing method (double submit; headers and API keys are not sent by a browser on its own).
public struct AuthGate: Sendable {
    private let verifiers: [any CredentialVerifier]
    private let setup: any SetupState
    private let hosts: HostAllowList?

    /// `hosts`, when given, is the `Host` allow-list of the open pre-setup routes (against DNS rebinding).
    public init(verifiers: [any CredentialVerifier], setup: any SetupState, hosts: HostAllowList? = nil) {
        self.verifiers = verifiers
        self.setup = setup
        self.hosts = hosts
    }

    /// `queryToken` is the `?token=` of a WebSocket upgrade (nil for every other route); a header wins over it.
    public func authorize(_ access: Access, method: String = "GET", headers: Headers, queryToken: String? = nil) throws(HTTPError) -> Principal {
        let presented = Credential.presented(in: headers, queryToken: queryToken)
        var principal: Principal?
        if let presented {
            for verifier in verifiers {
                if let found = verifier.principal(for: presented) {
                    principal = found
                    break
                }
            }
            if principal != nil, presented.kind == .cookie, access != .public, !AuthGate.isSafe(method) {
                try AuthGate.checkCSRF(headers)
            }
        }
        switch access {
        case .public:
            return principal ?? .anonymous
        case .setup:
            if let principal { return principal }
            if !setup.isSetupComplete {
                if let hosts, !hosts.allows(headers["Host"]) {
                    throw HTTPError(
                        status: 403, code: "FORBIDDEN", message: "This host name may not use the setup routes",
                        detail: "Before setup they answer only for an IP address, localhost, the box's own name, a .local name "
                            + "or a name in server.allowed_hosts")
                }
                return .anonymous
            }
            throw presented == nil ? HTTPError.unauthorized("Setup is complete: an auth token is required") : HTTPError.unauthorized()
        case .authenticated:
            guard let principal else { throw HTTPError.unauthorized() }
            return principal
        case .permission(let permission):
            guard let principal else { throw HTTPError.unauthorized() }
            guard principal.holds(permission) else {
                throw HTTPError(status: 403, code: "FORBIDDEN", message: "Forbidden", detail: "Needs the permission \(permission)")
            }
            return principal
        case .admin:
            guard let principal else { throw HTTPError.unauthorized() }
            guard principal.isAdmin else {
                throw HTTPError(status: 403, code: "FORBIDDEN", message: "Forbidden", detail: "Needs the admin role")
            }
            return principal
        }
    }

    static func isSafe(_ method: String) -> Bool {
        method == "GET" || method == "HEAD" || method == "OPTIONS"
    }

    /// The double-submit check: the `X-CSRF-Token` header equals the CSRF cookie, compared in constant time.
    static func checkCSRF(_ headers: Headers) throws(HTTPError) {
        let cookie = Cookies(headers)[SessionCookies.csrf] ?? ""
        let header = headers[SessionCookies.csrfHeader] ?? ""
        guard cookie.utf8.count >= 16, Crypto.constantTimeEqual(Array(cookie.utf8), Array(header.utf8)) else {
            CSRFRefusals.record()
            throw HTTPError(
                status: 403, code: "CSRF_TOKEN_INVALID", message: "Missing or wrong CSRF token",
                detail: "A request signed in by cookie must send the \(SessionCookies.csrf) cookie's value in \(SessionCookies.csrfHeader)")
        }
    }
}
