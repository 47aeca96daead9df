import Crypto

/// Decides who a presented credential (a bearer token or `X-Auth-Token` value) belongs to.
/// The appliance token is one verifier; user sessions and API keys plug in as further ones.
public protocol CredentialVerifier: Sendable {
    /// The principal the credential proves, or nil when this verifier does not accept it.
    func principal(for credential: String) -> Principal?
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

    public func principal(for credential: String) -> Principal? {
        Crypto.constantTimeEqual(Array(credential.utf8), token) ? .applianceToken : nil
    }
}
