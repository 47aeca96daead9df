public import Core
import Crypto

/// Why an access token was refused. Every case answers 401; the case is for the log and the tests.
public enum JWTError: Error, Sendable, Equatable {
    case malformed(String)
    case unsupportedAlgorithm(String)
    case unknownKey
    case badSignature
    case expired
    case notYetValid
}

/// One HS256 signing key, named by `kid` in the tokens it signs.
public struct SigningKey: Sendable, Equatable {
    public let id: String
    public let secret: [UInt8]

    public init(id: String, secret: [UInt8]) {
        self.id = id
        self.secret = secret
    }
}

/// HS256 JSON Web Tokens (RFC 7519) for access tokens: signed with the current key, verified with the
/// current or a previous one (rotation keeps old tokens valid until they expire). Verification is
/// strict: exactly `alg: HS256` (no `none`, no RS/HS confusion), a known `kid`, base64url without
/// padding, strict JSON without duplicate members, `exp` required, `nbf`/`iat` honoured with a leeway.
public struct JWTSigner: Sendable {
    /// Longest token accepted; ours are a few hundred bytes.
    public static let maximumLength = 4096
    public let current: SigningKey
    public let previous: [SigningKey]
    public let leewaySeconds: Int64

    public init(current: SigningKey, previous: [SigningKey] = [], leewaySeconds: Int64 = 30) {
        self.current = current
        self.previous = previous
        self.leewaySeconds = leewaySeconds
    }

    /// A signed token for `claims` (a JSON object; the caller sets `exp`, `iat`, `sub`, …).
    public func sign(_ claims: [String: JSON]) -> String {
        let header: JSON = ["alg": "HS256", "typ": "JWT", "kid": .string(current.id)]
        let input = Base64.urlEncode(header.encoded()) + "." + Base64.urlEncode(JSON.object(claims).encoded())
        return input + "." + Base64.urlEncode(Crypto.hmacSHA256(key: current.secret, data: Array(input.utf8)))
    }

    /// The claims of a valid token at `now` (seconds since 1970), or why it is refused.
    public func verify(_ token: String, now: Int64) throws(JWTError) -> [String: JSON] {
        guard token.utf8.count <= Self.maximumLength else { throw .malformed("longer than \(Self.maximumLength) bytes") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("not three parts") }
        let header = try Self.object(parts[0], "header")
        guard case .string(let algorithm)? = header["alg"] else { throw .malformed("no alg") }
        guard algorithm == "HS256" else { throw .unsupportedAlgorithm(String(algorithm.prefix(16))) }
        if let type = header["typ"], type != "JWT" { throw .malformed("typ is not JWT") }
        guard case .string(let keyID)? = header["kid"] else { throw .unknownKey }
        guard let key = ([current] + previous).first(where: { $0.id == keyID }) else { throw .unknownKey }
        guard let signature = Self.decode(parts[2]) else { throw .malformed("signature is not base64url") }
        let input = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        guard Crypto.constantTimeEqual(signature, Crypto.hmacSHA256(key: key.secret, data: input)) else { throw .badSignature }
        let claims = try Self.object(parts[1], "payload")
        guard case .int(let expires)? = claims["exp"] else { throw .malformed("no exp") }
        guard now < expires + leewaySeconds else { throw .expired }
        if let notBefore = claims["nbf"] {
            guard case .int(let value) = notBefore else { throw .malformed("nbf is not a number") }
            guard value <= now + leewaySeconds else { throw .notYetValid }
        }
        if let issuedAt = claims["iat"] {
            guard case .int(let value) = issuedAt else { throw .malformed("iat is not a number") }
            guard value <= now + leewaySeconds else { throw .notYetValid }
        }
        return claims
    }

    private static func object(_ part: Substring, _ name: String) throws(JWTError) -> [String: JSON] {
        guard let bytes = decode(part) else { throw .malformed("\(name) is not base64url") }
        guard case .object(let members)? = try? JSON.parseStrict(bytes) else { throw .malformed("\(name) is not a JSON object") }
        return members
    }

    /// Strict base64url without padding: only `A-Z a-z 0-9 - _`, and a length a base64 text can have.
    static func decode(_ part: Substring) -> [UInt8]? {
        guard !part.isEmpty, part.utf8.count % 4 != 1 else { return nil }
        for byte in part.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"):
                continue
            default:
                return nil
            }
        }
        guard let bytes = Base64.urlDecode(String(part)) else { return nil }
        // Reject non-canonical encodings (stray low bits in the last character): re-encoding must give the input.
        return Base64.urlEncode(bytes) == part ? bytes : nil
    }
}
