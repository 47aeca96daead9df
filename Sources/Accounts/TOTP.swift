import Core
import Crypto

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1, 6 digits, 30-second
/// steps, one step of drift either way. A code is accepted once: the caller stores the step it matched
/// and passes it back as `lastUsedStep`, so a code seen over someone's shoulder cannot be replayed.
public enum TOTP {
    public static let period: Int64 = 30
    public static let digits = 6

    /// The HOTP value for `counter` (RFC 4226 §5.3: dynamic truncation), `digits` long.
    public static func code(secret: [UInt8], counter: UInt64, digits: Int = TOTP.digits) -> String {
        var message = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 { message[index] = UInt8(truncatingIfNeeded: counter >> (56 - 8 * UInt64(index))) }
        let mac = Crypto.hmacSHA1(key: secret, data: message)
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: max(0, digits - value.count)) + value
    }

    /// The step `time` falls in.
    public static func step(at time: Int64) -> Int64 { time >= 0 ? time / period : 0 }

    /// The step a code matches at `time` (within ±`window` steps, later than `lastUsedStep`), or nil.
    public static func verify(
        _ code: String, secret: [UInt8], time: Int64, window: Int64 = 1, lastUsedStep: Int64? = nil
    ) -> Int64? {
        guard code.utf8.count == digits, code.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        let now = step(at: time)
        var matched: Int64?
        // Every candidate is computed and compared in constant time, so timing tells nothing.
        for candidate in (now - window)...(now + window) where candidate >= 0 {
            let expected = self.code(secret: secret, counter: UInt64(candidate))
            if Crypto.constantTimeEqual(expected, code), matched == nil { matched = candidate }
        }
        guard let matched else { return nil }
        if let lastUsedStep, matched <= lastUsedStep { return nil }
        return matched
    }

    /// The `otpauth://` URI authenticator apps read from the enrolment QR code.
    public static func uri(secret: [UInt8], account: String, issuer: String) -> String {
        let label = percentEncode(issuer) + ":" + percentEncode(account)
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(percentEncode(issuer))"
            + "&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }

    static func percentEncode(_ text: String) -> String {
        PercentEncoding.encode(text)
    }
}

/// RFC 4648 base32 (upper case, no padding), the encoding of TOTP secrets.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes upper- or lower-case base32, ignoring spaces and padding; nil on any other character.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in text.utf8 where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "=") {
            let upper = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte
            guard let value = alphabet.firstIndex(of: upper) else { return nil }
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return out
    }
}
