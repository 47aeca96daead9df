@testable import CatalogFixtures
import Catalog
import Core
import Store
import TestSupport
import Testing

/// Applying TMDb to the catalog: the rows a refresh writes, the search index, matching by title and
/// year, and failures recorded on the row without losing what it had.
@Suite struct MetadataRefresherTests {
    @Test func refreshWritesTheMovieItsGenresCreditsAndCollection() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let id = try await fixture.seedMovie("the matrix", year: 1999)
        #expect(await MetadataRefresher(catalog: fixture.catalog).refreshMovie(id: id) == .updated)

        let movie = try #require(try await fixture.rows("SELECT * FROM movies WHERE id = ?", [.text(id)]).first)
        #expect(movie.int("tmdb_id") == 603)
        #expect(movie.string("title") == "The Matrix")
        #expect(movie.string("sort_title") == "Matrix")
        #expect(movie.string("imdb_id") == "tt0133093")
        #expect(movie.int("runtime") == 136)
        #expect(movie.string("tagline") == "Welcome to the Real World.")
        #expect(movie.string("trailer_url") == "https://www.youtube.com/watch?v=vKQi3bBA1y8")
        #expect(movie.int64("budget") == 63_000_000)
        #expect(movie.string("metadata_error") == nil)
        #expect(movie.int64("metadata_updated_at") != nil)

        let genres = try await fixture.rows(
            "SELECT g.slug FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id WHERE mg.movie_id = ? ORDER BY g.id", [.text(id)])
        #expect(genres.compactMap { $0.string("slug") } == ["action", "science-fiction"])
        let credits = try await fixture.rows(
            """
            SELECT p.name, p.tmdb_id, c.credit_type, c.job, c.cast_order FROM movie_credits c JOIN people p ON p.id = c.person_id
            WHERE c.movie_id = ? ORDER BY c.credit_type, c.cast_order, c.job
            """, [.text(id)])
        #expect(
            credits.map { "\($0.string("credit_type") ?? "") \($0.string("name") ?? "") \($0.string("job") ?? "")" } == [
                "cast Keanu Reeves ", "cast Laurence Fishburne ", "crew Lana Wachowski Director", "crew Don Davis Original Music Composer",
                "crew Lana Wachowski Writer",
            ])
        let collection = try await fixture.rows(
            "SELECT c.tmdb_id, c.name FROM collections c JOIN movies m ON m.collection_id = c.id WHERE m.id = ?", [.text(id)])
        #expect(collection.first?.int("tmdb_id") == 2344)

        let found = try await fixture.rows("SELECT movie_id FROM movie_search WHERE movie_search MATCH 'keanu'")
        #expect(found.compactMap { $0.string("movie_id") } == [id])
        await fixture.stop()
    }

    @Test func refreshingTwiceKeepsOneSetOfRows() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let id = try await fixture.seedMovie("Whatever It Was Called", year: nil, tmdbID: 603)
        let refresher = MetadataRefresher(catalog: fixture.catalog)
        #expect(await refresher.refreshMovie(id: id) == .updated)
        #expect(await refresher.refreshMovie(id: id) == .updated)
        #expect(try await fixture.rows("SELECT 1 FROM movie_credits WHERE movie_id = ?", [.text(id)]).count == 5)
        #expect(try await fixture.rows("SELECT 1 FROM people").count == 4)
        #expect(try await fixture.rows("SELECT 1 FROM collections").count == 1)
        #expect(try await fixture.rows("SELECT 1 FROM movie_search WHERE movie_id = ?", [.text(id)]).count == 1)
        #expect(fake.count("/3/search/movie") == 0)
        await fixture.stop()
    }

    @Test func theLibrarysLanguageIsAskedFor() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let id = try await fixture.seedMovie("The Matrix", year: 1999)
        try await fixture.catalog.perform { connection in
            try connection.execute("UPDATE libraries SET preferred_language = 'pt-BR'")
        }
        #expect(await MetadataRefresher(catalog: fixture.catalog).refreshMovie(id: id) == .updated)
        #expect(fake.seen.map { $0.query["language"] } == ["pt-BR", "pt-BR"])
        await fixture.stop()
    }

    @Test func aTitleWithoutTheRightYearMatchesByTitle() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let id = try await fixture.seedMovie("The Matrix", year: 1998)
        #expect(await MetadataRefresher(catalog: fixture.catalog).refreshMovie(id: id) == .updated)
        #expect(try await fixture.rows("SELECT tmdb_id FROM movies WHERE id = ?", [.text(id)]).first?.int("tmdb_id") == 603)
        await fixture.stop()
    }

    @Test func noMatchIsRecordedOnTheRow() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let id = try await fixture.seedMovie("Matrix", year: 2001)
        let outcome = await MetadataRefresher(catalog: fixture.catalog).refreshMovie(id: id)
        #expect(outcome == .failed("no TMDb match for 'Matrix (2001)'"))
        let row = try #require(try await fixture.rows("SELECT * FROM movies WHERE id = ?", [.text(id)]).first)
        #expect(row.string("metadata_error") == "no TMDb match for 'Matrix (2001)'")
        #expect(row.string("title") == "Matrix")
        #expect(row.int("tmdb_id") == nil)
        await fixture.stop()
    }

    @Test(arguments: [
        (FakeTMDb.Behaviour.status(401), "TMDb refused the API key"), (.status(500), "TMDb failed: TMDb answered HTTP 500"),
        (.garbage, "TMDb failed: TMDb's answer is not the JSON expected"), (.html, "TMDb failed: TMDb's answer is not the JSON expected"),
    ])
    func aFailureKeepsWhatTheRowHad(_ behaviour: FakeTMDb.Behaviour, _ reason: String) async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let id = try await fixture.seedMovie("Keep Me", year: 1999, tmdbID: 603)
        fake.behaviour = behaviour
        #expect(await MetadataRefresher(catalog: fixture.catalog).refreshMovie(id: id) == .failed(reason))
        let row = try #require(try await fixture.rows("SELECT * FROM movies WHERE id = ?", [.text(id)]).first)
        #expect(row.string("title") == "Keep Me")
        #expect(row.string("metadata_error") == reason)
        #expect(row.int64("metadata_updated_at") == nil)
        #expect(!reason.contains(FakeTMDb.key))
        #expect(try await fixture.rows("SELECT 1 FROM movie_credits").isEmpty)
        await fixture.stop()
    }

    @Test func refreshWritesTheSeriesSeasonsAndEpisodes() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let id = try await fixture.seedSeries("Breaking Bad", year: 2008)
        #expect(await MetadataRefresher(catalog: fixture.catalog).refreshSeries(id: id) == .updated)
        let series = try #require(try await fixture.rows("SELECT * FROM series WHERE id = ?", [.text(id)]).first)
        #expect(series.int("tmdb_id") == 1396)
        #expect(series.int("tvdb_id") == 81189)
        #expect(series.string("imdb_id") == "tt0903747")
        #expect(series.string("type") == "Scripted")
        #expect(series.string("last_air_date") == "2013-09-29")
        let networks = try await fixture.rows(
            "SELECT n.name FROM series_networks sn JOIN networks n ON n.id = sn.network_id WHERE sn.series_id = ?", [.text(id)])
        #expect(networks.compactMap { $0.string("name") } == ["AMC"])
        let episodes = try await fixture.rows(
            "SELECT id, episode_number, title, air_date FROM episodes WHERE series_id = ? ORDER BY episode_number", [.text(id)])
        #expect(episodes.compactMap { $0.string("title") } == ["Pilot", "Cat's in the Bag...", "...And the Bag's in the River"])
        #expect(episodes.first?.string("id") == id + "-e1")
        #expect(episodes.last?.string("air_date") == "2030-02-10")
        let season = try await fixture.rows("SELECT name, tmdb_id FROM seasons WHERE series_id = ?", [.text(id)])
        #expect(season.count == 1)  // specials are not fetched when the catalog has none
        #expect(season.first?.int("tmdb_id") == 3572)
        #expect(fake.count("/3/tv/1396/season/0") == 0)
        let creator = try await fixture.rows("SELECT series_id FROM series_search WHERE series_search MATCH 'gilligan'")
        #expect(creator.compactMap { $0.string("series_id") } == [id])
        await fixture.stop()
    }

    @Test func refreshAllDoesWhatIsDueOnly() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let due = try await fixture.seedMovie("The Matrix", year: 1999)
        let fresh = try await fixture.seedMovie("Fresh", year: 2000, tmdbID: 603)
        let now = fixture.catalog.clock()
        try await fixture.catalog.perform { connection in
            try connection.execute("UPDATE movies SET metadata_updated_at = ? WHERE id = ?", [.integer(now), .text(fresh)])
        }
        let steps = ProgressLog()
        let summary = await MetadataRefresher(catalog: fixture.catalog).refreshAll(libraryID: "lib-movie") { done, total in
            await steps.add("\(done)/\(total)")
        }
        #expect(summary == MetadataRefresher.Summary(updated: 1, failed: 0, due: 1))
        #expect(await steps.lines == ["1/1"])
        #expect(try await fixture.rows("SELECT title FROM movies WHERE id = ?", [.text(fresh)]).first?.string("title") == "Fresh")
        #expect(try await fixture.rows("SELECT tmdb_id FROM movies WHERE id = ?", [.text(due)]).first?.int("tmdb_id") == 603)
        await fixture.stop()
    }
}

/// What `refreshAll` reported, in order.
actor ProgressLog {
    var lines: [String] = []
    func add(_ line: String) { lines.append(line) }
}
