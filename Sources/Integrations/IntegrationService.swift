import Fetch

/// The appliance's side of the *arr apps, Overseerr and Tautulli: one connection (breaker, cache) and
/// one typed client per app, the probes that keep each enabled app's state, and the catalog sync.
/// One per daemon; other modules (media requests) use its clients.
public final class IntegrationService: Sendable {
    public let settings: @Sendable () -> IntegrationSettings
    public let radarr: RadarrClient
    public let sonarr: SonarrClient
    public let prowlarr: ProwlarrClient
    public let overseerr: OverseerrClient
    public let tautulli: TautulliClient
    public let probes: IntegrationProbes
    let connections: [IntegrationApp: AppConnection]
    let clock: IntegrationClock
    let retryBase: Duration

    public init(
        settings: @escaping @Sendable () -> IntegrationSettings, clock: IntegrationClock = .system, retryBase: Duration = .milliseconds(250)
    ) {
        self.settings = settings
        self.clock = clock
        self.retryBase = retryBase
        var connections: [IntegrationApp: AppConnection] = [:]
        for app in IntegrationApp.allCases {
            connections[app] = AppConnection(app: app, settings: settings, clock: clock, retryBase: retryBase)
        }
        self.connections = connections
        radarr = RadarrClient(connection: connections[.radarr]!)
        sonarr = SonarrClient(connection: connections[.sonarr]!)
        prowlarr = ProwlarrClient(connection: connections[.prowlarr]!)
        overseerr = OverseerrClient(connection: connections[.overseerr]!)
        tautulli = TautulliClient(connection: connections[.tautulli]!)
        probes = IntegrationProbes(settings: settings, connections: connections)
    }

    /// A service for fixed settings (tools and tests).
    public convenience init(settings: IntegrationSettings, clock: IntegrationClock = .system, retryBase: Duration = .milliseconds(250)) {
        self.init(settings: { settings }, clock: clock, retryBase: retryBase)
    }

    public func connection(_ app: IntegrationApp) -> AppConnection { connections[app]! }

    /// The app's version from its status call (`fresh`: asked now, not from the cache).
    public func version(of app: IntegrationApp, fresh: Bool = false) async throws(IntegrationError) -> String {
        try await Self.version(of: app, through: connection(app), fresh: fresh)
    }

    /// The app's version, asked through `connection` (the daemon's, or a one-off for a connection test).
    static func version(of app: IntegrationApp, through connection: AppConnection, fresh: Bool) async throws(IntegrationError) -> String {
        switch app {
        case .radarr: try await RadarrClient(connection: connection).systemStatus(fresh: fresh).version
        case .sonarr: try await SonarrClient(connection: connection).systemStatus(fresh: fresh).version
        case .prowlarr: try await ProwlarrClient(connection: connection).systemStatus(fresh: fresh).version
        case .overseerr: try await OverseerrClient(connection: connection).status(fresh: fresh).version
        case .tautulli: try await TautulliClient(connection: connection).info(fresh: fresh).version
        }
    }

    /// Asks `app` at `url` with `apiKey` (or the saved settings when nil) for its version: the
    /// settings' "test connection". A one-off connection, so a failing test leaves the app's breaker alone.
    public func test(_ app: IntegrationApp, url: String?, apiKey: String?) async throws(IntegrationError) -> (version: String, latencyMs: Int) {
        var all = settings()
        var tried = all[app]
        if let url { tried.url = url }
        if let apiKey { tried.apiKey = apiKey }
        tried.enabled = true
        all.apps[app] = tried
        let fixed = all
        let connection = AppConnection(app: app, settings: { fixed }, clock: clock, retryBase: retryBase)
        let started = ContinuousClock.now
        let version = try await Self.version(of: app, through: connection, fresh: true)
        // Overseerr's status is public: one request that needs the key checks it.
        if app == .overseerr { _ = try await OverseerrClient(connection: connection).requests(take: 1) }
        return (version, Self.milliseconds(since: started))
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}
