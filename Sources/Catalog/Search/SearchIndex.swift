public import Store

/// Keeps the FTS5 tables (`movie_search`, `series_search`) in step with the catalog: one row per
/// movie or series with its titles, overview, people and genres. Whoever changes those calls
/// `refresh…` in the same transaction, so search never shows what the catalog no longer holds.
public enum SearchIndex {
    /// Rewrites the search row of movie `id` (removes it when the movie is gone).
    public static func refreshMovie(_ connection: Connection, id: String) throws(SQLiteError) {
        try connection.execute("DELETE FROM movie_search WHERE movie_id = ?", [.text(id)])
        try connection.execute(
            """
            INSERT INTO movie_search (title, original_title, overview, people, genres, movie_id)
            SELECT m.title, coalesce(m.original_title, ''), coalesce(m.overview, ''),
                coalesce((SELECT group_concat(p.name, ' ') FROM movie_credits c JOIN people p ON p.id = c.person_id
                    WHERE c.movie_id = m.id AND (c.credit_type = 'cast' AND coalesce(c.cast_order, 0) < 20 OR c.job = 'Director')), ''),
                coalesce((SELECT group_concat(g.name, ' ') FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id WHERE mg.movie_id = m.id), ''),
                m.id
            FROM movies m WHERE m.id = ?
            """, [.text(id)])
    }

    /// Rewrites the search row of series `id` (removes it when the series is gone).
    public static func refreshSeries(_ connection: Connection, id: String) throws(SQLiteError) {
        try connection.execute("DELETE FROM series_search WHERE series_id = ?", [.text(id)])
        try connection.execute(
            """
            INSERT INTO series_search (title, original_title, overview, people, genres, series_id)
            SELECT s.title, coalesce(s.original_title, ''), coalesce(s.overview, ''),
                coalesce((SELECT group_concat(p.name, ' ') FROM series_credits c JOIN people p ON p.id = c.person_id
                    WHERE c.series_id = s.id AND (c.credit_type = 'cast' AND coalesce(c.cast_order, 0) < 20 OR c.job = 'Creator')), ''),
                coalesce((SELECT group_concat(g.name, ' ') FROM series_genres sg JOIN genres g ON g.id = sg.genre_id WHERE sg.series_id = s.id), ''),
                s.id
            FROM series s WHERE s.id = ?
            """, [.text(id)])
    }

    /// Drops and rebuilds both tables from the catalog (`/search/reindex`); answers the rows written.
    public static func rebuild(_ connection: Connection) throws(SQLiteError) -> (movies: Int, series: Int) {
        try connection.execute("DELETE FROM movie_search")
        try connection.execute("DELETE FROM series_search")
        let movies = try connection.query("SELECT id FROM movies").compactMap { $0[0].stringValue }
        for id in movies { try refreshMovie(connection, id: id) }
        let series = try connection.query("SELECT id FROM series").compactMap { $0[0].stringValue }
        for id in series { try refreshSeries(connection, id: id) }
        return (movies.count, series.count)
    }
}
