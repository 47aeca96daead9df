public import Core
public import Store

/// The `[monitoring]` settings the monitor is built from; each is bounded where it is used.
public struct MonitoringConfiguration: Sendable, Equatable {
    /// Seconds between samples (0.05…3600).
    public var sampleInterval: Double
    public var retention: HistoryRetention
    public var alertCapacity: Int
    public var logCapacity: Int

    public init(sampleInterval: Double = 1, retention: HistoryRetention = HistoryRetention(), alertCapacity: Int = 1000,
                logCapacity: Int = 2000) {
        self.sampleInterval = sampleInterval
        self.retention = retention
        self.alertCapacity = alertCapacity
        self.logCapacity = logCapacity
    }
}

/// The monitor as the daemon runs it: sampler, history, alerts, log ring and metrics registry, wired so
/// that every sample is checked against the thresholds and recorded. Built and started once in `serve`.
public final class MonitoringSystem: Sendable {
    public let sampler: Sampler
    public let history: MetricsHistory
    public let alerts: AlertCenter
    public let logs: LogRing
    public let metrics: MetricsRegistry
    public let statistics: SQLiteStatistics
    private let onHistoryError: @Sendable (any Error) -> Void

    /// `onHistoryError` hears a failed history write (at most once a minute, on the sampler thread);
    /// the composition root logs it.
    public init(database: Database, configuration: MonitoringConfiguration = MonitoringConfiguration(),
                settings: AlertSettings = AlertSettings(), onHistoryError: @escaping @Sendable (any Error) -> Void) throws {
        self.sampler = Sampler(interval: configuration.sampleInterval)
        self.history = MetricsHistory(store: try SQLiteHistoryStore(database: database), retention: configuration.retention)
        self.alerts = AlertCenter(settings: settings, capacity: configuration.alertCapacity)
        self.logs = LogRing(capacity: configuration.logCapacity)
        self.metrics = MetricsRegistry()
        self.statistics = SQLiteStatistics(database: database)
        self.onHistoryError = onHistoryError
    }

    /// Adds the log ring to `log`, subscribes the threshold checks and history to the sampler, starts it.
    public func start(log: Log = .shared) throws(SystemError) {
        log.addSink(logs)
        let (alerts, history, onHistoryError) = (alerts, history, onHistoryError)
        sampler.subscribe { snapshot in
            alerts.evaluate(snapshot)
            do { try history.record(snapshot) } catch { onHistoryError(error) }
        }
        try sampler.start()
    }

    /// Stops the sampler thread and writes the finished minutes still in memory (the current one is lost).
    public func stop() {
        sampler.stop()
        do { try history.flush() } catch { onHistoryError(error) }
    }
}
