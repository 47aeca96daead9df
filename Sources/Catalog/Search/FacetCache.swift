import Store
import Synchronization

/// Whole-catalog facets by caller scope, valid while `catalog_generation` (bumped by triggers on every
/// change a facet reads, schema version 7) stays where it was when they were counted. At most
/// `capacity` scopes are kept (each user with their own grants is one); a full cache drops the
/// entry counted longest ago.
final class FacetCache: Sendable {
    typealias Facets = [String: [(String, Int)]]
    static let capacity = 32

    private struct Entry {
        let generation: Int64
        let facets: Facets
        let counted: UInt64
    }

    private struct State {
        var entries: [LibraryScope: Entry] = [:]
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The facets of `scope`: remembered ones when the catalog has not changed since, else `count()`'s.
    func facets(_ scope: LibraryScope, connection: Connection, count: () throws(SQLiteError) -> Facets) throws(SQLiteError) -> Facets {
        let generation = try connection.queryOne("SELECT n FROM catalog_generation WHERE id = 1")?[0].int64Value ?? -1
        if let entry = state.withLock({ $0.entries[scope] }), entry.generation == generation { return entry.facets }
        let facets = try count()
        state.withLock { state in
            state.clock += 1
            if state.entries[scope] == nil, state.entries.count >= Self.capacity,
                let oldest = state.entries.min(by: { $0.value.counted < $1.value.counted })?.key
            {
                state.entries[oldest] = nil
            }
            state.entries[scope] = Entry(generation: generation, facets: facets, counted: state.clock)
        }
        return facets
    }
}
