/// What the analysis reads of an OpenAI-compatible endpoint from the config (`[integrations.openai]`).
public struct OpenAISettings: Sendable, Equatable {
    /// Base URL; requests go to `<url>/v1/…` (a URL that already ends in `/v1` is taken as it is).
    public var url: String
    /// Sent as `Authorization: Bearer`; empty means no AI.
    public var apiKey: String
    public var model: String
    /// Longest time one request may take.
    public var timeoutSeconds: Int
    /// Price of 1,000 prompt and completion tokens, for the cost a plan reports.
    public var promptPricePer1k: Double
    public var completionPricePer1k: Double

    public init(
        url: String = "", apiKey: String = "", model: String = "gpt-4o-mini", timeoutSeconds: Int = 60, promptPricePer1k: Double = 0,
        completionPricePer1k: Double = 0
    ) {
        self.url = url
        self.apiKey = apiKey
        self.model = model
        self.timeoutSeconds = timeoutSeconds
        self.promptPricePer1k = promptPricePer1k
        self.completionPricePer1k = completionPricePer1k
    }

    /// Whether the endpoint may be asked: an address and a key.
    public var isConfigured: Bool { !url.isEmpty && !apiKey.isEmpty }

    /// The full URL of `path` (`/chat/completions`, `/models`) under the API's `/v1`.
    func endpoint(_ path: String) -> String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        return (base.hasSuffix("/v1") ? base : base + "/v1") + path
    }

    /// The cost of a number of tokens at these prices.
    func cost(promptTokens: Int, completionTokens: Int) -> Double {
        Double(promptTokens) / 1000 * promptPricePer1k + Double(completionTokens) / 1000 * completionPricePer1k
    }
}
