public import FoundationEssentials
import Synchronization

/// The services the API lists: the daemon's subsystems, its integrations and configured system units.
/// `checkAll` runs every check and raises or clears a `serviceUnhealthy` alert on each change.
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
            entries.append(Entry(service: service, state: state, checkedAt: now))
        }
        return entries
    }
}
