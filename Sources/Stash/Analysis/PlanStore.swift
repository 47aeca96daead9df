import Core
import Store

/// The plans, their scenes and their changes in `state.db` (schema version 8), read and written in
/// 004's shapes. Every function runs on a connection the caller holds (inside its transaction).
enum PlanStore {
    static let statuses = ["pending", "completed", "applying", "applied", "partially_applied", "failed", "cancelled"]
    static let changeStatuses = ["pending", "accepted", "rejected", "applied", "failed"]

    // MARK: Writing

    static func create(
        _ connection: Connection, name: String, jobID: String, threshold: Double, options: JSON, metadata: JSON, now: Int64
    ) throws(SQLiteError) -> Int64 {
        try connection.execute(
            """
            INSERT INTO analysis_plans (name, status, job_id, confidence_threshold, options, metadata, created_at, updated_at)
            VALUES (?, 'pending', ?, ?, ?, ?, ?, ?)
            """,
            [.text(name), .text(jobID), .real(threshold), .text(text(options)), .text(text(metadata)), .integer(now), .integer(now)])
        return connection.lastInsertRowID
    }

    /// Records that the plan looked at `scene` (its title and Stash's `updated_at` now) and the changes it proposes.
    static func add(
        _ sql: StatementCache, plan: Int64, position: Int, scene: SceneFacts, reason: String?, changes: [ProposedChange],
        threshold: Double, now: Int64
    ) throws(SQLiteError) {
        try sql.execute(
            """
            INSERT OR REPLACE INTO analysis_plan_scenes (plan_id, scene_id, position, scene_title, scene_updated_at, reason)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [.integer(plan), .text(scene.id), .integer(Int64(position)), SQLValue(scene.title), SQLValue(scene.updatedAt), SQLValue(reason)])
        for change in changes {
            try sql.execute(
                """
                INSERT OR REPLACE INTO plan_changes (plan_id, scene_id, field, action, current_value, proposed_value, proposed_ids,
                    confidence, status, source, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .integer(plan), .text(scene.id), .text(change.field), .text(change.action), .text(text(change.current)),
                    .text(text(change.proposed)), change.proposedIDs.map { .text(text(.array($0.map(JSON.string)))) } ?? .null,
                    .real(change.confidence), .text(change.confidence >= threshold ? "accepted" : "pending"), .text(change.source),
                    .integer(now),
                ])
        }
    }

    /// A line of the job's log (a job item): the scene, what became of it and why.
    static func log(_ sql: StatementCache, job: String, scene: String, title: String?, status: String, reason: String?, now: Int64)
        throws(SQLiteError)
    {
        try sql.execute(
            """
            INSERT OR REPLACE INTO job_items (job_id, item_key, title, status, reason, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            """, [.text(job), .text(scene), SQLValue(title), .text(status), SQLValue(reason), .integer(now)])
    }

    // MARK: Reading

    static func plans(_ connection: Connection, status: String?, page: Int, perPage: Int) throws(SQLiteError) -> (total: Int, items: [JSON]) {
        let filter = status == nil ? "" : "WHERE status = ?"
        let values: [SQLValue] = status.map { [.text($0)] } ?? []
        let total = try connection.queryOne("SELECT count(*) FROM analysis_plans \(filter)", values)?[0].intValue ?? 0
        let rows = try connection.query(
            "SELECT * FROM analysis_plans \(filter) ORDER BY id DESC LIMIT ? OFFSET ?",
            values + [.integer(Int64(perPage)), .integer(Int64((page - 1) * perPage))])
        let counts = try changeCounts(connection, plans: rows.compactMap { $0["id"].int64Value })
        return (total, rows.map { plan($0, counts: counts[$0["id"].int64Value ?? 0] ?? [:]) })
    }

    /// One plan with its scenes (those with a change or a recorded reason) and their changes.
    static func detail(_ connection: Connection, id: Int64) throws(SQLiteError) -> JSON? {
        guard let row = try connection.queryOne("SELECT * FROM analysis_plans WHERE id = ?", [.integer(id)]) else { return nil }
        let counts = try changeCounts(connection, plans: [id])
        guard case .object(var members) = plan(row, counts: counts[id] ?? [:]) else { return nil }
        var changes: [String: [JSON]] = [:]
        for change in try connection.query("SELECT * FROM plan_changes WHERE plan_id = ? ORDER BY id", [.integer(id)]) {
            changes[change.string("scene_id") ?? "", default: []].append(Self.change(change))
        }
        var scenes: [JSON] = []
        for scene in try connection.query(
            "SELECT scene_id, scene_title, reason FROM analysis_plan_scenes WHERE plan_id = ? ORDER BY position", [.integer(id)])
        {
            let sceneID = scene.string("scene_id") ?? ""
            let reason = scene.string("reason")
            guard changes[sceneID] != nil || reason != nil else { continue }
            scenes.append([
                "scene_id": .string(sceneID), "scene_title": JSON(scene.string("scene_title")), "reason": JSON(reason),
                "changes": .array(changes[sceneID] ?? []),
            ])
        }
        members["scenes"] = .array(scenes)
        return .object(members)
    }

    /// Each plan's number of changes by status.
    static func changeCounts(_ connection: Connection, plans: [Int64]) throws(SQLiteError) -> [Int64: [String: Int]] {
        guard !plans.isEmpty else { return [:] }
        var counts: [Int64: [String: Int]] = [:]
        for row in try connection.query(
            "SELECT plan_id, status, count(*) FROM plan_changes WHERE plan_id IN (\(SceneQueries.marks(plans.count))) GROUP BY 1, 2",
            plans.map(SQLValue.integer))
        {
            guard let plan = row[0].int64Value, let status = row[1].stringValue else { continue }
            counts[plan, default: [:]][status] = row[2].intValue.map { Int($0) } ?? 0
        }
        return counts
    }

    static func plan(_ row: Row, counts: [String: Int]) -> JSON {
        var byStatus: [String: JSON] = [:]
        for status in changeStatuses { byStatus[status] = JSON(counts[status] ?? 0) }
        return [
            "id": .int(row["id"].int64Value ?? 0), "name": .string(row.string("name") ?? ""), "status": .string(row.string("status") ?? ""),
            "created_at": SceneQueries.iso(row["created_at"].int64Value), "updated_at": SceneQueries.iso(row["updated_at"].int64Value),
            "applied_at": SceneQueries.iso(row["applied_at"].int64Value), "total_scenes": JSON(row.int("total_scenes") ?? 0),
            "total_changes": JSON(row.int("total_changes") ?? 0), "metadata": json(row.string("metadata")) ?? [:],
            "job_id": JSON(row.string("job_id")), "apply_job_id": JSON(row.string("apply_job_id")),
            "confidence_threshold": .double(row["confidence_threshold"].doubleValue ?? 0), "error": JSON(row.string("error")),
            "changes_by_status": .object(byStatus),
        ]
    }

    static func change(_ row: Row) -> JSON {
        [
            "id": .int(row["id"].int64Value ?? 0), "plan_id": .int(row["plan_id"].int64Value ?? 0), "scene_id": .string(row.string("scene_id") ?? ""),
            "field": .string(row.string("field") ?? ""), "action": .string(row.string("action") ?? ""),
            "current_value": json(row.string("current_value")) ?? .null, "proposed_value": json(row.string("proposed_value")) ?? .null,
            "confidence": .double(row["confidence"].doubleValue ?? 0), "status": .string(row.string("status") ?? ""),
            "source": .string(row.string("source") ?? "rules"), "reason": JSON(row.string("reason")),
        ]
    }

    // MARK: Values

    static func text(_ value: JSON) -> String { String(decoding: value.encoded(), as: UTF8.self) }

    static func json(_ text: String?) -> JSON? {
        text.flatMap { try? JSON.parseStrict(Array($0.utf8)) }
    }
}
