public import HTTP
import Core
import FoundationEssentials
public import Jobs
import Store

/// Jobs over the one jobs table: 000's `/api/jobs` (list, create, detail with workers, cancel,
/// delete) and 004's `/api/v1/jobs` (list with filters, detail, DELETE = cancel). Deleting a live
/// job through `/api/jobs/{id}` is refused with 409: cancel it first.
public struct JobsRoutes: RouteProvider {
    let runner: JobRunner

    public static let maximumListed = 500

    public init(runner: JobRunner) {
        self.runner = runner
    }

    public var routes: [Route] {
        let runner = runner
        let store = runner.store
        return [
            .get("/api/jobs", .permission("jobs:read"), RouteDoc(
                    "List jobs", tag: "jobs", query: ["status", "limit"],
                    parameterTypes: ["status": Self.statusList, "limit": Self.limitText(maximum: Self.maximumListed)],
                    responseSchema: .object(["jobs": .array(Self.jobSchema)]))
            ) { request in
                let statuses = try Self.statuses(request.query["status"])
                let limit = try Self.limit(request.query["limit"], default: Self.maximumListed, maximum: Self.maximumListed)
                let jobs = try await Self.storage(store) { try store.list(statuses: statuses, limit: limit) }
                return .json(["jobs": .array(jobs.map(Self.summary))])
            },
            .post(
                "/api/jobs", .permission("jobs:write"),
                RouteDoc(
                    "Create a thumbnail job for a library", tag: "jobs", request: ["library_id": "1", "library_name": "Movies"],
                    status: 201,
                    requestSchema: .object(
                        ["library_id": .string(maxLength: 64, minLength: 1)],
                        optional: ["library_name": .nullable(.string(maxLength: 200)), "force": .boolean]),
                    responseSchema: .object(["id": .string, "status": .string, "message": .string]), errors: [409, 502])
            ) { request in
                let body = try request.json()
                guard body.objectValue != nil else { throw HTTPError.badRequest("Expected a JSON object", detail: "body") }
                guard let library = body["library_id"]?.stringValue ?? body["library_id"]?.intValue.map({ String($0) }),
                    !library.isEmpty, library.count <= 64
                else { throw HTTPError.badRequest("library_id: required, a string of at most 64 characters", detail: "library_id") }
                let name = body["library_name"]?.stringValue
                if let name, name.count > 200 { throw HTTPError.badRequest("library_name: longer than 200 characters", detail: "library_name") }
                if let force = body["force"], force.boolValue == nil {
                    throw HTTPError.badRequest("force: expected true or false", detail: "force")
                }
                let force = body["force"]?.boolValue ?? false
                let job = try await Self.storage(store) {
                    try runner.createThumbnailJob(libraryID: library, libraryName: name, force: force)
                }
                return .json(["id": .string(job.id), "status": .string(job.status.rawValue), "message": "Job created successfully"], status: 201)
            },
            Self.manualRoute(runner),
            .get("/api/jobs/{id}", .permission("jobs:read"), RouteDoc("Job detail with its workers", tag: "jobs", responseSchema: Self.jobDetailSchema)) { request in
                let job = try await Self.job(store, request.parameter("id"))
                var detail = Self.summary(job).objectValue ?? [:]
                detail["workers"] = .array(runner.workers.map(\.json))
                let failed = (try? await store.perform { try $0.items(of: job.id, status: .failed, limit: 100) }) ?? []
                detail["failed_item_results"] = .array(failed.map(Self.item))
                return .json(.object(detail))
            },
            .post(
                "/api/jobs/{id}/cancel", .permission("jobs:write"),
                RouteDoc("Cancel a job", tag: "jobs", responseSchema: .success(["message": .string]), errors: [409])
            ) { request in
                let id = request.parameter("id")
                _ = try await Self.storage(store) { try runner.cancel(id) }
                return .success(["message": "Job cancelled"])
            },
            .delete("/api/jobs/{id}", .permission("jobs:write"), RouteDoc(
                    "Delete a finished job (409 while it runs)", tag: "jobs", responseSchema: .success(), errors: [409])
            ) { request in
                let id = request.parameter("id")
                try await Self.storage(store) { try runner.delete(id) }
                return .success()
            },
            .get("/api/jobs/{id}/items", .permission("jobs:read"), RouteDoc(
                    "Per-item results of a job", tag: "jobs", query: ["status", "limit"],
                    parameterTypes: ["status": .oneOf(JobItemRecord.Status.allCases.map(\.rawValue)), "limit": Self.limitText(maximum: 10_000)],
                    responseSchema: .object(["job_id": .string, "items": .array(Self.itemSchema)]))) { request in
                let job = try await Self.job(store, request.parameter("id"))
                let status = try request.query["status"].map { text throws(HTTPError) in
                    guard let status = JobItemRecord.Status(rawValue: text) else {
                        throw HTTPError.badRequest("status: expected one of \(JobItemRecord.Status.allCases.map(\.rawValue).joined(separator: ", "))", detail: "status")
                    }
                    return status
                }
                let limit = try Self.limit(request.query["limit"], default: 1000, maximum: 10_000)
                let items = try await Self.storage(store) { try store.items(of: job.id, status: status, limit: limit) }
                return .json(["job_id": .string(job.id), "items": .array(items.map(Self.item))])
            },
        ] + v1Routes
    }

    // MARK: Shapes

    /// `summary`'s shape.
    static let jobSchema = Schema.object([
        "id": .string, "type": .string, "status": .string, "library_id": .nullable(.string), "library_name": .nullable(.string),
        "progress": .number, "total_items": .integer, "completed_items": .integer, "failed_items": .integer,
        "skipped_items": .integer, "schedule_id": .nullable(.string), "parameters": .any, "result": .any,
        "error": .nullable(.string), "created_at": .nullable(.string), "started_at": .nullable(.string),
        "updated_at": .nullable(.string), "completed_at": .nullable(.string),
    ])

    /// `status=running,pending`: job statuses, comma-separated (empty: all).
    static var statusList: Schema {
        let one = "(" + JobStatus.allCases.map(\.rawValue).joined(separator: "|") + ")"
        return Schema(["type": "string", "pattern": .string("^(\(one)(,\(one))*)?$")])
    }

    /// A whole number from 1 to `maximum`.
    static func limitText(maximum: Int) -> Schema {
        .integer(minimum: 1, maximum: Int64(maximum))
    }

    static let workerSchema = Schema.object([
        "id": .integer, "type": .string, "status": .string, "current_item": .nullable(.string), "job_id": .nullable(.string),
        "device": .nullable(.string), "items_done": .integer, "last_item_seconds": .nullable(.number),
        "last_item_speed": .nullable(.number),
    ])

    static let itemSchema = Schema.object([
        "key": .string, "title": .nullable(.string), "file": .nullable(.string), "status": .string, "reason": .nullable(.string),
        "decode_path": .nullable(.string), "frames": .nullable(.integer), "duration_ms": .nullable(.integer),
        "updated_at": .nullable(.string),
    ])

    static var jobDetailSchema: Schema {
        var members = jobSchema.json.objectValue ?? [:]
        var properties = members["properties"]?.objectValue ?? [:]
        properties["workers"] = Schema.array(workerSchema).json
        properties["failed_item_results"] = Schema.array(itemSchema).json
        members["properties"] = .object(properties)
        members["required"] = .array((members["required"]?.arrayValue ?? []) + ["failed_item_results", "workers"])
        return Schema(.object(members))
    }

    /// 000's job object (with the 004 keys too: `type`, `parameters`, `result`, `error`, …).
    static func summary(_ job: JobRecord) -> JSON {
        [
            "id": .string(job.id), "type": .string(job.kind.rawValue), "status": .string(job.status.rawValue),
            "library_id": JSON(job.libraryID), "library_name": JSON(job.libraryName), "progress": .double(job.progress),
            "total_items": JSON(job.totalItems), "completed_items": JSON(job.completedItems),
            "failed_items": JSON(job.failedItems), "skipped_items": JSON(job.skippedItems),
            "schedule_id": JSON(job.scheduleID), "parameters": job.parameters, "result": job.result ?? .null,
            "error": JSON(job.error), "created_at": iso(job.createdAt), "started_at": iso(job.startedAt),
            "updated_at": iso(job.updatedAt), "completed_at": iso(job.completedAt),
        ]
    }

    static func item(_ item: JobItemRecord) -> JSON {
        [
            "key": .string(item.key), "title": JSON(item.title), "file": JSON(item.file), "status": .string(item.status.rawValue),
            "reason": JSON(item.reason), "decode_path": JSON(item.decodePath), "frames": item.frames.map { JSON($0) } ?? .null,
            "duration_ms": item.durationMilliseconds.map { JSON($0) } ?? .null, "updated_at": iso(item.updatedAt),
        ]
    }

    static func iso(_ date: Date?) -> JSON {
        date.map { .string($0.formatted(.iso8601)) } ?? .null
    }

    // MARK: Helpers

    static func job(_ store: JobStore, _ id: String) async throws(HTTPError) -> JobRecord {
        guard let job = try await storage(store, { try store.get(id) }) else {
            throw HTTPError.notFound("Job not found", detail: id)
        }
        return job
    }

    static func statuses(_ text: String?) throws(HTTPError) -> [JobStatus] {
        guard let text, !text.isEmpty else { return [] }
        var statuses: [JobStatus] = []
        for part in text.split(separator: ",").prefix(8) {
            guard let status = JobStatus(rawValue: String(part)) else {
                throw HTTPError.badRequest(
                    "status: expected one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))", detail: "status")
            }
            statuses.append(status)
        }
        return statuses
    }

    static func limit(_ text: String?, default value: Int, maximum: Int) throws(HTTPError) -> Int {
        guard let text else { return value }
        guard let limit = Int(text), (1...maximum).contains(limit) else {
            throw HTTPError.badRequest("limit: expected a whole number from 1 to \(maximum)", detail: "limit")
        }
        return limit
    }

    /// Runs `body` on the jobs database's own queue (SQLite blocks; never on the cooperative pool)
    /// and answers what it throws: a job error by its kind, a locked database with 503.
    @discardableResult
    static func storage<T: Sendable>(_ store: some StateTable, _ body: @escaping @Sendable () throws -> T) async throws(HTTPError) -> T {
        do {
            return try await store.database.perform(body)
        } catch let error as JobError {
            throw httpError(error)
        } catch {
            throw HTTPError.storage(error, failing: "Failed to use the state database")
        }
    }

    /// A job request's error as its HTTP status.
    static func httpError(_ error: JobError) -> HTTPError {
        switch error {
        case .notFound(let message): HTTPError.notFound(message)
        case .conflict(let message): HTTPError.conflict(message)
        case .invalid(let message): HTTPError.badRequest(message, detail: message.split(separator: ":").first.map(String.init))
        case .upstream(let message): HTTPError.badGateway(message)
        case .storage(let message): HTTPError.serverError(message)
        case .busy: HTTPError.databaseBusy
        case .full: HTTPError.storageFull
        }
    }
}
