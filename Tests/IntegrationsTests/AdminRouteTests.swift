import Catalog
import TestSupport
import Core
import HTTP
import Integrations
import Testing

/// 003's admin integration routes, admin/services and the connection tests, on a real server.
@Suite struct AdminRouteTests {
    @Test func statusProfilesAndRootFolders() async throws {
        let fixture = try IntegrationFixture()
        let status = try await fixture.owner("GET", "/api/v1/admin/integrations/radarr/status")
        #expect(status.status == 200)
        #expect(status.body["connected"] == true)
        #expect(status.body["version"] == "5.14.0.9383")
        #expect(status.body["instanceName"] == "Radarr")
        #expect(status.body["startTime"] == "2026-12-01T08:00:00Z")
        #expect(status.body["syncStatus"]?["isRunning"] == false)
        #expect(status.body["syncStatus"]?["totalMovies"] == 0)
        let sonarr = try await fixture.owner("GET", "/api/v1/admin/integrations/sonarr/status")
        #expect(sonarr.body["syncStatus"]?["totalEpisodes"] == 0)
        let profiles = try await fixture.owner("GET", "/api/v1/admin/integrations/radarr/quality-profiles")
        #expect(profiles.body["profiles"]?.arrayValue?.map { $0["name"] } == ["Any", "HD-1080p"])
        #expect(profiles.body["profiles"]?[0]?["upgradeAllowed"] == false)
        let folders = try await fixture.owner("GET", "/api/v1/admin/integrations/sonarr/root-folders")
        #expect(folders.body["folders"]?[0]?["path"] == "/data/movies")
        #expect(folders.body["folders"]?[0]?["freeSpace"] == 1_099_511_627_776)
        #expect(folders.body["folders"]?[1]?["freeSpace"] == nil)
        #expect(folders.body["folders"]?[1]?["accessible"] == false)
        await fixture.stop()
    }

    @Test func anUnconfiguredAppIs503AndAFailingOneExplainsWhy() async throws {
        let fixture = try IntegrationFixture(apps: [.radarr])
        let sonarr = try await fixture.owner("GET", "/api/v1/admin/integrations/sonarr/status")
        #expect(sonarr.status == 503)
        #expect(sonarr.body["error"]?["code"] == "INTEGRATION_NOT_CONFIGURED" || sonarr.body["code"] == "INTEGRATION_NOT_CONFIGURED")
        #expect(try await fixture.owner("GET", "/api/v1/admin/integrations/sonarr/root-folders").status == 503)
        #expect(try await fixture.owner("POST", "/api/v1/admin/integrations/sonarr/sync").status == 503)
        fixture.settings.change { $0.apps[.radarr]?.apiKey = "wrong" }
        let refused = try await fixture.request(
            "GET", "/api/v1/admin/integrations/radarr/quality-profiles", headers: ["X-Auth-Token": IntegrationFixture.token])
        #expect(refused.status == 502)
        #expect(refused.text.contains("Radarr refused the API key"))
        #expect(!refused.text.contains("wrong"))
        // Status answers even so, with connected false.
        let status = try await fixture.owner("GET", "/api/v1/admin/integrations/radarr/status")
        #expect(status.status == 200)
        #expect(status.body["connected"] == false)
        await fixture.stop()
    }

    @Test func onlyHoldersOfTheIntegrationPermissionsGetIn() async throws {
        let fixture = try IntegrationFixture()
        let user = try await fixture.signedIn("plain")
        #expect(try await fixture.request("GET", "/api/v1/admin/integrations/radarr/status", headers: user).status == 403)
        #expect(try await fixture.request("POST", "/api/v1/admin/integrations/radarr/sync", headers: user).status == 403)
        #expect(try await fixture.request("GET", "/api/v1/admin/services", headers: user).status == 403)
        #expect(try await fixture.request("POST", "/api/v1/settings/test-radarr", headers: user).status == 403)
        let admin = try await fixture.signedIn("boss", roles: ["admin"])
        #expect(try await fixture.request("GET", "/api/v1/admin/integrations/radarr/root-folders", headers: admin).status == 200)
        await fixture.stop()
    }

    @Test func adminServicesShowsWhatTheProbesFound() async throws {
        let fixture = try IntegrationFixture(apps: [.radarr, .sonarr, .tautulli])
        fixture.settings.change { $0.apps[.tautulli]?.apiKey = "wrong" }
        var before = try await fixture.owner("GET", "/api/v1/admin/services")
        #expect(before.body["data"]?[0]?["status"] == "unknown")
        await fixture.service.probes.probeAll()
        before = try await fixture.owner("GET", "/api/v1/admin/services")
        let entries = try #require(before.body["data"]?.arrayValue)
        #expect(before.body["success"] == true)
        #expect(entries.map { $0["name"] } == ["sonarr", "radarr", "prowlarr", "overseerr", "tautulli"])
        let radarr = entries[1]
        #expect(radarr["reachable"] == true)
        #expect(radarr["status"] == "up")
        #expect(radarr["version"] == "5.14.0.9383")
        #expect(radarr["latencyMs"]?.intValue != nil)
        #expect(radarr["lastChecked"]?.stringValue != nil)
        #expect(entries[2]["status"] == "disabled")
        #expect(entries[2]["reachable"] == .null)
        let tautulli = entries[4]
        #expect(tautulli["status"] == "down")
        #expect(tautulli["lastError"] == "Tautulli refused the API key")
        await fixture.stop()
    }

    @Test func connectionTestsUseTheSavedSettingsOrTheBody() async throws {
        let fixture = try IntegrationFixture(timeout: 1.5)
        let saved = try await fixture.owner("POST", "/api/v1/settings/test-radarr")
        #expect(saved.status == 200)
        #expect(saved.body["success"] == true)
        #expect(saved.body["version"] == "5.14.0.9383")
        #expect(saved.body["latency_ms"]?.intValue != nil)
        #expect(try await fixture.owner("POST", "/api/v1/settings/test-tautulli").body["version"] == "v2.14.6")
        #expect(try await fixture.owner("POST", "/api/v1/settings/test-overseerr").body["version"] == "1.33.2")
        #expect(try await fixture.owner("POST", "/api/v1/settings/test-prowlarr").body["version"] == "1.24.3.4754")
        let wrongKey = try await fixture.owner("POST", "/api/v1/settings/test-sonarr", json: ["api_key": "nope-nope"])
        #expect(wrongKey.status == 502)
        #expect(wrongKey.body.encodedText.contains("Sonarr refused the API key"))
        let overseerr = try await fixture.owner("POST", "/api/v1/settings/test-overseerr", json: ["api_key": "nope-nope"])
        #expect(overseerr.status == 502)
        #expect(overseerr.body.encodedText.contains("Overseerr refused the API key"))
        let dead = try RefusingPort()
        defer { withExtendedLifetime(dead) {} }
        let down = try await fixture.owner("POST", "/api/v1/settings/test-radarr", json: ["url": .string("http://127.0.0.1:\(dead.port)")])
        #expect(down.status == 502)
        #expect(down.body.encodedText.contains("unreachable"))
        fixture.fake.behaviour = .html
        let html = try await fixture.owner("POST", "/api/v1/settings/test-radarr")
        #expect(html.status == 502)
        #expect(html.body.encodedText.contains("not the JSON expected"))
        fixture.fake.behaviour = .normal
        #expect(try await fixture.owner("POST", "/api/v1/settings/test-radarr", json: ["url": "ftp://example"]).status == 400)
        #expect(try await fixture.owner("POST", "/api/v1/settings/test-radarr", json: ["url": "", "api_key": "x"]).status == 400)
        #expect(try await fixture.owner("POST", "/api/v1/settings/test-radarr", json: ["port": 1]).status == 400)
        // A failed test leaves the app's own breaker alone.
        #expect(!fixture.service.connection(.radarr).isDown)
        // Last: the fake answers one request at a time, and this one keeps it busy past the time-out.
        fixture.fake.behaviour = .slow(milliseconds: 3000)
        #expect(try await fixture.owner("POST", "/api/v1/settings/test-radarr").status == 504)
        await fixture.stop()
    }

    @Test func healthAnswersWhileAnAppHangs() async throws {
        let fixture = try IntegrationFixture(timeout: 10)
        fixture.fake.behaviour = .slow(milliseconds: 3000)
        let hanging = Task { try await fixture.owner("GET", "/api/v1/admin/integrations/radarr/quality-profiles") }
        try await Task.sleep(for: .milliseconds(200))
        let health = try await fixture.request("GET", "/api/health")
        #expect(health.status == 200)
        let services = try await fixture.owner("GET", "/api/v1/admin/services")
        #expect(services.status == 200)
        // The hanging request was still waiting on the app.
        #expect(fixture.fake.count("/api/v3/qualityprofile") <= 1)
        _ = try await hanging.value
        await fixture.stop()
    }
}

extension JSON {
    var encodedText: String { String(decoding: encoded(), as: UTF8.self) }
}

extension JSON {
    /// Element `index` of an array.
    subscript(_ index: Int) -> JSON? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
