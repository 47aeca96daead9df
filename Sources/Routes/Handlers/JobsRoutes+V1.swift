import HTTP
import Core
import FoundationEssentials
import Jobs
import Store

extension JobsRoutes {
    /// 004's `/api/v1/jobs` over the same table: list (status, job_type, limit ≤ 100), detail with
    /// `logs` and `metadata`, and DELETE, which cancels (400 when the job already finished).
    var v1Routes: [Route] {
        let runner = runner
        let store = runner.store
        let list: @Sendable (Request) async throws -> Response = { request in
            let statuses = try Self.statuses(request.query["status"])
            // A job kind, or one of 004's types a kind's jobs name in their parameters (Stash syncs).
            var kind: JobKind?
            var type: String?
            if let text = request.query["job_type"] {
                if let known = JobKind(rawValue: text) {
                    kind = known
                } else if let owner = Self.parameterTypes[text] {
                    (kind, type) = (owner, text)
                } else {
                    throw HTTPError.badRequest("job_type: expected one of \(Self.jobTypes.joined(separator: ", "))", detail: "job_type")
                }
            }
            let limit = try Self.limit(request.query["limit"], default: 50, maximum: 100)
            let (chosenKind, fetched) = (kind, type == nil ? limit : Self.maximumListed)
            let jobs = try await Self.storage(store) { try store.list(statuses: statuses, kind: chosenKind, limit: fetched) }
            let listed = type.map { type in Array(jobs.filter { $0.parameters["job_type"]?.stringValue == type }.prefix(limit)) } ?? jobs
            return .json(.array(listed.map(Self.v1Job)))
        }
        return [
            .get("/api/v1/jobs/", .permission("jobs:read"), Self.v1ListDoc, list),
            .get("/api/v1/jobs", .permission("jobs:read"), Self.v1ListDoc, list),
            .get("/api/v1/jobs/{job_id}", .permission("jobs:read"), RouteDoc("Job detail with logs (004)", tag: "jobs", responseSchema: Self.v1DetailSchema)) { request in
                let job = try await Self.job(store, request.parameter("job_id"))
                var detail = Self.v1Job(job).objectValue ?? [:]
                let items = (try? await store.perform { try $0.items(of: job.id, limit: 200) }) ?? []
                detail["logs"] = .array(
                    items.filter { $0.status != .pending }.map { item in
                        .string("\(item.title ?? item.key): \(item.status.rawValue)\(item.reason.map { " (\($0))" } ?? "")")
                    })
                detail["metadata"] = [
                    "library_id": JSON(job.libraryID), "library_name": JSON(job.libraryName),
                    "total_items": JSON(job.totalItems), "completed_items": JSON(job.completedItems),
                    "failed_items": JSON(job.failedItems), "skipped_items": JSON(job.skippedItems),
                ]
                detail["workers"] = .array(runner.workers.map(\.json))
                return .json(.object(detail))
            },
            .delete("/api/v1/jobs/{job_id}", .permission("jobs:write"), RouteDoc(
                    "Cancel a running job (004)", tag: "jobs", responseSchema: .success(["message": .string]))) { request in
                let id = request.parameter("job_id")
                let outcome = try await Self.storage(store) { () -> Result<JobRecord, JobError> in
                    do throws(JobError) { return .success(try runner.cancel(id)) } catch { return .failure(error) }
                }
                if case .failure(let error) = outcome {
                    if case .conflict(let message) = error { throw HTTPError.badRequest(message, detail: "status") }
                    throw Self.httpError(error)
                }
                return .success(["message": .string("Job \(id) cancelled successfully")])
            },
        ]
    }

    /// 004's job types that are not a job kind, and the kind whose jobs carry them as `parameters.job_type`.
    static let parameterTypes: [String: JobKind] = [
        "sync_all": .sync, "scene_sync": .sync, "performer_sync": .sync, "tag_sync": .sync, "studio_sync": .sync,
        "scene_analysis": .analysis, "batch_analysis": .analysis, "apply_plan": .analysis,
    ]

    /// Every `job_type` the list takes.
    static let jobTypes = JobKind.allCases.map(\.rawValue) + parameterTypes.keys.sorted()

    static let v1ListDoc = RouteDoc(
        "List recent jobs (004)", tag: "jobs", query: ["status", "job_type", "limit"],
        parameterTypes: ["status": statusList, "job_type": .oneOf(jobTypes), "limit": limitText(maximum: 100)],
        responseSchema: .array(jobSchema))

    static var v1DetailSchema: Schema {
        var members = jobSchema.json.objectValue ?? [:]
        var properties = members["properties"]?.objectValue ?? [:]
        properties["logs"] = Schema.array(.string).json
        properties["metadata"] = Schema.anyObject.json
        properties["workers"] = Schema.array(workerSchema).json
        members["properties"] = .object(properties)
        members["required"] = .array((members["required"]?.arrayValue ?? []) + ["logs", "metadata", "workers"])
        return Schema(.object(members))
    }

    /// 004's job object (with 000's keys too); a job that names 004's own type in its parameters
    /// (`job_type`: a Stash sync's `sync_all`, `scene_sync`, …) shows that type.
    static func v1Job(_ job: JobRecord) -> JSON {
        guard let type = job.parameters["job_type"]?.stringValue, case .object(var members) = summary(job) else { return summary(job) }
        members["type"] = .string(type)
        return .object(members)
    }

    /// 004's `job_status` WebSocket message.
    static func jobStatus(_ job: JobRecord) -> JSON {
        [
            "type": "job_status", "job_id": .string(job.id), "status": .string(job.status.rawValue),
            "progress": .double(job.progress),
            "message": .string("Processed \(job.completedItems + job.failedItems) of \(job.totalItems) items"),
            "result": job.result ?? .null, "error": JSON(job.error),
        ]
    }
}
