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
        for name in ["X-Request-ID", "X-Correlation-ID"] {
            if let value = headers[name], RequestIDs.isSane(value) { return value }
        }
        let next = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return prefix + "-" + String(next, radix: 16)
    }
}
