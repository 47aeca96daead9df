extension StateSchema {
    /// Version 6: the local copy of a Stash server (seed 004, issue 14): scenes with their files,
    /// performers, studios (with their parent), tags, the scene ↔ performer and scene ↔ tag links, a
    /// full-text index over scene titles and details, and each entity type's sync state.
    ///
    /// Ids are Stash's own (text). Stash's `created_at`/`updated_at` are kept both as Stash wrote them
    /// (`*_text`, what an incremental sync hands back to Stash) and as Unix milliseconds (for sorting);
    /// `synced_at` is when this copy last wrote the row. Links carry no foreign key to the entity
    /// tables: a scene may name a performer the performer sync has not reached yet (the scene sync
    /// writes a placeholder row with the id and name Stash gave). Deleting a scene deletes its files,
    /// links and search row. Lists (urls, aliases, fingerprints) are JSON arrays.
    ///
    /// The indexes serve 004's `GET /scenes/` filters (studio, performers, tags, organized, date range)
    /// and sorts (title, date, created, updated, rating, synced). Plans and changes (the analysis half)
    /// will reference `stash_scenes.id`.
    static let stash = """
        CREATE TABLE stash_studios (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            parent_id TEXT,
            aliases TEXT NOT NULL DEFAULT '[]',
            urls TEXT NOT NULL DEFAULT '[]',
            details TEXT,
            rating INTEGER,
            favorite INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER,
            updated_at INTEGER,
            updated_at_text TEXT,
            synced_at INTEGER NOT NULL
        );
        CREATE INDEX stash_studios_name ON stash_studios (name COLLATE NOCASE);
        CREATE INDEX stash_studios_parent ON stash_studios (parent_id);
        CREATE TABLE stash_performers (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            disambiguation TEXT,
            aliases TEXT NOT NULL DEFAULT '[]',
            gender TEXT,
            birthdate TEXT,
            country TEXT,
            ethnicity TEXT,
            urls TEXT NOT NULL DEFAULT '[]',
            details TEXT,
            rating INTEGER,
            favorite INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER,
            updated_at INTEGER,
            updated_at_text TEXT,
            synced_at INTEGER NOT NULL
        );
        CREATE INDEX stash_performers_name ON stash_performers (name COLLATE NOCASE);
        CREATE TABLE stash_tags (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            description TEXT,
            aliases TEXT NOT NULL DEFAULT '[]',
            created_at INTEGER,
            updated_at INTEGER,
            updated_at_text TEXT,
            synced_at INTEGER NOT NULL
        );
        CREATE INDEX stash_tags_name ON stash_tags (name COLLATE NOCASE);
        CREATE TABLE stash_scenes (
            pk INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            title TEXT,
            code TEXT,
            details TEXT,
            director TEXT,
            date TEXT,
            rating INTEGER,
            organized INTEGER NOT NULL DEFAULT 0,
            urls TEXT NOT NULL DEFAULT '[]',
            studio_id TEXT,
            created_at INTEGER,
            updated_at INTEGER,
            created_at_text TEXT,
            updated_at_text TEXT,
            synced_at INTEGER NOT NULL
        );
        CREATE INDEX stash_scenes_title ON stash_scenes (title COLLATE NOCASE, pk);
        CREATE INDEX stash_scenes_date ON stash_scenes (date, pk);
        CREATE INDEX stash_scenes_created ON stash_scenes (created_at, pk);
        CREATE INDEX stash_scenes_updated ON stash_scenes (updated_at, pk);
        CREATE INDEX stash_scenes_rating ON stash_scenes (rating, pk);
        CREATE INDEX stash_scenes_synced ON stash_scenes (synced_at, pk);
        CREATE INDEX stash_scenes_studio ON stash_scenes (studio_id, date);
        CREATE INDEX stash_scenes_organized ON stash_scenes (organized, date);
        CREATE TABLE stash_scene_files (
            scene_id TEXT NOT NULL REFERENCES stash_scenes (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            file_id TEXT,
            path TEXT NOT NULL,
            size INTEGER,
            duration REAL,
            format TEXT,
            video_codec TEXT,
            audio_codec TEXT,
            width INTEGER,
            height INTEGER,
            frame_rate REAL,
            bit_rate INTEGER,
            fingerprints TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (scene_id, position)
        ) WITHOUT ROWID;
        CREATE INDEX stash_scene_files_path ON stash_scene_files (path);
        CREATE TABLE stash_scene_performers (
            scene_id TEXT NOT NULL REFERENCES stash_scenes (id) ON DELETE CASCADE,
            performer_id TEXT NOT NULL,
            PRIMARY KEY (scene_id, performer_id)
        ) WITHOUT ROWID;
        CREATE INDEX stash_scene_performers_performer ON stash_scene_performers (performer_id, scene_id);
        CREATE TABLE stash_scene_tags (
            scene_id TEXT NOT NULL REFERENCES stash_scenes (id) ON DELETE CASCADE,
            tag_id TEXT NOT NULL,
            PRIMARY KEY (scene_id, tag_id)
        ) WITHOUT ROWID;
        CREATE INDEX stash_scene_tags_tag ON stash_scene_tags (tag_id, scene_id);
        CREATE TABLE stash_sync_state (
            entity TEXT PRIMARY KEY NOT NULL CHECK (entity IN ('scenes', 'performers', 'studios', 'tags')),
            last_sync_at INTEGER,
            last_full_sync_at INTEGER,
            high_water TEXT,
            high_water_ms INTEGER,
            job_id TEXT,
            last_error TEXT,
            last_error_at INTEGER,
            processed INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0
        );

        CREATE VIRTUAL TABLE stash_scene_search USING fts5 (
            title, details, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4'
        );
        CREATE TRIGGER stash_scenes_search_insert AFTER INSERT ON stash_scenes BEGIN
            INSERT INTO stash_scene_search (rowid, title, details) VALUES (new.pk, coalesce(new.title, ''), coalesce(new.details, ''));
        END;
        CREATE TRIGGER stash_scenes_search_update AFTER UPDATE OF title, details ON stash_scenes BEGIN
            DELETE FROM stash_scene_search WHERE rowid = old.pk;
            INSERT INTO stash_scene_search (rowid, title, details) VALUES (new.pk, coalesce(new.title, ''), coalesce(new.details, ''));
        END;
        CREATE TRIGGER stash_scenes_search_delete AFTER DELETE ON stash_scenes BEGIN
            DELETE FROM stash_scene_search WHERE rowid = old.pk;
        END;
        """
}
