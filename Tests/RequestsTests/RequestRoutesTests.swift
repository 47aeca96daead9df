import Accounts
import Catalog
import Core
import Requests
import Store
import Synchronization
import TestSupport
import Testing

@testable import CatalogFixtures

/// 001's media search, details and requests against a fake TMDb, over a real server and state database.
@Suite struct RequestRoutesTests {
    final class ServiceBox: @unchecked Sendable {
        var service: RequestService?
    }

    /// A fixture with the media and request routes next to the catalog's, and the service behind them.
    static func make(_ tmdb: FakeTMDb, box: ServiceBox) throws -> (CatalogFixture, RequestService) {
        let fixture = try CatalogFixture(
            settings: { settings in
                settings.tmdbEnabled = true
                settings.tmdbBaseURL = tmdb.apiURL
                settings.tmdbAPIKey = FakeTMDb.key
                settings.tmdbRequestsPerSecond = 50
            },
            providers: { catalog in
                let service = RequestService(catalog: catalog)
                box.service = service
                return [MediaRoutes(service: service), RequestRoutes(service: service)]
            })
        guard let service = box.service else { throw CatalogFixtureError("no request service") }
        return (fixture, service)
    }

    @Test func searchAnswersTMDbResultsWithTheirAvailability() async throws {
        let tmdb = try FakeTMDb()
        let (fixture, _) = try Self.make(tmdb, box: ServiceBox())
        defer { Task { await fixture.stop() } }
        let user = try await fixture.signedInUser("searcher")
        let reply = try await fixture.request("GET", "/api/v1/media/search?query=matrix&type=movie", headers: user.headers)
        #expect(reply.status == 200)
        let body = try JSON.parseStrict(reply.body)
        #expect(body["success"] == .bool(true))
        let results = body["data"]?["results"]?.arrayValue ?? []
        let matrix = results.first { $0["id"] == .string("603") }
        #expect(matrix?["title"] == .string("The Matrix"))
        #expect(matrix?["year"] == .int(1999))
        #expect(matrix?["type"] == .string("movie"))
        #expect(matrix?["availability"]?["plex"] == .bool(false))
        #expect(matrix?["availability"]?["requested"] == .bool(false))
        #expect(matrix?["poster"]?.stringValue?.hasPrefix("/api/v1/images/poster/w342/") == true)
        #expect(body["data"]?["pagination"]?["page"] == .int(1))

        let limited = try JSON.parseStrict(
            try await fixture.request("GET", "/api/v1/media/search?query=matrix&limit=1", headers: user.headers).body)
        #expect(limited["data"]?["results"]?.arrayValue?.count == 1)
        for bad in ["", "?query=", "?query=matrix&type=music", "?query=matrix&page=0", "?query=matrix&limit=21", "?query=matrix&language=english"] {
            #expect(try await fixture.request("GET", "/api/v1/media/search" + bad, headers: user.headers).status == 400, "\(bad)")
        }
    }

    @Test func detailsCarryGenresCreditsAndAvailability() async throws {
        let tmdb = try FakeTMDb()
        let (fixture, _) = try Self.make(tmdb, box: ServiceBox())
        defer { Task { await fixture.stop() } }
        let user = try await fixture.signedInUser("reader")
        let movie = try JSON.parseStrict(try await fixture.request("GET", "/api/v1/media/movie/603", headers: user.headers).body)["data"]
        #expect(movie?["title"] == .string("The Matrix"))
        #expect(movie?["runtime"] == .int(136))
        #expect(movie?["genres"] == .array(["Action", "Science Fiction"]))
        #expect(movie?["cast"]?.arrayValue?.first?["name"] == .string("Keanu Reeves"))
        #expect(movie?["crew"]?.arrayValue?.contains { $0["job"] == .string("Director") } == true)
        #expect(movie?["crew"]?.arrayValue?.contains { $0["job"] == .string("Best Boy Grip") } == false)
        let show = try JSON.parseStrict(try await fixture.request("GET", "/api/v1/media/tv/1396", headers: user.headers).body)["data"]
        #expect(show?["title"] == .string("Breaking Bad"))
        #expect(show?["crew"]?.arrayValue?.first?["name"] == .string("Vince Gilligan"))
        #expect(try await fixture.request("GET", "/api/v1/media/movie/0", headers: user.headers).status == 400)
        #expect(try await fixture.request("GET", "/api/v1/media/book/603", headers: user.headers).status == 404)
        #expect(try await fixture.request("GET", "/api/v1/media/movie/424242", headers: user.headers).status == 404)

        tmdb.behaviour = .status(500)
        let failing = try await fixture.request("GET", "/api/v1/media/movie/550", headers: user.headers)
        #expect(failing.status == 502)
        #expect(!failing.text.contains(FakeTMDb.key))
    }

    @Test func aRequestIsOnceAndVisibleToItsOwnerAndTheManagers() async throws {
        let tmdb = try FakeTMDb()
        let (fixture, _) = try Self.make(tmdb, box: ServiceBox())
        defer { Task { await fixture.stop() } }
        let alice = try await fixture.signedInUser("alice")
        let bob = try await fixture.signedInUser("bob")
        let created = try await fixture.request(
            "POST", "/api/v1/media/request", headers: alice.headers,
            json: ["tmdbId": "603", "mediaType": "movie", "quality": "1080p", "comment": "Please add this movie"])
        #expect(created.status == 201)
        let request = try JSON.parseStrict(created.body)["data"]
        let id = request?["id"]?.stringValue ?? ""
        #expect(request?["title"] == .string("The Matrix"))
        #expect(request?["status"] == .string("pending"))
        #expect(request?["userId"] == .string(alice.id))

        // Anyone asking again, in any form, is told it is already requested.
        let again = try await fixture.request("POST", "/api/v1/media/request", headers: bob.headers, json: ["tmdbId": 603, "mediaType": "movie"])
        #expect(again.status == 409)
        let search = try JSON.parseStrict(try await fixture.request("GET", "/api/v1/media/search?query=matrix", headers: bob.headers).body)
        let found = search["data"]?["results"]?.arrayValue?.first { $0["id"] == .string("603") }
        #expect(found?["availability"]?["requested"] == .bool(true))
        #expect(found?["availability"]?["requestId"] == .string(id))

        // Alice sees hers; Bob sees none and cannot read or delete hers.
        let mine = try JSON.parseStrict(try await fixture.request("GET", "/api/v1/media/requests?status=pending", headers: alice.headers).body)
        #expect(mine["data"]?["requests"]?.arrayValue?.count == 1)
        #expect(mine["data"]?["pagination"]?["totalResults"] == .int(1))
        let his = try JSON.parseStrict(try await fixture.request("GET", "/api/v1/media/requests", headers: bob.headers).body)
        #expect(his["data"]?["requests"]?.arrayValue?.isEmpty == true)
        #expect(try await fixture.request("GET", "/api/v1/media/requests/\(id)", headers: bob.headers).status == 404)
        #expect(try await fixture.request("DELETE", "/api/v1/media/requests/\(id)", headers: bob.headers).status == 404)
        #expect(try await fixture.request("GET", "/api/v1/admin/requests", headers: bob.headers).status == 403)

        // The owner (appliance token) sees everyone's.
        let all = try await fixture.owner("GET", "/api/v1/admin/requests?status=pending&page=1&limit=20")
        #expect(all["data"]?["requests"]?.arrayValue?.map { $0["id"] } == [.string(id)])
        #expect(try await fixture.request("GET", "/api/v1/media/requests/\(id)", headers: alice.headers).status == 200)
        #expect(try await fixture.request("DELETE", "/api/v1/media/requests/\(id)", headers: alice.headers).status == 200)
        #expect(try await fixture.request("GET", "/api/v1/media/requests/\(id)", headers: alice.headers).status == 404)
    }

    @Test func badRequestsAreRefusedWithTheFieldNamed() async throws {
        let tmdb = try FakeTMDb()
        let (fixture, _) = try Self.make(tmdb, box: ServiceBox())
        defer { Task { await fixture.stop() } }
        let user = try await fixture.signedInUser("carol")
        let cases: [(JSON, Int, String)] = [
            (["mediaType": "movie"], 400, "tmdbId"),
            (["tmdbId": "abc", "mediaType": "movie"], 400, "tmdbId"),
            (["tmdbId": 1.5, "mediaType": "movie"], 400, "tmdbId"),
            (["tmdbId": "0", "mediaType": "movie"], 400, "tmdbId"),
            (["tmdbId": "603", "mediaType": "music"], 400, "mediaType"),
            (["tmdbId": "603", "mediaType": "movie", "seasons": [1]], 400, "seasons"),
            (["tmdbId": "1396", "mediaType": "tv", "seasons": [1, 1]], 400, "seasons"),
            (["tmdbId": "603", "mediaType": "movie", "comment": .string(String(repeating: "x", count: 1001))], 400, "comment"),
            (["tmdbId": "424242", "mediaType": "movie"], 404, ""),
        ]
        for (body, status, field) in cases {
            let reply = try await fixture.request("POST", "/api/v1/media/request", headers: user.headers, json: body)
            #expect(reply.status == status, "\(body)")
            if !field.isEmpty { #expect(try JSON.parseStrict(reply.body)["detail"] == .string(field), "\(body)") }
        }
        let show = try await fixture.request(
            "POST", "/api/v1/media/request", headers: user.headers, json: ["tmdbId": "1396", "mediaType": "tv", "seasons": [2, 1]])
        #expect(show.status == 201)
        #expect(try JSON.parseStrict(show.body)["data"]?["seasons"] == .array([1, 2]))
    }

    @Test func aMovieInTheLibraryCannotBeRequested() async throws {
        let tmdb = try FakeTMDb()
        let (fixture, _) = try Self.make(tmdb, box: ServiceBox())
        defer { Task { await fixture.stop() } }
        let movie = try await fixture.seedMovie("The Matrix", year: 1999, tmdbID: 603)
        try await fixture.catalog.perform { connection in
            try connection.execute(
                "INSERT INTO media_files (id, library_id, path, size, mtime, device, inode, movie_id, created_at, updated_at) VALUES ('f1', 'lib-movie', '/m/x.mkv', 1, 0, 1, 1, ?, 0, 0)",
                [.text(movie)])
        }
        let user = try await fixture.signedInUser("dave")
        let reply = try await fixture.request("POST", "/api/v1/media/request", headers: user.headers, json: ["tmdbId": "603", "mediaType": "movie"])
        #expect(reply.status == 409)
        let details = try JSON.parseStrict(try await fixture.request("GET", "/api/v1/media/movie/603", headers: user.headers).body)
        #expect(details["data"]?["availability"]?["plex"] == .bool(true))
    }

    @Test func decisionsFollowTheRulesAndApprovalNeedsAnApp() async throws {
        let tmdb = try FakeTMDb()
        let (fixture, service) = try Self.make(tmdb, box: ServiceBox())
        defer { Task { await fixture.stop() } }
        let user = try await fixture.signedInUser("erin")
        let first = try JSON.parseStrict(
            try await fixture.request("POST", "/api/v1/media/request", headers: user.headers, json: ["tmdbId": "603", "mediaType": "movie"]).body)
        let id = first["data"]?["id"]?.stringValue ?? ""
        #expect(try await fixture.request("POST", "/api/v1/admin/requests/\(id)/approve", headers: user.headers).status == 403)

        // No app configured: 503, and the request stays pending with the reason.
        let refused = try await fixture.request("POST", "/api/v1/admin/requests/\(id)/approve", headers: ["X-Auth-Token": CatalogFixture.token])
        #expect(refused.status == 503)
        let after = try await fixture.owner("GET", "/api/v1/media/requests/\(id)")
        #expect(after["data"]?["status"] == .string("pending"))
        #expect(after["data"]?["statusReason"]?.stringValue?.contains("No app is configured") == true)

        // Every status change is told to the live events' subscribers (Socket.IO's `request:updated`).
        let changes = Mutex<[String]>([])
        service.statusChanges.add { request in changes.withLock { $0.append(request.status.rawValue) } }
        let declined = try await fixture.owner("POST", "/api/v1/admin/requests/\(id)/decline", json: ["reason": "Not in 4K"])
        #expect(declined["data"]?["status"] == .string("declined"))
        #expect(declined["data"]?["statusReason"] == .string("Not in 4K"))
        #expect(try await fixture.request("POST", "/api/v1/admin/requests/\(id)/decline", headers: ["X-Auth-Token": CatalogFixture.token]).status == 409)

        // Declined is closed: the movie may be asked for again, and Overseerr's news moves open requests only.
        let second = try JSON.parseStrict(
            try await fixture.request("POST", "/api/v1/media/request", headers: user.headers, json: ["tmdbId": 603, "mediaType": "movie"]).body)
        #expect(try await service.follow(kind: .movie, tmdbID: 603, to: .available, reason: nil) == 1)
        let available = try await fixture.owner("GET", "/api/v1/media/requests/\(second["data"]?["id"]?.stringValue ?? "")")
        #expect(available["data"]?["status"] == .string("available"))
        #expect(changes.withLock { $0 } == ["declined", "available"])
        let stats = try await fixture.owner("GET", "/api/v1/admin/requests?status=declined")
        #expect(stats["data"]?["pagination"]?["totalResults"] == .int(1))
    }
}
