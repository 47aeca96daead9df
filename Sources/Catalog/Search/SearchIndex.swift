public import Store

/// Keeps the FTS5 tables (`movie_search`, `series_search`) in step with the catalog: one row per
/// movie or series with its titles, overview, people and genres. Whoever changes those calls
/// `refresh…` in the same transaction, so search never shows what the catalog no longer holds.
public enum SearchIndex {
    /// Rewrites the search row of movie `id` (only removes it when the movie is gone: call `removeMovie`
    /// before deleting a movie).
    /// The row's rowid puts the most popular movies first in descending order
    /// (`StateSchema.movieSearchRowid`), so it is written again when the movie's popularity changes.
    public static func refreshMovie(_ connection: Connection, id: String) throws(SQLiteError) {
        try removeMovie(connection, id: id)
        try connection.execute(
            """
            INSERT INTO movie_search (rowid, title, original_title, overview, people, genres, movie_id)
            SELECT \(StateSchema.movieSearchRowid(popularity: "m.popularity", rowid: "m.rowid")), m.title, coalesce(m.original_title, ''), coalesce(m.overview, ''),
                coalesce((SELECT group_concat(p.name, ' ') FROM movie_credits c JOIN people p ON p.id = c.person_id
                    WHERE c.movie_id = m.id AND (c.credit_type = 'cast' AND coalesce(c.cast_order, 0) < 20 OR c.job = 'Director')), ''),
                coalesce((SELECT group_concat(g.name, ' ') FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id WHERE mg.movie_id = m.id), ''),
                m.id
            FROM movies m WHERE m.id = ?
            """, [.text(id)])
        guard connection.changes == 1 else { return }
        try connection.execute("UPDATE movies SET search_rowid = ? WHERE id = ?", [.integer(connection.lastInsertRowID), .text(id)])
    }

    /// Removes movie `id`'s search row (by its rowid).
    public static func removeMovie(_ connection: Connection, id: String) throws(SQLiteError) {
        try connection.execute("DELETE FROM movie_search WHERE rowid = (SELECT search_rowid FROM movies WHERE id = ?)", [.text(id)])
    }

    /// Rewrites the search row of series `id` (only removes it when the series is gone: call
    /// `removeSeries` before deleting a series).
    public static func refreshSeries(_ connection: Connection, id: String) throws(SQLiteError) {
        try removeSeries(connection, id: id)
        let rowid = try nextRowid(connection, table: "series_search")
        try connection.execute(
            """
            INSERT INTO series_search (rowid, title, original_title, overview, people, genres, series_id)
            SELECT ?, s.title, coalesce(s.original_title, ''), coalesce(s.overview, ''),
                coalesce((SELECT group_concat(p.name, ' ') FROM series_credits c JOIN people p ON p.id = c.person_id
                    WHERE c.series_id = s.id AND (c.credit_type = 'cast' AND coalesce(c.cast_order, 0) < 20 OR c.job = 'Creator')), ''),
                coalesce((SELECT group_concat(g.name, ' ') FROM series_genres sg JOIN genres g ON g.id = sg.genre_id WHERE sg.series_id = s.id), ''),
                s.id
            FROM series s WHERE s.id = ?
            """, [.integer(rowid), .text(id)])
        try connection.execute("UPDATE series SET search_rowid = ? WHERE id = ?", [.integer(rowid), .text(id)])
    }

    /// Removes series `id`'s search row (by its rowid).
    public static func removeSeries(_ connection: Connection, id: String) throws(SQLiteError) {
        try connection.execute("DELETE FROM series_search WHERE rowid = (SELECT search_rowid FROM series WHERE id = ?)", [.text(id)])
    }

    /// One past the table's largest rowid (FTS5 keeps rows in rowid order, so this is one step).
    static func nextRowid(_ connection: Connection, table: String) throws(SQLiteError) -> Int64 {
        (try connection.queryOne("SELECT coalesce(max(rowid), 0) + 1 FROM \(table)")?[0].int64Value) ?? 1
    }

    /// Drops and rebuilds both tables from the catalog (`/search/reindex`); answers the rows written.
    public static func rebuild(_ connection: Connection) throws(SQLiteError) -> (movies: Int, series: Int) {
        try connection.execute("DELETE FROM movie_search")
        try connection.execute("DELETE FROM series_search")
        // In rowid order: the index takes rows in ascending rowid without flushing between them.
        let movies = try connection.query(
            "SELECT id FROM movies m ORDER BY \(StateSchema.movieSearchRowid(popularity: "m.popularity", rowid: "m.rowid"))"
        ).compactMap { $0[0].stringValue }
        for id in movies { try refreshMovie(connection, id: id) }
        let series = try connection.query("SELECT id FROM series").compactMap { $0[0].stringValue }
        for id in series { try refreshSeries(connection, id: id) }
        return (movies.count, series.count)
    }
}
