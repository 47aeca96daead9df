import Synchronization

/// In-memory rate limits (DESIGN §7): at most `limit` hits per key in any `windowSeconds`, counted
/// exactly (a sliding log of at most `limit` times per key). Keys are client addresses, user ids or
/// e-mail addresses; at most `maxKeys` are kept, the least recently used dropped first.
public final class RateLimiter: Sendable {
    /// What one hit was told, with what the `X-RateLimit-*` and `Retry-After` headers say.
    public struct Decision: Sendable, Equatable {
        public let allowed: Bool
        public let limit: Int
        public let remaining: Int
        /// Seconds until the oldest counted hit leaves the window.
        public let resetSeconds: Int
        /// Seconds to wait before a hit can succeed (0 when allowed).
        public let retryAfterSeconds: Int
    }

    public let limit: Int
    public let windowSeconds: Double
    private let maxKeys: Int

    private struct Entry {
        var hits: [Double] = []
        var lastSeen: Double = 0
    }
    private let entries = Mutex<[String: Entry]>([:])

    public init(limit: Int, windowSeconds: Double, maxKeys: Int = 10_000) {
        precondition(limit > 0 && windowSeconds > 0 && maxKeys > 0)
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.maxKeys = maxKeys
    }

    /// Counts a hit for `key` at `now` (seconds, monotonic) unless the key is at its limit.
    public func hit(_ key: String, now: Double) -> Decision {
        entries.withLock { entries in
            var entry = entries[key] ?? Entry()
            entry.hits.removeAll { $0 <= now - windowSeconds }
            entry.lastSeen = now
            let allowed = entry.hits.count < limit
            if allowed { entry.hits.append(now) }
            let oldest = entry.hits.first ?? now
            let reset = max(0, Int((oldest + windowSeconds - now).rounded(.up)))
            entries[key] = entry
            if entries.count > maxKeys { Self.evict(&entries, now: now, window: windowSeconds, keep: maxKeys) }
            return Decision(
                allowed: allowed, limit: limit, remaining: max(0, limit - entry.hits.count), resetSeconds: reset,
                retryAfterSeconds: allowed ? 0 : max(1, reset))
        }
    }

    /// Forgets a key (a successful login clears its failures, where a rule wants that).
    public func reset(_ key: String) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    private static func evict(_ entries: inout [String: Entry], now: Double, window: Double, keep: Int) {
        entries = entries.filter { $0.value.lastSeen > now - window }
        guard entries.count > keep else { return }
        let oldest = entries.sorted { $0.value.lastSeen < $1.value.lastSeen }.prefix(entries.count - keep)
        for (key, _) in oldest { entries.removeValue(forKey: key) }
    }
}
