import HTTP
import Core
public import Monitor
import Synchronization

/// What the `/monitoring` WebSocket sends: a `metrics` message for every sample, an `alert` message for
/// every raised alert and a `status` message for every service whose status or health changed (002).
/// Sending only queues on the connection's bounded outbox (a client that falls behind is closed with
/// 1008), so the sampler thread never waits on a socket.
public final class MonitoringFeed: Sendable {
    private let sampler: Sampler
    private let alerts: AlertCenter
    private let registry: ServiceRegistry?
    private let statusSeconds: Int

    private struct State {
        var clients: [Int: any WebSocketConnection] = [:]
        var nextID = 0
        var polling = false
    }
    private let state = Mutex(State())

    /// Services are checked every `statusSeconds` (1…3600) while a client is connected, and on `refreshServices()`.
    public init(sampler: Sampler, alerts: AlertCenter, registry: ServiceRegistry?, statusSeconds: Int = 30) {
        self.sampler = sampler
        self.alerts = alerts
        self.registry = registry
        self.statusSeconds = min(3600, max(1, statusSeconds))
        sampler.subscribe { [weak self] snapshot in self?.publishMetrics(snapshot) }
        alerts.subscribe { [weak self] alert in
            self?.broadcast(Self.message("alert", MonitoringJSON.alert(alert)))
        }
        registry?.subscribeChanges { [weak self] entry in
            self?.broadcast(Self.message("status", ServicesRoutes.health(entry)))
        }
    }

    /// Connections now open.
    public var clientCount: Int { state.withLock { $0.clients.count } }

    /// Adds a connection (and sends it the latest sample at once); returns the id for `leave`.
    func join(_ socket: any WebSocketConnection) -> Int {
        let (id, startPolling) = state.withLock { state in
            state.nextID += 1
            state.clients[state.nextID] = socket
            defer { state.polling = true }
            return (state.nextID, !state.polling)
        }
        if let snapshot = sampler.current { socket.send(text: metricsMessage(snapshot)) }
        if startPolling { pollServices() }
        return id
    }

    func leave(_ id: Int) {
        _ = state.withLock { $0.clients.removeValue(forKey: id) }
    }

    /// Checks the services now (after a config reload or a hardware event), when anyone is listening.
    public func refreshServices() {
        guard let registry, clientCount > 0 else { return }
        Task { _ = await registry.checkAll() }
    }

    private func pollServices() {
        guard let registry else {
            state.withLock { $0.polling = false }
            return
        }
        let seconds = statusSeconds
        Task { [weak self] in
            while let self {
                _ = await registry.checkAll()
                try? await Task.sleep(for: .seconds(seconds))
                let stop = state.withLock { state in
                    if state.clients.isEmpty { state.polling = false }
                    return state.clients.isEmpty
                }
                if stop { return }
            }
        }
    }

    private func publishMetrics(_ snapshot: MetricsSnapshot) {
        guard clientCount > 0 else { return }
        broadcast(metricsMessage(snapshot))
    }

    private func metricsMessage(_ snapshot: MetricsSnapshot) -> String {
        Self.message("metrics", MonitoringJSON.current(snapshot, alerts: alerts))
    }

    private func broadcast(_ text: @autoclosure () -> String) {
        let sockets = state.withLock { Array($0.clients.values) }
        guard !sockets.isEmpty else { return }
        let message = text()
        for socket in sockets { socket.send(text: message) }
    }

    static func message(_ type: String, _ data: JSON) -> String {
        String(decoding: (["type": .string(type), "data": data] as JSON).encoded(), as: UTF8.self)
    }
}
