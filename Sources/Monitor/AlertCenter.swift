public import Core
public import FoundationEssentials
import Synchronization

/// The alert list: bounded, newest last, with ids; raise and clear by key; threshold checks with
/// hysteresis on every sample. Subscribers (the WebSocket) hear each raised alert at or above `minLevel`.
public final class AlertCenter: Sendable {
    public typealias Subscriber = @Sendable (Alert) -> Void

    private let subscribers = Subscribers<Alert>()

    private struct State {
        var alerts: [Alert] = []
        var nextID = 1
        var levels: [String: ThresholdLevel] = [:]
        var settings: AlertSettings
    }

    /// A page of `list`: the alerts, how many matched, and whether more than `limit` did.
    public struct Page: Sendable {
        public var alerts: [Alert]
        public var total: Int
        public var hasMore: Bool
    }

    public let capacity: Int
    private let state: Mutex<State>

    /// Keeps at most `capacity` alerts (10…100 000); the oldest resolved ones go first.
    public init(settings: AlertSettings = AlertSettings(), capacity: Int = 1000) {
        self.capacity = min(100_000, max(10, capacity))
        self.state = Mutex(State(settings: settings))
    }

    public var settings: AlertSettings {
        get { state.withLock { $0.settings } }
        set { state.withLock { $0.settings = newValue } }
    }

    @discardableResult
    public func subscribe(_ subscriber: @escaping Subscriber) -> Int { subscribers.add(subscriber) }

    public func unsubscribe(_ id: Int) { subscribers.remove(id) }

    /// Raises an alert. With a `key` whose alert is still active at the same level nothing new is added
    /// (the active one is returned); at another level the old one is resolved and a new one raised.
    @discardableResult
    public func raise(
        _ level: AlertLevel, _ message: String, source: String, details: JSON = .object([:]),
        key: String? = nil, at time: Date = Date()
    ) -> Alert {
        let (alert, notify): (Alert, Bool) = state.withLock { state in
            if let key, let index = state.alerts.lastIndex(where: { $0.key == key && $0.isActive }) {
                if state.alerts[index].level == level { return (state.alerts[index], false) }
                state.alerts[index].resolvedAt = time
            }
            let alert = Alert(
                id: "alert-\(state.nextID)", timestamp: time, level: level, message: message,
                source: source, details: details, key: key)
            state.nextID += 1
            state.alerts.append(alert)
            if state.alerts.count > capacity {
                let victim = state.alerts.firstIndex { !$0.isActive } ?? 0
                state.alerts.remove(at: victim)
            }
            return (alert, level >= state.settings.notifications.minLevel)
        }
        if notify { subscribers.publish(alert) }
        return alert
    }

    /// Resolves the active alert with `key`; false when none was active.
    @discardableResult
    public func clear(key: String, at time: Date = Date()) -> Bool {
        state.withLock { state in
            guard let index = state.alerts.lastIndex(where: { $0.key == key && $0.isActive }) else { return false }
            state.alerts[index].resolvedAt = time
            return true
        }
    }

    /// Marks the alert `id` as seen by `who` (acknowledging again keeps the first); nil for an unknown id.
    public func acknowledge(_ id: String, by who: String, at time: Date = Date()) -> Alert? {
        state.withLock { state in
            guard let index = state.alerts.firstIndex(where: { $0.id == id }) else { return nil }
            if state.alerts[index].acknowledgedAt == nil {
                state.alerts[index].acknowledgedAt = time
                state.alerts[index].acknowledgedBy = who
            }
            return state.alerts[index]
        }
    }

    /// Alerts newest first, filtered by exact level and `timestamp >= since`, at most `limit`.
    public func list(level: AlertLevel? = nil, since: Date? = nil, limit: Int = 100) -> Page {
        let matching = state.withLock { state in
            state.alerts.reversed().filter { alert in
                (level == nil || alert.level == level) && (since.map { alert.timestamp >= $0 } ?? true)
            }
        }
        return Page(alerts: Array(matching.prefix(max(0, limit))), total: matching.count, hasMore: matching.count > limit)
    }

    public var active: [Alert] { state.withLock { $0.alerts.filter(\.isActive) } }

    /// Applies `transition` to a figure's level atomically; returns the level before and after.
    func updateLevel(_ figure: String, _ transition: (ThresholdLevel) -> ThresholdLevel) -> (ThresholdLevel, ThresholdLevel) {
        state.withLock { state in
            let previous = state.levels[figure] ?? .normal
            let next = transition(previous)
            state.levels[figure] = next
            return (previous, next)
        }
    }

    /// The level a figure stands at now ("cpu", "memory", "temperature", "disk:<mount>").
    public func level(of figure: String) -> ThresholdLevel {
        state.withLock { $0.levels[figure] ?? .normal }
    }
}
