/// Where minute and hour averages are kept (SQLite in the daemon, via `SQLiteHistoryStore`).
public protocol HistoryStore: Sendable {
    /// Inserts or replaces the point at its timestamp.
    func save(_ point: HistoryPoint, resolution: HistoryResolution) throws
    /// Points with `from <= timestamp < to`, oldest first.
    func points(_ resolution: HistoryResolution, from: Int64, to: Int64) throws -> [HistoryPoint]
    /// Deletes points older than `before`; returns how many went.
    @discardableResult func prune(_ resolution: HistoryResolution, before: Int64) throws -> Int
}
