import API
import Core
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
            var configuration = ServerConfiguration()
            configuration.port = UInt16(try options.integer("--port", default: 8080, in: 0...65535))
            if let listen = options.values["--listen"] {
                guard isIPLiteral(listen) else { throw UsageError("option '--listen': '\(listen)' is not an IP address") }
                configuration.listenAddress = listen
            }
            let root = options.values["--root"] ?? "/"
            guard !root.isEmpty else { throw UsageError("option '--root': empty path") }
            return serve(root: root, configuration: configuration, environment: Environment.current())
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

    static func serve(root: String, configuration: ServerConfiguration, environment: [String: String]) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let paths = RootPaths(root: root)
        let readiness = Readiness()
        let token: String
        do {
            try FileSystem.makeDirectories(paths.configDirectory)
            try FileSystem.makeDirectories(paths.stateDirectory)
            let (stored, created) = try ApplianceTokenFile.loadOrCreate(at: paths.secretsFile)
            if created { Log.shared.logUnredacted(.info, "Token: \(stored)") }
            Log.shared.redact(stored)
            token = environment["WEB_AUTH_TOKEN"].flatMap { $0.isEmpty ? nil : $0 } ?? stored
            Log.shared.redact(token)
        } catch {
            Log.shared.error("Failed to prepare '\(root)': \(error)")
            return 1
        }
        // The config and state directories are open; the config store and the SQLite store mark
        // these again when the composition root wires them.
        readiness.markConfigOpen()
        readiness.markStateOpen()

        let gate = AuthGate(verifiers: [ApplianceTokenVerifier(token: token)], setup: SetupFlag(complete: false))
        var providers: [any RouteProvider] = [HealthRoutes(readiness: readiness)]
        if environment["APPLIANCED_TEST_ROUTES"] == "1" { providers.append(TestRoutes()) }
        let routes = providers.flatMap(\.routes)
        let router = Router(routes + OpenAPIRoutes(documenting: routes).routes)

        let server = HTTPServer(router: router, gate: gate, configuration: configuration)
        do {
            try server.start()
        } catch {
            Log.shared.error("Failed to start the HTTP server: \(error)")
            return 1
        }
        Log.shared.info("Listening on \(configuration.listenAddress):\(server.port) (root \(root))")
        let lifecycle = ServeLifecycle(server: server, notifier: SystemdNotifier(environment: environment))
        lifecycle.run(watchdogMilliseconds: SystemdNotifier.watchdogInterval(environment: environment))
        Log.shared.info("Stopped")
        return 0
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
