import Crypto

/// Random identifiers and secret tokens, and the one way a secret is kept: its SHA-256.
/// Every secret stored by the account stores (refresh tokens, API keys, e-mail tokens, backup codes)
/// has at least 128 random bits, so a plain SHA-256 is enough; passwords use argon2id instead.
enum Secrets {
    /// A random UUID (version 4 layout) from the CSPRNG, lower case.
    static func identifier() throws -> String {
        var bytes = try Crypto.randomBytes(16)
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Base64.hex(bytes)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex[hex.index(hex.startIndex, offsetBy: range.lowerBound)..<hex.index(hex.startIndex, offsetBy: range.upperBound)])
        }
        return parts.joined(separator: "-")
    }

    /// A fresh opaque token: 32 random bytes, base64url (43 characters).
    static func token() throws -> String {
        try Crypto.randomToken(bytes: 32)
    }

    /// What is stored for a presented secret.
    static func hash(_ secret: String) -> [UInt8] {
        Crypto.sha256(Array(secret.utf8))
    }
}
