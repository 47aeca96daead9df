import FoundationEssentials
import Synchronization

/// What the last probe of one app found, for `/api/v1/admin/services` and 002's service list.
public struct ProbeState: Sendable, Equatable {
    public let app: IntegrationApp
    public var enabled: Bool
    public var configured: Bool
    /// nil until probed.
    public var reachable: Bool?
    public var version: String?
    public var latencyMs: Int?
    public var lastError: String?
    /// Unix milliseconds of the last probe.
    public var lastChecked: Int64?

    /// `disabled`, `not_configured`, `unknown` (not probed yet), `up` or `down`.
    public var status: String {
        guard enabled else { return "disabled" }
        guard configured else { return "not_configured" }
        switch reachable {
        case nil: return "unknown"
        case true?: return "up"
        case false?: return "down"
        }
    }
}

/// One long-lived task that asks each enabled app for its status every `integrations.probe_interval_s`
/// (through the app's breaker, so a down app gets exactly one request an interval) and keeps what it
/// found. Idle, it sleeps: a probe round is one small request an app, sent from a thread of its own.
public final class IntegrationProbes: Sendable {
    let settings: @Sendable () -> IntegrationSettings
    let connections: [IntegrationApp: AppConnection]
    private let states: Mutex<[IntegrationApp: ProbeState]>
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(settings: @escaping @Sendable () -> IntegrationSettings, connections: [IntegrationApp: AppConnection]) {
        self.settings = settings
        self.connections = connections
        states = Mutex([:])
    }

    /// Every app's state now (apps never probed show their settings only), in `IntegrationApp` order.
    public var all: [ProbeState] {
        let current = settings()
        let known = states.withLock { $0 }
        return IntegrationApp.allCases.map { app in
            var state = known[app] ?? ProbeState(app: app, enabled: false, configured: false)
            state.enabled = current[app].enabled
            state.configured = current[app].isConfigured
            if !state.configured { state.reachable = nil }
            return state
        }
    }

    public func state(_ app: IntegrationApp) -> ProbeState { all.first { $0.app == app }! }

    /// Starts the probe loop (once); `stop()` ends it.
    public func start() {
        task.withLock { task in
            guard task == nil else { return }
            task = Task.detached(priority: .utility) { [self] in await self.loop() }
        }
    }

    public func stop() {
        task.withLock { task in
            task?.cancel()
            task = nil
        }
    }

    private func loop() async {
        while !Task.isCancelled {
            await probeAll()
            let interval = max(1, settings().probeIntervalSeconds)
            do {
                try await Task.sleep(for: .seconds(interval))
            } catch {
                return
            }
        }
    }

    /// Probes every configured app once, side by side.
    public func probeAll() async {
        let current = settings()
        await withTaskGroup(of: Void.self) { group in
            for app in IntegrationApp.allCases where current[app].isConfigured {
                group.addTask { [self] in await probe(app) }
            }
        }
    }

    /// Asks `app` for its version now and records the outcome.
    @discardableResult
    public func probe(_ app: IntegrationApp) async -> ProbeState {
        let started = ContinuousClock.now
        var state = ProbeState(app: app, enabled: settings()[app].enabled, configured: settings()[app].isConfigured)
        do {
            state.version = try await IntegrationService.version(of: app, through: connections[app]!, fresh: true)
            state.reachable = true
            state.latencyMs = IntegrationService.milliseconds(since: started)
        } catch {
            if case .cancelled = error { return self.state(app) }
            state.reachable = false
            state.lastError = error.description
            state.version = states.withLock { $0[app]?.version }
        }
        state.lastChecked = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        let recorded = state
        states.withLock { $0[app] = recorded }
        return recorded
    }
}
