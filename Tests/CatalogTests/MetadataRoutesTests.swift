@testable import CatalogFixtures
import Catalog
import Core
import TestSupport
import Testing

/// The TMDb lookups through the real server: Revenge's shapes, checks of every input, and each way
/// TMDb can fail answered with a clear status and never the key.
@Suite struct MetadataRoutesTests {
    @Test func searchesMoviesInRevengesShape() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let body = try await fixture.owner("GET", "/api/v1/metadata/search/movie?q=The%20Matrix&year=1999&limit=1&provider=tmdb")
        #expect(body["total_results"] == 2)
        let results = try #require(body["results"]?.arrayValue)
        #expect(results.count == 1)
        #expect(results.first?["tmdb_id"] == 603)
        #expect(results.first?["release_date"] == "1999-03-31")
        #expect(results.first?["poster_path"] == "/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg")
        let asked = try #require(fake.seen.first { $0.path == "/3/search/movie" })
        #expect(asked.query["query"] == "The Matrix")
        #expect(asked.query["year"] == "1999")
        #expect(asked.query["api_key"] == FakeTMDb.key)
        await fixture.stop()
    }

    @Test func movieDetailsCarryGenresCreditsAndCollection() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let movie = try await fixture.owner("GET", "/api/v1/metadata/movie/603")
        #expect(movie["tmdb_id"] == 603)
        #expect(movie["imdb_id"] == "tt0133093")
        #expect(movie["runtime"] == 136)
        #expect(movie["genres"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Action", "Science Fiction"])
        #expect(movie["cast"]?.arrayValue?.contains { $0["name"] == "Keanu Reeves" && $0["order"] == 0 } == true)
        #expect(movie["crew"]?.arrayValue?.contains { $0["job"] == "Director" } == true)
        #expect(movie["belongs_to_collection"]?["id"] == 2344)
        #expect(fake.seen.last?.query["append_to_response"] == "credits,external_ids,videos")
        await fixture.stop()
    }

    @Test func showSeasonEpisodeAndCollection() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let show = try await fixture.owner("GET", "/api/v1/metadata/tv/1396")
        #expect(show["tvdb_id"] == 81189)
        #expect(show["networks"]?.arrayValue?.first?["name"] == "AMC")
        #expect(show["seasons"]?.arrayValue?.count == 2)
        let search = try await fixture.owner("GET", "/api/v1/metadata/search/tv?q=Breaking%20Bad")
        #expect(search["results"]?.arrayValue?.first?["name"] == "Breaking Bad")
        let season = try await fixture.owner("GET", "/api/v1/metadata/tv/1396/season/1")
        #expect(season["tmdb_show_id"] == 1396)
        #expect(season["episodes"]?.arrayValue?.count == 3)
        #expect(season["episodes"]?.arrayValue?.last?["runtime"] == .null)
        let episode = try await fixture.owner("GET", "/api/v1/metadata/tv/1396/season/1/episode/1")
        #expect(episode["name"] == "Pilot")
        #expect(episode["guest_stars"]?.arrayValue?.count == 1)
        let collection = try await fixture.owner("GET", "/api/v1/metadata/collection/2344")
        #expect(collection["parts"]?.arrayValue?.first?["id"] == 603)
        await fixture.stop()
    }

    @Test func signedInUsersMayLookUpAnonymousMayNot() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let user = try await fixture.signedInUser("viewer")
        #expect(try await fixture.request("GET", "/api/v1/metadata/movie/603", headers: user.headers).status == 200)
        #expect(try await fixture.request("GET", "/api/v1/metadata/movie/603").status == 401)
        await fixture.stop()
    }

    @Test(arguments: [
        "/api/v1/metadata/search/movie", "/api/v1/metadata/search/movie?q=", "/api/v1/metadata/search/movie?q=x&limit=0",
        "/api/v1/metadata/search/movie?q=x&limit=101", "/api/v1/metadata/search/tv?q=x&year=abc",
        "/api/v1/metadata/search/tv?q=x&language=english", "/api/v1/metadata/search/tv?q=\(String(repeating: "a", count: 201))",
        "/api/v1/metadata/movie/0", "/api/v1/metadata/movie/2147483648", "/api/v1/metadata/movie/-1", "/api/v1/metadata/movie/abc",
        "/api/v1/metadata/movie/+603", "/api/v1/metadata/tv/1396/season/1001", "/api/v1/metadata/tv/1396/season/1/episode/10001",
        "/api/v1/metadata/collection/99999999999", "/api/v1/metadata/search/movie?q=x&provider=tvdb",
    ])
    func refusesBadInputBeforeAskingTMDb(_ path: String) async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let reply = try await fixture.request("GET", path, headers: ["X-Auth-Token": CatalogFixture.token])
        #expect(reply.status == 400, "\(path): \(reply.text)")
        #expect(fake.seen.isEmpty)
        await fixture.stop()
    }

    @Test func unknownToTMDbIs404() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        _ = try await fixture.owner("GET", "/api/v1/metadata/movie/2147483647", expect: 404)
        _ = try await fixture.owner("GET", "/api/v1/metadata/tv/1396/season/7", expect: 404)
        await fixture.stop()
    }

    @Test func withoutAKeyItIs503() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake, key: "")
        let body = try await fixture.owner("GET", "/api/v1/metadata/movie/603", expect: 503)
        #expect(body["code"] == "TMDB_NOT_CONFIGURED")
        #expect(fake.seen.isEmpty)
        await fixture.stop()
    }

    @Test func aV4TokenGoesInTheAuthorizationHeader() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake, key: FakeTMDb.bearer)
        _ = try await fixture.owner("GET", "/api/v1/metadata/movie/603")
        #expect(fake.seen.last?.authorization == "Bearer \(FakeTMDb.bearer)")
        #expect(fake.seen.last?.query["api_key"] == nil)
        await fixture.stop()
    }

    @Test func answersAreCachedByURL() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        _ = try await fixture.owner("GET", "/api/v1/metadata/movie/603")
        _ = try await fixture.owner("GET", "/api/v1/metadata/movie/603")
        _ = try await fixture.owner("GET", "/api/v1/metadata/movie/603?language=de")
        #expect(fake.count("/3/movie/603") == 2)
        await fixture.stop()
    }

    @Test func a429IsRetriedAfterItsRetryAfter() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        fake.behaviour = .throttled(count: 1)
        let movie = try await fixture.owner("GET", "/api/v1/metadata/movie/603")
        #expect(movie["title"] == "The Matrix")
        #expect(fake.count("/3/movie/603") == 2)
        await fixture.stop()
    }

    @Test(arguments: [
        (FakeTMDb.Behaviour.status(401), "TMDb refused the API key", 1),
        (.status(500), "TMDb answered HTTP 500", 3),
        (.status(503), "TMDb answered HTTP 503", 3),
        (.throttled(count: 5), "TMDb answered HTTP 429", 3),
        (.status(403), "TMDb answered HTTP 403", 1),
        (.garbage, "not the JSON expected", 1),
        (.html, "not the JSON expected", 1),
        (.huge, "too large", 1),
    ])
    func upstreamFailuresAre502WithAReason(_ behaviour: FakeTMDb.Behaviour, _ reason: String, _ tries: Int) async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        fake.behaviour = behaviour
        let reply = try await fixture.request("GET", "/api/v1/metadata/movie/603", headers: ["X-Auth-Token": CatalogFixture.token])
        #expect(reply.status == 502)
        #expect(reply.text.contains(reason), "\(reply.text)")
        #expect(!reply.text.contains(FakeTMDb.key))
        #expect(!reply.text.contains("Internal error"))
        #expect(fake.count("/3/movie/603") == tries)
        await fixture.stop()
    }

    @Test func aSlowTMDbTimesOut() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        fake.behaviour = .slow(seconds: 12)
        let reply = try await fixture.request("GET", "/api/v1/metadata/movie/603", headers: ["X-Auth-Token": CatalogFixture.token])
        #expect(reply.status == 502)
        #expect(reply.text.contains("did not answer in time"), "\(reply.text)")
        #expect(!reply.text.contains(FakeTMDb.key))
        await fixture.stop()
    }
}
