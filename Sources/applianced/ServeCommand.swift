import Accounts
internal import CMalloc
import HTTP
import Routes
import Config
import Core
import Monitor
import Store
@preconcurrency import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// `applianced serve [--root DIR] [--listen ADDR] [--port N]`: lays out the root, loads or creates the
/// appliance token, builds the route table from the route providers, serves until SIGTERM/SIGINT
/// (draining requests in flight), and talks to systemd.
enum ServeCommand {
    static let command = Command(
        name: "serve", usage: "serve [--root DIR] [--listen ADDR] [--port N]",
        summary: "Run the daemon (default root /, listen 0.0.0.0, port 8080)"
    ) { arguments in
        do throws(UsageError) {
            let options = try ParsedOptions(arguments, valued: ["--root", "--listen", "--port"])
            var overrides = ServeOverrides()
            if options.values["--port"] != nil {
                overrides.port = UInt16(try options.integer("--port", default: 8080, in: 0...65535))
            }
            if let listen = options.values["--listen"] {
                guard isIPLiteral(listen) else { throw UsageError("option '--listen': '\(listen)' is not an IP address") }
                overrides.listen = listen
            }
            let root = options.values["--root"] ?? "/"
            guard !root.isEmpty else { throw UsageError("option '--root': empty path") }
            return serve(root: root, overrides: overrides, environment: Environment.current())
        } catch {
            CommandLineTool.printError("applianced serve: \(error.description)")
            return 2
        }
    }

    static func isIPLiteral(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        let bare = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        return inet_pton(AF_INET, bare, &v4) == 1 || inet_pton(AF_INET6, bare, &v6) == 1
    }

    /// The names the setup routes answer for besides the built-in ones: `server.allowed_hosts` and `server.domain`.
    static func allowedHosts(_ settings: ConfigSnapshot) -> [String] {
        settings.strings("server.allowed_hosts") + [settings.string("server.domain")]
    }

    /// glibc's malloc, bounded for a long-lived daemon on a small box: a fixed mmap threshold (setting it
    /// stops glibc raising it after each large free, which kept every later 19 MiB argon2 block on the
    /// heap for good: 350 MB resident after a login flood) and at most four arenas (one per thread that
    /// allocates grew twelve, each holding its own free memory).
    static func boundMalloc() {
        // An arena cap set in the environment (glibc's own `MALLOC_ARENA_MAX`) is the operator's, and wins.
        let arenas = getenv("MALLOC_ARENA_MAX").flatMap { Int32(String(cString: $0)) }.map { max(1, $0) } ?? 4
        if cmalloc_bound(256 * 1024, arenas) != 1 { Log.shared.warning("Failed to bound malloc (mallopt)") }
    }

    /// No transparent huge pages, before the first thread starts. On a kernel with THP "always" (the image's
    /// Debian kernel; this host's is "madvise"), a thread's stack or an arena whose top 2 MiB-aligned block
    /// lies inside its mapping is faulted in as one 2 MiB page: the idle daemon in the guest read 16.5 MB
    /// PSS with two stacks at 2,048 KiB resident each, against 11-13 MB when no huge page happened to be
    /// free. The media helpers inherit it through posix_spawn and exec, so their peaks match the host's.
    static func disableHugePages() {
        if cmalloc_disable_huge_pages() != 0 {
            Log.shared.warning("Failed to turn off transparent huge pages (prctl): \(String(cString: strerror(errno)))")
        }
    }

    static func serve(root: String, overrides: ServeOverrides, environment: [String: String]) -> Int32 {
        let timeline = StartupTimeline()
        timeline.mark("loaded")
        signal(SIGPIPE, SIG_IGN)
        boundMalloc()
        disableHugePages()
        let paths = RootPaths(root: root)
        let readiness = Readiness()
        do {
            try FileSystem.makeDirectories(paths.configDirectory)
            try FileSystem.makeDirectories(paths.stateDirectory)
            let (stored, created) = try ApplianceTokenFile.loadOrCreate(at: paths.secretsFile)
            if created { Log.shared.logUnredacted(.info, "Token: \(stored)") }
            Log.shared.redact(stored)
            if let fromEnvironment = environment["WEB_AUTH_TOKEN"], !fromEnvironment.isEmpty { Log.shared.redact(fromEnvironment) }
        } catch {
            Log.shared.error("Failed to prepare '\(root)': \(error)")
            return 1
        }
        timeline.mark("root prepared")

        let config = ConfigStore(paths: ConfigPaths(root: root), environment: environment, writeDefaults: true)
        Log.shared.minimumLevel = logLevel(config.snapshot)
        _ = config.subscribe { event in
            if case .changed(let snapshot) = event { Log.shared.minimumLevel = logLevel(snapshot) }
        }
        timeline.mark("config read")
        do {
            try config.startWatching()
        } catch {
            Log.shared.error("Failed to watch '\(config.paths.directory)': \(error)")
        }
        readiness.markConfigOpen()

        let services: Appliance
        do {
            services = try Appliance(root: root, config: config, timeline: timeline)
        } catch {
            Log.shared.error("Failed to open the state of '\(root)': \(error)")
            return 1
        }
        readiness.markStateOpen()
        timeline.mark("state open (database migrated, services built)")
        let idleRelease = IdleMemoryRelease(database: services.database)
        idleRelease.start()
        #if DEBUG
            // From here on every SQLite call from a task is a bug (it would hold a cooperative thread for up
            // to the busy timeout): debug builds trap on it, naming the database, so the daemon tests catch it.
            services.database.poolPolicy = .refuse
        #endif

        var configuration = ServerConfiguration(settings: config.snapshot, overrides: overrides)
        let metrics = services.monitoring.metrics
        configuration.onResponse = { status, seconds in metrics.recordRequest(status: status, seconds: seconds) }
        configuration.onActivity = { idleRelease.noteActivity() }
        let hosts = HostAllowList(names: Self.allowedHosts(config.snapshot))
        _ = config.subscribe { event in
            if case .changed(let snapshot) = event { hosts.replace(Self.allowedHosts(snapshot)) }
        }
        let gate = AuthGate(verifiers: [services.tokens, services.accounts.verifier], setup: services.setup, hosts: hosts)
        var providers = services.routeProviders(readiness: readiness, wwwRoot: config.snapshot.string("server.www_root"))
        if environment["APPLIANCED_TEST_ROUTES"] == "1" { providers.append(TestRoutes(services: services, root: root, timeline: timeline)) }
        let routes = providers.flatMap(\.routes)
        let router = Router(routes + OpenAPIRoutes(documenting: routes).routes)

        timeline.mark("routes built (the OpenAPI document waits for its first request)")
        let server = HTTPServer(router: router, gate: gate, configuration: configuration)
        let notifier = SystemdNotifier(environment: environment)
        let lifecycle = ServeLifecycle(server: server, notifier: notifier) {
            Log.shared.info("Reloading the configuration (SIGHUP)")
            _ = config.reload()
        }
        let signals = lifecycle.catchSignals()
        do {
            try server.start()
        } catch {
            Log.shared.error("Failed to start the HTTP server: \(error)")
            services.stop()
            return 1
        }
        Log.shared.info("Listening on \(configuration.listenAddress):\(server.port) (root \(root))")
        timeline.mark("listening")
        let hold = environment["APPLIANCED_TEST_ROUTES"] == "1" ? environment["APPLIANCED_TEST_HOLD_STARTUP"] : nil
        let finishStarting: @Sendable () -> Void = {
            if let hold { waitForFile(hold, seconds: 60) }
            services.finishStarting(timeline: timeline)
            readiness.markStarted()
            Log.shared.info("Ready \(timeline.elapsedMilliseconds) ms after the process started")
            if let summary = timeline.slowSummary() { Log.shared.info(summary) }
        }
        // On a thread of its own, so that health answers meanwhile; inline if no thread can be made.
        if !DetachedThread.start(finishStarting) { finishStarting() }
        lifecycle.run(watchdogMilliseconds: SystemdNotifier.watchdogInterval(environment: environment), sources: signals)
        services.stop()
        config.stopWatching()
        Log.shared.info("Stopped")
        return 0
    }
}

extension ServeCommand {
    /// `[server] log_level`.
    static func logLevel(_ settings: ConfigSnapshot) -> LogLevel {
        LogLevel.allCases.first { $0.name == settings.string("server.log_level") } ?? .info
    }

    /// Tests only (`APPLIANCED_TEST_HOLD_STARTUP`): holds the start-up work until the file exists, so a
    /// test sees the daemon between listening and ready.
    static func waitForFile(_ path: String, seconds: Int) {
        var polls = seconds * 50
        while access(path, F_OK) != 0 && polls > 0 {
            usleep(20_000)
            polls -= 1
        }
    }
}

/// What the command line sets over the config file (`--port`, `--listen`).
struct ServeOverrides {
    var port: UInt16?
    var listen: String?
}

extension ServerConfiguration {
    /// The `[server]` and `[limits]` settings, with the command line's overrides on top.
    init(settings: ConfigSnapshot, overrides: ServeOverrides) {
        self.init()
        listenAddress = overrides.listen ?? settings.string("server.listen")
        port = overrides.port ?? UInt16(clamping: settings.integer("server.port"))
        threads = settings.integer("server.threads")
        maxBodyBytes = settings.integer("limits.max_body_bytes")
        maxHeaderBytes = settings.integer("limits.max_header_bytes")
        maxConnections = settings.integer("limits.max_connections")
        maxConnectionsPerAddress = settings.integer("limits.max_connections_per_ip")
        connectionTimeoutSeconds = settings.integer("limits.connection_timeout_s")
        maxRequestLineBytes = settings.integer("limits.max_request_line_bytes")
        maxHeaderCount = settings.integer("limits.max_header_count")
        headTimeoutSeconds = Double(settings.integer("limits.head_timeout_s"))
        minBodyBytesPerSecond = settings.integer("limits.min_body_rate_bytes")
        accessLog = AccessLog(rawValue: settings.string("server.access_log")) ?? .all
        logHealthChecks = settings.bool("server.log_health_checks")
        handlerTimeLimitSeconds = Double(settings.integer("limits.handler_timeout_s"))
    }
}

/// Where the daemon keeps its files under `--root`.
struct RootPaths {
    let configDirectory: String
    let stateDirectory: String
    let secretsFile: String

    init(root: String) {
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        configDirectory = base + "/etc/applianced"
        stateDirectory = base + "/var/lib/applianced"
        secretsFile = configDirectory + "/secrets.toml"
    }
}

/// The process environment as a dictionary.
enum Environment {
    static func current() -> [String: String] {
        var values: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                values[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            pointer += 1
        }
        return values
    }
}
