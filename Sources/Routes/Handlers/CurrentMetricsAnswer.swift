import Core
import FoundationEssentials
import HTTP
import Monitor
import Synchronization

/// `/api/v1/metrics/current`'s answer, encoded once per sample. Its body changes only when the monitor
/// takes a sample (every `monitoring.sample_interval_s`) or an alert level moves, and pollers (a
/// dashboard, Home Assistant, a router) ask far more often than that: the bytes are kept and answered
/// from memory on the server thread, as a web server answers a static file.
final class CurrentMetricsAnswer: Sendable {
    private struct Cached: Sendable {
        var timestamp: Date
        var levels: MonitoringJSON.Levels
        var response: Response
    }

    private let cached = Mutex<Cached?>(nil)

    func response(_ snapshot: MetricsSnapshot, alerts: AlertCenter) -> Response {
        let levels = MonitoringJSON.Levels(snapshot, alerts: alerts)
        if let hit = cached.withLock({ $0 }), hit.timestamp == snapshot.timestamp, hit.levels == levels { return hit.response }
        let response = Response.json([
            "timestamp": .string(Timestamp.format(snapshot.timestamp)),
            "metrics": MonitoringJSON.current(snapshot, levels: levels),
        ])
        cached.withLock { $0 = Cached(timestamp: snapshot.timestamp, levels: levels, response: response) }
        return response
    }
}
