/// Who sent a webhook: each source has its own secret, body shape and debounce timer.
public enum WebhookSource: String, Sendable, CaseIterable {
    case radarr, sonarr, plex, overseerr

    /// The setting that holds the source's shared secret.
    public var secretSetting: String {
        switch self {
        case .plex: "plex.webhook_secret"
        case .radarr, .sonarr, .overseerr: "integrations.\(rawValue).webhook_secret"
        }
    }

    /// How a job started by this source names it (`parameters.source`).
    public var jobSource: String { "\(rawValue) webhook" }

    /// The Plex metadata type of the files this source imports: 1 (movie) for Radarr, 4 (episode)
    /// for Sonarr; nil for the others.
    public var plexItemType: Int? {
        switch self {
        case .radarr: 1
        case .sonarr: 4
        case .plex, .overseerr: nil
        }
    }

    /// The event types the source's payload documents (003's `RadarrWebhookPayload` and
    /// `SonarrWebhookPayload`) and the ones Radarr 5 and Sonarr 4 also send (`MovieAdded`,
    /// `HealthRestored`, `ManualInteractionRequired`: logged only; an app whose webhook answers 4xx marks
    /// the connection as failing); empty for Plex, whose events are all accepted.
    public var eventTypes: [String] {
        switch self {
        case .radarr:
            [
                "Grab", "Download", "Rename", "MovieDelete", "MovieFileDelete", "Health", "ApplicationUpdate", "Test", "MovieAdded",
                "HealthRestored", "ManualInteractionRequired",
            ]
        case .sonarr:
            [
                "Grab", "Download", "Rename", "SeriesAdd", "SeriesDelete", "EpisodeFileDelete", "Health", "ApplicationUpdate", "Test",
                "HealthRestored", "ManualInteractionRequired",
            ]
        case .plex, .overseerr: []
        }
    }
}
