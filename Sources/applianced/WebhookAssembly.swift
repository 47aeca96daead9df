import Catalog
import Config
import Jobs
import Previews
import Store
import Webhooks

/// The webhook service from the config: each source's secret, the debounce delay and the apps' path
/// mappings, read on every delivery so edits apply without a restart.
enum WebhookAssembly {
    static func service(config: ConfigStore, database: Database, runner: JobRunner, catalog: CatalogService) -> WebhookService {
        WebhookService(database: database, runner: runner, catalog: catalog) { settings(config.snapshot) }
    }

    static func settings(_ s: ConfigSnapshot) -> WebhookSettings {
        var secrets: [WebhookSource: String] = [:]
        for source in WebhookSource.allCases { secrets[source] = s.value(source.secretSetting)?.stringValue ?? "" }
        return WebhookSettings(
            secrets: secrets, delaySeconds: Double(s.integer("webhooks.delay_s")),
            pathMapping: PathMapping.parse(s.strings("webhooks.path_mappings")))
    }
}
