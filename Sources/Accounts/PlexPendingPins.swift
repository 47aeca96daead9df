import Synchronization

/// The Plex PINs this appliance handed out, in memory, each under an unguessable handle: the handle
/// (not plex.tv's sequential PIN id) is the `id` a client verifies with, so nobody can finish a
/// sign-in someone else approved by guessing its number. A PIN is taken once it signed someone in,
/// expires with plex.tv's, and at most `capacity` are kept (the oldest dropped first).
public final class PlexPendingPins: Sendable {
    public enum Lookup: Sendable, Equatable {
        /// Handed out and not yet used: plex.tv's PIN id.
        case pending(Int64)
        case expired
        case unknown
    }

    struct Entry {
        let plexID: Int64
        let createdAt: Int64
        let expiresAt: Int64
    }

    public let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    public init(capacity: Int = 1000) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Keeps a new PIN and answers its handle (43 characters of base64url).
    public func insert(plexID: Int64, expiresIn: Int64, now: Int64) throws -> String {
        let handle = try Secrets.token()
        entries.withLock { entries in
            if entries.count >= capacity { entries = entries.filter { $0.value.expiresAt > now } }
            while entries.count >= capacity, let oldest = entries.min(by: { $0.value.createdAt < $1.value.createdAt }) {
                entries.removeValue(forKey: oldest.key)
            }
            entries[handle] = Entry(plexID: plexID, createdAt: now, expiresAt: now + max(1, expiresIn))
        }
        return handle
    }

    /// What the handle names; an expired PIN is forgotten as it is reported.
    public func lookup(_ handle: String, now: Int64) -> Lookup {
        entries.withLock { entries in
            guard let entry = entries[handle] else { return .unknown }
            guard entry.expiresAt > now else {
                entries.removeValue(forKey: handle)
                return .expired
            }
            return .pending(entry.plexID)
        }
    }

    /// Forgets the PIN (it signed someone in, or plex.tv forgot it); true when it was still kept.
    @discardableResult
    public func remove(_ handle: String) -> Bool {
        entries.withLock { $0.removeValue(forKey: handle) != nil }
    }

    public var count: Int { entries.withLock { $0.count } }
}
