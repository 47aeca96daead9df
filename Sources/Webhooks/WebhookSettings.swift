public import Previews

/// What the webhooks read from the config on every delivery: each source's shared secret, the
/// debounce delay, and the mapping from the apps' paths to local ones.
public struct WebhookSettings: Sendable {
    /// Secrets by source; an empty or missing one refuses every delivery from that source.
    public var secrets: [WebhookSource: String]
    /// Seconds to wait after a source's last import before asking Plex (`webhooks.delay_s`).
    public var delaySeconds: Double
    /// The apps' paths to local ones (`webhooks.path_mappings`, `app_prefix=local_prefix`); with
    /// no rule, an app's path is taken as local.
    public var pathMapping: PathMapping

    public init(secrets: [WebhookSource: String] = [:], delaySeconds: Double = 60, pathMapping: PathMapping = PathMapping([])) {
        self.secrets = secrets
        self.delaySeconds = delaySeconds
        self.pathMapping = pathMapping
    }
}
