import Core
import HTTP
import Store

/// Reads of movies narrowed to a caller's libraries: lists with filters and sorts, one movie, its
/// files, credits, genres, collection and similar movies, and the caller's own progress.
struct MovieQueries {
    let connection: Connection
    let scope: LibraryScope
    /// Whose progress the `watched` filter and the per-user lists read.
    let userID: String

    init(_ connection: Connection, principal: Principal) throws {
        self.connection = connection
        scope = try LibraryScope.of(principal, connection: connection)
        userID = CatalogUser.id(principal)
    }

    /// The filters of `/movies`.
    struct Filter {
        var genre: String?
        var year: Int?
        var minimumRating: Double?
        var resolution: String?
        var watched: Bool?
        var minimumVotes: Int?
    }

    /// Each order walks one of the movies' indexes (a descending order needs no NULLS LAST: SQLite puts
    /// nulls first in ascending order, so last in descending), so a page costs its rows, not the catalog.
    static let orders = [
        "title": "m.sort_title ASC, m.year ASC", "year": "m.year DESC, m.sort_title ASC", "added": "m.added_at DESC",
        "rating": "m.vote_average DESC, m.vote_count DESC, m.sort_title ASC", "release_date": "m.release_date DESC, m.sort_title ASC",
        "popularity": "m.popularity DESC, m.sort_title ASC",
    ]

    /// A page of movies and the count of all that match.
    func list(_ filter: Filter, order: String, limit: Int, offset: Int) throws(SQLiteError) -> (rows: [Row], total: Int) {
        var conditions: [String] = []
        var values: [SQLValue] = []
        let visible = scope.condition("m.library_id")
        conditions.append(visible.sql)
        values += visible.values
        var genreID: Int64?
        if let genre = filter.genre {
            // The genre's id first, so the filter is one primary-key probe per movie.
            guard let id = try connection.queryOne(
                "SELECT id FROM genres WHERE slug = ? OR name = ? COLLATE NOCASE", [.text(genre.lowercased()), .text(genre)])?[0].int64Value
            else { return ([], 0) }
            genreID = id
            conditions.append("EXISTS (SELECT 1 FROM movie_genres mg WHERE mg.movie_id = m.id AND mg.genre_id = ?)")
            values.append(.integer(id))
        }
        if let year = filter.year {
            conditions.append("m.year = ?")
            values.append(.integer(Int64(year)))
        }
        if let rating = filter.minimumRating {
            conditions.append("m.vote_average >= ?")
            values.append(.real(rating))
        }
        if let votes = filter.minimumVotes {
            conditions.append("coalesce(m.vote_count, 0) >= ?")
            values.append(.integer(Int64(votes)))
        }
        if let resolution = filter.resolution, let range = CatalogRows.heightRange(resolution) {
            conditions.append("m.max_height BETWEEN ? AND ?")
            values += [.integer(Int64(range.low)), .integer(Int64(range.high))]
        }
        if let watched = filter.watched {
            conditions.append(
                "\(watched ? "" : "NOT ")EXISTS (SELECT 1 FROM movie_progress p WHERE p.movie_id = m.id AND p.user_id = ? AND p.is_completed = 1)")
            values.append(.text(userID))
        }
        let whereClause = conditions.joined(separator: " AND ")
        let rows = try connection.query(
            "SELECT m.* FROM movies m WHERE \(whereClause) ORDER BY \(Self.orders[order] ?? Self.orders["added"]!) LIMIT ? OFFSET ?",
            values + [.integer(Int64(limit)), .integer(Int64(offset))])
        let total: Int
        if let genreID, scope == .all, conditions.count == 2 {
            // Only a genre: its index holds the count.
            total = try connection.queryOne("SELECT count(*) FROM movie_genres WHERE genre_id = ?", [.integer(genreID)])?[0].intValue ?? 0
        } else {
            total = try connection.queryOne("SELECT count(*) FROM movies m WHERE \(whereClause)", values)?[0].intValue ?? 0
        }
        return (rows, total)
    }

    /// The movie when the caller may see it; otherwise a 404, as if it did not exist.
    func movie(_ id: String) throws -> Row {
        guard let row = try connection.queryOne("SELECT * FROM movies WHERE id = ?", [.text(id)]),
            scope.allows(row["library_id"].stringValue ?? "")
        else { throw CatalogError.notFound("No such movie") }
        return row
    }

    func files(_ id: String) throws(SQLiteError) -> [Row] {
        try connection.query("SELECT * FROM media_files WHERE movie_id = ? ORDER BY path", [.text(id)])
    }

    func genres(_ id: String) throws(SQLiteError) -> [Row] {
        try connection.query(
            "SELECT mg.movie_id, mg.genre_id, mg.created_at, g.slug, g.name FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id WHERE mg.movie_id = ? ORDER BY g.name",
            [.text(id)])
    }

    /// Movies the caller may see that share genres, people or the collection with `id`, best first:
    /// a shared collection counts 5, a shared cast member or director 3, a shared genre 2.
    func similar(_ id: String, limit: Int) throws(SQLiteError) -> [Row] {
        let visible = scope.condition("m.library_id")
        return try connection.query(
            """
            WITH scores (movie_id, score) AS (
                SELECT mg2.movie_id, 2 FROM movie_genres mg1 JOIN movie_genres mg2 ON mg2.genre_id = mg1.genre_id
                    WHERE mg1.movie_id = ?1 AND mg2.movie_id <> ?1
                UNION ALL
                SELECT c2.movie_id, 3 FROM movie_credits c1 JOIN movie_credits c2 ON c2.person_id = c1.person_id
                    WHERE c1.movie_id = ?1 AND c2.movie_id <> ?1
                        AND (c1.credit_type = 'cast' AND coalesce(c1.cast_order, 99) < 10 OR c1.job = 'Director')
                        AND (c2.credit_type = 'cast' AND coalesce(c2.cast_order, 99) < 10 OR c2.job = 'Director')
                UNION ALL
                SELECT m2.id, 5 FROM movies m1 JOIN movies m2 ON m2.collection_id = m1.collection_id WHERE m1.id = ?1 AND m2.id <> ?1
            )
            SELECT m.*, sum(s.score) AS score FROM scores s CROSS JOIN movies m ON m.id = s.movie_id
            WHERE \(visible.sql)
            GROUP BY m.id ORDER BY score DESC, m.popularity DESC NULLS LAST, m.sort_title LIMIT \(limit)
            """, [.text(id)] + visible.values)
    }
}

/// Whose per-user rows a request reads and writes: the signed-in user, or `appliance` for the owner's token.
enum CatalogUser {
    static func id(_ principal: Principal) -> String {
        principal.user?.id ?? "appliance"
    }
}
