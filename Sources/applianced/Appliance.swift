import Accounts
import Catalog
import HTTP
import Routes
import Config
import Core
import Downloads
import FoundationEssentials
import Hardware
import Integrations
import Jobs
import Monitor
import Plex
import Requests
import SocketIO
import Stash
import Store
import Webhooks
@preconcurrency import Dispatch
import Synchronization

/// The daemon's long-lived parts, built once by `serve` from the config store and the state database:
/// the composition root's only place that names every concrete service. Lives for the whole process.
final class Appliance: Sendable {
    let config: ConfigStore
    let database: Database
    let jobs: JobStore
    let monitoring: MonitoringSystem
    let inventory: HardwareInventory
    let hardwareMonitor: HardwareMonitor
    let setup: SetupTracker
    let tokens: ApplianceTokenAuthority
    let plex: LivePlexService
    let registry: ServiceRegistry
    let feed: MonitoringFeed
    let runner: JobRunner
    let schedules: ScheduleService
    let scheduler: Task<Void, Never>
    let accounts: AccountService
    let catalog: CatalogService
    let requests: RequestService
    let webhooks: WebhookService
    let integrations: IntegrationService
    let integrationSync: CatalogSync
    let stash: StashService
    let socketIO: SocketIOServer
    let downloads: DownloadService
    /// The daily sweep of old activity entries, ended sessions and spent e-mail tokens.
    let accountRetention: Task<Void, Never>
    /// The sweep (every ten minutes) of finished jobs past `jobs.history_days` and `jobs.history_max`.
    let jobHistory: Task<Void, Never>

    init(root: String, config: ConfigStore, timeline: StartupTimeline) throws {
        let snapshot = config.snapshot
        self.config = config
        database = try Database.openState(root: root)
        timeline.mark("database open and migrated")
        let keyValues = KeyValueStore(database: database)
        jobs = JobStore(database: database)

        let retention = HistoryRetention(
            minuteDays: max(1, snapshot.integer("monitoring.minute_history_hours") / 24),
            hourDays: snapshot.integer("monitoring.hour_history_days"))
        monitoring = try MonitoringSystem(
            database: database,
            configuration: MonitoringConfiguration(
                sampleInterval: Double(snapshot.integer("monitoring.sample_interval_s")), retention: retention),
            settings: ConfigAlertSettings.settings(from: snapshot)
        ) { error in Log.shared.error("Failed to record 'metrics history': \(error)") }

        inventory = HardwareInventory(
            options: HardwareOptions(
                showVirtual: snapshot.bool("hardware.show_virtual_disks"),
                decodeProbe: MediaAdapters.decodeProbe { MediaAdapters.settings(config.snapshot) }))
        hardwareMonitor = HardwareMonitor(inventory: inventory)

        setup = try SetupTracker(store: KeyValueSetupState(store: keyValues))
        tokens = ApplianceTokenAuthority(config: config)
        let clientID = try keyValues.value(StateKey.plexClientIdentifier) { UUID().uuidString.lowercased() }
        plex = LivePlexService(config: config, client: PlexClientInfo(clientIdentifier: clientID))
        registry = ServiceRegistry([], alerts: monitoring.alerts)
        feed = MonitoringFeed(sampler: monitoring.sampler, alerts: monitoring.alerts, registry: registry)
        let (inventory, plexClient, metrics, alerts) = (inventory, PlexClientInfo(clientIdentifier: clientID), monitoring.metrics, monitoring.alerts)
        runner = JobRunner(store: jobs) {
            ConfigJobSettings.settings(config: config, inventory: inventory, client: plexClient)
        } onFinished: { job in
            metrics.recordJob(kind: job.kind.rawValue, outcome: job.status.rawValue)
            if job.status == .failed {
                _ = alerts.raise(.jobFailed(id: job.id, kind: job.kind.rawValue, error: job.error ?? "unknown error"))
            }
        }
        schedules = ScheduleService(store: ScheduleStore(database: database), runner: runner)
        scheduler = Task { [schedules] in await schedules.run(every: 10) }
        jobHistory = JobHistory.start(jobs) {
            let snapshot = config.snapshot
            return JobHistory.Limits(days: snapshot.integer("jobs.history_days"), keep: snapshot.integer("jobs.history_max"))
        }
        timeline.mark("monitoring, hardware, setup, Plex and jobs built")
        accounts = try AccountAssembly.service(config: config, database: database)
        timeline.mark("accounts built")
        catalog = try CatalogAssembly.service(config: config, database: database, root: root)
        requests = RequestService(catalog: catalog)
        webhooks = WebhookAssembly.service(config: config, database: database, runner: runner, catalog: catalog)
        integrations = IntegrationAssembly.service(config: config, plexClient: plexClient)
        integrationSync = CatalogSync(service: integrations, catalog: catalog)
        requests.forwarder = RequestForwardingAssembly.forwarding(integrations, tmdb: catalog.tmdb)
        try integrationSync.settleInterrupted()
        stash = try StashAssembly.service(config: config, database: database, events: runner.events)
        accountRetention = accounts.startRetention()
        socketIO = SocketIOAssembly.server(
            config: config, verifiers: [tokens, accounts.verifier], setup: setup, runner: runner, monitoring: monitoring, registry: registry,
            requests: requests)
        downloads = try DownloadAssembly.service(config: config, database: database, socketIO: socketIO)
        registerServices(snapshot: snapshot)
        IntegrationAssembly.register(integrations, in: registry, snapshot: snapshot)
        subscribeToEvents()
    }

    /// Set once `finishStarting` has begun; signalled when it is done (`stop()` waits for it).
    private let startingBegun = Atomic<Bool>(false)
    private let startingDone = DispatchSemaphore(value: 0)

    /// The start-up work no route needs in order to answer, done after the HTTP server listens (so health
    /// answers meanwhile and `/readyz` says when it is over): the sampler and udev monitor threads, the
    /// first hardware inventory (udev enumeration and the VAAPI probe, seconds on a slow box) and the
    /// thumbnail workers, which are made from the render nodes that inventory found. Blocks.
    func finishStarting(timeline: StartupTimeline) {
        startingBegun.store(true, ordering: .releasing)
        defer { startingDone.signal() }
        do {
            try monitoring.start()
        } catch {
            Log.shared.error("Failed to start 'monitor sampler': \(error)")
        }
        do {
            try hardwareMonitor.start()
        } catch {
            Log.shared.warning("Failed to start 'udev monitor', hot-plug events are off: \(error)")
        }
        timeline.mark("sampler and udev monitor started")
        for error in inventory.scanNow().errors { Log.shared.warning("Failed to enumerate 'hardware': \(error)") }
        timeline.mark("first hardware scan done")
        do {
            try runner.start()
        } catch {
            Log.shared.error("Failed to start 'thumbnail workers': \(error)")
        }
        timeline.mark("thumbnail workers started")
        integrations.probes.start()
        requests.startFollowing { [config] in config.snapshot.integer("integrations.probe_interval_s") }
        if !catalog.watcher.start() { Log.shared.warning("Failed to start 'library folder watcher'") }
        do {
            try catalog.queueStartupScans()
        } catch {
            Log.shared.error("Failed to queue 'library scans on start-up': \(error)")
        }
    }

    /// Ties config and hardware events to metrics and alerts.
    private func subscribeToEvents() {
        let (monitoring, config, feed) = (monitoring, config, feed)
        _ = config.subscribe { event in
            switch event {
            case .changed(let snapshot):
                monitoring.metrics.recordConfigReload(success: true)
                monitoring.alerts.settings = ConfigAlertSettings.settings(from: snapshot)
                _ = monitoring.alerts.raise(.configReloaded)
            case .rejected(let issues):
                monitoring.metrics.recordConfigReload(success: false)
                // Alerts are served by the API: file names relative to the config directory, no server path.
                let file = issues.first?.file.map(config.displayName(of:)) ?? "applianced.toml"
                _ = monitoring.alerts.raise(.configReloadFailed(file: file, error: issues.map(config.display).joined(separator: "; ")))
            }
            feed.refreshServices()
        }
        _ = inventory.subscribe { event in
            switch event {
            case .diskAdded(let disk): _ = monitoring.alerts.raise(.diskAdded(device: disk.path, model: disk.model))
            case .diskRemoved(_, let path): _ = monitoring.alerts.raise(.diskRemoved(device: path))
            default: break
            }
            feed.refreshServices()
        }
    }

    /// The appliance's own subsystems and the system units the config names, for `/api/v1/services*`.
    private func registerServices(snapshot: ConfigSnapshot) {
        let (config, inventory, monitoring) = (config, inventory, monitoring)
        registry.register(
            InProcessService(name: "http", port: snapshot.integer("server.port")) {
                ServiceState(status: "running", health: "healthy")
            } restart: {
                throw HTTPError.conflict(
                    "The HTTP server cannot restart itself from a request", detail: "Restart the daemon: systemctl restart applianced")
            })
        registry.register(
            InProcessService(name: "config") {
                let status = config.status
                return ServiceState(
                    status: "running", health: status.ok ? "healthy" : "unhealthy",
                    detail: status.issues.first.map(config.display))
            } restart: {
                let status = config.reload()
                if !status.ok {
                    throw HTTPError.badRequest("The configuration has errors", detail: status.issues.map(config.display).joined(separator: "; "))
                }
            })
        registry.register(
            InProcessService(name: "hardware") {
                let errors = inventory.snapshot.errors
                return ServiceState(status: "running", health: errors.isEmpty ? "healthy" : "unhealthy", detail: errors.first)
            } restart: {
                _ = await inventory.scan()
            })
        registry.register(
            InProcessService(name: "monitor") {
                monitoring.sampler.current == nil
                    ? ServiceState(status: "running", health: "unknown", detail: "no sample yet")
                    : ServiceState(status: "running", health: "healthy")
            } restart: {
                monitoring.stop()
                try monitoring.sampler.start()
            })
        for unit in snapshot.strings("services.restartable") where SystemdUnit.validUnitName(unit) {
            let name = unit.hasSuffix(".service") ? String(unit.dropLast(".service".count)) : unit
            registry.register(SystemdUnit(name: name, unit: unit))
        }
    }

    /// Every API area's routes over these services.
    func routeProviders(readiness: Readiness, wwwRoot: String) -> [any RouteProvider] {
        let snapshot = config.snapshot
        let (config, jobs, database) = (config, jobs, database)
        let plexSettings = ConfigPlexSettings(config: config)
        let monitoringServices = MonitoringServices(
            snapshots: monitoring.sampler, history: monitoring.history, alerts: monitoring.alerts,
            alertSettings: ConfigAlertSettings(config: config), logs: monitoring.logs, metrics: monitoring.metrics,
            database: monitoring.statistics,
            checks: [
                ReadinessCheck(name: "database", critical: true) { [statistics = monitoring.statistics] in statistics.isReady() },
                ReadinessCheck(name: "config", critical: true) {
                    let status = config.status
                    return (status.ok, status.issues.first.map(config.display))
                },
                ReadinessCheck(name: "plex", critical: false, configured: !snapshot.string("plex.url").isEmpty) { [integrations] in
                    guard !config.snapshot.string("plex.url").isEmpty else { return (false, "no Plex server configured") }
                    let plex = integrations.probes.state(named: "plex")
                    return plex?.status == "down" ? (false, plex?.lastError ?? "Plex does not answer") : (true, nil)
                },
                StashAssembly.readiness(stash), StashAssembly.openAIReadiness(stash),
            ] + IntegrationAssembly.readinessChecks(integrations, snapshot: snapshot),
            features: { [inventory, stash] in
                [
                    "plex": !config.snapshot.string("plex.url").isEmpty, "stash": stash.settings.isConfigured, "openai": stash.settings.openAI.isConfigured,
                    "vaapi": inventory.snapshot.gpus.contains { $0.workerDevice != nil },
                    "authentication": true,
                ]
            })
        _ = database
        return [
            HealthRoutes(readiness: readiness),
            SettingsRoutes(store: config),
            HardwareRoutes(
                inventory: inventory,
                workerSettings: {
                    let s = config.snapshot
                    return WorkerSettings(gpuWorkersPerGPU: s.integer("workers.gpu_threads"), cpuWorkers: s.integer("workers.cpu_threads"))
                },
                jobCounts: {
                    let counts = try await jobs.perform { try $0.countsByStatus() }
                    return JobCounts(
                        running: counts[.running] ?? 0, pending: counts[.pending] ?? 0,
                        completed: counts[.completed] ?? 0, failed: counts[.failed] ?? 0)
                }),
            MonitoringSocketRoutes(feed: feed),
            MonitoringRoutes(services: monitoringServices, metricsAccess: snapshot.bool("monitoring.metrics_public") ? .public : .permission("system:read")),
            DetailedHealthRoutes(services: monitoringServices),
            PerformanceRoutes(services: monitoringServices),
            ServicesRoutes(registry: registry),
            SetupRoutes(tracker: setup, tokens: tokens, plexSettings: plexSettings, plex: plex) { [accounts] in try await accounts.adminExists() },
            PlexRoutes(plex: plex, settings: plexSettings),
            JobsRoutes(runner: runner),
            SchedulesRoutes(schedules: schedules),
            JobEventsRoutes(runner: runner),
            StaticFiles(wwwRoot: wwwRoot, setup: setup),
            AuthRoutes(service: accounts),
            RBACRoutes(service: accounts), APIKeyRoutes(service: accounts), ActivityRoutes(service: accounts),
            OIDCRoutes(service: accounts, relyingParty: AccountAssembly.relyingParty()),
            BootstrapRoutes(service: accounts),
            PlexAuthRoutes(signIn: PlexSignIn(service: accounts, plex: LivePlexAccountDirectory(config: config, client: plex.client))),
            MFARoutes(service: accounts),
            EmailRoutes(service: accounts),
            CSRFRoutes(service: accounts),
            UserRoutes(service: accounts), SessionRoutes(service: accounts),
            UserSettingsRoutes(service: accounts), AdminUserRoutes(service: accounts),
        ] + CatalogRoutes.providers(catalog) + IntegrationAssembly.providers(integrations, sync: integrationSync) + [
            MediaRoutes(service: requests), RequestRoutes(service: requests),
            AdminStatsRoutes(requests: requests, sources: RequestAssembly.statsSources(
                    accounts: accounts, sampler: monitoring.sampler, integrations: integrations, downloads: downloads)),
            WebhookRoutes(service: webhooks), OverseerrWebhookRoutes(requests: requests, webhooks: webhooks),
            SocketIORoutes(server: socketIO),
            YouTubeRoutes(timeoutSeconds: max(1, min(20, snapshot.integer("limits.handler_timeout_s") - 5))) {
                DownloadAssembly.settings(config.snapshot).executable()
            },
            DownloadRoutes(service: downloads),
        ]
            + PlexBrowseAssembly.providers(config: config, database: database, clientIdentifier: plex.client.clientIdentifier)
            + StashRoutes.providers(stash)
    }

    /// Stops the threads (after `finishStarting`, when it began); the database closes when the last
    /// reference goes.
    func stop() {
        if startingBegun.load(ordering: .acquiring) {
            startingDone.wait()
            startingDone.signal()
        }
        scheduler.cancel()
        accountRetention.cancel()
        jobHistory.cancel()
        webhooks.stop()
        integrations.probes.stop()
        requests.stopFollowing()
        runner.stop()
        downloads.stop()
        catalog.watcher.stop()
        hardwareMonitor.stop()
        monitoring.stop()
    }
}
