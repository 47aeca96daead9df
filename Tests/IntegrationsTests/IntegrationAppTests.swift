import Integrations
import Testing

@Suite struct IntegrationAppTests {
    @Test func everyAppHasItsSettingsTable() {
        #expect(IntegrationApp.allCases.map(\.settingsTable).contains("integrations.radarr"))
        #expect(IntegrationApp(rawValue: "tautulli")?.title == "Tautulli")
    }
}
