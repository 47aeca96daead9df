internal import CCrypto

/// A private key for signing JWS (RS256 or ES256), kept as PKCS#8 PEM. The appliance never signs with
/// one: it is for fake identity providers in tests, which need tokens the verifiers check for real.
public struct JWSPrivateKey: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case rsa
        case p256

        var type: String { self == .rsa ? "RSA" : "EC" }
    }

    public let kind: Kind
    public let pem: String

    /// The key in `pem`; throws when it is not a private key of `kind`.
    public init(kind: Kind, pem: String) throws(CryptoError) {
        self.kind = kind
        self.pem = pem
        _ = try publicKeyPEM()
    }

    /// A fresh key from libcrypto's generator (RSA of `rsaBits`, or P-256).
    public static func generate(_ kind: Kind, rsaBits: UInt32 = 2048) throws(CryptoError) -> JWSPrivateKey {
        let pem = try Self.text(call: "EVP_PKEY_keygen", capacity: 16384) { out, cap in
            cc_generate_key_pem(kind == .p256 ? 1 : 0, rsaBits, out, cap)
        }
        return try JWSPrivateKey(kind: kind, pem: pem)
    }

    /// The public key as SubjectPublicKeyInfo PEM.
    public func publicKeyPEM() throws(CryptoError) -> String {
        try Self.text(call: "PEM_write_bio_PUBKEY", capacity: 4096) { out, cap in cc_public_key_pem(pem, kind.type, out, cap) }
    }

    /// The RSA modulus and exponent, big-endian as in a JWK's `n` and `e`.
    public func rsaPublicNumbers() throws(CryptoError) -> (modulus: [UInt8], exponent: [UInt8]) {
        (try number(OSSL_PKEY_PARAM_RSA_N, pad: 0), try number(OSSL_PKEY_PARAM_RSA_E, pad: 0))
    }

    /// The P-256 public point, 32 bytes each as in a JWK's `x` and `y`.
    public func p256PublicPoint() throws(CryptoError) -> (x: [UInt8], y: [UInt8]) {
        (try number(OSSL_PKEY_PARAM_EC_PUB_X, pad: 32), try number(OSSL_PKEY_PARAM_EC_PUB_Y, pad: 32))
    }

    /// The JWS signature of `message`: RS256 for an RSA key, ES256 (raw `r || s`, 64 bytes) for P-256.
    public func sign(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 1024)
        let count = message.withUnsafeBufferPointer { m in
            out.withUnsafeMutableBufferPointer { o in cc_sign_sha256(pem, kind.type, m.baseAddress, m.count, o.baseAddress, o.count) }
        }
        guard count > 0 else { throw CryptoError(call: "EVP_DigestSign", message: "could not sign with the \(kind.type) key") }
        return Array(out.prefix(Int(count)))
    }

    private func number(_ name: String, pad: Int32) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 1024)
        let count = out.withUnsafeMutableBufferPointer { o in cc_public_number(pem, kind.type, name, pad, o.baseAddress, o.count) }
        guard count > 0 else { throw CryptoError(call: "EVP_PKEY_get_bn_param", message: "no '\(name)' in the \(kind.type) key") }
        return Array(out.prefix(Int(count)))
    }

    private static func text(
        call: String, capacity: Int, _ body: (UnsafeMutablePointer<CChar>?, Int) -> Int32
    ) throws(CryptoError) -> String {
        var out = [CChar](repeating: 0, count: capacity)
        let count = out.withUnsafeMutableBufferPointer { body($0.baseAddress, $0.count) }
        guard count > 0 else { throw CryptoError(call: call, message: "libcrypto refused the key") }
        return String(decoding: out.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension Crypto {
    /// An RS256 signature of `message` with the RSA private key in `privateKeyPEM` (tests' fake providers).
    public static func signRS256(message: [UInt8], privateKeyPEM: String) throws(CryptoError) -> [UInt8] {
        try JWSPrivateKey(kind: .rsa, pem: privateKeyPEM).sign(message)
    }

    /// An ES256 signature (raw `r || s`, 64 bytes) of `message` with the P-256 private key in `privateKeyPEM`.
    public static func signES256(message: [UInt8], privateKeyPEM: String) throws(CryptoError) -> [UInt8] {
        try JWSPrivateKey(kind: .p256, pem: privateKeyPEM).sign(message)
    }
}
