internal import CCrypto

extension Crypto {
    /// Whether `signature` is a valid RS256 (RSASSA-PKCS1-v1_5, SHA-256) signature of `message` under the
    /// RSA public key (`modulus`, `exponent`), both big-endian as in a JWK. Keys under 2048 bits: false.
    public static func verifyRS256(message: [UInt8], signature: [UInt8], modulus: [UInt8], exponent: [UInt8]) -> Bool {
        guard !modulus.isEmpty, !exponent.isEmpty, !signature.isEmpty else { return false }
        return modulus.withUnsafeBufferPointer { n in
            exponent.withUnsafeBufferPointer { e in
                message.withUnsafeBufferPointer { m in
                    signature.withUnsafeBufferPointer { s in
                        cc_verify_rs256(n.baseAddress, n.count, e.baseAddress, e.count, m.baseAddress, m.count, s.baseAddress, s.count) == 1
                    }
                }
            }
        }
    }

    /// Whether `signature` (JWS's raw `r || s`, 64 bytes) is a valid ES256 (ECDSA P-256, SHA-256) signature of
    /// `message` under the public point (`x`, `y`), 32 bytes each as in a JWK.
    public static func verifyES256(message: [UInt8], signature: [UInt8], x: [UInt8], y: [UInt8]) -> Bool {
        guard x.count == 32, y.count == 32, signature.count == 64 else { return false }
        return x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in
                message.withUnsafeBufferPointer { m in
                    signature.withUnsafeBufferPointer { s in
                        cc_verify_es256(px.baseAddress, py.baseAddress, m.baseAddress, m.count, s.baseAddress) == 1
                    }
                }
            }
        }
    }
}
