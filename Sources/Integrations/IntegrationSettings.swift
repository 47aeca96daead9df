/// One app's `[integrations.<app>]` table: whether to talk to it, where, with which key.
public struct AppSettings: Sendable, Equatable {
    public var enabled: Bool
    public var url: String
    public var apiKey: String
    /// Radarr and Sonarr: the quality profile of media requests (`quality_profile_id`; nil or 0: the app's first).
    public var qualityProfileId: Int?
    /// Radarr and Sonarr: the root folder of media requests (`root_folder`; nil or empty: the app's first).
    public var rootFolder: String?

    public init(enabled: Bool = false, url: String = "", apiKey: String = "", qualityProfileId: Int? = nil, rootFolder: String? = nil) {
        self.enabled = enabled
        self.url = url
        self.apiKey = apiKey
        self.qualityProfileId = qualityProfileId
        self.rootFolder = rootFolder
    }

    /// Switched on, with an address and a key: the app may be asked.
    public var isConfigured: Bool { enabled && !url.isEmpty && !apiKey.isEmpty }

    /// The URL without a trailing slash, so paths can be appended.
    var base: String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}

/// A folder as an app names it (`app_prefix`) and as this box sees it (`local_prefix`), from
/// `webhooks.path_mappings` rows written `app_prefix=local_prefix`.
public struct PathMapping: Sendable, Equatable {
    public var appPrefix: String
    public var localPrefix: String

    public init(appPrefix: String, localPrefix: String) {
        self.appPrefix = appPrefix
        self.localPrefix = localPrefix
    }

    /// The rows that parse (`a=b` with both sides non-empty), longest app prefix first.
    public static func parse(_ rows: [String]) -> [PathMapping] {
        rows.compactMap { row -> PathMapping? in
            guard let equals = row.firstIndex(of: "=") else { return nil }
            let app = String(row[..<equals]), local = String(row[row.index(after: equals)...])
            guard !app.isEmpty, !local.isEmpty else { return nil }
            return PathMapping(appPrefix: app, localPrefix: local)
        }.sorted { $0.appPrefix.utf8.count > $1.appPrefix.utf8.count }
    }

    /// `path` as this box sees it: the first mapping whose app prefix covers it (at a folder boundary)
    /// swapped for its local prefix; the path itself when none does.
    public static func local(_ path: String, _ mappings: [PathMapping]) -> String {
        for mapping in mappings {
            let prefix = mapping.appPrefix.hasSuffix("/") ? String(mapping.appPrefix.dropLast()) : mapping.appPrefix
            guard path == prefix || path.hasPrefix(prefix + "/") else { continue }
            let local = mapping.localPrefix.hasSuffix("/") ? String(mapping.localPrefix.dropLast()) : mapping.localPrefix
            return local + path.dropFirst(prefix.count)
        }
        return path
    }
}

/// Everything the integrations read from the config, as one value: the daemon rebuilds it from the
/// current snapshot on each use, so edits apply without a restart.
public struct IntegrationSettings: Sendable, Equatable {
    public var apps: [IntegrationApp: AppSettings]
    /// Seconds between two probes of each enabled app (and between two probes of a down one).
    public var probeIntervalSeconds: Int
    /// Longest time one request may take, in seconds.
    public var timeoutSeconds: Double
    public var pathMappings: [PathMapping]

    public init(
        apps: [IntegrationApp: AppSettings] = [:], probeIntervalSeconds: Int = 30, timeoutSeconds: Double = 10,
        pathMappings: [PathMapping] = []
    ) {
        self.apps = apps
        self.probeIntervalSeconds = probeIntervalSeconds
        self.timeoutSeconds = timeoutSeconds
        self.pathMappings = pathMappings
    }

    public subscript(app: IntegrationApp) -> AppSettings { apps[app] ?? AppSettings() }
}
