extension StateSchema {
    /// Version 4: the media catalog (issue 12, seed 003): libraries and who may see them, scans, the
    /// files found on disk with what probing found, movies, collections, series, seasons, episodes,
    /// genres, people and credits, networks, per-user progress, and the full-text index search reads.
    ///
    /// Ids shown to clients are UUID strings; genres and people are keyed by TMDb's numbers where TMDb
    /// gave them. A file row outlives its item: a moved file keeps its id (matched by device and
    /// inode), a vanished one gets `missing_since` and is dropped by a later scan. Each list order has
    /// its index, carrying the id and library so a filtered page reads only the rows it returns. A movie's
    /// or series' `search_rowid` is the rowid of its row in the FTS table, so that row is replaced by
    /// rowid (an FTS5 table has no index on its other columns).
    static let catalog = """
        CREATE TABLE libraries (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            type TEXT NOT NULL CHECK (type IN ('movie', 'tvshow')),
            paths TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            scan_on_startup INTEGER NOT NULL DEFAULT 0,
            realtime_monitoring INTEGER NOT NULL DEFAULT 1,
            metadata_provider TEXT NOT NULL DEFAULT 'tmdb',
            preferred_language TEXT NOT NULL DEFAULT 'en',
            scanner_config TEXT NOT NULL DEFAULT '{}',
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX libraries_name ON libraries (name COLLATE NOCASE);
        CREATE TABLE library_permissions (
            id TEXT PRIMARY KEY NOT NULL,
            library_id TEXT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            permission TEXT NOT NULL CHECK (permission IN ('view', 'download', 'manage')),
            created_at INTEGER NOT NULL,
            UNIQUE (library_id, user_id, permission)
        );
        CREATE INDEX library_permissions_user ON library_permissions (user_id);
        CREATE TABLE library_scans (
            id TEXT PRIMARY KEY NOT NULL,
            library_id TEXT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
            job_id TEXT,
            scan_type TEXT NOT NULL CHECK (scan_type IN ('full', 'incremental', 'metadata')),
            status TEXT NOT NULL,
            items_scanned INTEGER NOT NULL DEFAULT 0,
            items_added INTEGER NOT NULL DEFAULT 0,
            items_updated INTEGER NOT NULL DEFAULT 0,
            items_removed INTEGER NOT NULL DEFAULT 0,
            error_count INTEGER NOT NULL DEFAULT 0,
            error_message TEXT,
            errors TEXT NOT NULL DEFAULT '[]',
            started_at INTEGER,
            completed_at INTEGER,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX library_scans_library ON library_scans (library_id, created_at DESC);

        CREATE TABLE collections (
            id TEXT PRIMARY KEY NOT NULL,
            tmdb_id INTEGER UNIQUE,
            name TEXT NOT NULL,
            overview TEXT,
            poster_path TEXT,
            backdrop_path TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE movies (
            id TEXT PRIMARY KEY NOT NULL,
            library_id TEXT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            sort_title TEXT NOT NULL,
            original_title TEXT,
            year INTEGER,
            release_date TEXT,
            runtime INTEGER,
            overview TEXT,
            tagline TEXT,
            status TEXT,
            original_language TEXT,
            poster_path TEXT,
            backdrop_path TEXT,
            trailer_url TEXT,
            vote_average REAL,
            vote_count INTEGER,
            popularity REAL,
            budget INTEGER,
            revenue INTEGER,
            tmdb_id INTEGER,
            imdb_id TEXT,
            radarr_id INTEGER,
            collection_id TEXT REFERENCES collections (id) ON DELETE SET NULL,
            max_height INTEGER,
            search_rowid INTEGER,
            metadata_updated_at INTEGER,
            metadata_error TEXT,
            added_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX movies_added ON movies (added_at DESC, id, library_id);
        CREATE INDEX movies_title ON movies (sort_title, year, id, library_id);
        CREATE INDEX movies_year ON movies (year DESC, sort_title, id, library_id);
        CREATE INDEX movies_rating ON movies (vote_average DESC, vote_count DESC, sort_title, id, library_id);
        CREATE INDEX movies_release ON movies (release_date DESC, sort_title, id, library_id);
        CREATE INDEX movies_popularity ON movies (popularity DESC, sort_title, id, library_id);
        CREATE INDEX movies_status ON movies (status, library_id);
        CREATE INDEX movies_height ON movies (max_height, library_id);
        CREATE INDEX movies_tmdb ON movies (tmdb_id);
        CREATE INDEX movies_imdb ON movies (imdb_id);
        CREATE INDEX movies_library_name ON movies (library_id, title COLLATE NOCASE, year);
        CREATE INDEX movies_collection ON movies (collection_id);
        CREATE TABLE series (
            id TEXT PRIMARY KEY NOT NULL,
            library_id TEXT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            sort_title TEXT NOT NULL,
            original_title TEXT,
            year INTEGER,
            original_language TEXT,
            tagline TEXT,
            overview TEXT,
            status TEXT,
            type TEXT,
            first_air_date TEXT,
            last_air_date TEXT,
            vote_average REAL,
            vote_count INTEGER,
            popularity REAL,
            poster_path TEXT,
            backdrop_path TEXT,
            trailer_url TEXT,
            homepage TEXT,
            tmdb_id INTEGER,
            tvdb_id INTEGER,
            imdb_id TEXT,
            sonarr_id INTEGER,
            search_rowid INTEGER,
            metadata_updated_at INTEGER,
            metadata_error TEXT,
            added_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX series_library_added ON series (library_id, added_at DESC);
        CREATE INDEX series_library_title ON series (library_id, sort_title);
        CREATE INDEX series_tmdb ON series (tmdb_id);
        CREATE INDEX series_library_name ON series (library_id, title COLLATE NOCASE);
        CREATE TABLE seasons (
            id TEXT PRIMARY KEY NOT NULL,
            series_id TEXT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
            season_number INTEGER NOT NULL,
            tmdb_id INTEGER,
            name TEXT NOT NULL,
            overview TEXT,
            poster_path TEXT,
            air_date TEXT,
            vote_average REAL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (series_id, season_number)
        );
        CREATE TABLE episodes (
            id TEXT PRIMARY KEY NOT NULL,
            series_id TEXT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
            season_id TEXT NOT NULL REFERENCES seasons (id) ON DELETE CASCADE,
            season_number INTEGER NOT NULL,
            episode_number INTEGER NOT NULL,
            title TEXT,
            overview TEXT,
            air_date TEXT,
            runtime INTEGER,
            vote_average REAL,
            vote_count INTEGER,
            still_path TEXT,
            production_code TEXT,
            tmdb_id INTEGER,
            tvdb_id INTEGER,
            imdb_id TEXT,
            added_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (series_id, season_number, episode_number)
        );
        CREATE INDEX episodes_season ON episodes (season_id, episode_number);
        CREATE INDEX episodes_air_date ON episodes (air_date);
        CREATE INDEX episodes_added ON episodes (added_at DESC);

        CREATE TABLE media_files (
            id TEXT PRIMARY KEY NOT NULL,
            library_id TEXT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
            path TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            mtime INTEGER NOT NULL,
            device INTEGER NOT NULL,
            inode INTEGER NOT NULL,
            movie_id TEXT REFERENCES movies (id) ON DELETE SET NULL,
            container TEXT,
            duration_seconds INTEGER,
            bitrate_kbps INTEGER,
            video_codec TEXT,
            width INTEGER,
            height INTEGER,
            framerate REAL,
            dynamic_range TEXT,
            color_space TEXT,
            audio_codec TEXT,
            audio_channels TEXT,
            audio_languages TEXT NOT NULL DEFAULT '[]',
            subtitle_languages TEXT NOT NULL DEFAULT '[]',
            probed_at INTEGER,
            probe_error TEXT,
            missing_since INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX media_files_library ON media_files (library_id);
        CREATE INDEX media_files_inode ON media_files (device, inode);
        CREATE INDEX media_files_movie ON media_files (movie_id);
        CREATE TABLE episode_files (
            episode_id TEXT NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
            file_id TEXT NOT NULL REFERENCES media_files (id) ON DELETE CASCADE,
            PRIMARY KEY (episode_id, file_id)
        ) WITHOUT ROWID;
        CREATE INDEX episode_files_file ON episode_files (file_id);

        CREATE TABLE genres (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL
        );
        CREATE TABLE movie_genres (
            movie_id TEXT NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
            genre_id INTEGER NOT NULL REFERENCES genres (id),
            created_at INTEGER NOT NULL,
            PRIMARY KEY (movie_id, genre_id)
        ) WITHOUT ROWID;
        CREATE INDEX movie_genres_genre ON movie_genres (genre_id, movie_id);
        CREATE TABLE series_genres (
            series_id TEXT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
            genre_id INTEGER NOT NULL REFERENCES genres (id),
            created_at INTEGER NOT NULL,
            PRIMARY KEY (series_id, genre_id)
        ) WITHOUT ROWID;
        CREATE INDEX series_genres_genre ON series_genres (genre_id, series_id);
        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            tmdb_id INTEGER UNIQUE,
            name TEXT NOT NULL,
            profile_path TEXT
        );
        CREATE TABLE movie_credits (
            id TEXT PRIMARY KEY NOT NULL,
            movie_id TEXT NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people (id),
            credit_type TEXT NOT NULL CHECK (credit_type IN ('cast', 'crew')),
            character TEXT,
            job TEXT,
            department TEXT,
            cast_order INTEGER,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX movie_credits_movie ON movie_credits (movie_id, credit_type, cast_order);
        CREATE INDEX movie_credits_person ON movie_credits (person_id);
        CREATE INDEX movie_credits_directors ON movie_credits (movie_id, person_id) WHERE job = 'Director';
        CREATE INDEX movie_credits_directed ON movie_credits (person_id, movie_id) WHERE job = 'Director';
        CREATE TABLE series_credits (
            id TEXT PRIMARY KEY NOT NULL,
            series_id TEXT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people (id),
            credit_type TEXT NOT NULL CHECK (credit_type IN ('cast', 'crew')),
            character TEXT,
            job TEXT,
            department TEXT,
            cast_order INTEGER,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX series_credits_series ON series_credits (series_id, credit_type, cast_order);
        CREATE INDEX series_credits_person ON series_credits (person_id);
        CREATE TABLE networks (
            id TEXT PRIMARY KEY NOT NULL,
            tmdb_id INTEGER UNIQUE,
            name TEXT NOT NULL,
            logo_path TEXT,
            origin_country TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE series_networks (
            series_id TEXT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
            network_id TEXT NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
            PRIMARY KEY (series_id, network_id)
        ) WITHOUT ROWID;

        CREATE TABLE movie_progress (
            id TEXT PRIMARY KEY NOT NULL,
            user_id TEXT NOT NULL,
            movie_id TEXT NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
            progress_seconds INTEGER NOT NULL,
            duration_seconds INTEGER NOT NULL,
            is_completed INTEGER NOT NULL DEFAULT 0,
            watch_count INTEGER NOT NULL DEFAULT 0,
            last_watched_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (user_id, movie_id)
        );
        CREATE INDEX movie_progress_recent ON movie_progress (user_id, last_watched_at DESC);
        CREATE TABLE episode_progress (
            id TEXT PRIMARY KEY NOT NULL,
            user_id TEXT NOT NULL,
            episode_id TEXT NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
            progress_seconds INTEGER NOT NULL,
            duration_seconds INTEGER NOT NULL,
            is_completed INTEGER NOT NULL DEFAULT 0,
            watch_count INTEGER NOT NULL DEFAULT 0,
            watched_at INTEGER,
            last_watched_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (user_id, episode_id)
        );
        CREATE INDEX episode_progress_recent ON episode_progress (user_id, last_watched_at DESC);

        CREATE VIRTUAL TABLE movie_search USING fts5 (
            title, original_title, overview, people, genres,
            movie_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4'
        );
        CREATE VIRTUAL TABLE series_search USING fts5 (
            title, original_title, overview, people, genres,
            series_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4'
        );
        CREATE VIRTUAL TABLE movie_search_terms USING fts5vocab (movie_search, row);
        CREATE VIRTUAL TABLE series_search_terms USING fts5vocab (series_search, row);
        """
}
