/// The apps the appliance talks to beside Plex, each configured in `[integrations.<name>]`.
public enum IntegrationApp: String, Sendable, CaseIterable, Codable {
    case sonarr, radarr, prowlarr, overseerr, tautulli

    /// The name people know it by.
    public var title: String {
        switch self {
        case .sonarr: "Sonarr"
        case .radarr: "Radarr"
        case .prowlarr: "Prowlarr"
        case .overseerr: "Overseerr"
        case .tautulli: "Tautulli"
        }
    }

    /// Its settings table, e.g. `integrations.radarr`.
    public var settingsTable: String { "integrations." + rawValue }
}
