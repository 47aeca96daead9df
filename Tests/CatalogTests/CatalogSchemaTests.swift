import Store
import FoundationEssentials
import Core
import TestSupport
import Testing

@testable import Catalog

@Suite struct CatalogSchemaTests {
    @Test func theStateDatabaseHoldsTheCatalogAndItsSearchIndex() throws {
        let folder = TemporaryDirectory("catalog")
        let database = try Database.openState(root: folder.path)
        let tables = try database.withConnection { connection in
            try connection.query("SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name").compactMap { $0[0].stringValue }
        }
        for table in ["libraries", "library_permissions", "library_scans", "media_files", "movies", "series", "seasons", "episodes",
                      "movie_progress", "episode_progress", "movie_search", "series_search"] {
            #expect(tables.contains(table), "missing \(table)")
        }
        // FTS5 is compiled into Debian's SQLite: a prefix query runs.
        try database.withConnection { connection in
            try connection.execute("INSERT INTO movie_search (title, movie_id) VALUES ('Blade Runner', 'm1')")
            #expect(try connection.query("SELECT movie_id FROM movie_search WHERE movie_search MATCH 'bla*'").count == 1)
        }
    }
}

extension CatalogSchemaTests {
    @Test func aVersion3DatabaseGainsTheCatalogAndKeepsItsUsers() throws {
        let folder = TemporaryDirectory("catalog-migrate")
        let path = folder.file("state.db")
        do {
            let old = try Database(path: path, migrations: StateSchema.migrations.filter { $0.version <= 3 })
            try old.execute(
                "INSERT INTO users (id, username, created_at, updated_at) VALUES ('u1', 'ann', 1, 1)")
        }
        let upgraded = try Database(path: path, migrations: StateSchema.migrations)
        #expect(try upgraded.userVersion() == StateSchema.migrations.last?.version)
        #expect(try upgraded.queryOne("SELECT username FROM users WHERE id = 'u1'")?[0].stringValue == "ann")
        #expect(try upgraded.query("SELECT name FROM sqlite_master WHERE name = 'libraries'").count == 1)
    }
}

/// The catalog's own date-time text equals what Foundation's ISO 8601 style writes.
@Suite struct CatalogTimeTests {
    @Test(arguments: [Int64(0), 1_764_700_039_123, 951_782_400_000, 4_107_542_399_999, 86_399_999, 1_709_164_800_000])
    func timesMatchTheISO8601Style(milliseconds: Int64) {
        let expected = Date(timeIntervalSince1970: Double(milliseconds / 1000)).formatted(.iso8601)
        #expect(CatalogJSON.time(milliseconds) == .string(expected))
    }
}
