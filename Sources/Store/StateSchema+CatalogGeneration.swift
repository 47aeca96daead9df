extension StateSchema {
    /// Version 7: a counter of catalog changes that the search facets depend on, kept by triggers, so
    /// whole-catalog facets (six aggregate queries over every movie) are counted once per change rather
    /// than once per request. Any write path bumps it (scans, metadata refreshes, the apps' syncs,
    /// library deletes through their cascades) without knowing the facets exist. Only the columns a
    /// facet reads fire a trigger: a movie's library, year, status and best height; its genres and
    /// directors; the names shown; whether it has a file.
    static let catalogGeneration = """
        CREATE TABLE catalog_generation (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
        INSERT INTO catalog_generation (id, n) VALUES (1, 0);
        CREATE TRIGGER movies_generation_insert AFTER INSERT ON movies
            BEGIN UPDATE catalog_generation SET n = n + 1 WHERE id = 1; END;
        CREATE TRIGGER movies_generation_delete AFTER DELETE ON movies
            BEGIN UPDATE catalog_generation SET n = n + 1 WHERE id = 1; END;
        CREATE TRIGGER movies_generation_update AFTER UPDATE OF library_id, year, status, max_height ON movies
            BEGIN UPDATE catalog_generation SET n = n + 1 WHERE id = 1; END;
        CREATE TRIGGER movie_genres_generation_insert AFTER INSERT ON movie_genres
            BEGIN UPDATE catalog_generation SET n = n + 1 WHERE id = 1; END;
        CREATE TRIGGER movie_genres_generation_delete AFTER DELETE ON movie_genres
            BEGIN UPDATE catalog_generation SET n = n + 1 WHERE id = 1; END;
        CREATE TRIGGER genres_generation_update AFTER UPDATE OF name ON genres
            BEGIN UPDATE catalog_generation SET n = n + 1 WHERE id = 1; END;
        CREATE TRIGGER movie_credits_generation_insert AFTER INSERT ON movie_credits WHEN NEW.job = 'Director'
            BEGIN UPDATE catalog_generation SET n = n + 1 WHERE id = 1; END;
        CREATE TRIGGER movie_credits_generation_delete AFTER DELETE ON movie_credits WHEN OLD.job = 'Director'
            BEGIN UPDATE catalog_generation SET n = n + 1 WHERE id = 1; END;
        CREATE TRIGGER movie_credits_generation_update AFTER UPDATE OF job, person_id, movie_id ON movie_credits
            BEGIN UPDATE catalog_generation SET n = n + 1 WHERE id = 1; END;
        CREATE TRIGGER people_generation_update AFTER UPDATE OF name ON people
            BEGIN UPDATE catalog_generation SET n = n + 1 WHERE id = 1; END;
        CREATE TRIGGER media_files_generation_insert AFTER INSERT ON media_files WHEN NEW.movie_id IS NOT NULL
            BEGIN UPDATE catalog_generation SET n = n + 1 WHERE id = 1; END;
        CREATE TRIGGER media_files_generation_delete AFTER DELETE ON media_files WHEN OLD.movie_id IS NOT NULL
            BEGIN UPDATE catalog_generation SET n = n + 1 WHERE id = 1; END;
        CREATE TRIGGER media_files_generation_update AFTER UPDATE OF movie_id, missing_since ON media_files
            BEGIN UPDATE catalog_generation SET n = n + 1 WHERE id = 1; END;
        """
}
