extension StateSchema {
    /// Version 5: what the integrations keep (issue 13): 001's media requests and where each was
    /// forwarded, the front end's error reports (bounded by count and bytes), the webhook events already
    /// acted on (so a replayed delivery is ignored), and each *arr app's last catalog sync.
    ///
    /// A request's `user_id` is not a foreign key: the appliance token's requests belong to the owner
    /// pseudo-user `appliance`, which has no row in `users`; a deleted user's requests stay for the admins.
    static let integrations = """
        CREATE TABLE media_requests (
            id TEXT PRIMARY KEY NOT NULL,
            user_id TEXT NOT NULL,
            media_type TEXT NOT NULL CHECK (media_type IN ('movie', 'tv')),
            tmdb_id INTEGER NOT NULL,
            title TEXT NOT NULL,
            year INTEGER,
            poster_path TEXT,
            quality TEXT,
            comment TEXT,
            seasons TEXT,
            status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined', 'processing', 'available', 'failed')),
            target TEXT,
            remote_id TEXT,
            status_reason TEXT,
            decided_by TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX media_requests_user ON media_requests (user_id, created_at DESC);
        CREATE INDEX media_requests_status ON media_requests (status, created_at DESC);
        CREATE INDEX media_requests_media ON media_requests (media_type, tmdb_id);
        CREATE TABLE error_reports (
            id TEXT PRIMARY KEY NOT NULL,
            received_at INTEGER NOT NULL,
            user_id TEXT,
            level TEXT NOT NULL,
            message TEXT NOT NULL,
            code TEXT,
            status_code INTEGER,
            component TEXT,
            url TEXT,
            user_agent TEXT,
            stack TEXT,
            bytes INTEGER NOT NULL
        );
        CREATE INDEX error_reports_received ON error_reports (received_at);
        CREATE TABLE webhook_events (
            source TEXT NOT NULL,
            event_key TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            PRIMARY KEY (source, event_key)
        ) WITHOUT ROWID;
        CREATE INDEX webhook_events_received ON webhook_events (received_at);
        CREATE TABLE integration_syncs (
            app TEXT PRIMARY KEY NOT NULL,
            job_id TEXT,
            is_running INTEGER NOT NULL DEFAULT 0,
            started_at INTEGER,
            finished_at INTEGER,
            last_error TEXT,
            added INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0,
            episodes_added INTEGER NOT NULL DEFAULT 0,
            episodes_updated INTEGER NOT NULL DEFAULT 0,
            total INTEGER NOT NULL DEFAULT 0,
            total_episodes INTEGER NOT NULL DEFAULT 0
        );
        """
}
