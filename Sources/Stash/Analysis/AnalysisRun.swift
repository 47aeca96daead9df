import Core
import Store

/// One analysis: the scenes in batches (100, or 10 while the AI is asked, so progress and cancel stay
/// prompt), each batch read from the copy in four queries, run through the rules (and the AI), and
/// written in one transaction: the plan's scenes, its changes (accepted at once from the plan's
/// threshold, pending below it) and a log line per scene. The plan is `completed` at the end,
/// `cancelled` or `failed` otherwise, with what was found until then.
struct AnalysisRun {
    let analysis: StashAnalysis
    let job: AnalysisJob
    let planID: Int64
    let sceneIDs: [String]
    let options: AnalysisOptions
    var metadata: [String: JSON]

    var done = 0
    var failed = 0
    var changes = 0
    var accepted = 0
    var byField: [String: Int] = [:]
    var errors: [String] = []
    var ai: AIUsage?

    /// What the AI cost this plan, and why it stopped being asked, if it did.
    struct AIUsage {
        var settings: OpenAISettings
        var suggestions: AISuggestions
        var asked = 0
        var failed = 0
        var dropped = 0
        var promptTokens = 0
        var completionTokens = 0
        var stopped: String?
    }

    var database: Database { analysis.database }

    mutating func perform() async -> PlanSummary {
        var status = "completed"
        var failure: String?
        do {
            try await job.mark()
            let catalog = try await database.perform { [database] in
                try database.withConnection { connection in try EntityCatalog.load(connection) }
            }
            let detector = SceneDetector(catalog: catalog, options: options)
            prepareAI(catalog)
            let batchSize = ai == nil ? 100 : 10
            var start = 0
            while start < sceneIDs.count {
                if try await job.isCancelled() { throw StashError.cancelled }
                let batch = Array(sceneIDs[start..<min(sceneIDs.count, start + batchSize)])
                try await analyse(batch, from: start, detector: detector)
                start += batch.count
                try await job.progress(done: done, failed: failed, skipped: 0, total: sceneIDs.count)
            }
        } catch StashError.cancelled {
            status = "cancelled"
            failure = "cancelled"
        } catch {
            status = "failed"
            failure = (error as? StashError)?.description ?? "\(error)"
            Log.shared.warning("Stash analysis \(job.id) failed: \(failure ?? "")")
        }
        let summary = PlanSummary(
            planID: planID, jobID: job.id, status: status, totalScenes: done + failed, totalChanges: changes, error: failure)
        await finish(summary)
        return summary
    }

    /// Asks the AI only when the plan wants it and an endpoint is set; says so in the metadata either way.
    mutating func prepareAI(_ catalog: EntityCatalog) {
        guard options.useAI else {
            metadata["ai"] = ["requested": false, "used": false]
            return
        }
        let settings = analysis.settings().openAI
        guard settings.isConfigured else {
            metadata["ai"] = [
                "requested": true, "used": false,
                "reason": .string(OpenAIError.notConfigured.description + "; the rules alone made this plan"),
            ]
            return
        }
        ai = AIUsage(settings: settings, suggestions: AISuggestions(catalog: catalog, kinds: options.kinds))
    }

    mutating func analyse(_ batch: [String], from position: Int, detector: SceneDetector) async throws {
        let scenes = try await database.perform { [database] in
            try database.withConnection { connection in try SceneFacts.load(connection, ids: batch) }
        }
        var results: [(scene: SceneFacts, reason: String?, changes: [ProposedChange])] = []
        for scene in scenes {
            var found = detector.findings(scene)
            var reason: String?
            if ai != nil, ai?.stopped == nil {
                do {
                    for (entity, finding) in try await suggestions(scene) { found[entity, default: finding].merge(finding) }
                } catch {
                    reason = error.description
                    ai?.failed += 1
                    if error.isLasting { ai?.stopped = error.description }
                    note("scene \(scene.id): \(error.description)")
                }
            }
            results.append((scene, reason, detector.changes(scene, found: found)))
        }
        // Scenes the copy no longer has (removed by a sync since the plan was asked for) are left out.
        let now = analysis.clock()
        let (planID, jobID, threshold) = (planID, job.id, options.confidenceThreshold)
        let rows = results
        try await database.perform { [database] in
            try database.transaction { connection in
                let sql = StatementCache(connection)
                for (offset, result) in rows.enumerated() {
                    try PlanStore.add(
                        sql, plan: planID, position: position + offset, scene: result.scene, reason: result.reason, changes: result.changes,
                        threshold: threshold, now: now)
                    let line = result.changes.isEmpty ? "no change" : result.changes.map(\.field).joined(separator: ", ")
                    try PlanStore.log(
                        sql, job: jobID, scene: result.scene.id, title: result.scene.title, status: result.reason == nil ? "completed" : "failed",
                        reason: result.reason.map { "rules only: " + $0 } ?? line, now: now)
                }
            }
        }
        for result in results {
            if result.reason == nil { done += 1 } else { failed += 1 }
            changes += result.changes.count
            accepted += result.changes.filter { $0.confidence >= threshold }.count
            for change in result.changes { byField[change.field, default: 0] += 1 }
        }
    }

    /// The AI's findings for one scene, checked against the names it was offered.
    mutating func suggestions(_ scene: SceneFacts) async throws(OpenAIError) -> [Int: Finding] {
        guard let usage = ai else { return [:] }
        let offered = usage.suggestions.candidates(scene)
        let prompt = usage.suggestions.prompt(scene, offered: offered)
        ai?.asked += 1
        let completion = try await analysis.openAI.complete(system: AISuggestions.system, user: prompt)
        ai?.promptTokens += completion.promptTokens
        ai?.completionTokens += completion.completionTokens
        let answer = try usage.suggestions.parse(completion.content, offered: offered)
        ai?.dropped += answer.dropped
        return answer.found
    }

    mutating func note(_ error: String) {
        if errors.count < 50 { errors.append(String(error.prefix(300))) }
    }

    /// The plan's totals, metadata and status, then the job's.
    func finish(_ summary: PlanSummary) async {
        var metadata = metadata
        metadata["scenes_analysed"] = JSON(done + failed)
        metadata["changes_by_field"] = .object(byField.mapValues { JSON($0) })
        metadata["accepted_at_creation"] = JSON(accepted)
        metadata["pending_at_creation"] = JSON(changes - accepted)
        metadata["errors"] = .array(errors.map(JSON.string))
        if let ai {
            let cost = ai.settings.cost(promptTokens: ai.promptTokens, completionTokens: ai.completionTokens)
            var block: [String: JSON] = [
                "requested": true, "used": .bool(ai.asked > 0), "model": .string(ai.settings.model), "scenes_asked": JSON(ai.asked),
                "scenes_failed": JSON(ai.failed), "dropped_entities": JSON(ai.dropped), "prompt_tokens": JSON(ai.promptTokens),
                "completion_tokens": JSON(ai.completionTokens), "total_tokens": JSON(ai.promptTokens + ai.completionTokens),
                "cost": .double((cost * 1_000_000).rounded() / 1_000_000),
            ]
            if let stopped = ai.stopped { block["reason"] = .string("stopped asking after: " + stopped + "; the rules made the rest") }
            metadata["ai"] = .object(block)
        }
        let now = analysis.clock()
        let text = PlanStore.text(.object(metadata))
        do {
            try await database.perform { [database] in
                try database.execute(
                    """
                    UPDATE analysis_plans SET status = ?, total_scenes = ?, total_changes = ?, metadata = ?, error = ?, updated_at = ?
                    WHERE id = ?
                    """,
                    [
                        .text(summary.status), .integer(Int64(summary.totalScenes)), .integer(Int64(summary.totalChanges)), .text(text),
                        SQLValue(summary.error), .integer(now), .integer(summary.planID),
                    ])
            }
            try await job.finish(
                status: summary.status, result: summary.json, error: summary.error, done: done, failed: failed, skipped: 0,
                total: sceneIDs.count)
        } catch {
            Log.shared.error("Failed to record Stash analysis \(job.id): \(error)")
        }
    }
}

/// What an analysis made: 004's `background=false` answer and the job's result.
struct PlanSummary: Sendable {
    var planID: Int64
    var jobID: String
    var status: String
    var totalScenes: Int
    var totalChanges: Int
    var error: String?

    var json: JSON {
        [
            "plan_id": .int(planID), "job_id": .string(jobID), "status": .string(status), "total_scenes": JSON(totalScenes),
            "total_changes": JSON(totalChanges), "error": JSON(error),
        ]
    }
}
