extension StateSchema {
    /// Version 8: analysis plans over the Stash copy (seed 004, issue 14). A plan is the proposals of
    /// one analysis run; `analysis_plan_scenes` holds each scene it looked at (its title and Stash's
    /// `updated_at` then, so an apply can tell a scene changed in Stash since, and the scene's own
    /// outcome: the AI's failure, or why an apply skipped it); `plan_changes` holds one proposed change
    /// per scene and field, with the values as JSON (`current_value`, `proposed_value` as names; the
    /// Stash ids an apply writes in `proposed_ids`).
    ///
    /// Plan status: `pending` (being made), `completed` (ready to review and apply), `applying`,
    /// `applied` (every change applied or rejected), `partially_applied` (changes left to review or
    /// apply), `failed`, `cancelled`. Change status: `pending` (to review), `accepted`, `rejected`,
    /// `applied`, `failed` (an apply could not write it; `reason` says why; applied again on the next
    /// apply). Deleting a plan deletes its scenes and changes.
    static let analysis = """
        CREATE TABLE analysis_plans (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'completed', 'applying', 'applied', 'partially_applied', 'failed', 'cancelled')),
            job_id TEXT,
            apply_job_id TEXT,
            confidence_threshold REAL NOT NULL,
            options TEXT NOT NULL DEFAULT '{}',
            metadata TEXT NOT NULL DEFAULT '{}',
            total_scenes INTEGER NOT NULL DEFAULT 0,
            total_changes INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            applied_at INTEGER
        );
        CREATE INDEX analysis_plans_status ON analysis_plans (status, id);
        CREATE TABLE analysis_plan_scenes (
            plan_id INTEGER NOT NULL REFERENCES analysis_plans (id) ON DELETE CASCADE,
            scene_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            scene_title TEXT,
            scene_updated_at TEXT,
            reason TEXT,
            PRIMARY KEY (plan_id, scene_id)
        ) WITHOUT ROWID;
        CREATE TABLE plan_changes (
            id INTEGER PRIMARY KEY,
            plan_id INTEGER NOT NULL REFERENCES analysis_plans (id) ON DELETE CASCADE,
            scene_id TEXT NOT NULL,
            field TEXT NOT NULL CHECK (field IN ('performers', 'studio', 'tags', 'details')),
            action TEXT NOT NULL CHECK (action IN ('add', 'remove', 'set')),
            current_value TEXT NOT NULL DEFAULT 'null',
            proposed_value TEXT NOT NULL DEFAULT 'null',
            proposed_ids TEXT,
            confidence REAL NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'accepted', 'rejected', 'applied', 'failed')),
            source TEXT NOT NULL DEFAULT 'rules',
            reason TEXT,
            updated_at INTEGER NOT NULL,
            UNIQUE (plan_id, scene_id, field)
        );
        CREATE INDEX plan_changes_status ON plan_changes (plan_id, status);
        """
}
