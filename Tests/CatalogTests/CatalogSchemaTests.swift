import Store
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
