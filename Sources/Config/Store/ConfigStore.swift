public import Core
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The settings the daemon runs on, read from the TOML files under `/etc/applianced` (or `--root`), kept on the last
/// good configuration when an edit is invalid, and written back key by key. Thread-safe.
public final class ConfigStore: Sendable {
    public let paths: ConfigPaths
    public let schema: SettingsSchema
    let loader: ConfigLoader
    let state: Mutex<State>
    /// Serialises writes inside this process; `flock` on the directory serialises them between processes.
    let writeLock = Mutex<Int>(0)
    let watcher = Mutex<ConfigWatcher?>(nil)

    struct State {
        var snapshot: ConfigSnapshot
        var status: ConfigStatus
        var subscribers: [Int: @Sendable (ConfigEvent) -> Void] = [:]
        var nextSubscriber = 0
    }

    /// Loads the configuration under `paths`. With `writeDefaults`, a missing `applianced.toml` is first written from
    /// the shipped default text (and `conf.d/` made). An invalid configuration leaves the store on the defaults
    /// with the problems in `status`, so that the daemon starts and shows them.
    /// `fileSizeLimit` is the largest file read or written (4 MiB; tests choose a small one).
    public init(
        paths: ConfigPaths, schema: SettingsSchema = .standard, environment: [String: String], writeDefaults: Bool = false,
        fileSizeLimit: Int = ConfigFile.sizeLimit
    ) {
        self.paths = paths
        self.schema = schema
        loader = ConfigLoader(paths: paths, schema: schema, environment: environment, sizeLimit: fileSizeLimit)
        var setupIssues: [ConfigIssue] = []
        if writeDefaults {
            do {
                try FileSystem.makeDirectories(paths.dropInDirectory)
                if !FileSystem.exists(paths.mainFile) {
                    try FileSystem.writeAtomically(paths.mainFile, Array(DefaultConfigFile.text(schema).utf8), mode: 0o644)
                }
            } catch {
                setupIssues.append(ConfigIssue(file: paths.mainFile, line: nil, column: nil, key: nil, message: "\(error)"))
            }
        }
        let result = loader.load()
        let issues = setupIssues + result.issues
        for issue in issues { Log.shared.error("Failed to load configuration: \(issue)") }
        for warning in result.warnings { Log.shared.warning("Configuration: \(warning)") }
        state = Mutex(
            State(
                snapshot: result.snapshot ?? ConfigSnapshot(defaultsOf: schema),
                status: ConfigStatus(
                    ok: issues.isEmpty, checkedAt: ConfigStatus.now(), loadedAt: issues.isEmpty ? ConfigStatus.now() : nil,
                    issues: issues, files: result.files, warnings: result.warnings)))
    }

    deinit {
        watcher.withLock { $0?.stop() }
    }

    /// The process environment (for `WEB_AUTH_TOKEN` and `APPLIANCED_*`).
    public static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                result[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            pointer += 1
        }
        return result
    }

    /// A file name for an API answer: relative to the config directory (`conf.d/10-site.toml`), so that no server
    /// path leaves the box; a path outside it becomes its base name.
    public func displayName(of file: String) -> String {
        let prefix = paths.directory + "/"
        return file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : FileSystem.baseName(of: file)
    }

    /// `conf.d/10-site.toml:3:7: message`: an issue as an API answer shows it.
    public func display(_ issue: ConfigIssue) -> String {
        issue.description(fileName: issue.file.map(displayName(of:)))
    }

    /// Where a value came from, as an API answer shows it (file names relative to the config directory).
    public func display(_ source: ConfigSource) -> String {
        switch source {
        case .file(let path, let line, let column): return "\(displayName(of: path)):\(line):\(column)"
        case .dropIn(let path, let line, let column): return "drop-in \(displayName(of: path)):\(line):\(column)"
        case .defaultValue, .environment: return source.description
        }
    }

    /// The settings in force now.
    public var snapshot: ConfigSnapshot { state.withLock { $0.snapshot } }

    /// Whether the last reload succeeded, when, and its problems.
    public var status: ConfigStatus { state.withLock { $0.status } }

    /// Re-reads every file (the watcher and the SIGHUP handler call this). An invalid configuration is rejected as a
    /// whole: the store stays on the last good one, keeps the problems in `status`, and logs each once.
    @discardableResult
    public func reload() -> ConfigStatus {
        let result = loader.load()
        let now = ConfigStatus.now()
        var notify: [@Sendable (ConfigEvent) -> Void] = []
        var event: ConfigEvent?
        var newWarnings: [ConfigIssue] = []
        let status = state.withLock { state -> ConfigStatus in
            newWarnings = result.warnings.filter { !state.status.warnings.contains($0) }
            if let snapshot = result.snapshot {
                let changed = snapshot != state.snapshot
                state.snapshot = snapshot
                state.status = ConfigStatus(
                    ok: true, checkedAt: now, loadedAt: now, issues: [], files: result.files, warnings: result.warnings)
                if changed { event = .changed(snapshot) }
            } else {
                let repeated = state.status.issues == result.issues
                state.status = ConfigStatus(
                    ok: false, checkedAt: now, loadedAt: state.status.loadedAt, issues: result.issues,
                    files: result.files, warnings: result.warnings)
                if !repeated { event = .rejected(result.issues) }
            }
            notify = Array(state.subscribers.values)
            return state.status
        }
        for warning in newWarnings { Log.shared.warning("Configuration: \(warning)") }
        if case .rejected(let issues)? = event {
            for issue in issues { Log.shared.error("Failed to load configuration: \(issue)") }
        }
        if let event {
            if case .changed = event { Log.shared.info("Configuration reloaded from \(result.files.joined(separator: ", "))") }
            for subscriber in notify { subscriber(event) }
        }
        return status
    }

    /// Calls `handler` after every reload that changed a value or rejected an edit. Returns a token for `unsubscribe`.
    @discardableResult
    public func subscribe(_ handler: @escaping @Sendable (ConfigEvent) -> Void) -> Int {
        state.withLock { state in
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[id] = handler
            return id
        }
    }

    public func unsubscribe(_ token: Int) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: token) }
    }

    /// Watches the config directory and `conf.d/` with inotify and reloads after each change (editors save by
    /// rename, so the directories are watched, not the files). Runs on its own thread until `stopWatching()`.
    public func startWatching() throws(SystemError) {
        let started = try ConfigWatcher(directories: [paths.directory, paths.dropInDirectory]) { [weak self] in
            self?.reload()
        }
        watcher.withLock { current in
            current?.stop()
            current = started
        }
    }

    public func stopWatching() {
        watcher.withLock { current in
            current?.stop()
            current = nil
        }
    }
}

/// What subscribers hear after a reload.
public enum ConfigEvent: Sendable {
    /// New settings are in force.
    case changed(ConfigSnapshot)
    /// An edit was rejected; the store stays on the last good settings.
    case rejected([ConfigIssue])
}

/// The outcome of the last reload, for the API, the dashboard and alerts.
public struct ConfigStatus: Sendable, Equatable {
    public let ok: Bool
    /// Seconds since 1970 of the last reload attempt.
    public let checkedAt: Double
    /// Seconds since 1970 of the last successful load (nil when none succeeded since start).
    public let loadedAt: Double?
    public let issues: [ConfigIssue]
    public let files: [String]
    /// Oddities that did not stop the load (an empty `applianced.toml`).
    public var warnings: [ConfigIssue] = []

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
