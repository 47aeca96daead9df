import Core
import Crypto

/// Who signed in, from a verified ID token (and userinfo): the provider's stable `sub` under its
/// issuer is the identity; the rest is profile data that the provider may change.
public struct OIDCIdentity: Sendable, Equatable {
    public let issuer: String
    public let subject: String
    public var email: String?
    /// Whether the provider vouches for `email` (false when it does not say).
    public var emailVerified: Bool
    public var name: String?
    public var preferredUsername: String?

    public init(issuer: String, subject: String, email: String?, emailVerified: Bool, name: String?, preferredUsername: String?) {
        self.issuer = issuer
        self.subject = subject
        self.email = email
        self.emailVerified = emailVerified
        self.name = name
        self.preferredUsername = preferredUsername
    }

    /// Reads the profile claims of an ID token or a userinfo response; over-long or ill-typed ones are left out.
    init(issuer: String, subject: String, claims: [String: JSON]) {
        func text(_ name: String, _ limit: Int) -> String? {
            guard case .string(let value)? = claims[name], !value.isEmpty, value.utf8.count <= limit else { return nil }
            return value
        }
        let verified: Bool =
            switch claims["email_verified"] {
            case .bool(let value)?: value
            case .string("true")?: true  // some providers send the string
            default: false
            }
        self.init(
            issuer: issuer, subject: subject, email: text("email", 320), emailVerified: verified, name: text("name", 256),
            preferredUsername: text("preferred_username", 256))
    }
}

/// Checks an OIDC ID token (OpenID Connect Core §3.1.3.7) for one client of one issuer: a compact
/// JWS parsed strictly, `alg` RS256 or ES256 only (never `none` or HS*, and only with a key of the
/// matching type), the signature checked by libcrypto with a key from the provider's JWKS, then `iss`
/// exactly, `aud` containing the client (and `azp` naming it when there are several audiences),
/// `exp`/`iat`/`nbf` against the clock with `leewaySeconds`, and the sign-in's `nonce`.
public struct IDTokenVerifier: Sendable {
    /// Longest token accepted; real ones are 1–2 KiB.
    public static let maximumLength = 16 << 10
    public static let algorithms = ["RS256", "ES256"]

    public let issuer: String
    public let clientID: String
    public let leewaySeconds: Int64

    public init(issuer: String, clientID: String, leewaySeconds: Int64 = 60) {
        self.issuer = issuer
        self.clientID = clientID
        self.leewaySeconds = leewaySeconds
    }

    /// A token split and its header read, not yet trusted.
    public struct Parsed: Sendable {
        public let algorithm: String
        public let keyID: String?
        let signingInput: [UInt8]
        let signature: [UInt8]
        let payload: Substring
    }

    /// The token's parts and header; refuses anything but a three-part compact JWS with `alg` RS256 or ES256.
    public static func parse(_ token: String) throws(OIDCError) -> Parsed {
        guard token.utf8.count <= maximumLength else { throw .malformedToken("longer than \(maximumLength) bytes") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformedToken("not three parts") }
        let header = try object(parts[0], "header")
        guard case .string(let algorithm)? = header["alg"] else { throw .malformedToken("no alg") }
        guard algorithms.contains(algorithm) else { throw .unsupportedAlgorithm(OIDCError.excerpt(algorithm)) }
        if let type = header["typ"], type.stringValue?.uppercased() != "JWT" { throw .malformedToken("typ is not JWT") }
        // No extensions are understood, and keys are only ever taken from the provider's JWKS (never `jwk`/`jku`/`x5u`).
        guard header["crit"] == nil else { throw .malformedToken("crit header") }
        var keyID: String?
        if let kid = header["kid"] {
            guard case .string(let value) = kid, value.utf8.count <= 256 else { throw .malformedToken("kid is not a string") }
            keyID = value
        }
        guard let signature = JWTSigner.decode(parts[2]) else { throw .malformedToken("signature is not base64url") }
        let signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        return Parsed(algorithm: algorithm, keyID: keyID, signingInput: signingInput, signature: signature, payload: parts[1])
    }

    /// The identity in `token` if it is valid at `now` for this client and carries `nonce`; the key
    /// comes from `keys` (which refetches the provider's JWKS, rate-limited, on an unknown `kid`).
    public func verify(_ token: String, keys: OIDCKeySet, nonce: String, now: Int64) async throws(OIDCError) -> OIDCIdentity {
        let parsed = try Self.parse(token)
        let key = try await keys.key(id: parsed.keyID, algorithm: parsed.algorithm, now: now)
        return try verify(parsed, key: key, nonce: nonce, now: now)
    }

    /// The same with the key already chosen.
    public func verify(_ parsed: Parsed, key: OIDCKey, nonce: String, now: Int64) throws(OIDCError) -> OIDCIdentity {
        guard key.accepts(parsed.algorithm) else { throw .unsupportedAlgorithm(parsed.algorithm) }
        let valid =
            switch key.material {
            case .rsa(let modulus, let exponent):
                Crypto.verifyRS256(message: parsed.signingInput, signature: parsed.signature, modulus: modulus, exponent: exponent)
            case .p256(let x, let y):
                Crypto.verifyES256(message: parsed.signingInput, signature: parsed.signature, x: x, y: y)
            }
        guard valid else { throw .badSignature }
        let claims = try Self.object(parsed.payload, "payload")
        guard claims["iss"] == .string(issuer) else { throw .wrongIssuer }
        let audiences: [String]
        switch claims["aud"] {
        case .string(let one)?: audiences = [one]
        case .array(let many)? where many.count <= 32: audiences = many.compactMap(\.stringValue)
        default: throw .malformedToken("aud is not a string or an array")
        }
        guard audiences.contains(clientID) else { throw .wrongAudience }
        if let azp = claims["azp"] {
            guard azp == .string(clientID) else { throw .wrongAudience }
        } else if audiences.count > 1 {
            throw .wrongAudience
        }
        guard let expires = Self.seconds(claims["exp"]) else { throw .malformedToken("no exp") }
        guard now < expires + leewaySeconds else { throw .expired }
        guard let issuedAt = Self.seconds(claims["iat"]) else { throw .malformedToken("no iat") }
        guard issuedAt <= now + leewaySeconds else { throw .notYetValid }
        if let notBefore = claims["nbf"] {
            guard let value = Self.seconds(notBefore) else { throw .malformedToken("nbf is not a number") }
            guard value <= now + leewaySeconds else { throw .notYetValid }
        }
        guard case .string(let sent)? = claims["nonce"], Crypto.constantTimeEqual(sent, nonce) else { throw .wrongNonce }
        guard case .string(let subject)? = claims["sub"], !subject.isEmpty, subject.utf8.count <= 255 else {
            throw .malformedToken("sub is missing or longer than 255 bytes")
        }
        return OIDCIdentity(issuer: issuer, subject: subject, claims: claims)
    }

    /// A NumericDate (RFC 7519 §2): seconds since 1970, an integer or a finite fraction (rounded down).
    static func seconds(_ value: JSON?) -> Int64? {
        switch value {
        case .int(let seconds)?: seconds
        case .double(let seconds)? where seconds.isFinite && abs(seconds) < 1e15: Int64(seconds.rounded(.down))
        default: nil
        }
    }

    private static func object(_ part: Substring, _ name: String) throws(OIDCError) -> [String: JSON] {
        guard let bytes = JWTSigner.decode(part) else { throw .malformedToken("\(name) is not base64url") }
        guard case .object(let members)? = try? JSON.parseStrict(bytes) else { throw .malformedToken("\(name) is not a JSON object") }
        return members
    }
}
