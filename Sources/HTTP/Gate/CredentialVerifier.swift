import Crypto

/// Decides who a presented credential belongs to. The appliance token is one verifier; user sessions
/// and API keys plug in as further ones. Called on the server thread for every request: answers from
/// memory, never blocks.
public protocol CredentialVerifier: Sendable {
    /// The principal the credential proves, or nil when this verifier does not accept it.
    func principal(for credential: Credential) -> Principal?
}

/// The appliance token of DESIGN §7 (from `secrets.toml`, or `WEB_AUTH_TOKEN` which overrides it),
/// compared in constant time.
public struct ApplianceTokenVerifier: CredentialVerifier {
    private let token: [UInt8]

    /// Precondition: the token is not empty (an empty token would let an empty header in).
    public init(token: String) {
        precondition(!token.isEmpty, "the appliance token must not be empty")
        self.token = Array(token.utf8)
    }

    /// Accepted from a header or a WebSocket's `?token=`, never from a cookie or `X-API-Key`.
    public func principal(for credential: Credential) -> Principal? {
        guard credential.kind == .bearer || credential.kind == .query else { return nil }
        return Crypto.constantTimeEqual(Array(credential.value.utf8), token) ? .applianceToken : nil
    }
}
