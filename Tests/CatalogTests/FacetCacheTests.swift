import Core
import Store
import Testing

@testable import Catalog
@testable import CatalogFixtures

/// Whole-catalog facets are counted once per catalog change: the triggers of schema version 7 bump
/// `catalog_generation` on what a facet reads, and on nothing else.
@Suite struct FacetCacheTests {
    func generation(_ fixture: CatalogFixture) async throws -> Int64 {
        try await fixture.catalog.perform { connection in try connection.queryOne("SELECT n FROM catalog_generation")?[0].int64Value ?? -1 }
    }

    @Test func facetsFollowEveryChangeTheyRead() async throws {
        let fixture = try CatalogFixture()
        defer { Task { await fixture.stop() } }
        let heat = try await fixture.seedMovie("Heat", year: 1995)
        let first = try await fixture.owner("GET", "/api/v1/search/movies/facets")
        #expect(first["years"]?.arrayValue?.first == ["value": "1995", "count": 1])

        // A change no facet reads leaves the counter (and so the cached answer) alone.
        let before = try await generation(fixture)
        try await fixture.catalog.perform { connection in
            try connection.execute("UPDATE movies SET popularity = 9.5, overview = 'A heist.' WHERE id = ?", [.text(heat)])
        }
        #expect(try await generation(fixture) == before)
        #expect(try await fixture.owner("GET", "/api/v1/search/movies/facets") == first)

        // A new year, a genre, a file: each shows at once.
        try await fixture.catalog.perform { connection in
            try connection.execute("UPDATE movies SET year = 1996 WHERE id = ?", [.text(heat)])
        }
        let year = try await fixture.owner("GET", "/api/v1/search/movies/facets")
        #expect(year["years"]?.arrayValue?.first == ["value": "1996", "count": 1])
        try await fixture.catalog.perform { connection in
            try connection.execute("INSERT OR IGNORE INTO genres (id, name, slug) VALUES (80, 'Crime', 'crime')")
            try connection.execute("INSERT INTO movie_genres (movie_id, genre_id, created_at) VALUES (?, 80, 0)", [.text(heat)])
        }
        let genre = try await fixture.owner("GET", "/api/v1/search/movies/facets")
        #expect(genre["genres"]?.arrayValue?.first == ["value": "Crime", "count": 1])
        try await fixture.catalog.perform { connection in
            try connection.execute(
                "INSERT INTO media_files (id, library_id, path, size, mtime, device, inode, movie_id, created_at, updated_at) VALUES ('f1', 'lib-movie', '/m/heat.mkv', 1, 0, 1, 1, ?, 0, 0)",
                [.text(heat)])
        }
        let file = try await fixture.owner("GET", "/api/v1/search/movies/facets")
        #expect(file["has_file"]?.arrayValue?.first == ["value": "true", "count": 1])
        try await fixture.catalog.perform { connection in
            try connection.execute("UPDATE media_files SET missing_since = 1 WHERE id = 'f1'")
        }
        let missing = try await fixture.owner("GET", "/api/v1/search/movies/facets")
        #expect(missing["has_file"]?.arrayValue?.first == ["value": "false", "count": 1])
        try await fixture.catalog.perform { connection in try connection.execute("DELETE FROM libraries WHERE id = 'lib-movie'") }
        let empty = try await fixture.owner("GET", "/api/v1/search/movies/facets")
        #expect(empty["years"]?.arrayValue?.isEmpty == true)
    }
}
