/// The appliance's schema, as an ordered list of migrations. New steps go at the end with the next
/// version number; a shipped step is never edited. Timestamps are Unix milliseconds (INTEGER)
/// except the metrics tables, which are keyed on Unix seconds.
public enum StateSchema {
    public static let migrations: [Migration] = [
        Migration(version: 1, name: "jobs, job items, schedules, key-value", sql: jobsAndSchedules),
        Migration(version: 2, name: "monitoring history", sql: metrics),
        Migration(version: 3, name: "accounts, roles, sessions, keys, MFA, OIDC, activity", sql: accounts),
        Migration(version: 4, name: "media catalog: libraries, scans, files, movies, series, people, progress, search", sql: catalog),
        Migration(version: 5, name: "integrations: media requests, error reports, webhook events, app syncs", sql: integrations),
        Migration(version: 6, name: "stash: scenes, files, performers, studios, tags, links, search, sync state", sql: stash),
        Migration(version: 7, name: "catalog generation: a counter of the changes the search facets depend on", sql: catalogGeneration),
        Migration(version: 8, name: "stash analysis: plans, their scenes, proposed changes", sql: analysis),
        Migration(version: 9, name: "downloads: the jobs table takes youtube_download jobs", sql: downloadJobs),
        Migration(version: 10, name: "movies and series by their full-text rowid", sql: searchRowid),
        Migration(version: 11, name: "search: full-text rows of movies keyed most popular first; genre and director ids on each movie", sql: searchPopularity),
    ]

    static let jobsAndSchedules = """
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('thumbnail', 'sync', 'scan', 'analysis')),
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
        CREATE INDEX jobs_status ON jobs (status);
        CREATE INDEX jobs_created ON jobs (created_at);
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
        CREATE TABLE schedules (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            library_id TEXT,
            library_name TEXT,
            schedule_type TEXT NOT NULL CHECK (schedule_type IN ('cron', 'interval')),
            cron_expression TEXT,
            interval_minutes INTEGER CHECK (interval_minutes IS NULL OR interval_minutes > 0),
            enabled INTEGER NOT NULL DEFAULT 1,
            parameters TEXT NOT NULL DEFAULT '{}',
            next_run INTEGER,
            last_run INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            CHECK ((schedule_type = 'cron' AND cron_expression IS NOT NULL)
                OR (schedule_type = 'interval' AND interval_minutes IS NOT NULL))
        );
        CREATE TABLE kv (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """

    /// `memory_total` and `disk_free` came later: a database made before them gets them from
    /// `SQLiteHistoryStore` when it opens (an `ALTER TABLE` each, which makes SQLite parse the whole schema
    /// again); a new one has them here, so first boot skips four of those parses.
    static let metrics = """
        CREATE TABLE metrics_minute (
            ts INTEGER PRIMARY KEY NOT NULL,
            cpu REAL,
            memory REAL,
            memory_used INTEGER,
            disk REAL,
            temperature REAL,
            load1 REAL,
            net_rx INTEGER,
            net_tx INTEGER,
            disk_read INTEGER,
            disk_write INTEGER,
            gpu REAL,
            memory_total INTEGER,
            disk_free INTEGER
        );
        CREATE TABLE metrics_hour (
            ts INTEGER PRIMARY KEY NOT NULL,
            cpu REAL,
            cpu_max REAL,
            memory REAL,
            memory_used INTEGER,
            disk REAL,
            temperature REAL,
            temperature_max REAL,
            load1 REAL,
            net_rx INTEGER,
            net_tx INTEGER,
            disk_read INTEGER,
            disk_write INTEGER,
            gpu REAL,
            memory_total INTEGER,
            disk_free INTEGER
        );
        """
}
