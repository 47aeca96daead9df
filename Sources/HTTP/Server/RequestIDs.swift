import Crypto
import Synchronization

/// Request IDs: the client's own `X-Request-ID`/`X-Correlation-ID` when it is sane, else a fresh one
/// (a random per-process prefix and a counter: unique, cheap, and never a secret).
final class RequestIDs: Sendable {
    private let prefix: String
    private let counter = Atomic<UInt64>(0)

    init() {
        let bytes = (try? Crypto.randomBytes(6)) ?? [0, 0, 0, 0, 0, 0]
        prefix = Base64.hex(bytes)
    }

    /// Accepts 1–128 characters of `[A-Za-z0-9._:-]`; anything else could forge log lines or headers.
    static func isSane(_ candidate: String) -> Bool {
        guard !candidate.isEmpty, candidate.utf8.count <= 128 else { return false }
        return candidate.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x3A || byte == 0x2D
        }
    }

    func make(clientSent headers: Headers) -> String {
        var correlation: String?
        for (name, value) in headers.fields {
            if Headers.same(name, "X-Request-ID") {
                if RequestIDs.isSane(value) { return value }
            } else if correlation == nil, Headers.same(name, "X-Correlation-ID"), RequestIDs.isSane(value) {
                correlation = value
            }
        }
        if let correlation { return correlation }
        return fresh()
    }

    /// `prefix-counter` in hex, written straight into the string's storage.
    func fresh() -> String {
        let next = counter.wrappingAdd(1, ordering: .relaxed).newValue
        var prefix = self.prefix
        return prefix.withUTF8 { head in
            String(unsafeUninitializedCapacity: head.count + 17) { buffer in
                var index = 0
                for byte in head {
                    buffer[index] = byte
                    index += 1
                }
                buffer[index] = UInt8(ascii: "-")
                index += 1
                let digits = max(1, (64 - next.leadingZeroBitCount + 3) / 4)
                for position in (0..<digits).reversed() {
                    let nibble = UInt8((next >> (UInt64(position) * 4)) & 0xF)
                    buffer[index] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
                    index += 1
                }
                return index
            }
        }
    }
}
