public import FoundationEssentials

/// What a service looks like at one check: running or not, healthy or not, and its own figures when known.
public struct ServiceState: Sendable, Equatable {
    /// "running", "stopped", "failed" or "unknown".
    public var status: String
    /// "healthy", "unhealthy" or "unknown".
    public var health: String
    public var detail: String?
    public var startedAt: Date?
    public var memoryBytes: UInt64?
    /// Percent of one core since the previous check.
    public var cpuPercent: Double?

    public init(
        status: String, health: String, detail: String? = nil, startedAt: Date? = nil,
        memoryBytes: UInt64? = nil, cpuPercent: Double? = nil
    ) {
        self.status = status
        self.health = health
        self.detail = detail
        self.startedAt = startedAt
        self.memoryBytes = memoryBytes
        self.cpuPercent = cpuPercent
    }
}

/// A part of the appliance the services API lists and restarts: an in-process subsystem (http, config,
/// hardware, monitor, jobs, scheduler), an integration, or a systemd unit named in the config.
public protocol ManagedService: Sendable {
    var name: String { get }
    var port: Int? { get }
    var url: String? { get }
    func check() async -> ServiceState
    /// Restarts it; throws with a reason a user can act on.
    func restart() async throws
}

/// A subsystem of the daemon, described by the closures the composition root gives it.
public struct InProcessService: ManagedService {
    public let name: String
    public let port: Int?
    public let url: String?
    private let probe: @Sendable () async -> ServiceState
    private let restarter: @Sendable () async throws -> Void

    public init(
        name: String, port: Int? = nil, url: String? = nil, check: @escaping @Sendable () async -> ServiceState,
        restart: @escaping @Sendable () async throws -> Void
    ) {
        self.name = name
        self.port = port
        self.url = url
        self.probe = check
        self.restarter = restart
    }

    public func check() async -> ServiceState { await probe() }
    public func restart() async throws { try await restarter() }
}
