import Core
import Store

/// One sync: each entity type in turn, page by page (Stash's `updated_at` order, oldest first), each
/// page written in one transaction; then, for a full sync, what the copy holds but Stash no longer
/// listed is asked for by id and removed when Stash has it no more. The sync state of an entity type
/// (high-water mark, counts) moves only when its listing finished.
struct SyncRun {
    let sync: StashSync
    let jobID: String
    let scope: SyncScope
    let force: Bool
    let batchSize: Int
    var outcome: SyncOutcome

    init(sync: StashSync, jobID: String, scope: SyncScope, force: Bool, batchSize: Int, startedAt: Int64) {
        self.sync = sync
        self.jobID = jobID
        self.scope = scope
        self.force = force
        self.batchSize = max(1, batchSize)
        outcome = SyncOutcome(jobID: jobID, startedAt: startedAt)
    }

    var database: Database { sync.database }

    mutating func perform() async {
        var entity: StashEntity?
        do {
            try await mark()
            switch scope {
            case .scenes(let ids):
                entity = .scenes
                try await scenes(ids)
            case .all, .entity:
                for next in scope.entities {
                    entity = next
                    try await copy(next)
                }
            }
            try await finish(status: "completed", error: nil)
        } catch StashError.cancelled {
            outcome.status = "cancelled"
            outcome.note("cancelled")
            try? await finish(status: "cancelled", error: "cancelled")
        } catch {
            let reason = (error as? StashError)?.description ?? "\(error)"
            outcome.status = "failed"
            outcome.note(reason)
            Log.shared.warning("Stash sync \(jobID) failed: \(reason)")
            // The entity's failure first: once the job reads as failed, the next sync may start.
            if let entity { try? await recordFailure(entity, reason: reason) }
            try? await finish(status: "failed", error: reason)
        }
    }

    // MARK: One entity type

    /// Copies `entity`: what changed since the last sync, or everything (`force`, no earlier sync,
    /// `sync.incremental` off), removing afterwards what Stash no longer has.
    mutating func copy(_ entity: StashEntity) async throws {
        let state = try await database.perform { [database] in
            try database.queryOne("SELECT high_water, high_water_ms FROM stash_sync_state WHERE entity = ?", [.text(entity.rawValue)])
        }
        var highWater = state?["high_water"].stringValue
        var highWaterMs = state?["high_water_ms"].int64Value ?? Int64.min
        let since = !force && sync.settings().incremental ? highWater : nil
        var seen = Set<String>()
        var page = 1
        var counts = SyncOutcome.Counts()
        let (client, perPage) = (sync.client, batchSize)
        try await checkCancelled()
        var result = try await client.find(entity, page: 1, perPage: perPage, updatedAfter: since)
        counts.total = result.count
        while true {
            let last = result.items.count < perPage || page * perPage >= result.count || page > result.count / perPage + 1
            if !last { try await checkCancelled() }
            // The next page is asked for while this one is written (Stash's time and ours overlap).
            let nextPage = page + 1
            async let next = last ? nil : client.find(entity, page: nextPage, perPage: perPage, updatedAfter: since)
            try await write(entity, result.items, counts: &counts)
            for item in result.items {
                if let id = item["id"]?.stringValue { seen.insert(id) }
                if let text = item["updated_at"]?.stringValue, let ms = StashTime.milliseconds(text), ms > highWaterMs {
                    highWaterMs = ms
                    highWater = text
                }
            }
            outcome.counts[entity] = counts
            try await progress()
            guard let following = try await next else { break }
            result = following
            page = nextPage
        }
        if since == nil {
            try await removeUnlisted(entity, seen: seen, counts: &counts)
            if entity == .scenes {
                // Fresh statistics after a full copy, so the planner knows a studio or a tag narrows the
                // list far more than `organized` does (tens of milliseconds at 20,000 scenes without them).
                try await database.perform { [database] in
                    try database.execute("ANALYZE stash_scenes")
                    try database.execute("ANALYZE stash_scene_performers")
                    try database.execute("ANALYZE stash_scene_tags")
                }
            }
        }
        outcome.counts[entity] = counts
        try await recordSuccess(entity, full: since == nil, highWater: highWater, highWaterMs: highWaterMs, counts: counts)
    }

    /// Writes one page in one transaction; an item Stash sent without an id or name is counted as failed.
    mutating func write(_ entity: StashEntity, _ items: [JSON], counts: inout SyncOutcome.Counts) async throws {
        let now = sync.clock()
        let (created, updated, refused) = try await database.perform { [database] in
            try database.transaction { connection -> (Int, Int, [String]) in
                var created = 0
                var updated = 0
                var refused: [String] = []
                let cache = StatementCache(connection)
                for item in items {
                    do {
                        if try StashWriter.write(entity, item, sql: cache, now: now) { created += 1 } else { updated += 1 }
                    } catch let error as StashWriter.Refused {
                        refused.append("\(entity.noun): \(error.description)")
                    }
                }
                return (created, updated, refused)
            }
        }
        counts.processed += items.count
        counts.created += created
        counts.updated += updated
        counts.failed += refused.count
        for reason in refused { outcome.note(reason) }
    }

    /// After a full listing: the ids the copy holds that Stash did not list are asked for by id (a
    /// scene that moved between pages while the sync paged is still there); those Stash has no more go.
    mutating func removeUnlisted(_ entity: StashEntity, seen: Set<String>, counts: inout SyncOutcome.Counts) async throws {
        let local = try await database.perform { [database] in
            try database.query("SELECT id FROM stash_\(entity.rawValue)").compactMap { $0[0].stringValue }
        }
        let candidates = local.filter { !seen.contains($0) }
        try await refetch(entity, candidates, counts: &counts)
    }

    /// Asks Stash for `ids` of `entity` by id, writes those it has and removes the others.
    mutating func refetch(_ entity: StashEntity, _ ids: [String], counts: inout SyncOutcome.Counts) async throws {
        var start = 0
        while start < ids.count {
            try await checkCancelled()
            let chunk = Array(ids[start..<min(ids.count, start + batchSize)])
            let result = try await sync.client.find(entity, page: 1, perPage: chunk.count, ids: chunk)
            try await write(entity, result.items, counts: &counts)
            let found = Set(result.items.compactMap { $0["id"]?.stringValue })
            let gone = chunk.filter { !found.contains($0) }
            if !gone.isEmpty {
                let removed = try await database.perform { [database] in
                    try database.transaction { connection in try StashWriter.remove(entity, ids: gone, sql: StatementCache(connection)) }
                }
                counts.removed += removed
            }
            start += chunk.count
        }
    }

    /// 004's `/sync/scenes` with `scene_ids`: those scenes, by id; the ones Stash no longer has leave the copy.
    mutating func scenes(_ ids: [String]) async throws {
        var counts = SyncOutcome.Counts()
        counts.total = ids.count
        try await refetch(.scenes, ids, counts: &counts)
        outcome.counts[.scenes] = counts
        try await progress()
    }

    // MARK: The job and the sync state

    func checkCancelled() async throws {
        let status = try await database.perform { [database, jobID] in
            try database.queryOne("SELECT status FROM jobs WHERE id = ?", [.text(jobID)])?[0].stringValue
        }
        if status == nil || status == "cancelled" { throw StashError.cancelled }
    }

    func mark() async throws {
        let now = sync.clock()
        try await database.perform { [database, jobID] in
            try database.execute(
                "UPDATE jobs SET status = 'running', started_at = coalesce(started_at, ?), updated_at = ? WHERE id = ? AND status = 'pending'",
                [.integer(now), .integer(now), .text(jobID)])
        }
    }

    func progress() async throws {
        let now = sync.clock()
        let all = outcome.all
        let percent = all.total == 0 ? 0 : min(99, (Double(all.processed) / Double(all.total) * 1000).rounded() / 10)
        try await database.perform { [database, jobID] in
            try database.execute(
                """
                UPDATE jobs SET progress = ?, total_items = ?, completed_items = ?, failed_items = ?, updated_at = ?
                WHERE id = ? AND status = 'running'
                """,
                [
                    .real(percent), .integer(Int64(all.total)), .integer(Int64(all.processed)), .integer(Int64(all.failed)), .integer(now),
                    .text(jobID),
                ])
        }
        sync.notify(event("job_progress", status: "running", progress: percent))
    }

    /// 000's job event of this sync now.
    func event(_ name: String, status: String, progress: Double) -> SyncEvent {
        let all = outcome.all
        return SyncEvent(
            event: name, jobID: jobID,
            data: [
                "job_id": .string(jobID), "status": .string(status), "progress": .double(progress), "completed": JSON(all.processed),
                "failed": JSON(all.failed), "skipped": 0, "total": JSON(all.total),
                "error": outcome.status == "completed" ? .null : JSON(outcome.errors.last),
            ])
    }

    /// Records the end and lets go of the sync slot under the same lock; a job cancelled meanwhile is left as
    /// the cancel wrote it unless this is the cancelled run recording its result.
    mutating func finish(status: String, error: String?) async throws {
        let now = sync.clock()
        outcome.completedAt = now
        let all = outcome.all
        let result = String(decoding: outcome.json.encoded(), as: UTF8.self)
        try await database.perform { [database, jobID, sync] in
            try database.withConnection { (connection) throws(SQLiteError) in
                try connection.execute(
                    """
                    UPDATE jobs SET status = ?, progress = CASE WHEN ? = 'completed' THEN 100 ELSE progress END, total_items = ?,
                        completed_items = ?, failed_items = ?, result = ?, error = coalesce(?, error), completed_at = coalesce(completed_at, ?),
                        updated_at = ?
                    WHERE id = ? AND (status IN ('pending', 'running') OR (status = 'cancelled' AND ? = 'cancelled'))
                    """,
                    [
                        .text(status), .text(status), .integer(Int64(all.total)), .integer(Int64(all.processed)), .integer(Int64(all.failed)),
                        .text(result), SQLValue(error), .integer(now), .integer(now), .text(jobID), .text(status),
                    ])
                sync.release(jobID)
            }
        }
        sync.notify(event(status == "failed" ? "job_error" : "job_complete", status: status, progress: status == "completed" ? 100 : 0))
    }

    func recordSuccess(_ entity: StashEntity, full: Bool, highWater: String?, highWaterMs: Int64, counts: SyncOutcome.Counts) async throws {
        let now = sync.clock()
        try await database.perform { [database, jobID] in
            try database.execute(
                """
                INSERT INTO stash_sync_state (entity, last_sync_at, last_full_sync_at, high_water, high_water_ms, job_id, last_error,
                    last_error_at, processed, created, updated, removed)
                VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?)
                ON CONFLICT (entity) DO UPDATE SET last_sync_at = excluded.last_sync_at,
                    last_full_sync_at = coalesce(excluded.last_full_sync_at, last_full_sync_at), high_water = excluded.high_water,
                    high_water_ms = excluded.high_water_ms, job_id = excluded.job_id, last_error = NULL, last_error_at = NULL,
                    processed = excluded.processed, created = excluded.created, updated = excluded.updated, removed = excluded.removed
                """,
                [
                    .text(entity.rawValue), .integer(now), full ? .integer(now) : .null, SQLValue(highWater),
                    highWater == nil ? .null : .integer(highWaterMs), .text(jobID), .integer(Int64(counts.processed)),
                    .integer(Int64(counts.created)), .integer(Int64(counts.updated)), .integer(Int64(counts.removed)),
                ])
        }
    }

    func recordFailure(_ entity: StashEntity, reason: String) async throws {
        let now = sync.clock()
        try await database.perform { [database, jobID] in
            try database.execute(
                """
                INSERT INTO stash_sync_state (entity, job_id, last_error, last_error_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (entity) DO UPDATE SET job_id = excluded.job_id, last_error = excluded.last_error, last_error_at = excluded.last_error_at
                """, [.text(entity.rawValue), .text(jobID), .text(String(reason.prefix(500))), .integer(now)])
        }
    }
}
