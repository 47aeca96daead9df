@testable import CatalogFixtures
import Accounts
import Catalog
import Core
import Store
import TestSupport
import Testing

/// `POST /api/v1/movies/{id}/refresh` and `/tvshows/{id}/refresh`: 202 at once, the refresh lands
/// in the background; 404, 403 and 503 where they belong.
@Suite struct RefreshRoutesTests {
    @Test func aMovieRefreshIsQueuedAndLands() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let id = try await fixture.seedMovie("The Matrix", year: 1999)
        let body = try await fixture.owner("POST", "/api/v1/movies/\(id)/refresh", expect: 202)
        #expect(body["message"]?.stringValue?.isEmpty == false)
        let row = try await fixture.eventually("SELECT tmdb_id FROM movies WHERE id = ? AND metadata_updated_at IS NOT NULL", [.text(id)])
        #expect(row.int("tmdb_id") == 603)
        await fixture.stop()
    }

    @Test func aSeriesRefreshIsQueuedAndLands() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let id = try await fixture.seedSeries("Breaking Bad", year: nil)
        _ = try await fixture.owner("POST", "/api/v1/tvshows/\(id)/refresh", expect: 202)
        let row = try await fixture.eventually("SELECT tvdb_id FROM series WHERE id = ? AND metadata_updated_at IS NOT NULL", [.text(id)])
        #expect(row.int("tvdb_id") == 81189)
        await fixture.stop()
    }

    @Test func aFailedRefreshIsRecorded() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let id = try await fixture.seedMovie("Nothing Like It", year: 1990)
        _ = try await fixture.owner("POST", "/api/v1/movies/\(id)/refresh", expect: 202)
        let row = try await fixture.eventually("SELECT metadata_error FROM movies WHERE id = ? AND metadata_error IS NOT NULL", [.text(id)])
        #expect(row.string("metadata_error") == "no TMDb match for 'Nothing Like It (1990)'")
        await fixture.stop()
    }

    @Test func unknownIDsAre404() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        _ = try await fixture.owner("POST", "/api/v1/movies/no-such-movie/refresh", expect: 404)
        _ = try await fixture.owner("POST", "/api/v1/tvshows/no-such-show/refresh", expect: 404)
        let series = try await fixture.seedSeries("Breaking Bad", year: nil)
        _ = try await fixture.owner("POST", "/api/v1/movies/\(series)/refresh", expect: 404)
        _ = try await fixture.owner("POST", "/api/v1/movies/\(String(repeating: "x", count: 65))/refresh", expect: 404)
        #expect(fake.seen.isEmpty)
        await fixture.stop()
    }

    @Test func withoutAKeyItIs503() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake, key: "")
        let id = try await fixture.seedMovie("The Matrix", year: 1999)
        let body = try await fixture.owner("POST", "/api/v1/movies/\(id)/refresh", expect: 503)
        #expect(body["code"] == "TMDB_NOT_CONFIGURED")
        await fixture.stop()
    }

    @Test func plainUsersMayNotRefresh() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let id = try await fixture.seedMovie("The Matrix", year: 1999)
        let user = try await fixture.signedInUser("viewer")
        #expect(try await fixture.request("POST", "/api/v1/movies/\(id)/refresh", headers: user.headers).status == 403)
        let moderator = try await fixture.signedInUser("curator", roles: ["moderator"])
        #expect(try await fixture.request("POST", "/api/v1/movies/\(id)/refresh", headers: moderator.headers).status == 202)
        _ = try await fixture.eventually("SELECT 1 FROM movies WHERE id = ? AND metadata_updated_at IS NOT NULL", [.text(id)])
        await fixture.stop()
    }

    @Test func aMovieOfAHiddenLibraryIs404() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let id = try await fixture.seedMovie("The Matrix", year: 1999)
        _ = try await fixture.accounts.database.perform { [accounts = fixture.accounts] in
            try accounts.roles.create(name: "curator", permissions: [Permission("media", "read"), Permission("media", "write")])
        }
        let curator = try await fixture.signedInUser("curator1", roles: ["curator"])
        #expect(try await fixture.request("POST", "/api/v1/movies/\(id)/refresh", headers: curator.headers).status == 404)
        _ = try await fixture.owner(
            "POST", "/api/v1/libraries/lib-movie/permissions", json: ["user_id": .string(curator.id), "permission": "view"], expect: 201)
        #expect(try await fixture.request("POST", "/api/v1/movies/\(id)/refresh", headers: curator.headers).status == 202)
        _ = try await fixture.eventually("SELECT 1 FROM movies WHERE id = ? AND metadata_updated_at IS NOT NULL", [.text(id)])
        #expect(fake.count("/3/movie/603") == 1)
        await fixture.stop()
    }

    @Test func aScanHasTMDbMatchWhatItAdded() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake) { $0.probeFiles = false }
        try MediaTree.write(fixture.media + "/movies", ["The Matrix (1999)/The Matrix (1999).mkv"])
        try MediaTree.write(fixture.media + "/shows", ["Breaking Bad/Season 01/Breaking Bad - S01E01 - Pilot.mkv"])
        let movies = try await fixture.library("Movies", type: "movie", folder: fixture.media + "/movies")
        let shows = try await fixture.library("Shows", type: "tvshow", folder: fixture.media + "/shows")
        #expect(try await fixture.scan(movies)["status"] == "completed")
        #expect(try await fixture.scan(shows)["status"] == "completed")
        let movie = try await fixture.eventually("SELECT tmdb_id, collection_id FROM movies WHERE metadata_updated_at IS NOT NULL")
        #expect(movie.int("tmdb_id") == 603)
        #expect(movie.string("collection_id") != nil)
        _ = try await fixture.eventually("SELECT 1 FROM series WHERE tvdb_id = 81189")
        // TMDb's episodes 2 and 3 join the one the scan found, so upcoming episodes can list them.
        #expect(try await fixture.rows("SELECT 1 FROM episodes").count == 3)
        await fixture.stop()
    }
}
