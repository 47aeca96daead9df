/// What the Stash feature reads from the config (`[integrations.stash]`, `[sync]`,
/// `integrations.timeout_s`, `[analysis]`, `[integrations.openai]`), replaced whole on a config change.
public struct StashSettings: Sendable, Equatable {
    /// Stash is asked only when enabled; reads of the local copy work either way.
    public var enabled: Bool
    /// Stash's base URL (`http://host:9999`); the client posts to `<url>/graphql`.
    public var url: String
    /// Sent as the `ApiKey` header when not empty (a Stash without authentication needs none).
    public var apiKey: String
    /// Longest time one request to Stash may take.
    public var timeoutSeconds: Int
    /// Items per page asked of Stash and per transaction written.
    public var batchSize: Int
    /// A sync without `force` asks only for what changed since the last successful one.
    public var incremental: Bool
    /// A new plan's changes with at least this confidence are accepted at once (a plan's options may say otherwise).
    public var confidenceThreshold: Double
    /// The OpenAI-compatible endpoint an analysis with `use_ai` asks.
    public var openAI: OpenAISettings

    public init(
        enabled: Bool = false, url: String = "", apiKey: String = "", timeoutSeconds: Int = 10, batchSize: Int = 100,
        incremental: Bool = true, confidenceThreshold: Double = 0.7, openAI: OpenAISettings = OpenAISettings()
    ) {
        self.confidenceThreshold = confidenceThreshold
        self.openAI = openAI
        self.enabled = enabled
        self.url = url
        self.apiKey = apiKey
        self.timeoutSeconds = timeoutSeconds
        self.batchSize = batchSize
        self.incremental = incremental
    }

    /// Whether Stash may be asked now.
    public var isConfigured: Bool { enabled && !url.isEmpty }
}
