import Core
import Store
import TestSupport
import Testing

@testable import Catalog
@testable import CatalogFixtures

/// Schema version 11: a movie's full-text rowid carries its popularity, and each movie keeps its genre
/// and director ids, both for the search's speed (`MovieSearch.search`, `hitFacets`).
@Suite struct SearchRowidTests {
    /// The rowid `StateSchema.movieSearchRowid` gives a movie of `popularity` and table rowid `rowid`.
    static func expected(popularity: Double, rowid: Int64) -> Int64 { Int64(popularity * 100) << 28 | rowid }

    @Test func aVersion10DatabaseIsKeyedAgainAndKeepsEveryRow() throws {
        let folder = TemporaryDirectory("search-rowid")
        let path = folder.file("state.db")
        do {
            let old = try Database(path: path, migrations: StateSchema.migrations.filter { $0.version <= 10 })
            try old.execute(
                "INSERT INTO libraries (id, name, type, paths, created_at, updated_at) VALUES ('l', 'Movies', 'movie', '[]', 1, 1)")
            try old.execute("INSERT INTO genres (id, slug, name) VALUES (3, 'drama', 'Drama'), (7, 'crime', 'Crime')")
            try old.execute("INSERT INTO people (id, tmdb_id, name) VALUES (11, 11, 'Ann Lee')")
            for (n, (title, popularity)) in [("Stone Cold", 12.5), ("River", 3.0), ("Unknown", nil as Double?)].enumerated() {
                try old.execute(
                    """
                    INSERT INTO movies (id, library_id, title, sort_title, popularity, search_rowid, added_at, created_at, updated_at)
                    VALUES (?, 'l', ?, ?, ?, ?, 1, 1, 1)
                    """, [.text("m\(n)"), .text(title), .text(title.lowercased()), popularity.map(SQLValue.real) ?? .null, .integer(Int64(n + 1))])
                try old.execute(
                    "INSERT INTO movie_search (rowid, title, original_title, overview, people, genres, movie_id) VALUES (?, ?, '', 'An overview.', '', '', ?)",
                    [.integer(Int64(n + 1)), .text(title), .text("m\(n)")])
            }
            try old.execute("INSERT INTO movie_genres (movie_id, genre_id, created_at) VALUES ('m0', 3, 1), ('m0', 7, 1)")
            try old.execute(
                "INSERT INTO movie_credits (id, movie_id, person_id, credit_type, job, created_at) VALUES ('c', 'm0', 11, 'crew', 'Director', 1)")
        }
        let upgraded = try Database(path: path, migrations: StateSchema.migrations)
        let rows = try upgraded.query(
            "SELECT m.id, m.rowid, m.search_rowid, s.rowid, m.genre_ids, m.director_ids FROM movies m JOIN movie_search s ON s.movie_id = m.id ORDER BY m.id")
        #expect(rows.count == 3)
        for row in rows {
            #expect(row[2].int64Value == row[3].int64Value)
        }
        let rowid = { (n: Int) in rows[n][1].int64Value ?? 0 }
        #expect(rows[0][2].int64Value == Self.expected(popularity: 12.5, rowid: rowid(0)))
        #expect(rows[1][2].int64Value == Self.expected(popularity: 3, rowid: rowid(1)))
        #expect(rows[2][2].int64Value == rowid(2))
        #expect(Set(rows[0][4].stringValue?.split(separator: ",") ?? []) == ["3", "7"])
        #expect(rows[0][5].stringValue == "11")
        #expect(rows[1][4] == .null)
        // The text came along: the index still finds each movie.
        #expect(try upgraded.query("SELECT movie_id FROM movie_search WHERE movie_search MATCH 'overview' ORDER BY rowid DESC")
            .compactMap { $0[0].stringValue } == ["m0", "m1", "m2"])
    }

    @Test func genreAndDirectorIdsFollowTheirTables() async throws {
        let fixture = try CatalogFixture()
        defer { Task { await fixture.stop() } }
        let id = try await fixture.seedMovie("Heat", year: 1995)
        let ids = { () async throws -> (genres: Set<Substring>, directors: Set<Substring>) in
            let row = try #require(try await fixture.rows("SELECT genre_ids, director_ids FROM movies WHERE id = ?", [.text(id)]).first)
            return (Set(row[0].stringValue?.split(separator: ",") ?? []), Set(row[1].stringValue?.split(separator: ",") ?? []))
        }
        try await fixture.catalog.perform { connection in
            try connection.execute("INSERT OR IGNORE INTO genres (id, slug, name) VALUES (80, 'crime', 'Crime'), (18, 'drama', 'Drama')")
            try connection.execute("INSERT INTO people (id, tmdb_id, name) VALUES (500, 500, 'Michael Mann'), (501, 501, 'Al Pacino')")
            try connection.execute("DELETE FROM movie_genres WHERE movie_id = ?", [.text(id)])
            try connection.execute("INSERT INTO movie_genres (movie_id, genre_id, created_at) VALUES (?, 80, 1), (?, 18, 1)", [.text(id), .text(id)])
            try connection.execute(
                """
                INSERT INTO movie_credits (id, movie_id, person_id, credit_type, job, cast_order, created_at)
                VALUES ('d', ?1, 500, 'crew', 'Director', NULL, 1), ('a', ?1, 501, 'cast', NULL, 0, 1)
                """, [.text(id)])
        }
        #expect(try await ids().genres == ["80", "18"])
        #expect(try await ids().directors == ["500"])
        try await fixture.catalog.perform { connection in
            try connection.execute("DELETE FROM movie_genres WHERE movie_id = ? AND genre_id = 18", [.text(id)])
            try connection.execute("UPDATE movie_credits SET job = 'Writer' WHERE id = 'd'")
        }
        #expect(try await ids().genres == ["80"])
        #expect(try await ids().directors == [])
    }

    @Test func aRefreshedMovieMovesToItsNewPopularity() async throws {
        let fixture = try CatalogFixture()
        defer { Task { await fixture.stop() } }
        var ids: [String] = []
        for (title, popularity) in [("Stone One", 5.0), ("Stone Two", 50.0), ("Stone Three", 20.0)] {
            let id = try await fixture.seedMovie(title, year: 2000)
            try await fixture.catalog.perform { connection in
                try connection.execute("UPDATE movies SET popularity = ? WHERE id = ?", [.real(popularity), .text(id)])
                try SearchIndex.refreshMovie(connection, id: id)
            }
            ids.append(id)
        }
        let order = { () async throws -> [String] in
            try await fixture.rows("SELECT movie_id FROM movie_search WHERE movie_search MATCH 'stone' ORDER BY rowid DESC").compactMap { $0[0].stringValue }
        }
        #expect(try await order() == [ids[1], ids[2], ids[0]])
        let first = ids[0]
        try await fixture.catalog.perform { connection in
            try connection.execute("UPDATE movies SET popularity = 99 WHERE id = ?", [.text(first)])
            try SearchIndex.refreshMovie(connection, id: first)
        }
        #expect(try await order() == [ids[0], ids[1], ids[2]])
        let stored = try await fixture.rows("SELECT count(*) FROM movies m JOIN movie_search s ON s.rowid = m.search_rowid")
        #expect(stored.first?[0].intValue == 3)
    }
}

extension SearchRowidTests {
    /// The director facet names the 50 most frequent, ties by name, as one SQL query over the hits would.
    @Test func theDirectorFacetBreaksTiesByName() async throws {
        let fixture = try CatalogFixture()
        defer { Task { await fixture.stop() } }
        var ids: [String] = []
        for n in 0..<70 { ids.append(try await fixture.seedMovie("Harbor \(n)", year: 2000)) }
        let movies = ids
        try await fixture.catalog.perform { connection in
            for (n, id) in movies.enumerated() {
                // 70 movies, 66 directors: four of them direct two movies each; names out of id order.
                let person = n < 8 ? 1000 + n / 2 : 1000 + n - 4
                try connection.execute(
                    "INSERT OR IGNORE INTO people (id, tmdb_id, name) VALUES (?, ?, ?)",
                    [.integer(Int64(person)), .integer(Int64(person)), .text("Director \(String(UnicodeScalar(UInt8(90 - person % 26))))\(person)")])
                try connection.execute(
                    "INSERT INTO movie_credits (id, movie_id, person_id, credit_type, job, created_at) VALUES (?, ?, ?, 'crew', 'Director', 1)",
                    [.text("c\(n)"), .text(id), .integer(Int64(person))])
                try SearchIndex.refreshMovie(connection, id: id)
            }
        }
        let (facets, reference) = try await fixture.catalog.perform { connection in
            let found = try MovieSearch(connection, scope: .all).search(
                match: try #require(FTSQuery.prefixMatch("harbor")), filter: try MovieSearch.Filter(nil), sort: nil, limit: 5, offset: 0)
            let reference = try connection.query(
                """
                SELECT p.name, count(*) AS n FROM movie_credits c JOIN people p ON p.id = c.person_id WHERE c.job = 'Director'
                GROUP BY p.id ORDER BY n DESC, p.name LIMIT 50
                """).map { ($0[0].stringValue ?? "", $0[1].intValue ?? 0) }
            return (found.facets["directors"] ?? [], reference)
        }
        #expect(facets.count == 50)
        #expect(facets.map(\.0) == reference.map(\.0))
        #expect(facets.map(\.1) == reference.map(\.1))
        #expect(facets.prefix(4).allSatisfy { $0.1 == 2 })
    }
}
