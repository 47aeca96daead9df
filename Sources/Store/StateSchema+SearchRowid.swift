extension StateSchema {
    /// Version 10: movies and series by the rowid of their full-text row. A search ranks rowids (reading
    /// an FTS5 row's `movie_id` column costs a read of the whole stored row, overview included: 30 ms
    /// for 10,000 hits) and joins back through this index, for the page and for a caller's library scope.
    static let searchRowid = """
        CREATE INDEX movies_search_rowid ON movies (search_rowid) WHERE search_rowid IS NOT NULL;
        CREATE INDEX series_search_rowid ON series (search_rowid) WHERE search_rowid IS NOT NULL;
        """
}

extension StateSchema {
    /// The rowid a movie's `movie_search` row gets, as SQL over its `popularity` and `rowid` expressions:
    /// popularity (clamped to 0…10^7, in hundredths) in the high bits, the movie's own rowid (unique, below
    /// 2^28) in the low 28. The full-text index then hands back matches most popular first when read by
    /// descending rowid, so a broad search takes its first thousand without looking at the others.
    /// A movie rowid past 2^28 (not reached in practice) gets its own rowid negated: unique, and least
    /// popular.
    public static func movieSearchRowid(popularity: String, rowid: String) -> String {
        """
        (CASE WHEN \(rowid) BETWEEN 0 AND 268435455
            THEN (CAST(min(max(coalesce(\(popularity), 0), 0), 10000000) * 100 AS INTEGER) << 28) | \(rowid) ELSE -\(rowid) END)
        """
    }

    /// Version 11, for the search's speed:
    /// - `movie_search` rows are keyed by `movieSearchRowid` (popularity first), written again in that
    ///   order from the table's own content;
    /// - each movie keeps the ids of its genres and directors (`genre_ids`, `director_ids`: comma-separated,
    ///   in no order), kept by triggers, so the search's genre and director facets are counted from the
    ///   rows it already reads rather than by two joins over a thousand hits.
    static let searchPopularity = """
        CREATE TEMP TABLE search_rekey (
            movie INTEGER PRIMARY KEY, new_rowid INTEGER NOT NULL, title, original_title, overview, people, genres, movie_id
        );
        INSERT INTO temp.search_rekey
            SELECT m.rowid, \(movieSearchRowid(popularity: "m.popularity", rowid: "m.rowid")),
                s.title, s.original_title, s.overview, s.people, s.genres, s.movie_id
            FROM movie_search s JOIN movies m ON m.search_rowid = s.rowid;
        DELETE FROM movie_search;
        UPDATE movies SET search_rowid = NULL;
        INSERT INTO movie_search (rowid, title, original_title, overview, people, genres, movie_id)
            SELECT new_rowid, title, original_title, overview, people, genres, movie_id FROM temp.search_rekey ORDER BY new_rowid;
        UPDATE movies SET search_rowid = (SELECT new_rowid FROM temp.search_rekey WHERE movie = movies.rowid)
            WHERE rowid IN (SELECT movie FROM temp.search_rekey);
        DROP TABLE temp.search_rekey;
        ALTER TABLE movies ADD COLUMN genre_ids TEXT;
        ALTER TABLE movies ADD COLUMN director_ids TEXT;
        UPDATE movies SET
            genre_ids = (SELECT group_concat(genre_id, ',') FROM movie_genres WHERE movie_id = movies.id),
            director_ids = (SELECT group_concat(person_id, ',') FROM movie_credits WHERE movie_id = movies.id AND job = 'Director');
        CREATE TRIGGER movie_genres_ids_insert AFTER INSERT ON movie_genres BEGIN
            UPDATE movies SET genre_ids = (SELECT group_concat(genre_id, ',') FROM movie_genres WHERE movie_id = NEW.movie_id)
            WHERE id = NEW.movie_id;
        END;
        CREATE TRIGGER movie_genres_ids_delete AFTER DELETE ON movie_genres BEGIN
            UPDATE movies SET genre_ids = (SELECT group_concat(genre_id, ',') FROM movie_genres WHERE movie_id = OLD.movie_id)
            WHERE id = OLD.movie_id;
        END;
        CREATE TRIGGER movie_genres_ids_update AFTER UPDATE OF movie_id, genre_id ON movie_genres BEGIN
            UPDATE movies SET genre_ids = (SELECT group_concat(genre_id, ',') FROM movie_genres WHERE movie_id = movies.id)
            WHERE id IN (OLD.movie_id, NEW.movie_id);
        END;
        CREATE TRIGGER movie_credits_ids_insert AFTER INSERT ON movie_credits WHEN NEW.job = 'Director' BEGIN
            UPDATE movies SET director_ids = (SELECT group_concat(person_id, ',') FROM movie_credits WHERE movie_id = NEW.movie_id AND job = 'Director')
            WHERE id = NEW.movie_id;
        END;
        CREATE TRIGGER movie_credits_ids_delete AFTER DELETE ON movie_credits WHEN OLD.job = 'Director' BEGIN
            UPDATE movies SET director_ids = (SELECT group_concat(person_id, ',') FROM movie_credits WHERE movie_id = OLD.movie_id AND job = 'Director')
            WHERE id = OLD.movie_id;
        END;
        CREATE TRIGGER movie_credits_ids_update AFTER UPDATE OF job, person_id, movie_id ON movie_credits
            WHEN OLD.job = 'Director' OR NEW.job = 'Director' BEGIN
            UPDATE movies SET director_ids = (SELECT group_concat(person_id, ',') FROM movie_credits WHERE movie_id = movies.id AND job = 'Director')
            WHERE id IN (OLD.movie_id, NEW.movie_id);
        END;
        """
}
