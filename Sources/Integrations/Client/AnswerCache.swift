import Synchronization

/// How long an answer is kept (001: 30 s status, 5 min lists and searches, 1 h server details,
/// quality profiles and root folders).
public enum CacheLifetime: Int64, Sendable {
    case none = 0
    case status = 30
    case list = 300
    case configuration = 3600
}

/// One app's decoded answers, keyed by path and query (never by key), each kept for its lifetime.
/// Bounded: past `capacity` entries the soonest to expire goes first.
final class AnswerCache: Sendable {
    private struct Entry: Sendable {
        let value: any Sendable
        let expires: Int64
    }

    private let capacity: Int
    private let clock: IntegrationClock
    private let entries = Mutex([String: Entry]())

    init(capacity: Int = 256, clock: IntegrationClock) {
        self.capacity = max(1, capacity)
        self.clock = clock
    }

    /// The fresh value stored under `key`, if it has type `T`.
    func value<T: Sendable>(_ key: String, as type: T.Type) -> T? {
        let now = clock.now()
        return entries.withLock { entries in
            guard let entry = entries[key], entry.expires > now else { return nil }
            return entry.value as? T
        }
    }

    /// Keeps `value` under `key` for `lifetime`.
    func store<T: Sendable>(_ value: T, _ key: String, lifetime: CacheLifetime) {
        guard lifetime != .none else { return }
        let now = clock.now()
        entries.withLock { entries in
            entries[key] = Entry(value: value, expires: now + lifetime.rawValue * 1000)
            if entries.count > capacity {
                entries = entries.filter { $0.value.expires > now }
                while entries.count > capacity, let soonest = entries.min(by: { $0.value.expires < $1.value.expires })?.key {
                    entries[soonest] = nil
                }
            }
        }
    }

    /// Forgets everything (after a write, or when the settings change).
    func removeAll() {
        entries.withLock { $0.removeAll() }
    }
}
