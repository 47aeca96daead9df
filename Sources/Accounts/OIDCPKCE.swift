public import Crypto

/// Proof Key for Code Exchange (RFC 7636) with the S256 method, and the random `state` and `nonce`
/// of one sign-in: all from the CSPRNG, base64url without padding.
public struct PKCE: Sendable, Equatable {
    /// The secret the token request proves possession of: 43 to 128 characters of `[A-Za-z0-9-_]`.
    public let verifier: String
    /// `BASE64URL(SHA256(verifier))`, sent in the authorization request.
    public var challenge: String { Self.challenge(for: verifier) }

    /// A fresh verifier of `bytes` random bytes (32 → 43 characters, 96 → 128).
    public static func generate(bytes: Int = 32) throws(CryptoError) -> PKCE {
        precondition((32...96).contains(bytes), "a PKCE verifier is 43 to 128 characters")
        return PKCE(verifier: try Crypto.randomToken(bytes: bytes))
    }

    public init(verifier: String) {
        self.verifier = verifier
    }

    public static func challenge(for verifier: String) -> String {
        Base64.urlEncode(Crypto.sha256(Array(verifier.utf8)))
    }

    /// A random `state` or `nonce` value (256 bits).
    public static func randomValue() throws(CryptoError) -> String {
        try Crypto.randomToken(bytes: 32)
    }
}
