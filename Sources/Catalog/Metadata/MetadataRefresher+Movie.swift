import Store

/// Writing a TMDb movie into its `movies` row, collection, genres and credits.
extension MetadataRefresher {
    /// Writes `movie` over row `id` (a title that changed gets a new sort title), then its collection,
    /// genres, credits and search row. Called inside the refresh's one transaction.
    static func write(_ movie: TMDb.Movie, to id: String, _ connection: Connection, now: Int64) throws(SQLiteError) {
        let collection = try movie.belongsToCollection.flatMap { reference throws(SQLiteError) in
            try upsertCollection(reference, connection, now: now)
        }
        let title = movie.title.flatMap { $0.isEmpty ? nil : $0 }
        try connection.execute(
            """
            UPDATE movies SET title = coalesce(?1, title),
                sort_title = CASE WHEN ?1 IS NULL OR ?1 = title THEN sort_title ELSE ?2 END,
                original_title = ?3, overview = ?4, tagline = ?5, release_date = ?6, year = coalesce(?7, year), runtime = ?8,
                status = ?9, original_language = ?10, poster_path = ?11, backdrop_path = ?12, trailer_url = ?13,
                vote_average = ?14, vote_count = ?15, popularity = ?16, budget = ?17, revenue = ?18, imdb_id = ?19, tmdb_id = ?20,
                collection_id = ?21, metadata_updated_at = ?22, metadata_error = NULL, updated_at = ?22
            WHERE id = ?23
            """,
            [
                SQLValue(title), SQLValue(title.map(sortTitle)), SQLValue(movie.originalTitle), SQLValue(movie.overview),
                SQLValue(MetadataJSON.nonEmpty(movie.tagline)), SQLValue(TMDbDate.day(movie.releaseDate)),
                SQLValue(TMDbDate.year(movie.releaseDate)), SQLValue(movie.runtime.flatMap { $0 > 0 ? $0 : nil }), SQLValue(movie.status),
                SQLValue(movie.originalLanguage), SQLValue(movie.posterPath), SQLValue(movie.backdropPath),
                SQLValue(movie.videos?.trailerURL), SQLValue(movie.voteAverage), SQLValue(movie.voteCount), SQLValue(movie.popularity),
                SQLValue(movie.budget.flatMap { $0 > 0 ? $0 : nil }), SQLValue(movie.revenue.flatMap { $0 > 0 ? $0 : nil }),
                SQLValue(MetadataJSON.nonEmpty(movie.imdbId ?? movie.externalIds?.imdbId)), .integer(Int64(movie.id)),
                SQLValue(collection), .integer(now), .text(id),
            ])
        // Deleted while TMDb was asked: nothing to attach genres or credits to.
        guard connection.changes > 0 else { return }
        try replaceGenres(movie.genres ?? [], table: "movie_genres", column: "movie_id", owner: id, connection, now: now)
        try replaceCredits(movie.credits, table: "movie_credits", column: "movie_id", owner: id, connection, now: now)
        try SearchIndex.refreshMovie(connection, id: id)
    }

    /// The `collections` row of a TMDb collection (made or updated), answered as its id.
    static func upsertCollection(_ reference: TMDb.CollectionReference, _ connection: Connection, now: Int64) throws(SQLiteError) -> String? {
        guard reference.id > 0 else { return nil }
        return try connection.queryOne(
            """
            INSERT INTO collections (id, tmdb_id, name, poster_path, backdrop_path, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (tmdb_id) DO UPDATE SET name = excluded.name, poster_path = coalesce(excluded.poster_path, poster_path),
                backdrop_path = coalesce(excluded.backdrop_path, backdrop_path), updated_at = excluded.updated_at
            RETURNING id
            """,
            [
                .text(newID()), .integer(Int64(reference.id)), .text(reference.name ?? "Collection \(reference.id)"), SQLValue(reference.posterPath),
                SQLValue(reference.backdropPath), .integer(now), .integer(now),
            ])?[0].stringValue
    }
}
