import HTTP
import Integrations
import TestSupport
import Testing

/// The apps' failures, each as one short reason that never holds the key.
@Suite struct FailureTests {
    @Test func aWrongKeyIsRefused() async throws {
        let fake = try FakeArr()
        let wrong = service(fake, key: "wrong-key")
        await #expect(throws: IntegrationError.refused(.radarr)) { try await wrong.radarr.systemStatus() }
        await #expect(throws: IntegrationError.refused(.tautulli)) { try await wrong.tautulli.activity() }
        let error = IntegrationError.refused(.radarr).httpError
        #expect(error.status == 502)
        #expect(error.message == "Radarr refused the API key")
    }

    @Test func aDownAppIsUnreachable() async throws {
        let dead = try RefusingPort()
        defer { withExtendedLifetime(dead) {} }
        let down = IntegrationService(settings: settings(url: "http://127.0.0.1:\(dead.port)"), retryBase: .milliseconds(5))
        do {
            _ = try await down.sonarr.series()
            Issue.record("a closed port answered")
        } catch {
            guard case .unreachable(.sonarr, _) = error else { throw error }
            #expect(!error.description.contains(FakeArr.key))
            #expect(error.httpError.status == 502)
        }
    }

    @Test func aSlowAppTimesOut() async throws {
        let fake = try FakeArr()
        fake.behaviour = .slow(milliseconds: 1500)
        let slow = service(fake, timeout: 0.3)
        await #expect(throws: IntegrationError.timeout(.prowlarr)) { try await slow.prowlarr.indexers() }
        #expect(IntegrationError.timeout(.prowlarr).httpError.status == 504)
    }

    @Test func htmlAndTruncatedAnswersAreNotTheJSONExpected() async throws {
        let fake = try FakeArr()
        let apps = service(fake)
        fake.behaviour = .html
        await #expect(throws: IntegrationError.badAnswer(.radarr)) { try await apps.radarr.qualityProfiles() }
        fake.behaviour = .truncated
        await #expect(throws: IntegrationError.badAnswer(.overseerr)) { try await apps.overseerr.requests() }
        await #expect(throws: IntegrationError.badAnswer(.tautulli)) { try await apps.tautulli.activity() }
        #expect(IntegrationError.badAnswer(.radarr).httpError.message == "Radarr's answer is not the JSON expected")
    }

    @Test func serverErrorsAndThrottlingAreRetried() async throws {
        let fake = try FakeArr()
        let apps = service(fake)
        fake.behaviour = .failing(status: 503, count: 2)
        #expect(try await apps.radarr.rootFolders().count == 2)
        #expect(fake.count("/api/v3/rootfolder") == 3)
        fake.behaviour = .failing(status: 429, count: 1)
        #expect(try await apps.sonarr.qualityProfiles().count == 2)
        #expect(fake.count("/api/v3/qualityprofile") == 2)
        fake.behaviour = .status(500)
        await #expect(throws: IntegrationError.status(.prowlarr, 500)) { try await apps.prowlarr.indexerStatus() }
        #expect(fake.count("/api/v1/indexerstatus") == 3)
        // A 4xx other than 401/403/404/429 is final.
        fake.behaviour = .failing(status: 400, count: 1)
        await #expect(throws: IntegrationError.status(.prowlarr, 400)) { try await apps.prowlarr.indexers() }
        #expect(fake.count("/api/v1/indexer") == 1)
    }
}
