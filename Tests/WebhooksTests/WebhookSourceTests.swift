import Testing
import Webhooks

@Suite struct WebhookSourceTests {
    @Test func eachSourceNamesItsSecret() {
        #expect(WebhookSource.plex.secretSetting == "plex.webhook_secret")
        #expect(WebhookSource.radarr.secretSetting == "integrations.radarr.webhook_secret")
    }
}
