import Catalog
import Config
import Fetch
import HTTP
import Integrations
import Monitor
import Plex

/// The integrations from the config (`[integrations.*]`, `webhooks.path_mappings`), read afresh on each
/// use so edits apply without a restart; Plex joins the probes; each app enabled at start-up is listed
/// in 002's service list with its probe state.
enum IntegrationAssembly {
    static func service(config: ConfigStore, plexClient: PlexClientInfo) -> IntegrationService {
        let service = IntegrationService(settings: { settings(config.snapshot) })
        service.probes.add(plexTarget(config: config, client: plexClient))
        return service
    }

    static func settings(_ s: ConfigSnapshot) -> IntegrationSettings {
        var apps: [IntegrationApp: AppSettings] = [:]
        for app in IntegrationApp.allCases {
            let requests = app == .radarr || app == .sonarr
            apps[app] = AppSettings(
                enabled: s.bool(app.settingsTable + ".enabled"), url: s.string(app.settingsTable + ".url"),
                apiKey: s.string(app.settingsTable + ".api_key"),
                qualityProfileId: requests ? s.integer(app.settingsTable + ".quality_profile_id") : nil,
                rootFolder: requests ? s.string(app.settingsTable + ".root_folder") : nil)
        }
        return IntegrationSettings(
            apps: apps, probeIntervalSeconds: s.integer("integrations.probe_interval_s"),
            timeoutSeconds: Double(s.integer("integrations.timeout_s")), pathMappings: PathMapping.parse(s.strings("webhooks.path_mappings")))
    }

    /// Plex for the probes: its identity (which needs the token) gives the version.
    static func plexTarget(config: ConfigStore, client: PlexClientInfo) -> ProbeTarget {
        ProbeTarget(
            name: "plex", title: "Plex", isEnabled: { !config.snapshot.string("plex.url").isEmpty },
            isConfigured: { !config.snapshot.string("plex.url").isEmpty && !config.snapshot.string("plex.token").isEmpty }
        ) {
            let s = config.snapshot
            let timeout = Double(s.integer("integrations.timeout_s"))
            let server = PlexServerClient(
                baseURL: s.string("plex.url"), token: s.string("plex.token"), client: client,
                fetch: FetchClient(options: FetchOptions(connectTimeout: min(5, timeout), timeout: timeout, maximumResponseBytes: 1 << 20)))
            do throws(PlexError) {
                return try await server.identity().version
            } catch {
                throw PlexProbeFailure(error.kind)
            }
        }
    }

    /// Each app enabled now as a service of 002's list: running and healthy when its last probe got an
    /// answer; "restart" probes it again.
    static func register(_ service: IntegrationService, in registry: ServiceRegistry, snapshot: ConfigSnapshot) {
        for app in IntegrationApp.allCases where snapshot.bool(app.settingsTable + ".enabled") {
            registry.register(
                InProcessService(name: app.rawValue, url: snapshot.string(app.settingsTable + ".url")) {
                    serviceState(service.probes.state(app))
                } restart: {
                    await service.probes.probe(app)
                })
        }
    }

    /// A non-critical readiness check per app enabled at start-up, read from the probes' memory: a
    /// down app makes `/api/v1/health/ready`, the detailed health and 002's `/api/v1/status` say
    /// degraded (never 503: an app beside the box is not the box). An app not probed yet counts as ready.
    static func readinessChecks(_ service: IntegrationService, snapshot: ConfigSnapshot) -> [ReadinessCheck] {
        IntegrationApp.allCases.filter { snapshot.bool($0.settingsTable + ".enabled") }.map { app in
            ReadinessCheck(name: app.rawValue, critical: false) {
                let state = service.probes.state(app)
                guard state.status == "down" else { return (true, nil) }
                return (false, state.lastError ?? "\(app.title) does not answer")
            }
        }
    }

    static func serviceState(_ state: ProbeState) -> ServiceState {
        switch state.status {
        case "up": ServiceState(status: "running", health: "healthy", detail: state.version.map { "version \($0)" })
        case "down": ServiceState(status: "failed", health: "unhealthy", detail: state.lastError)
        case "disabled": ServiceState(status: "stopped", health: "unknown", detail: "disabled in the settings")
        case "not_configured": ServiceState(status: "unknown", health: "unknown", detail: "no URL or API key")
        default: ServiceState(status: "unknown", health: "unknown", detail: "not probed yet")
        }
    }

    static func providers(_ service: IntegrationService, sync: CatalogSync) -> [any RouteProvider] {
        [
            IntegrationAdminRoutes(service: service, sync: sync), AdminServicesRoutes(probes: service.probes),
            ConnectionTestRoutes(service: service),
        ]
    }
}

/// A failed Plex probe as a short reason (PlexError's message may quote the server).
struct PlexProbeFailure: Error, CustomStringConvertible {
    let kind: PlexError.Kind
    init(_ kind: PlexError.Kind) { self.kind = kind }

    var description: String {
        switch kind {
        case .unauthorized: "Plex refused the token"
        case .unreachable: "Plex is unreachable"
        case .timeout: "Plex did not answer in time"
        case .tls: "Plex's TLS certificate was refused"
        case .badURL: "the Plex URL is not usable"
        case .badResponse: "Plex's answer is not what Plex sends"
        case .notFound, .httpStatus: "Plex answered an error"
        case .cancelled: "cancelled"
        }
    }
}
