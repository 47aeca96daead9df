import Core
public import FoundationEssentials
import Synchronization

/// The services the API lists: the daemon's subsystems, its integrations and configured system units.
/// `checkAll` runs every check and raises or clears a `serviceUnhealthy` alert on each change, and tells
/// change subscribers (the `/monitoring` WebSocket) of every status or health that differs from the last check.
public final class ServiceRegistry: Sendable {
    /// One service's latest check.
    public struct Entry: Sendable {
        public var service: any ManagedService
        public var state: ServiceState
        public var checkedAt: Date
    }

    private let services: Mutex<[any ManagedService]>
    private let last = Mutex<[String: (state: ServiceState, at: Date)]>([:])
    private let alerts: AlertCenter?
    private let watchers = Subscribers<Entry>()

    public init(_ services: [any ManagedService] = [], alerts: AlertCenter? = nil) {
        self.services = Mutex(services)
        self.alerts = alerts
    }

    /// Adds or replaces (by name) a service.
    public func register(_ service: any ManagedService) {
        services.withLock { list in
            list.removeAll { $0.name == service.name }
            list.append(service)
        }
    }

    public var names: [String] { services.withLock { $0.map(\.name) } }

    public func service(named name: String) -> (any ManagedService)? {
        services.withLock { $0.first { $0.name == name } }
    }

    /// Registers a subscriber for status or health changes seen by `checkAll` (not the first check of a
    /// service); it runs on the checking task. Returns the id for `unsubscribeChanges`.
    @discardableResult
    public func subscribeChanges(_ subscriber: @escaping @Sendable (Entry) -> Void) -> Int { watchers.add(subscriber) }

    public func unsubscribeChanges(_ id: Int) { watchers.remove(id) }

    /// Checks every service now, in registration order.
    public func checkAll() async -> [Entry] {
        var entries: [Entry] = []
        for service in services.withLock({ $0 }) {
            let state = await service.check()
            let now = Date()
            let previous = last.withLock { last in
                defer { last[service.name] = (state, now) }
                return last[service.name]?.state
            }
            if state.health == "unhealthy" && previous?.health != "unhealthy" {
                alerts?.raise(.serviceUnhealthy(name: service.name, reason: state.detail ?? state.status))
            } else if state.health == "healthy" && previous?.health == "unhealthy" {
                alerts?.raise(.serviceRecovered(name: service.name))
            }
            let entry = Entry(service: service, state: state, checkedAt: now)
            if let previous, previous.status != state.status || previous.health != state.health {
                watchers.publish(entry)
            }
            entries.append(entry)
        }
        return entries
    }
}
