import Config
import Jobs
import Monitor
import Stash
import Store

/// The Stash feature from the config (`[integrations.stash]`, `[sync]`, `integrations.timeout_s`):
/// config edits reach it without a restart; syncs a previous run left running are failed; a sync's
/// progress goes out as job events (000's `/api/ws`, 004's job WebSocket).
enum StashAssembly {
    static func service(config: ConfigStore, database: Database, events: JobEventHub) throws -> StashService {
        let stash = StashService(database: database, settings: settings(config.snapshot))
        try stash.sync.settleInterrupted()
        stash.sync.onJobChange { change in events.publish(JobEvent(event: change.event, data: change.data, jobID: change.jobID)) }
        _ = config.subscribe { [stash] _ in stash.update(settings(config.snapshot)) }
        return stash
    }

    static func settings(_ s: ConfigSnapshot) -> StashSettings {
        StashSettings(
            enabled: s.bool("integrations.stash.enabled"), url: s.string("integrations.stash.url"),
            apiKey: s.string("integrations.stash.api_key"), timeoutSeconds: s.integer("integrations.timeout_s"),
            batchSize: s.integer("sync.batch_size"), incremental: s.bool("sync.incremental"))
    }

    /// 004's non-critical `stash` check: how the last request to Stash ended (never a request of its own,
    /// so the check never waits on the network); "not configured" while Stash is off.
    static func readiness(_ stash: StashService) -> ReadinessCheck {
        ReadinessCheck(name: "stash", critical: false, configured: stash.settings.isConfigured) {
            stash.client.lastOutcome
        }
    }
}
