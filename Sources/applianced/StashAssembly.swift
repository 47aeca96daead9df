import Config
import Jobs
import Monitor
import Stash
import Store

/// The Stash feature from the config (`[integrations.stash]`, `[sync]`, `integrations.timeout_s`,
/// `[analysis]`, `[integrations.openai]`): config edits reach it without a restart; syncs, analyses and
/// applies a previous run left running are failed; their progress goes out as job events (000's
/// `/api/ws`, 004's job WebSocket).
enum StashAssembly {
    static func service(config: ConfigStore, database: Database, events: JobEventHub) throws -> StashService {
        let stash = StashService(database: database, settings: settings(config.snapshot))
        try stash.sync.settleInterrupted()
        try stash.analysis.settleInterrupted()
        stash.sync.onJobChange { change in events.publish(JobEvent(event: change.event, data: change.data, jobID: change.jobID)) }
        _ = config.subscribe { [stash] _ in stash.update(settings(config.snapshot)) }
        return stash
    }

    static func settings(_ s: ConfigSnapshot) -> StashSettings {
        StashSettings(
            enabled: s.bool("integrations.stash.enabled"), url: s.string("integrations.stash.url"),
            apiKey: s.string("integrations.stash.api_key"), timeoutSeconds: s.integer("integrations.timeout_s"),
            batchSize: s.integer("sync.batch_size"), incremental: s.bool("sync.incremental"),
            confidenceThreshold: s.number("analysis.confidence_threshold"),
            openAI: OpenAISettings(
                url: s.string("integrations.openai.url"), apiKey: s.string("integrations.openai.api_key"),
                model: s.string("integrations.openai.model"), timeoutSeconds: s.integer("integrations.openai.timeout_s"),
                promptPricePer1k: s.number("integrations.openai.prompt_price_per_1k"),
                completionPricePer1k: s.number("integrations.openai.completion_price_per_1k")))
    }

    /// 004's non-critical `stash` check: how the last request to Stash ended (never a request of its own,
    /// so the check never waits on the network); "not configured" while Stash is off.
    static func readiness(_ stash: StashService) -> ReadinessCheck {
        ReadinessCheck(name: "stash", critical: false, configured: stash.settings.isConfigured) {
            stash.client.lastOutcome
        }
    }

    /// 004's non-critical `openai` check, made as the `stash` one is: how the last request to the
    /// OpenAI-compatible endpoint ended, never a request of its own; "not configured" without a URL and key.
    static func openAIReadiness(_ stash: StashService) -> ReadinessCheck {
        ReadinessCheck(name: "openai", critical: false, configured: stash.settings.openAI.isConfigured) {
            stash.analysis.openAI.lastOutcome
        }
    }
}
