import FoundationEssentials
import Synchronization

/// What the last probe of one service found, for `/api/v1/admin/services` and 002's service list.
public struct ProbeState: Sendable, Equatable {
    /// `radarr`, …, or `plex`.
    public let name: String
    public let title: String
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

/// A service the probes ask besides the five apps (Plex, wired by the daemon).
public struct ProbeTarget: Sendable {
    public let name: String
    public let title: String
    public let isEnabled: @Sendable () -> Bool
    public let isConfigured: @Sendable () -> Bool
    /// The service's version, or an error whose description is a short reason.
    public let probe: @Sendable () async throws -> String

    public init(
        name: String, title: String, isEnabled: @escaping @Sendable () -> Bool, isConfigured: @escaping @Sendable () -> Bool,
        probe: @escaping @Sendable () async throws -> String
    ) {
        self.name = name
        self.title = title
        self.isEnabled = isEnabled
        self.isConfigured = isConfigured
        self.probe = probe
    }
}

/// One long-lived task that asks each enabled app for its status every `integrations.probe_interval_s`
/// (through the app's breaker, so a down app gets exactly one request an interval) and keeps what it
/// found. Idle, it sleeps: a round is one small request a configured service, each sent from a thread
/// of its own, and nothing at all when none is configured.
public final class IntegrationProbes: Sendable {
    let settings: @Sendable () -> IntegrationSettings
    private let targets: Mutex<[ProbeTarget]>
    private let states = Mutex([String: ProbeState]())
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(settings: @escaping @Sendable () -> IntegrationSettings, connections: [IntegrationApp: AppConnection]) {
        self.settings = settings
        targets = Mutex(
            IntegrationApp.allCases.map { app in
                let connection = connections[app]!
                return ProbeTarget(
                    name: app.rawValue, title: app.title, isEnabled: { settings()[app].enabled }, isConfigured: { settings()[app].isConfigured },
                    probe: { try await IntegrationService.version(of: app, through: connection, fresh: true) })
            })
    }

    /// Probes `target` too (Plex), listed after the apps.
    public func add(_ target: ProbeTarget) {
        targets.withLock { $0.append(target) }
    }

    /// Every service's state now (one never probed shows its settings only), apps first.
    public var all: [ProbeState] {
        let known = states.withLock { $0 }
        return targets.withLock { $0 }.map { target in
            var state = known[target.name] ?? ProbeState(name: target.name, title: target.title, enabled: false, configured: false)
            state.enabled = target.isEnabled()
            state.configured = target.isConfigured()
            if !state.configured || !state.enabled { state.reachable = nil }
            return state
        }
    }

    public func state(_ app: IntegrationApp) -> ProbeState { state(named: app.rawValue)! }

    public func state(named name: String) -> ProbeState? { all.first { $0.name == name } }

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
            do {
                try await Task.sleep(for: .seconds(max(1, settings().probeIntervalSeconds)))
            } catch {
                return
            }
        }
    }

    /// Probes every enabled, configured service once, side by side.
    public func probeAll() async {
        let due = targets.withLock { $0 }.filter { $0.isEnabled() && $0.isConfigured() }
        await withTaskGroup(of: Void.self) { group in
            for target in due {
                group.addTask { [self] in await probe(target) }
            }
        }
    }

    /// Asks `app` for its version now and records the outcome.
    @discardableResult
    public func probe(_ app: IntegrationApp) async -> ProbeState {
        guard let target = targets.withLock({ $0.first { $0.name == app.rawValue } }) else { return state(app) }
        return await probe(target)
    }

    @discardableResult
    func probe(_ target: ProbeTarget) async -> ProbeState {
        let started = ContinuousClock.now
        var state = ProbeState(name: target.name, title: target.title, enabled: target.isEnabled(), configured: target.isConfigured())
        do {
            state.version = try await target.probe()
            state.reachable = true
            state.latencyMs = IntegrationService.milliseconds(since: started)
        } catch {
            if case IntegrationError.cancelled = error { return self.state(named: target.name) ?? state }
            state.reachable = false
            state.lastError = "\(error)"
            state.version = states.withLock { $0[target.name]?.version }
        }
        state.lastChecked = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        let recorded = state
        states.withLock { $0[target.name] = recorded }
        return recorded
    }
}
