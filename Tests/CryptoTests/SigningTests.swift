import Crypto
import Testing

/// JWS signing with generated keys (fake identity providers): what it signs, the verifiers accept.
struct SigningTests {
    static let message = Array("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1MSJ9".utf8)

    @Test func rs256RoundTrip() throws {
        let key = try JWSPrivateKey.generate(.rsa)
        let (n, e) = try key.rsaPublicNumbers()
        #expect(n.count == 256)
        #expect(e == [0x01, 0x00, 0x01])
        let signature = try Crypto.signRS256(message: Self.message, privateKeyPEM: key.pem)
        #expect(signature.count == 256)
        #expect(Crypto.verifyRS256(message: Self.message, signature: signature, modulus: n, exponent: e))
        #expect(!Crypto.verifyRS256(message: Self.message + [0x2e], signature: signature, modulus: n, exponent: e))
        #expect(try key.publicKeyPEM().hasPrefix("-----BEGIN PUBLIC KEY-----"))
    }

    @Test func es256RoundTrip() throws {
        let key = try JWSPrivateKey.generate(.p256)
        let (x, y) = try key.p256PublicPoint()
        #expect(x.count == 32 && y.count == 32)
        let signature = try Crypto.signES256(message: Self.message, privateKeyPEM: key.pem)
        #expect(signature.count == 64)
        #expect(Crypto.verifyES256(message: Self.message, signature: signature, x: x, y: y))
        var flipped = signature
        flipped[5] ^= 1
        #expect(!Crypto.verifyES256(message: Self.message, signature: flipped, x: x, y: y))
    }

    @Test func aKeyOfTheOtherKindIsRefused() throws {
        let rsa = try JWSPrivateKey.generate(.rsa)
        #expect(throws: CryptoError.self) { try Crypto.signES256(message: Self.message, privateKeyPEM: rsa.pem) }
        #expect(throws: CryptoError.self) { try JWSPrivateKey(kind: .p256, pem: rsa.pem) }
        #expect(throws: CryptoError.self) { try JWSPrivateKey(kind: .rsa, pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
    }
}
