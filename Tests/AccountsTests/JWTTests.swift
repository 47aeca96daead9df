import Accounts
import Core
import Crypto
import Testing

/// Access tokens: a token is valid only as we signed it (issue 11's JWT attack list).
struct JWTTests {
    static let key = SigningKey(id: "k1", secret: Array("0123456789abcdef0123456789abcdef".utf8))
    static let signer = JWTSigner(current: key)
    static let now: Int64 = 1_800_000_000

    static func token(_ claims: [String: JSON] = ["sub": "u1", "exp": .int(now + 900), "iat": .int(now)]) -> String {
        signer.sign(claims)
    }

    /// A token with this header and payload, signed with `key` (or with the given signature).
    static func forged(header: String, payload: String = #"{"sub":"u1","exp":1800000900}"#, signature: String? = nil) -> String {
        let input = Base64.urlEncode(Array(header.utf8)) + "." + Base64.urlEncode(Array(payload.utf8))
        return input + "." + (signature ?? Base64.urlEncode(Crypto.hmacSHA256(key: key.secret, data: Array(input.utf8))))
    }

    @Test func roundTrip() throws {
        let claims = try Self.signer.verify(Self.token(), now: Self.now)
        #expect(claims["sub"] == "u1")
    }

    @Test func rfc7515ExampleSignature() {
        // RFC 7515 Appendix A.1: the HMAC and base64url under our signer are the published ones.
        let secret = Base64.urlDecode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")!
        let input = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
        #expect(Base64.urlEncode(Crypto.hmacSHA256(key: secret, data: Array(input.utf8))) == "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
    }

    @Test func rotationKeepsThePreviousKeyValid() throws {
        let rotated = JWTSigner(current: SigningKey(id: "k2", secret: Array("another-secret-another-secret-!!".utf8)), previous: [Self.key])
        #expect(try rotated.verify(Self.token(), now: Self.now)["sub"] == "u1")
        let dropped = JWTSigner(current: SigningKey(id: "k2", secret: Array("another-secret-another-secret-!!".utf8)))
        #expect(throws: JWTError.unknownKey) { try dropped.verify(Self.token(), now: Self.now) }
    }

    @Test(
        arguments: [
            (forged(header: #"{"alg":"none","typ":"JWT","kid":"k1"}"#, signature: ""), JWTError.unsupportedAlgorithm("none")),
            (forged(header: #"{"alg":"none","typ":"JWT","kid":"k1"}"#), JWTError.unsupportedAlgorithm("none")),
            (forged(header: #"{"alg":"RS256","typ":"JWT","kid":"k1"}"#), JWTError.unsupportedAlgorithm("RS256")),
            (forged(header: #"{"alg":"HS512","kid":"k1"}"#), JWTError.unsupportedAlgorithm("HS512")),
            (forged(header: #"{"alg":"HS256","kid":"nope"}"#), JWTError.unknownKey),
            (forged(header: #"{"alg":"HS256"}"#), JWTError.unknownKey),
            (forged(header: #"{"alg":"HS256","kid":"k1","alg":"none"}"#), JWTError.malformed("header is not a JSON object")),
            (forged(header: #"{"alg":"HS256","kid":"k1"}"#, payload: #"{"sub":"u1"}"#), JWTError.malformed("no exp")),
            (forged(header: #"{"alg":"HS256","kid":"k1"}"#, payload: #"{"exp":"1800000900"}"#), JWTError.malformed("no exp")),
            (forged(header: #"{"alg":"HS256","kid":"k1"}"#, payload: #"{"exp":1700000000}"#), JWTError.expired),
            (forged(header: #"{"alg":"HS256","kid":"k1"}"#, payload: #"{"exp":1800000900,"nbf":1800000600}"#), JWTError.notYetValid),
            (forged(header: #"{"alg":"HS256","kid":"k1"}"#, payload: #"{"exp":1800000900,"iat":1900000000}"#), JWTError.notYetValid),
            (forged(header: #"{"alg":"HS256","kid":"k1","typ":"JWE"}"#), JWTError.malformed("typ is not JWT")),
            ("a.b", JWTError.malformed("not three parts")),
            ("a.b.c.d", JWTError.malformed("not three parts")),
            (token() + "=", JWTError.malformed("signature is not base64url")),
            (String(repeating: "a", count: 5000), JWTError.malformed("longer than 4096 bytes")),
        ] as [(String, JWTError)])
    func refused(token: String, error: JWTError) {
        #expect(throws: error) { try Self.signer.verify(token, now: Self.now) }
    }

    @Test func everyFlippedBitOfTheSignatureIsRefused() {
        let token = Self.token()
        let parts = token.split(separator: ".").map(String.init)
        let signature = Base64.urlDecode(parts[2])!
        for bit in 0..<(signature.count * 8) {
            var flipped = signature
            flipped[bit / 8] ^= UInt8(1 << (bit % 8))
            let tampered = parts[0] + "." + parts[1] + "." + Base64.urlEncode(flipped)
            #expect(throws: JWTError.badSignature) { try Self.signer.verify(tampered, now: Self.now) }
        }
        // A changed claim with the old signature, too.
        let payload = Base64.urlEncode(Array(#"{"exp":1800000900,"iat":1800000000,"sub":"admin"}"#.utf8))
        #expect(throws: JWTError.badSignature) { try Self.signer.verify(parts[0] + "." + payload + "." + parts[2], now: Self.now) }
    }
}
