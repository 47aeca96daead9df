import Accounts
import Catalog
import Core
import Jobs
import Requests
import Store
import TestSupport
import Testing
import Webhooks

@testable import CatalogFixtures

/// Overseerr's notifications moving 001's requests, over a real server: the shared secret, the
/// template's string ids, replays, and bad bodies.
@Suite struct OverseerrWebhookTests {
    static let secret = "overseerr-webhook-secret"

    static func make(_ tmdb: FakeTMDb, secret: String = secret) throws -> CatalogFixture {
        try CatalogFixture(
            settings: { settings in
                settings.tmdbEnabled = true
                settings.tmdbBaseURL = tmdb.apiURL
                settings.tmdbAPIKey = FakeTMDb.key
                settings.tmdbRequestsPerSecond = 50
            },
            providers: { catalog in
                let requests = RequestService(catalog: catalog)
                let runner = JobRunner(store: JobStore(database: catalog.database)) {
                    JobSettings(plex: nil, plexConfigFolder: "/nonexistent")
                }
                let webhooks = WebhookService(
                    database: catalog.database, runner: runner, catalog: catalog, settings: { WebhookSettings(secrets: [.overseerr: secret]) })
                return [RequestRoutes(service: requests), OverseerrWebhookRoutes(requests: requests, webhooks: webhooks)]
            })
    }

    func notify(_ fixture: CatalogFixture, _ body: JSON, secret: String? = OverseerrWebhookTests.secret) async throws -> RawHTTPClient.Reply {
        try await fixture.request("POST", "/api/v1/webhooks/overseerr", headers: secret.map { ["X-Webhook-Secret": $0] } ?? [:], json: body)
    }

    @Test func notificationsMoveTheOpenRequestsOfTheirMedia() async throws {
        let tmdb = try FakeTMDb()
        let fixture = try Self.make(tmdb)
        defer { Task { await fixture.stop() } }
        let user = try await fixture.signedInUser("frank")
        let created = try JSON.parseStrict(
            try await fixture.request("POST", "/api/v1/media/request", headers: user.headers, json: ["tmdbId": "603", "mediaType": "movie"]).body)
        let id = created["data"]?["id"]?.stringValue ?? ""

        let approved = try await notify(
            fixture, ["notification_type": "MEDIA_APPROVED", "subject": "The Matrix (1999)", "media": ["media_type": "movie", "tmdbId": "603", "tvdbId": ""],
                      "request": ["request_id": "7"]])
        #expect(approved.status == 202)
        #expect(try JSON.parseStrict(approved.body)["updated"] == .int(1))
        #expect(try await fixture.owner("GET", "/api/v1/media/requests/\(id)")["data"]?["status"] == .string("processing"))

        // The same delivery again is a replay; a show's notification with the same id leaves the movie alone.
        let replay = try await notify(
            fixture, ["notification_type": "MEDIA_APPROVED", "media": ["media_type": "movie", "tmdbId": "603"], "request": ["request_id": "7"]])
        #expect(try JSON.parseStrict(replay.body)["status"] == .string("duplicate"))
        let show = try await notify(fixture, ["notification_type": "MEDIA_AVAILABLE", "media": ["media_type": "tv", "tmdbId": 603]])
        #expect(try JSON.parseStrict(show.body)["updated"] == .int(0))

        let available = try await notify(fixture, ["notification_type": "MEDIA_AVAILABLE", "media": ["media_type": "movie", "tmdbId": "603"]])
        #expect(try JSON.parseStrict(available.body)["updated"] == .int(1))
        #expect(try await fixture.owner("GET", "/api/v1/media/requests/\(id)")["data"]?["status"] == .string("available"))

        let test = try await notify(fixture, ["notification_type": "TEST_NOTIFICATION", "subject": "Test Notification"])
        #expect(test.status == 202)
        #expect(try JSON.parseStrict(test.body)["status"] == .string("ignored"))
    }

    @Test func theSecretAndTheBodyAreChecked() async throws {
        let tmdb = try FakeTMDb()
        let fixture = try Self.make(tmdb)
        defer { Task { await fixture.stop() } }
        let body: JSON = ["notification_type": "MEDIA_AVAILABLE", "media": ["media_type": "movie", "tmdbId": "603"]]
        #expect(try await notify(fixture, body, secret: nil).status == 401)
        #expect(try await notify(fixture, body, secret: "wrong").status == 401)
        let byQuery = try await fixture.request("POST", "/api/v1/webhooks/overseerr?secret=\(Self.secret)", json: body)
        #expect(byQuery.status == 202)
        let bad: [(JSON, String)] = [
            (["media": ["tmdbId": "603"]], "notification_type"),
            (["notification_type": "MEDIA_EXPLODED"], "notification_type"),
            (["notification_type": "MEDIA_AVAILABLE"], "media.tmdbId"),
            (["notification_type": "MEDIA_AVAILABLE", "media": ["tmdbId": "abc"]], "media.tmdbId"),
            (["notification_type": "MEDIA_AVAILABLE", "media": ["tmdbId": "603", "media_type": "music"]], "media.media_type"),
            (["notification_type": "MEDIA_AVAILABLE", "media": "603"], "media"),
        ]
        for (body, field) in bad {
            let reply = try await notify(fixture, body)
            #expect(reply.status == 400, "\(body)")
            #expect(try JSON.parseStrict(reply.body)["detail"] == .string(field), "\(body)")
        }
        let huge = try await notify(fixture, ["notification_type": "MEDIA_AVAILABLE", "message": .string(String(repeating: "x", count: 70_000))])
        #expect(huge.status == 413)
    }

    @Test func withoutASecretEveryDeliveryIsRefused() async throws {
        let tmdb = try FakeTMDb()
        let fixture = try Self.make(tmdb, secret: "")
        defer { Task { await fixture.stop() } }
        let reply = try await notify(fixture, ["notification_type": "TEST_NOTIFICATION"], secret: "")
        #expect(reply.status == 401)
        #expect(reply.text.contains("No webhook secret is configured"))
    }
}
