import Core
import Store
import Synchronization
import Testing
import TestSupport
import Webhooks

/// The webhook routes' gate and validation over a real server: the shared secret (none configured,
/// missing, wrong, header or query), size limits, bad JSON and unknown events, Test events, replays.
@Suite(.serialized, .enabled(if: WebhookFixture.available, "needs python3 for the fake Plex"))
struct WebhookRouteTests {
    @Test func secretIsRequiredAndComparedPerSource() async throws {
        let fixture = try await WebhookFixture.make()
        let test: JSON = ["eventType": "Test"]

        let missing = try await fixture.post("/api/v1/webhooks/radarr", json: test, secret: nil)
        #expect(missing.status == 401)
        #expect(missing.text.contains("UNAUTHORIZED"))
        let wrong = try await fixture.post("/api/v1/webhooks/radarr", json: test, secret: "nope")
        #expect(wrong.status == 401)
        // Sonarr's secret does not open Radarr's route.
        #expect(try await fixture.post("/api/webhooks/radarr", json: test, secret: "sonarr-secret").status == 401)
        #expect(try await fixture.post("/api/webhooks/radarr", json: test).status == 202)
        #expect(try await fixture.post("/api/webhooks/radarr", json: test, secret: nil, query: "?secret=\(WebhookFixture.secret)").status == 202)

        fixture.settings.withLock { $0.secrets[.radarr] = "" }
        let refused = try await fixture.post("/api/v1/webhooks/radarr", json: test, secret: "")
        #expect(refused.status == 401)
        #expect(refused.text.contains("No webhook secret is configured"))
        #expect(try await fixture.post("/api/v1/webhooks/radarr", json: test, secret: WebhookFixture.secret).status == 401)
        await fixture.stop()
    }

    @Test func oversizeBadJSONAndUnknownEventsAreRefused() async throws {
        let fixture = try await WebhookFixture.make()
        let big: JSON = ["eventType": "Test", "instanceName": .string(String(repeating: "x", count: 300 << 10))]
        #expect(try await fixture.post("/api/v1/webhooks/radarr", json: big).status == 413)

        let broken = try await fixture.post("/api/v1/webhooks/radarr", body: Array("{\"eventType\": \"Test\",}".utf8))
        #expect(broken.status == 400)
        let unknown = try await fixture.post("/api/v1/webhooks/radarr", json: ["eventType": "Explode"])
        #expect(unknown.status == 400)
        #expect(unknown.text.contains("Explode"))
        let missing = try await fixture.post("/api/v1/webhooks/sonarr", json: ["series": ["id": 1]], secret: "sonarr-secret")
        #expect(missing.status == 400)
        #expect(missing.text.contains("eventType"))
        let noPath = try await fixture.post("/api/webhooks/radarr", json: ["eventType": "Download", "movie": ["id": 1]])
        #expect(noPath.status == 400)
        #expect(noPath.text.contains("movieFile"))
        let wrongType = try await fixture.post("/api/webhooks/radarr", json: ["eventType": "Download", "movieFile": "x"])
        #expect(wrongType.status == 400)
        #expect(try await fixture.jobs().isEmpty)
        await fixture.stop()
    }

    @Test func testEventQueuesNothing() async throws {
        let fixture = try await WebhookFixture.make()
        let reply = try await fixture.post("/api/v1/webhooks/sonarr", json: ["eventType": "Test"], secret: "sonarr-secret")
        #expect(reply.status == 202)
        #expect(try JSON.parseStrict(reply.body)["status"]?.stringValue == "accepted")
        #expect(try await fixture.jobs().isEmpty)
        let grab = try await fixture.post("/api/v1/webhooks/radarr", json: ["eventType": "Grab", "downloadId": "g1"])
        #expect(grab.status == 202)
        #expect(try JSON.parseStrict(grab.body)["status"]?.stringValue == "ignored")
        #expect(try await fixture.jobs().isEmpty)
        await fixture.stop()
    }

    @Test func replayIsIgnoredAndUnmappedPathFailsTheItem() async throws {
        let fixture = try await WebhookFixture.make()
        let event: JSON = [
            "eventType": "Download", "downloadId": "dl-9",
            "movie": ["id": 9, "title": "Elsewhere"], "movieFile": ["id": 9, "path": "/elsewhere/Elsewhere (2001).mkv"],
        ]
        let first = try await fixture.post("/api/webhooks/radarr", json: event)
        #expect(first.status == 202)
        let id = try #require(try JSON.parseStrict(first.body)["job_id"]?.stringValue)
        let second = try await fixture.post("/api/webhooks/radarr", json: event)
        #expect(second.status == 202)
        #expect(try JSON.parseStrict(second.body)["status"]?.stringValue == "duplicate")
        #expect(try await fixture.jobs().count == 1)

        let job = try #require(try await fixture.finished(id))
        #expect(job.status == .failed)
        #expect(job.parameters["source"]?.stringValue == "radarr webhook")
        #expect(job.libraryName == "Elsewhere")
        let item = try #require(try await fixture.items(id).first)
        #expect(item.status == .failed)
        #expect(item.reason?.contains("No webhooks.path_mappings rule covers '/elsewhere/Elsewhere (2001).mkv'") == true)
        await fixture.stop()
    }
}
