internal import CArgon2
internal import CCrypto

/// A failed call into libcrypto or libargon2.
public struct CryptoError: Error, CustomStringConvertible, Sendable {
    public let call: String
    public let message: String
    public var description: String { "\(call): \(message)" }
}

/// Hashes, HMAC, randomness and password hashing from OpenSSL's libcrypto and libargon2.
/// Nothing here is hand-written cryptography: every primitive is a library call.
public enum Crypto {
    /// `count` bytes from the OS CSPRNG (`RAND_bytes`).
    public static func randomBytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let ok = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        guard ok == 1 else { throw CryptoError(call: "RAND_bytes", message: "no randomness available") }
        return bytes
    }

    /// A fresh random token: `count` random bytes, base64url without padding (43 characters for 32 bytes).
    public static func randomToken(bytes count: Int = 32) throws(CryptoError) -> String {
        Base64.urlEncode(try randomBytes(count))
    }

    public static func sha1(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(SHA_DIGEST_LENGTH))
        data.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { _ = SHA1(input.baseAddress, input.count, $0.baseAddress) }
        }
        return out
    }

    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        data.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { _ = SHA256(input.baseAddress, input.count, $0.baseAddress) }
        }
        return out
    }

    public static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        hmac(EVP_sha256(), key: key, data: data, length: 32)
    }

    public static func hmacSHA1(key: [UInt8], data: [UInt8]) -> [UInt8] {
        hmac(EVP_sha1(), key: key, data: data, length: 20)
    }

    private static func hmac(_ md: OpaquePointer?, key: [UInt8], data: [UInt8], length: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        var outLength: UInt32 = 0
        key.withUnsafeBufferPointer { k in
            data.withUnsafeBufferPointer { d in
                out.withUnsafeMutableBufferPointer { o in
                    _ = HMAC(md, k.baseAddress, Int32(k.count), d.baseAddress, d.count, o.baseAddress, &outLength)
                }
            }
        }
        return Array(out.prefix(Int(outLength)))
    }

    /// Compares two byte strings in time that depends only on their lengths (`CRYPTO_memcmp`).
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else {
            // Still touch b so the time does not reveal where a mismatch is.
            _ = b.withUnsafeBufferPointer { p in CRYPTO_memcmp(p.baseAddress, p.baseAddress, p.count) }
            return false
        }
        if a.isEmpty { return true }
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, pa.count) == 0 }
        }
    }

    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        constantTimeEqual(Array(a.utf8), Array(b.utf8))
    }

    /// An argon2id hash in the standard encoded form (`$argon2id$v=19$m=…`).
    public static func hashPassword(_ password: String, memoryKiB: UInt32 = 19456, iterations: UInt32 = 2, lanes: UInt32 = 1) throws(CryptoError) -> String {
        let salt = try randomBytes(16)
        let pwd = Array(password.utf8)
        let encodedLength = argon2_encodedlen(iterations, memoryKiB, lanes, UInt32(salt.count), 32, Argon2_id)
        var encoded = [CChar](repeating: 0, count: encodedLength)
        let rc = pwd.withUnsafeBufferPointer { p in
            salt.withUnsafeBufferPointer { s in
                encoded.withUnsafeMutableBufferPointer { e in
                    argon2id_hash_encoded(iterations, memoryKiB, lanes, p.baseAddress, p.count, s.baseAddress, s.count, 32, e.baseAddress, e.count)
                }
            }
        }
        guard rc == Int32(ARGON2_OK.rawValue) else {
            throw CryptoError(call: "argon2id_hash_encoded", message: String(cString: argon2_error_message(rc)))
        }
        return encoded.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Checks a password against an encoded argon2id hash.
    public static func verifyPassword(_ password: String, hash: String) -> Bool {
        let pwd = Array(password.utf8)
        let rc = pwd.withUnsafeBufferPointer { p in argon2id_verify(hash, p.baseAddress, p.count) }
        return rc == Int32(ARGON2_OK.rawValue)
    }
}
