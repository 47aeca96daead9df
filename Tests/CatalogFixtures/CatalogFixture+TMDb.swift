import Catalog
import Core
import FoundationEssentials
import Store

/// The catalog fixture pointed at a fake TMDb, and rows to refresh.
extension CatalogFixture {
    /// A fixture whose TMDb and image server are `fake`, with `key` (empty: not configured).
    static func tmdb(
        _ fake: FakeTMDb, key: String = FakeTMDb.key, adjust: @escaping (inout CatalogSettings) -> Void = { _ in }
    ) throws -> CatalogFixture {
        try CatalogFixture { settings in
            settings.tmdbEnabled = true
            settings.tmdbBaseURL = fake.apiURL
            settings.tmdbAPIKey = key
            settings.tmdbRequestsPerSecond = 50
            settings.imageBaseURL = fake.imageURL
            adjust(&settings)
        }
    }

    /// A library of `type` (`movie` or `tvshow`); answers its id.
    func seedLibrary(_ type: String = "movie") async throws -> String {
        let id = "lib-\(type)"
        try await catalog.perform { connection in
            try connection.execute(
                "INSERT OR IGNORE INTO libraries (id, name, type, paths, created_at, updated_at) VALUES (?, ?, ?, '[]', 0, 0)",
                [.text(id), .text("Library \(type)"), .text(type)])
        }
        return id
    }

    /// A movie row as a scan would leave it (no metadata); answers its id.
    func seedMovie(_ title: String, year: Int?, tmdbID: Int? = nil) async throws -> String {
        let library = try await seedLibrary("movie")
        let id = UUID().uuidString.lowercased()
        try await catalog.perform { connection in
            try connection.execute(
                """
                INSERT INTO movies (id, library_id, title, sort_title, year, tmdb_id, added_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 1, 1, 1)
                """, [.text(id), .text(library), .text(title), .text(title), SQLValue(year), SQLValue(tmdbID)])
        }
        return id
    }

    /// A series row with season 1 and its episode 1 (a file the scan found); answers the series id.
    func seedSeries(_ title: String, year: Int?) async throws -> String {
        let library = try await seedLibrary("tvshow")
        let id = UUID().uuidString.lowercased()
        try await catalog.perform { connection in
            try connection.execute(
                "INSERT INTO series (id, library_id, title, sort_title, year, added_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, 1, 1)",
                [.text(id), .text(library), .text(title), .text(title), SQLValue(year)])
            try connection.execute(
                "INSERT INTO seasons (id, series_id, season_number, name, created_at, updated_at) VALUES (?, ?, 1, 'Season 1', 1, 1)",
                [.text(id + "-s1"), .text(id)])
            try connection.execute(
                """
                INSERT INTO episodes (id, series_id, season_id, season_number, episode_number, title, added_at, created_at, updated_at)
                VALUES (?, ?, ?, 1, 1, 'Episode 1', 1, 1, 1)
                """, [.text(id + "-e1"), .text(id), .text(id + "-s1")])
        }
        return id
    }

    /// Rows of `sql`.
    func rows(_ sql: String, _ values: [SQLValue] = []) async throws -> [Row] {
        try await catalog.perform { connection in try connection.query(sql, values) }
    }

    /// Waits (up to 30 s) until `sql` answers a row; the row.
    func eventually(_ sql: String, _ values: [SQLValue] = []) async throws -> Row {
        for _ in 0..<300 {
            if let row = try await rows(sql, values).first { return row }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CatalogFixtureError("no row for \(sql)")
    }
}
