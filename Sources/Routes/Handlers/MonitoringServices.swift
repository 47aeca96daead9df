import HTTP
public import Monitor

/// The latest sample; the running `Sampler` is one.
public protocol SnapshotSource: Sendable {
    var current: MetricsSnapshot? { get }
}

extension Sampler: SnapshotSource {}

/// What the monitoring, health and performance routes read, built once by the composition root.
public struct MonitoringServices: Sendable {
    public var snapshots: any SnapshotSource
    public var history: MetricsHistory
    public var alerts: AlertCenter
    public var alertSettings: any AlertSettingsStore
    public var logs: LogRing
    public var metrics: MetricsRegistry
    public var database: any DatabaseStatistics
    /// Readiness of the daemon's parts (database, config, http, …) for `/api/v1/health*`.
    public var checks: [ReadinessCheck]
    /// 004's `features` block of `/health/version`, e.g. `["plex": true, "vaapi": false, "authentication": true]`.
    public var features: @Sendable () -> [String: Bool]
    public var environment: String

    public init(
        snapshots: any SnapshotSource, history: MetricsHistory, alerts: AlertCenter,
        alertSettings: any AlertSettingsStore, logs: LogRing, metrics: MetricsRegistry,
        database: any DatabaseStatistics, checks: [ReadinessCheck],
        features: @escaping @Sendable () -> [String: Bool] = { [:] }, environment: String = "production"
    ) {
        self.snapshots = snapshots
        self.history = history
        self.alerts = alerts
        self.alertSettings = alertSettings
        self.logs = logs
        self.metrics = metrics
        self.database = database
        self.checks = checks
        self.features = features
        self.environment = environment
    }

    /// The latest sample, or 503 before the first one.
    func snapshot() throws(HTTPError) -> MetricsSnapshot {
        guard let snapshot = snapshots.current else {
            throw HTTPError.unavailable("Metrics are not sampled yet; retry in a second")
        }
        return snapshot
    }

    /// Every check run now, with the sampler's own readiness added as a non-critical "monitor" check.
    /// The probes may query the database, so they run on its queue, never on the cooperative pool; a
    /// database that cannot be reached fails the checks instead of holding the request.
    func runChecks() async -> [(check: ReadinessCheck, ready: Bool, error: String?)] {
        let monitor = ReadinessCheck(name: "monitor", critical: false) { [snapshots] in
            snapshots.current == nil ? (false, "no sample taken yet") : (true, nil)
        }
        let all = checks + [monitor]
        let results = try? await database.perform {
            all.map { check -> Probe in
                guard check.configured else { return Probe(ready: true, error: nil) }
                let result = check.probe()
                return Probe(ready: result.ready, error: result.error)
            }
        }
        return all.enumerated().map { n, check in
            (check, results?[n].ready ?? false, results?[n].error ?? (results == nil ? "not run" : nil))
        }
    }

    /// One probe's outcome, carried back from the database's queue.
    private struct Probe: Sendable {
        var ready: Bool
        var error: String?
    }

    /// Runs `body` (history queries, database statistics) on the database's own queue.
    func stored<T: Sendable>(failing: String, _ body: @escaping @Sendable () throws -> T) async throws(HTTPError) -> T {
        do { return try await database.perform(body) } catch { throw HTTPError.storage(error, failing: failing) }
    }

    /// "healthy" when every check passes, "degraded" when only non-critical ones fail, else "unhealthy".
    func overallStatus(_ results: [(check: ReadinessCheck, ready: Bool, error: String?)]) -> String {
        if results.contains(where: { $0.check.critical && !$0.ready }) { return "unhealthy" }
        if results.contains(where: { !$0.ready }) { return "degraded" }
        return "healthy"
    }
}
