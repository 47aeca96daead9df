import Core
import Store

/// Writes a plan's accepted changes to Stash, scene by scene: the scene is read from Stash again; a
/// scene Stash no longer has, or whose `updated_at` moved since the plan, is skipped with that reason
/// on the scene and its changes (`failed`); otherwise one `sceneUpdate` carries every accepted field
/// (performers and tags as the whole list the change proposes, the studio, the details), the copy
/// takes the scene Stash answers, and the changes are `applied`. Only `accepted` changes (and `failed`
/// ones, which were accepted before) are written: nothing pending or rejected reaches Stash.
///
/// A GraphQL error fails that scene's changes and the apply goes on; Stash refusing the key, down or
/// too slow stops it (the job fails with the reason, the scenes not reached keep their changes as
/// they were). The plan ends `applied` when every change is applied or rejected, else `partially_applied`.
struct ApplyRun {
    let analysis: StashAnalysis
    let job: AnalysisJob
    let planID: Int64
    let sceneIDs: [String]?

    var updated = 0
    var skipped = 0
    var failedScenes = 0
    var applied = 0
    var failedChanges = 0
    var errors: [String] = []

    var database: Database { analysis.database }

    /// The changes to write, grouped by scene in the plan's order, with Stash's `updated_at` then.
    struct SceneWork: Sendable {
        var sceneID: String
        var title: String?
        var updatedAt: String?
        var changes: [(id: Int64, field: String, proposed: JSON, ids: [String]?)]
    }

    static func work(_ connection: Connection, plan: Int64, scenes: [String]?) throws(SQLiteError) -> [SceneWork] {
        var sql = """
            SELECT c.id, c.scene_id, c.field, c.proposed_value, c.proposed_ids, s.scene_title, s.scene_updated_at
            FROM plan_changes c JOIN analysis_plan_scenes s ON s.plan_id = c.plan_id AND s.scene_id = c.scene_id
            WHERE c.plan_id = ? AND c.status IN ('accepted', 'failed')
            """
        var values: [SQLValue] = [.integer(plan)]
        if let scenes {
            sql += " AND c.scene_id IN (\(SceneQueries.marks(scenes.count)))"
            values += scenes.map(SQLValue.text)
        }
        sql += " ORDER BY s.position, c.id"
        var work: [SceneWork] = []
        for row in try connection.query(sql, values) {
            guard let id = row["id"].int64Value, let scene = row.string("scene_id"), let field = row.string("field") else { continue }
            let ids = PlanStore.json(row.string("proposed_ids"))?.arrayValue?.compactMap(\.stringValue)
            let change = (id: id, field: field, proposed: PlanStore.json(row.string("proposed_value")) ?? .null, ids: ids)
            if work.last?.sceneID == scene {
                work[work.count - 1].changes.append(change)
            } else {
                work.append(SceneWork(sceneID: scene, title: row.string("scene_title"), updatedAt: row.string("scene_updated_at"), changes: [change]))
            }
        }
        return work
    }

    mutating func perform() async -> JSON {
        var status = "completed"
        var failure: String?
        var total = 0
        do {
            try await job.mark()
            let work = try await database.perform { [database, planID, sceneIDs] in
                try database.withConnection { connection in try Self.work(connection, plan: planID, scenes: sceneIDs) }
            }
            total = work.count
            for scene in work {
                if try await job.isCancelled() { throw StashError.cancelled }
                try await apply(scene)
                try await job.progress(done: updated, failed: failedScenes, skipped: skipped, total: total)
            }
        } catch StashError.cancelled {
            status = "cancelled"
            failure = "cancelled"
        } catch {
            status = "failed"
            failure = (error as? StashError)?.description ?? "\(error)"
            note(failure ?? "")
            Log.shared.warning("Applying Stash analysis plan \(planID) stopped: \(failure ?? "")")
        }
        let result: JSON = [
            "plan_id": .int(planID), "job_id": .string(job.id), "status": .string(status), "scenes_updated": JSON(updated),
            "scenes_skipped": JSON(skipped), "scenes_failed": JSON(failedScenes), "changes_applied": JSON(applied),
            "changes_failed": JSON(failedChanges), "errors": .array(errors.map(JSON.string)),
        ]
        await finish(status: status, error: failure, result: result, total: total)
        return result
    }

    /// One scene: checked against Stash, written, recorded.
    mutating func apply(_ scene: SceneWork) async throws {
        let client = analysis.client
        let fresh: JSON?
        do {
            fresh = try await client.scene(id: scene.sceneID)
        } catch .graphQL(let message) {
            try await record(scene, applied: false, reason: StashError.graphQL(message).description)
            return
        } catch {
            try await record(scene, applied: false, reason: error.description)
            throw error
        }
        guard let fresh else {
            skipped += 1
            try await record(scene, applied: false, reason: "the scene was deleted in Stash since the plan", skipped: true)
            return
        }
        let now = fresh["updated_at"]?.stringValue
        if let then = scene.updatedAt, StashTime.milliseconds(now ?? "") != StashTime.milliseconds(then) {
            skipped += 1
            try await record(
                scene, applied: false, reason: "the scene changed in Stash since the plan (updated_at \(then) → \(now ?? "none"))", skipped: true)
            return
        }
        var input: [String: JSON] = ["id": .string(scene.sceneID)]
        for change in scene.changes {
            switch change.field {
            case "performers": input["performer_ids"] = .array((change.ids ?? []).map(JSON.string))
            case "tags": input["tag_ids"] = .array((change.ids ?? []).map(JSON.string))
            case "studio": input["studio_id"] = change.ids?.first.map(JSON.string) ?? .null
            case "details": input["details"] = change.proposed
            default: break
            }
        }
        let written: JSON
        do {
            written = try await client.updateScene(.object(input))
        } catch .graphQL(let message) {
            try await record(scene, applied: false, reason: StashError.graphQL(message).description)
            return
        } catch {
            try await record(scene, applied: false, reason: error.description)
            throw error
        }
        updated += 1
        try await record(scene, applied: true, reason: nil, written: written)
    }

    /// Marks the scene's changes applied or failed (with the reason on each and on the scene); a written
    /// scene goes into the copy as Stash answered it, with its new `updated_at` for the next apply.
    mutating func record(_ scene: SceneWork, applied ok: Bool, reason: String?, skipped wasSkipped: Bool = false, written: JSON? = nil)
        async throws
    {
        if ok { applied += scene.changes.count } else { failedChanges += scene.changes.count }
        if !ok && !wasSkipped { failedScenes += 1 }
        if let reason { note("scene \(scene.sceneID): \(reason)") }
        let now = analysis.clock()
        let (planID, jobID) = (planID, job.id)
        try await database.perform { [database] in
            try database.transaction { connection in
                let sql = StatementCache(connection)
                for change in scene.changes {
                    try sql.execute(
                        "UPDATE plan_changes SET status = ?, reason = ?, updated_at = ? WHERE id = ?",
                        [.text(ok ? "applied" : "failed"), SQLValue(reason), .integer(now), .integer(change.id)])
                }
                try sql.execute(
                    "UPDATE analysis_plan_scenes SET reason = ?, scene_updated_at = coalesce(?, scene_updated_at) WHERE plan_id = ? AND scene_id = ?",
                    [SQLValue(reason), SQLValue(written?["updated_at"]?.stringValue), .integer(planID), .text(scene.sceneID)])
                if let written { _ = try StashWriter.write(.scenes, written, sql: sql, now: now) }
                try PlanStore.log(
                    sql, job: jobID, scene: scene.sceneID, title: scene.title,
                    status: ok ? "completed" : (wasSkipped ? "skipped" : "failed"),
                    reason: reason ?? scene.changes.map(\.field).joined(separator: ", ") + " written", now: now)
            }
        }
    }

    mutating func note(_ error: String) {
        if errors.count < 50 { errors.append(String(error.prefix(300))) }
    }

    func finish(status: String, error: String?, result: JSON, total: Int) async {
        let now = analysis.clock()
        let planID = planID
        do {
            try await database.perform { [database] in
                let open =
                    try database.queryOne(
                        "SELECT count(*) FROM plan_changes WHERE plan_id = ? AND status IN ('pending', 'accepted', 'failed')", [.integer(planID)]
                    )?[0].intValue ?? 0
                let appliedAny =
                    try database.queryOne(
                        "SELECT count(*) FROM plan_changes WHERE plan_id = ? AND status = 'applied'", [.integer(planID)])?[0].intValue ?? 0
                try database.execute(
                    """
                    UPDATE analysis_plans SET status = ?, apply_job_id = NULL, updated_at = ?,
                        applied_at = CASE WHEN ? > 0 THEN ? ELSE applied_at END
                    WHERE id = ?
                    """,
                    [
                        .text(open == 0 ? "applied" : "partially_applied"), .integer(now), .integer(Int64(appliedAny)), .integer(now),
                        .integer(planID),
                    ])
            }
            try await job.finish(
                status: status, result: result, error: error, done: updated, failed: failedScenes, skipped: skipped, total: total)
        } catch {
            Log.shared.error("Failed to record the apply of Stash analysis plan \(planID): \(error)")
        }
    }
}
