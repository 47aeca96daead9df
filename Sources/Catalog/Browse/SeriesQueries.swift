import Core
import FoundationEssentials
import HTTP
import Store

/// Reads of series, seasons and episodes narrowed to a caller's libraries, and the caller's own
/// episode progress. An episode or season is visible when its series is.
struct SeriesQueries {
    let connection: Connection
    let scope: LibraryScope
    let userID: String

    init(_ connection: Connection, principal: Principal) throws {
        self.connection = connection
        scope = try LibraryScope.of(principal, connection: connection)
        userID = CatalogUser.id(principal)
    }

    static let orders = [
        "created_at": "s.added_at DESC, s.rowid DESC", "title": "s.sort_title ASC", "first_air_date": "s.first_air_date DESC NULLS LAST, s.sort_title",
        "vote_average": "s.vote_average DESC NULLS LAST, s.sort_title", "popularity": "s.popularity DESC NULLS LAST, s.sort_title",
    ]

    /// The series columns plus season and episode counts.
    static let seriesColumns = """
        s.*, (SELECT count(*) FROM seasons x WHERE x.series_id = s.id AND x.season_number > 0) AS total_seasons,
        (SELECT count(*) FROM episodes e WHERE e.series_id = s.id AND e.season_number > 0) AS total_episodes
        """

    func list(order: String, genre: String?, limit: Int, offset: Int) throws(SQLiteError) -> (rows: [Row], total: Int) {
        let visible = scope.condition("s.library_id")
        var condition = visible.sql
        var values = visible.values
        if let genre {
            condition += " AND EXISTS (SELECT 1 FROM series_genres sg JOIN genres g ON g.id = sg.genre_id WHERE sg.series_id = s.id AND (g.slug = ? OR g.name = ? COLLATE NOCASE))"
            values += [.text(genre.lowercased()), .text(genre)]
        }
        let rows = try connection.query(
            "SELECT \(Self.seriesColumns) FROM series s WHERE \(condition) ORDER BY \(Self.orders[order] ?? Self.orders["created_at"]!) LIMIT ? OFFSET ?",
            values + [.integer(Int64(limit)), .integer(Int64(offset))])
        let total = try connection.queryOne("SELECT count(*) FROM series s WHERE \(condition)", values)?[0].intValue ?? 0
        return (rows, total)
    }

    func series(_ id: String) throws -> Row {
        guard let row = try connection.queryOne("SELECT \(Self.seriesColumns) FROM series s WHERE s.id = ?", [.text(id)]),
            scope.allows(row["library_id"].stringValue ?? "")
        else { throw CatalogError.notFound("No such series") }
        return row
    }

    func season(_ id: String) throws -> Row {
        guard let row = try connection.queryOne(
            """
            SELECT x.*, s.library_id, (SELECT count(*) FROM episodes e WHERE e.season_id = x.id) AS episode_count
            FROM seasons x JOIN series s ON s.id = x.series_id WHERE x.id = ?
            """, [.text(id)]),
            scope.allows(row["library_id"].stringValue ?? "")
        else { throw CatalogError.notFound("No such season") }
        return row
    }

    func seasons(ofSeries id: String) throws(SQLiteError) -> [Row] {
        try connection.query(
            "SELECT x.*, (SELECT count(*) FROM episodes e WHERE e.season_id = x.id) AS episode_count FROM seasons x WHERE x.series_id = ? ORDER BY x.season_number",
            [.text(id)])
    }

    func episode(_ id: String) throws -> Row {
        guard let row = try connection.queryOne(
            "SELECT e.*, s.library_id FROM episodes e JOIN series s ON s.id = e.series_id WHERE e.id = ?", [.text(id)]),
            scope.allows(row["library_id"].stringValue ?? "")
        else { throw CatalogError.notFound("No such episode") }
        return row
    }

    /// Episodes of a series (`column` = series_id) or season (`season_id`), in order.
    func episodes(where column: String, _ id: String) throws(SQLiteError) -> [Row] {
        try connection.query("SELECT * FROM episodes WHERE \(column) = ? ORDER BY season_number, episode_number", [.text(id)])
    }

    func files(ofEpisode id: String) throws(SQLiteError) -> [Row] {
        try connection.query(
            "SELECT f.* FROM media_files f JOIN episode_files ef ON ef.file_id = f.id WHERE ef.episode_id = ? ORDER BY f.path", [.text(id)])
    }

    /// Episodes with their series' title and poster, aired before (`upcoming` false, newest first)
    /// or after today (oldest first), in series the caller may see.
    func byAirDate(upcoming: Bool, today: String, limit: Int, offset: Int) throws(SQLiteError) -> [Row] {
        let visible = scope.condition("s.library_id")
        return try connection.query(
            """
            SELECT e.*, s.title AS series_title, s.poster_path AS series_poster_path FROM episodes e JOIN series s ON s.id = e.series_id
            WHERE e.air_date IS NOT NULL AND e.air_date \(upcoming ? ">" : "<=") ? AND \(visible.sql)
            ORDER BY e.air_date \(upcoming ? "ASC" : "DESC"), s.sort_title, e.season_number, e.episode_number LIMIT ? OFFSET ?
            """, [.text(today)] + visible.values + [.integer(Int64(limit)), .integer(Int64(offset))])
    }

    /// The first regular episode after the last one the caller finished (the first of all when none).
    func nextEpisode(_ seriesID: String) throws(SQLiteError) -> Row? {
        let last = try connection.queryOne(
            """
            SELECT e.season_number, e.episode_number FROM episode_progress p JOIN episodes e ON e.id = p.episode_id
            WHERE p.user_id = ? AND e.series_id = ? AND p.is_completed = 1 AND e.season_number > 0
            ORDER BY e.season_number DESC, e.episode_number DESC LIMIT 1
            """, [.text(userID), .text(seriesID)])
        let season = last?[0].int64Value ?? 0
        let number = last?[1].int64Value ?? 0
        return try connection.queryOne(
            """
            SELECT * FROM episodes WHERE series_id = ? AND season_number > 0 AND (season_number > ? OR season_number = ? AND episode_number > ?)
            ORDER BY season_number, episode_number LIMIT 1
            """, [.text(seriesID), .integer(season), .integer(season), .integer(number)])
    }

    /// Today as `YYYY-MM-DD` (UTC), the form TMDb's air dates take.
    static func today(_ milliseconds: Int64) -> String {
        let date = CatalogJSON.civilDate(days: milliseconds / 86_400_000)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(date.year)-\(two(date.month))-\(two(date.day))"
    }
}
