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
}
