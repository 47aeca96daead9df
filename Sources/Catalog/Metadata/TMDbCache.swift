import Synchronization

/// TMDb's answers kept for `tmdbCacheSeconds`, keyed by the request URL (without the key), so
/// browsing the same show twice asks once. Bounded: past `capacity` entries the oldest goes first.
final class TMDbCache: Sendable {
    /// One stored answer.
    private struct Entry {
        let body: [UInt8]
        let expires: ContinuousClock.Instant
    }

    /// The answers and their order, under one lock.
    private struct State {
        var entries: [String: Entry] = [:]
        /// Keys in first-insertion order; an expired entry stays until replaced or trimmed, so each key is here once.
        var order: [String] = []
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int = 2_000) {
        self.capacity = max(1, capacity)
    }

    /// The stored body for `key` while it is fresh.
    func body(for key: String) -> [UInt8]? {
        state.withLock { state in
            guard let entry = state.entries[key], entry.expires > .now else { return nil }
            return entry.body
        }
    }

    /// Keeps `body` for `key` for `lifetimeSeconds` (0: not at all), dropping the oldest entries past
    /// the capacity.
    func store(_ body: [UInt8], for key: String, lifetimeSeconds: Int) {
        guard lifetimeSeconds > 0 else { return }
        let lifetime = Duration.seconds(lifetimeSeconds)
        state.withLock { state in
            if state.entries.updateValue(Entry(body: body, expires: .now + lifetime), forKey: key) == nil { state.order.append(key) }
            while state.entries.count > capacity, !state.order.isEmpty {
                state.entries[state.order.removeFirst()] = nil
            }
        }
    }
}
