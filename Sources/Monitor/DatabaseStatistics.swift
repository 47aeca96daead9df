public import Core

/// Figures about the state database for `/api/performance/database`, and the maintenance
/// `/api/performance/optimize` runs. The composition root passes a `SQLiteStatistics`.
public protocol DatabaseStatistics: Sendable {
    /// Sizes, page counts, journal mode and a timed probe query, as JSON members.
    func statistics() throws -> [String: JSON]
    /// Runs `PRAGMA optimize` and a WAL checkpoint (and frees SQLite's caches when `clearCache`);
    /// returns what it did with before/after figures.
    func optimize(clearCache: Bool) throws -> [String: JSON]
    /// Whether the database answers a query now.
    func isReady() -> (ready: Bool, error: String?)
    /// Runs `body` on the database's own queue: the other calls block (SQLite), so async code calls
    /// them, and the history queries over the same database, inside `perform`.
    func perform<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T
}

/// A named readiness check for `/api/v1/health` and `/api/v1/health/ready`: database, config, http, …
public struct ReadinessCheck: Sendable {
    public var name: String
    /// A critical check that fails makes `/health/ready` answer 503.
    public var critical: Bool
    /// False when the part is not set up at all (004's "not configured").
    public var configured: Bool
    public var probe: @Sendable () -> (ready: Bool, error: String?)

    public init(
        name: String, critical: Bool, configured: Bool = true,
        probe: @escaping @Sendable () -> (ready: Bool, error: String?)
    ) {
        self.name = name
        self.critical = critical
        self.configured = configured
        self.probe = probe
    }
}
