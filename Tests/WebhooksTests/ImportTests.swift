import Catalog
import Core
import FoundationEssentials
import Jobs
import Plex
import Previews
import Store
import Testing
import TestSupport
import Webhooks

/// An import webhook turned into thumbnails: Plex indexing the file only after a few lookups (BIF on
/// disk), never indexing it (the item fails after the shortened ladder), debounce, Plex's own
/// multipart `library.new`, and 003's Download queueing a catalog scan.
@Suite(.serialized, .enabled(if: WebhookFixture.available, "needs python3 for the fake Plex"))
struct ImportTests {
    @Test(.enabled(if: TestClips.available, "needs ffmpeg to make a clip"))
    func fileIndexedAfterAFewLookupsGetsItsBIF() async throws {
        let fixture = try await WebhookFixture.make()
        let title = "Late Movie (2020)"
        try fixture.place(try await TestClips.path(.h264), as: title)
        try await fixture.pending(title, afterRequests: 3)

        let reply = try await fixture.post("/api/webhooks/radarr", json: WebhookFixture.radarrDownload(title))
        #expect(reply.status == 202)
        let id = try #require(try JSON.parseStrict(reply.body)["job_id"]?.stringValue)
        let pending = try #require(try await fixture.job(id))
        #expect(pending.kind == .thumbnail)
        #expect(pending.parameters["source"]?.stringValue == "radarr webhook")

        let job = try #require(try await fixture.finished(id))
        #expect(job.status == .completed)
        #expect(job.completedItems == 1)
        let bif = try BIFFile.decode(try FileSystem.read(try fixture.bifPath(plexPath: WebhookFixture.plexPath(title))))
        #expect(bif.images.count >= 2)
        let lookups = try await fixture.plexRequests().filter { $0.contains("/all?") && $0.contains("file=") }
        #expect(lookups.count == 3)
        #expect(lookups.allSatisfy { $0.contains("type=1") })
        await fixture.stop()
    }

    @Test func fileNeverIndexedFailsAfterTheLadder() async throws {
        let fixture = try await WebhookFixture.make()
        let title = "Ghost Movie (2021)"
        try await fixture.pending(title, afterRequests: -1)
        let reply = try await fixture.post("/api/v1/webhooks/radarr", json: WebhookFixture.radarrDownload(title))
        #expect(reply.status == 202)
        let id = try #require(try JSON.parseStrict(reply.body)["job_id"]?.stringValue)
        let job = try #require(try await fixture.finished(id))
        #expect(job.status == .failed)
        let item = try #require(try await fixture.items(id).first)
        #expect(item.status == .failed)
        #expect(item.reason?.contains("Plex has not indexed '\(WebhookFixture.plexPath(title))' after 9 tries") == true)
        #expect(try await fixture.plexRequests().filter { $0.contains("/all?") && $0.contains("file=") }.count == 9)
        await fixture.stop()
    }

    @Test func importsWithinTheDelayShareOneLookupRound() async throws {
        let fixture = try await WebhookFixture.make(delay: 2)
        try await fixture.pending("One (2001)", afterRequests: 1)
        try await fixture.pending("Two (2002)", afterRequests: 1)
        let first = try await fixture.post("/api/webhooks/radarr", json: WebhookFixture.radarrDownload("One (2001)", downloadID: "a", fileID: 1))
        try await Task.sleep(for: .milliseconds(300))
        let second = try await fixture.post("/api/webhooks/radarr", json: WebhookFixture.radarrDownload("Two (2002)", downloadID: "b", fileID: 2))
        // The second import restarted the timer: nothing was looked up yet.
        #expect(try await fixture.plexRequests().filter { $0.contains("/all?") && $0.contains("file=") }.isEmpty)
        for reply in [first, second] {
            let id = try #require(try JSON.parseStrict(reply.body)["job_id"]?.stringValue)
            #expect(try await fixture.finished(id)?.status.isFinal == true)
        }
        #expect(fixture.service.lookupRounds == 1)
        await fixture.stop()
    }

    @Test(.enabled(if: TestClips.available, "needs ffmpeg to make a clip"))
    func plexLibraryNewMakesTheItemsThumbnails() async throws {
        let fixture = try await WebhookFixture.make()
        let title = "Plex New (2022)"
        try fixture.place(try await TestClips.path(.mpeg4), as: title)
        try await fixture.pending(title, afterRequests: 0)
        let ratingKey = try #require(try await fixture.ratingKey(of: WebhookFixture.plexPath(title)))
        let payload: JSON = [
            "event": "library.new", "Server": ["uuid": "a1b2"],
            "Metadata": ["ratingKey": .string(ratingKey), "type": "movie", "title": "Plex New"],
        ]
        let boundary = "----webhook-test"
        let body =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"payload\"\r\nContent-Type: application/json\r\n\r\n"
            + String(decoding: payload.encoded(), as: UTF8.self)
            + "\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"thumb\"; filename=\"thumb.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nJPEG\r\n--\(boundary)--\r\n"
        let contentType = "multipart/form-data; boundary=\(boundary)"

        let play = "--\(boundary)\r\nContent-Disposition: form-data; name=\"payload\"\r\n\r\n{\"event\":\"media.play\"}\r\n--\(boundary)--\r\n"
        let ignored = try await fixture.post("/api/webhooks/plex", body: Array(play.utf8), contentType: contentType, secret: "plex-secret")
        #expect(ignored.status == 202)
        #expect(try JSON.parseStrict(ignored.body)["status"]?.stringValue == "ignored")
        #expect(try await fixture.post("/api/webhooks/plex", body: Array(body.utf8), contentType: contentType, secret: "wrong").status == 401)

        let reply = try await fixture.post("/api/webhooks/plex", body: Array(body.utf8), contentType: contentType, secret: "plex-secret")
        #expect(reply.status == 202)
        let id = try #require(try JSON.parseStrict(reply.body)["job_id"]?.stringValue)
        let job = try #require(try await fixture.finished(id))
        #expect(job.status == .completed)
        #expect(job.parameters["source"]?.stringValue == "plex webhook")
        #expect(FileSystem.exists(try fixture.bifPath(plexPath: WebhookFixture.plexPath(title))))
        await fixture.stop()
    }

    @Test func downloadQueuesACatalogScanOfTheLibraryHoldingIt() async throws {
        let fixture = try await WebhookFixture.make()
        let movies = fixture.media + "/Movies"
        let library = Library(id: "lib-movies", name: "Films", kind: .movie, paths: [movies], createdAt: 1, updatedAt: 1)
        _ = try await fixture.catalog.perform { try LibraryStore.insert($0, library) }
        try await fixture.pending("Scanned (2023)", afterRequests: -1)
        let reply = try await fixture.post("/api/v1/webhooks/radarr", json: WebhookFixture.radarrDownload("Scanned (2023)"))
        #expect(reply.status == 202)
        let scans = try await fixture.catalog.perform { try LibraryStore.scans($0, libraryID: "lib-movies", limit: 10, offset: 0).total }
        #expect(scans == 1)
        let rename = try await fixture.post(
            "/api/v1/webhooks/sonarr", json: ["eventType": "Rename", "series": ["id": 4, "title": "Nowhere", "path": "/tv/Nowhere"]],
            secret: "sonarr-secret")
        #expect(rename.status == 202)
        #expect(try await fixture.jobs().filter { $0.kind == .scan }.count == 1)
        await fixture.stop()
    }
}

extension WebhookFixture {
    /// The rating key the fake Plex gave the item whose part is `plexPath` (its `/tree` must answer).
    func ratingKey(of plexPath: String) async throws -> String? {
        let client = runner.currentSettings.plex
        let name = String(plexPath.split(separator: "/").last ?? "")
        return try await client?.items(sectionID: "1", type: 1, fileName: name).first?.ratingKey
    }
}
