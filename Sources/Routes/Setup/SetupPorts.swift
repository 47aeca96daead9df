import HTTP
/// Durable key/value storage for the wizard's progress (the SQLite key/value table in the daemon).
/// Values survive a restart; `nil` removes a key.
public protocol SetupStateStore: Sendable {
    func value(forKey key: String) throws -> String?
    func setValue(_ value: String?, forKey key: String) throws
}

/// Whether first-boot setup is complete: what the auth gate reads to decide `Access.setup` routes
/// and what the page server reads to send `/` to `/setup`. Must answer from memory, at once.
public protocol SetupProgress: Sendable {
    var isComplete: Bool { get }
}

/// Where the appliance token comes from: `secrets.toml`, or the `WEB_AUTH_TOKEN` environment variable.
public enum ApplianceTokenSource: String, Sendable {
    case environment
    case config
}

/// The appliance token as the auth gate checks it, and where it came from.
public struct ApplianceToken: Sendable, Equatable {
    public var value: String
    public var source: ApplianceTokenSource

    public init(value: String, source: ApplianceTokenSource) {
        self.value = value
        self.source = source
    }
}

/// Reads and replaces the appliance token (backed by `secrets.toml` and `WEB_AUTH_TOKEN`).
public protocol ApplianceTokenStore: Sendable {
    func current() throws -> ApplianceToken
    /// Replaces the token in `secrets.toml`; the auth gate accepts the new one from then on.
    func replace(with token: String) throws
}

/// The Plex connection as configured (`plex.url`, `plex.token`, `plex.selected_libraries`); empty when unset.
public struct PlexConnectionSettings: Sendable, Equatable {
    public var url: String
    public var token: String
    public var selectedLibraries: [String]

    public init(url: String = "", token: String = "", selectedLibraries: [String] = []) {
        self.url = url
        self.token = token
        self.selectedLibraries = selectedLibraries
    }
}

/// Reads the Plex settings and stores the token a PIN sign-in brings back (into `secrets.toml`).
public protocol PlexSettingsStore: Sendable {
    func plexConnection() throws -> PlexConnectionSettings
    func savePlexToken(_ token: String) throws
}
