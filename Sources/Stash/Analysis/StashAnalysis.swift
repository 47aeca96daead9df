import Core
import FoundationEssentials
import HTTP
import Store

/// Analysis plans over the Stash copy (004's `/analysis/*`): making one (rules, and the AI when asked
/// and configured) as a job of the one jobs table (`scene_analysis` for a scene list, `batch_analysis`
/// for filters), editing its changes, and applying the accepted ones to Stash (`apply_plan`). Plans
/// are read from `state.db` only; only an apply talks to Stash, and only one apply of a plan runs at once.
public final class StashAnalysis: Sendable {
    let database: Database
    let client: StashClient
    public let openAI: OpenAIClient
    let settings: @Sendable () -> StashSettings
    /// Unix milliseconds.
    let clock: @Sendable () -> Int64
    let notify: @Sendable (SyncEvent) -> Void

    /// The most scenes one plan covers.
    public static let maximumScenes = 10_000

    init(
        database: Database, client: StashClient, openAI: OpenAIClient, settings: @escaping @Sendable () -> StashSettings,
        clock: @escaping @Sendable () -> Int64, notify: @escaping @Sendable (SyncEvent) -> Void
    ) {
        self.database = database
        self.client = client
        self.openAI = openAI
        self.settings = settings
        self.clock = clock
        self.notify = notify
    }

    func perform<T: Sendable>(_ failing: String, _ body: @escaping @Sendable (Connection) throws -> T) async throws(HTTPError) -> T {
        try await database.requestTransaction(failing: failing, body)
    }

    // MARK: Making a plan

    /// What `POST /analysis/generate` asked for, checked.
    struct Request: Sendable {
        var sceneIDs: [String]?
        var filter: SceneFilter?
        var options: AnalysisOptions
        var name: String?
    }

    /// Makes a plan: queued as a job (answered at once) or run to its end (`background` false).
    func generate(_ request: Request, background: Bool) async throws(HTTPError) -> JSON {
        let (ids, unknown) = try await scenes(request)
        guard !ids.isEmpty else {
            throw HTTPError.badRequest(
                "The plan would cover 0 scenes: "
                    + (request.sceneIDs != nil ? "none of the scene_ids is in the Stash copy" : "no scene matches the filters"),
                detail: request.sceneIDs != nil ? "scene_ids" : "filters")
        }
        let jobType = request.sceneIDs != nil ? "scene_analysis" : "batch_analysis"
        let now = clock()
        let name = request.name ?? "Analysis of \(ids.count) scene\(ids.count == 1 ? "" : "s") (\(StashTime.text(milliseconds: now)))"
        let options = request.options
        let metadata: JSON = ["scene_count": JSON(ids.count), "unknown_scene_ids": JSON(unknown), "job_type": .string(jobType)]
        let (job, planID) = try await perform("Failed to create the analysis plan") { connection -> (JobRecord, Int64) in
            var job = try JobStore(database: self.database).create(
                kind: .analysis,
                parameters: [
                    "source": "stash", "job_type": .string(jobType), "scene_count": JSON(ids.count), "options": options.json,
                    "plan_name": .string(name),
                ])
            let plan = try PlanStore.create(
                connection, name: name, jobID: job.id, threshold: options.confidenceThreshold, options: options.json, metadata: metadata,
                now: now)
            try connection.execute(
                "UPDATE jobs SET parameters = json_set(parameters, '$.plan_id', ?) WHERE id = ?", [.integer(plan), .text(job.id)])
            if case .object(var parameters) = job.parameters {
                parameters["plan_id"] = .int(plan)
                job.parameters = .object(parameters)
            }
            return (job, plan)
        }
        let run = AnalysisRun(
            analysis: self, job: AnalysisJob(database: database, id: job.id, clock: clock, notify: notify), planID: planID, sceneIDs: ids,
            options: options, metadata: metadata.objectValue ?? [:])
        if background {
            Task.detached {
                var run = run
                _ = await run.perform()
            }
            return [
                "job_id": .string(job.id), "status": "queued", "plan_id": .int(planID),
                "message": .string("Analysis job queued for \(ids.count) scene\(ids.count == 1 ? "" : "s")"),
            ]
        }
        var inline = run
        return await inline.perform().json
    }

    /// The scenes of the copy a request covers, in its order, and how many of its ids the copy lacks.
    func scenes(_ request: Request) async throws(HTTPError) -> (ids: [String], unknown: Int) {
        if let wanted = request.sceneIDs {
            let known = try await perform("Failed to read the Stash copy") { connection -> Set<String> in
                var known = Set<String>()
                var start = 0
                while start < wanted.count {
                    let chunk = Array(wanted[start..<min(wanted.count, start + 500)])
                    for row in try connection.query(
                        "SELECT id FROM stash_scenes WHERE id IN (\(SceneQueries.marks(chunk.count)))", chunk.map(SQLValue.text))
                    {
                        if let id = row[0].stringValue { known.insert(id) }
                    }
                    start += chunk.count
                }
                return known
            }
            let ids = wanted.filter(known.contains)
            return (ids, wanted.count - ids.count)
        }
        let filter = request.filter ?? SceneFilter()
        let ids = try await perform("Failed to read the Stash copy") { connection in
            try SceneQueries.ids(connection, filter, limit: Self.maximumScenes + 1)
        }
        guard ids.count <= Self.maximumScenes else {
            throw HTTPError.badRequest(
                "The filters match more than \(Self.maximumScenes) scenes: narrow them (one plan covers at most \(Self.maximumScenes))",
                detail: "filters")
        }
        return (ids, 0)
    }

    // MARK: Applying a plan

    /// Applies the plan's accepted changes (of `sceneIDs` only, when given): queued as a job, or run to
    /// its end. A plan being made, being applied or applied already is a 409; one with nothing
    /// accepted to write a 400.
    func apply(plan planID: Int64, sceneIDs: [String]?, background: Bool) async throws(HTTPError) -> JSON {
        guard client.isConfigured else { throw StashError.notConfigured.httpError }
        let now = clock()
        let job = try await perform("Failed to start applying the plan") { connection -> JobRecord in
            guard let plan = try connection.queryOne("SELECT status, apply_job_id FROM analysis_plans WHERE id = ?", [.integer(planID)]) else {
                throw HTTPError.notFound("No such plan", detail: String(planID))
            }
            switch plan.string("status") {
            case "pending": throw HTTPError.conflict("The plan is still being made", detail: "status: pending")
            case "applying": throw HTTPError.conflict("The plan is being applied", detail: plan.string("apply_job_id"))
            case "applied": throw HTTPError.conflict("The plan is applied already", detail: "status: applied")
            case "failed", "cancelled": throw HTTPError.conflict("The plan was not completed", detail: "status: \(plan.string("status") ?? "")")
            default: break
            }
            let work = try ApplyRun.work(connection, plan: planID, scenes: sceneIDs)
            guard !work.isEmpty else {
                throw HTTPError.badRequest(
                    "The plan has no accepted changes to apply" + (sceneIDs == nil ? "" : " in these scenes")
                        + ": accept changes with PATCH /api/v1/analysis/changes/{change_id}",
                    detail: sceneIDs == nil ? "plan_id" : "scene_ids")
            }
            var parameters: [String: JSON] = ["source": "stash", "job_type": "apply_plan", "plan_id": .int(planID)]
            if let sceneIDs { parameters["scene_ids"] = .array(sceneIDs.map(JSON.string)) }
            let job = try JobStore(database: self.database).create(kind: .analysis, parameters: .object(parameters))
            try connection.execute(
                "UPDATE analysis_plans SET status = 'applying', apply_job_id = ?, updated_at = ? WHERE id = ?",
                [.text(job.id), .integer(now), .integer(planID)])
            return job
        }
        let run = ApplyRun(
            analysis: self, job: AnalysisJob(database: database, id: job.id, clock: clock, notify: notify), planID: planID, sceneIDs: sceneIDs)
        if background {
            Task.detached {
                var run = run
                _ = await run.perform()
            }
            return ["job_id": .string(job.id), "status": "queued", "plan_id": .int(planID), "message": "Plan application job has been queued"]
        }
        var inline = run
        return await inline.perform()
    }

    // MARK: Reading and editing

    func plans(status: String?, page: Int, perPage: Int) async throws(HTTPError) -> (total: Int, items: [JSON]) {
        try await perform("Failed to read the analysis plans") { connection in
            try PlanStore.plans(connection, status: status, page: page, perPage: perPage)
        }
    }

    func plan(_ id: Int64) async throws(HTTPError) -> JSON {
        guard let plan = try await perform("Failed to read the analysis plan", { connection in try PlanStore.detail(connection, id: id) }) else {
            throw HTTPError.notFound("No such plan", detail: String(id))
        }
        return plan
    }

    /// Edits one change (`PATCH /analysis/changes/{id}`), see `ChangeEdit`.
    func edit(change id: Int64, _ edit: ChangeEdit) async throws(HTTPError) -> JSON {
        let now = clock()
        return try await perform("Failed to change the plan") { connection -> JSON in
            guard
                let row = try connection.queryOne(
                    "SELECT c.*, p.status AS plan_status FROM plan_changes c JOIN analysis_plans p ON p.id = c.plan_id WHERE c.id = ?",
                    [.integer(id)])
            else { throw HTTPError.notFound("No such change", detail: String(id)) }
            switch row.string("plan_status") {
            case "applied": throw HTTPError.conflict("The change's plan is applied already", detail: "status: applied")
            case "applying": throw HTTPError.conflict("The change's plan is being applied", detail: "status: applying")
            case "pending": throw HTTPError.conflict("The change's plan is still being made", detail: "status: pending")
            default: break
            }
            guard row.string("status") != "applied" else {
                throw HTTPError.conflict("The change is applied already", detail: "status: applied")
            }
            var status = row.string("status") ?? "pending"
            var proposed: (value: JSON, ids: [String]?)?
            if let value = edit.proposedValue {
                let catalog = try EntityCatalog.load(connection)
                proposed = try edit.resolve(value, field: row.string("field") ?? "", catalog: catalog)
                status = "accepted"
            }
            if let decision = edit.status { status = decision }
            try connection.execute(
                """
                UPDATE plan_changes SET status = ?, proposed_value = coalesce(?, proposed_value),
                    proposed_ids = CASE WHEN ? THEN ? ELSE proposed_ids END, reason = CASE WHEN ? THEN NULL ELSE reason END, updated_at = ?
                WHERE id = ?
                """,
                [
                    .text(status), SQLValue(proposed.map { PlanStore.text($0.value) }), .integer(proposed == nil ? 0 : 1),
                    SQLValue(proposed?.ids.map { PlanStore.text(.array($0.map(JSON.string))) }), .integer(proposed == nil ? 0 : 1),
                    .integer(now), .integer(id),
                ])
            try connection.execute("UPDATE analysis_plans SET updated_at = ? WHERE id = ?", [.integer(now), row["plan_id"]])
            guard let updated = try connection.queryOne("SELECT * FROM plan_changes WHERE id = ?", [.integer(id)]) else {
                throw HTTPError.notFound("No such change", detail: String(id))
            }
            return PlanStore.change(updated)
        }
    }

    /// Analyses and applies a previous run of the daemon left unfinished: their jobs fail with that
    /// reason; a plan being made fails, a plan being applied is partially applied.
    public func settleInterrupted() throws {
        let now = clock()
        try database.execute(
            """
            UPDATE jobs SET status = 'failed', error = 'interrupted by a restart', completed_at = ?, updated_at = ?
            WHERE kind = 'analysis' AND status IN ('pending', 'running') AND json_extract(parameters, '$.source') = 'stash'
            """, [.integer(now), .integer(now)])
        try database.execute(
            "UPDATE analysis_plans SET status = 'failed', error = 'interrupted by a restart', updated_at = ? WHERE status = 'pending'",
            [.integer(now)])
        try database.execute(
            "UPDATE analysis_plans SET status = 'partially_applied', apply_job_id = NULL, updated_at = ? WHERE status = 'applying'",
            [.integer(now)])
    }
}
