import Core
import Store

/// The job row of an analysis or an apply (kind `analysis` in the one jobs table, 004's type in
/// `parameters.job_type`): marked running, its progress after each batch, cancelled when someone
/// cancelled the row (`DELETE /api/v1/jobs/{id}`), and its end, each told to the job events.
struct AnalysisJob: Sendable {
    let database: Database
    let id: String
    let clock: @Sendable () -> Int64
    let notify: @Sendable (SyncEvent) -> Void

    func mark() async throws {
        let now = clock()
        try await database.perform { [database, id] in
            try database.execute(
                "UPDATE jobs SET status = 'running', started_at = coalesce(started_at, ?), updated_at = ? WHERE id = ? AND status = 'pending'",
                [.integer(now), .integer(now), .text(id)])
        }
    }

    /// Whether the row was cancelled (or deleted) meanwhile.
    func isCancelled() async throws -> Bool {
        let status = try await database.perform { [database, id] in
            try database.queryOne("SELECT status FROM jobs WHERE id = ?", [.text(id)])?[0].stringValue
        }
        return status == nil || status == "cancelled"
    }

    func progress(done: Int, failed: Int, skipped: Int, total: Int) async throws {
        let now = clock()
        let percent = total == 0 ? 0 : min(99, (Double(done + failed + skipped) / Double(total) * 1000).rounded() / 10)
        try await database.perform { [database, id] in
            try database.execute(
                """
                UPDATE jobs SET progress = ?, total_items = ?, completed_items = ?, failed_items = ?, skipped_items = ?, updated_at = ?
                WHERE id = ? AND status = 'running'
                """,
                [
                    .real(percent), .integer(Int64(total)), .integer(Int64(done)), .integer(Int64(failed)), .integer(Int64(skipped)),
                    .integer(now), .text(id),
                ])
        }
        notify(event("job_progress", status: "running", progress: percent, done: done, failed: failed, skipped: skipped, total: total))
    }

    /// Records the end; a row cancelled meanwhile keeps its status unless this run ends cancelled too.
    func finish(status: String, result: JSON, error: String?, done: Int, failed: Int, skipped: Int, total: Int) async throws {
        let now = clock()
        let text = PlanStore.text(result)
        try await database.perform { [database, id] in
            try database.execute(
                """
                UPDATE jobs SET status = ?, progress = CASE WHEN ? = 'completed' THEN 100 ELSE progress END, total_items = ?,
                    completed_items = ?, failed_items = ?, skipped_items = ?, result = ?, error = coalesce(?, error),
                    completed_at = coalesce(completed_at, ?), updated_at = ?
                WHERE id = ? AND (status IN ('pending', 'running') OR (status = 'cancelled' AND ? = 'cancelled'))
                """,
                [
                    .text(status), .text(status), .integer(Int64(total)), .integer(Int64(done)), .integer(Int64(failed)),
                    .integer(Int64(skipped)), .text(text), SQLValue(error), .integer(now), .integer(now), .text(id), .text(status),
                ])
        }
        var end = event(
            status == "failed" ? "job_error" : "job_complete", status: status, progress: status == "completed" ? 100 : 0, done: done,
            failed: failed, skipped: skipped, total: total)
        if case .object(var data) = end.data {
            data["error"] = JSON(error)
            data["result"] = result
            end.data = .object(data)
        }
        notify(end)
    }

    func event(_ name: String, status: String, progress: Double, done: Int, failed: Int, skipped: Int, total: Int) -> SyncEvent {
        SyncEvent(
            event: name, jobID: id,
            data: [
                "job_id": .string(id), "status": .string(status), "progress": .double(progress), "completed": JSON(done),
                "failed": JSON(failed), "skipped": JSON(skipped), "total": JSON(total), "error": .null,
            ])
    }
}
