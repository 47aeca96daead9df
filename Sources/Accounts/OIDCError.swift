/// Why an OIDC sign-in was refused. No case carries a token, a code or a secret, so an error can be
/// logged and its `reason` answered as it is. `isProviderFault` tells the routes which side failed:
/// the provider (discovery, keys, token endpoint: 502-like, the admin should look) or the sign-in
/// itself (state, token, claims: 400/401).
public enum OIDCError: Error, Sendable, Equatable, CustomStringConvertible {
    // MARK: The provider and its documents
    /// The provider could not be reached, timed out or answered too much (`FetchError.Kind` name).
    case unreachable(String)
    /// A discovery, JWKS, token or userinfo response that is not what the spec says.
    case badDocument(String)
    /// The discovery document names another issuer than the one configured.
    case issuerMismatch
    /// An endpoint that is not https (only loopback hosts may use http).
    case insecureURL(String)
    /// The token endpoint supports neither `client_secret_basic` nor `client_secret_post`.
    case unsupportedClientAuthentication
    /// The token endpoint refused the code (`invalid_grant`: wrong code, redirect or PKCE verifier).
    case tokenRequestRefused(status: Int, error: String)

    // MARK: The sign-in
    /// No pending sign-in for this state: unknown, used once already, or older than ten minutes.
    case unknownState
    /// The callback arrived for another provider than the one the sign-in started with.
    case providerMismatch
    /// The provider sent the user back with an error (`access_denied`, …) instead of a code.
    case authorizationDenied(String)

    // MARK: The ID token
    case malformedToken(String)
    /// `alg` is not RS256 or ES256 (`none`, HS256, …), or does not fit the key's type.
    case unsupportedAlgorithm(String)
    /// No key in the provider's key set has this `kid` (after one refetch).
    case unknownKey
    case badSignature
    /// `iss` is not the provider's issuer.
    case wrongIssuer
    /// `aud` does not contain the client id, or `azp` names another client.
    case wrongAudience
    case expired
    case notYetValid
    /// `nonce` is missing or not the one this sign-in sent.
    case wrongNonce
    /// Userinfo describes another subject than the ID token.
    case subjectMismatch
    /// The CSPRNG failed (no state, nonce or verifier could be made).
    case randomnessUnavailable

    /// Failures of the provider rather than of the sign-in.
    public var isProviderFault: Bool {
        switch self {
        case .unreachable, .badDocument, .issuerMismatch, .insecureURL, .unsupportedClientAuthentication: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let kind): "identity provider unreachable (\(kind))"
        case .badDocument(let what): "identity provider sent a bad document: \(what)"
        case .issuerMismatch: "discovery document names another issuer"
        case .insecureURL(let what): "\(what) is not https"
        case .unsupportedClientAuthentication: "token endpoint supports neither client_secret_basic nor client_secret_post"
        case .tokenRequestRefused(let status, let error): "token endpoint refused the code (\(status) \(error))"
        case .unknownState: "unknown or expired sign-in state"
        case .providerMismatch: "sign-in started with another provider"
        case .authorizationDenied(let error): "identity provider denied the sign-in (\(error))"
        case .malformedToken(let what): "malformed ID token: \(what)"
        case .unsupportedAlgorithm(let alg): "ID token algorithm '\(alg)' is not accepted"
        case .unknownKey: "ID token signed with an unknown key"
        case .badSignature: "ID token signature is invalid"
        case .wrongIssuer: "ID token issuer is wrong"
        case .wrongAudience: "ID token is for another client"
        case .expired: "ID token has expired"
        case .notYetValid: "ID token is not valid yet"
        case .wrongNonce: "ID token nonce does not match"
        case .subjectMismatch: "userinfo subject differs from the ID token"
        case .randomnessUnavailable: "no randomness available"
        }
    }

    /// A short, safe excerpt of text that came from the network (an `error` code, an `alg`).
    static func excerpt(_ text: String) -> String {
        let safe = text.unicodeScalars.prefix(40).map { scalar -> Character in
            scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7f ? Character(scalar) : "?"
        }
        return String(safe)
    }
}
