/// The one auth check, run before any handler: decides the request's `Principal` from the route's
/// `Access` and the credential in `X-Auth-Token` or `Authorization: Bearer` (or, for WebSocket routes
/// only, which browsers cannot give headers, the `token` query parameter), or throws 401/403.
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

    /// The credential a request presents, if any. `Authorization` must use the `Bearer` scheme.
    static func credential(in headers: Headers) -> String? {
        if let token = headers["X-Auth-Token"], !token.isEmpty { return token }
        if let authorization = headers["Authorization"] {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let token = parts[1].trimmingSpaces()
                if !token.isEmpty { return token }
            }
        }
        return nil
    }

    /// `queryToken` is the `?token=` of a WebSocket upgrade (nil for every other route); a header wins over it.
    public func authorize(_ access: Access, headers: Headers, queryToken: String? = nil) throws(HTTPError) -> Principal {
        let presented = AuthGate.credential(in: headers) ?? queryToken.flatMap { $0.isEmpty ? nil : $0 }
        var principal: Principal?
        if let presented {
            for verifier in verifiers {
                if let found = verifier.principal(for: presented) {
                    principal = found
                    break
                }
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
        case .admin:
            guard let principal else { throw HTTPError.unauthorized() }
            switch principal {
            case .applianceToken: return principal
            case .user(_, let role) where role == "admin": return principal
            default: throw HTTPError.forbidden()
            }
        }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
