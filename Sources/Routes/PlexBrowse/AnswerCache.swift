import Core
import Synchronization

/// A bounded in-memory cache of JSON answers, each with its own lifetime: at most `maxEntries` entries
/// and `maxBytes` of encoded JSON. Expired entries go first, then the least recently used; an answer
/// larger than a quarter of `maxBytes` is not kept at all.
final class AnswerCache: Sendable {
    private struct Entry {
        var value: JSON
        var bytes: Int
        var expires: Double
        var lastUsed: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        var tick: UInt64 = 0
    }

    let maxEntries: Int
    let maxBytes: Int
    private let state = Mutex(State())

    init(maxEntries: Int, maxBytes: Int) {
        precondition(maxEntries > 0 && maxBytes > 0)
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    /// The live answer under `key`, if any.
    func value(for key: String, now: Double) -> JSON? {
        state.withLock { state in
            guard var entry = state.entries[key] else { return nil }
            guard entry.expires > now else {
                state.bytes -= entry.bytes
                state.entries[key] = nil
                return nil
            }
            state.tick += 1
            entry.lastUsed = state.tick
            state.entries[key] = entry
            return entry.value
        }
    }

    /// Keeps `value` under `key` for `lifetime` seconds, making room first.
    func store(_ value: JSON, for key: String, lifetime: Double, now: Double) {
        let bytes = value.encoded().count + key.utf8.count
        guard bytes <= maxBytes / 4 else { return }
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: key) { state.bytes -= old.bytes }
            if state.entries.count >= maxEntries || state.bytes + bytes > maxBytes {
                for (key, entry) in state.entries where entry.expires <= now {
                    state.bytes -= entry.bytes
                    state.entries[key] = nil
                }
            }
            while state.entries.count >= maxEntries || state.bytes + bytes > maxBytes,
                let oldest = state.entries.min(by: { $0.value.lastUsed < $1.value.lastUsed })
            {
                state.bytes -= oldest.value.bytes
                state.entries[oldest.key] = nil
            }
            state.tick += 1
            state.entries[key] = Entry(value: value, bytes: bytes, expires: now + lifetime, lastUsed: state.tick)
            state.bytes += bytes
        }
    }

    /// How many entries and bytes are held now.
    var usage: (entries: Int, bytes: Int) {
        state.withLock { ($0.entries.count, $0.bytes) }
    }
}
