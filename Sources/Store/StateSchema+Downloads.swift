extension StateSchema {
    /// Version 9: the jobs table takes the kind `youtube_download` (issue 17's yt-dlp downloads). SQLite
    /// cannot change a CHECK in place, so the table is rebuilt. `job_items` goes first and comes back
    /// after: with foreign keys on, dropping `jobs` would otherwise cascade into it.
    static let downloadJobs = """
        CREATE TABLE job_items_copy AS SELECT * FROM job_items;
        DROP TABLE job_items;
        CREATE TABLE jobs_rebuilt (
            id TEXT PRIMARY KEY NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('thumbnail', 'sync', 'scan', 'analysis', 'youtube_download')),
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
            library_id TEXT,
            library_name TEXT,
            schedule_id TEXT,
            priority INTEGER NOT NULL DEFAULT 2,
            progress REAL NOT NULL DEFAULT 0,
            total_items INTEGER NOT NULL DEFAULT 0,
            completed_items INTEGER NOT NULL DEFAULT 0,
            failed_items INTEGER NOT NULL DEFAULT 0,
            skipped_items INTEGER NOT NULL DEFAULT 0,
            parameters TEXT NOT NULL DEFAULT '{}',
            result TEXT,
            error TEXT,
            resume_state TEXT,
            created_at INTEGER NOT NULL,
            started_at INTEGER,
            updated_at INTEGER NOT NULL,
            completed_at INTEGER
        );
        INSERT INTO jobs_rebuilt SELECT id, kind, status, library_id, library_name, schedule_id, priority, progress, total_items,
            completed_items, failed_items, skipped_items, parameters, result, error, resume_state, created_at, started_at, updated_at,
            completed_at FROM jobs;
        DROP TABLE jobs;
        ALTER TABLE jobs_rebuilt RENAME TO jobs;
        CREATE INDEX jobs_status ON jobs (status);
        CREATE INDEX jobs_created ON jobs (created_at);
        CREATE INDEX jobs_kind_created ON jobs (kind, created_at);
        CREATE TABLE job_items (
            job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            item_key TEXT NOT NULL,
            title TEXT,
            file TEXT,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'running', 'completed', 'failed', 'skipped')),
            reason TEXT,
            decode_path TEXT,
            frames INTEGER,
            duration_ms INTEGER,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (job_id, item_key)
        ) WITHOUT ROWID;
        INSERT INTO job_items SELECT job_id, item_key, title, file, status, reason, decode_path, frames, duration_ms, updated_at
            FROM job_items_copy;
        DROP TABLE job_items_copy;
        """
}
