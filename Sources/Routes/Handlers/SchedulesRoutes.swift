public import HTTP
import Core
import FoundationEssentials
public import Jobs
import Store

/// 000's schedules: list, create (cron with 5 fields, read in UTC, or `interval_minutes`), update,
/// delete and run-now. Validation errors are 400s whose `detail` names the field.
public struct SchedulesRoutes: RouteProvider {
    let schedules: ScheduleService

    public init(schedules: ScheduleService) {
        self.schedules = schedules
    }

    public var routes: [Route] {
        let schedules = schedules
        let store = schedules.store
        return [
            .get("/api/schedules", .permission("schedules:read"), RouteDoc(
                    "List schedules", tag: "schedules", responseSchema: .object(["schedules": .array(Self.scheduleSchema)]))
            ) { _ in
                let all = try await JobsRoutes.storage(store) { try schedules.store.list() }
                return .json(["schedules": .array(all.map(Self.schedule))])
            },
            .post(
                "/api/schedules", .permission("schedules:write"),
                RouteDoc(
                    "Create a schedule", tag: "schedules",
                    request: ["name": "Nightly Movies", "library_id": "1", "schedule_type": "cron", "cron_expression": "0 2 * * *"],
                    status: 201, requestSchema: Self.bodySchema(creating: true),
                    responseSchema: .success(["id": .string, "next_run": .nullable(.string)]), errors: [409])
            ) { request in
                let body = try request.json()
                let created = try await JobsRoutes.storage(store) { try schedules.create(body) }
                return .json(["id": .string(created.id), "success": true, "next_run": JobsRoutes.iso(created.nextRun)], status: 201)
            },
            .put("/api/schedules/{id}", .permission("schedules:write"), RouteDoc(
                    "Update a schedule", tag: "schedules", request: ["enabled": false], requestSchema: Self.bodySchema(creating: false),
                    responseSchema: .success(["schedule": Self.scheduleSchema]), errors: [409])) {
                request in
                let body = try request.json()
                let id = request.parameter("id")
                let updated = try await JobsRoutes.storage(store) { try schedules.update(id, body) }
                return .success(["schedule": Self.schedule(updated)])
            },
            .delete("/api/schedules/{id}", .permission("schedules:write"), RouteDoc("Delete a schedule", tag: "schedules", responseSchema: .success(), errors: [409])) { request in
                let id = request.parameter("id")
                try await JobsRoutes.storage(store) { try schedules.delete(id) }
                return .success()
            },
            .post("/api/schedules/{id}/run", .permission("schedules:write"), RouteDoc(
                    "Run a schedule now", tag: "schedules", responseSchema: .success(["job_id": .string]), errors: [409, 502])
            ) { request in
                let id = request.parameter("id")
                let job = try await JobsRoutes.storage(store) { try schedules.run(id) }
                return .success(["job_id": .string(job.id)])
            },
        ]
    }

    /// A create (`name` and `library_id` required) or update body.
    static func bodySchema(creating: Bool) -> Schema {
        let length = ScheduleService.maximumNameLength
        let identity: [String: Schema] = [
            "name": .string(maxLength: length, minLength: 1), "library_id": .string(maxLength: length, minLength: 1),
        ]
        let minutes = ScheduleService.intervalMinutes
        let rest: [String: Schema] = [
            "library_name": .nullable(.string(maxLength: length)), "schedule_type": .oneOf(["cron", "interval"]),
            "cron_expression": .string, "interval_minutes": .integer(minimum: Int64(minutes.lowerBound), maximum: Int64(minutes.upperBound)),
            "enabled": .boolean, "force": .boolean,
        ]
        return creating ? .object(identity, optional: rest) : .object([:], optional: identity.merging(rest) { first, _ in first })
    }

    static let scheduleSchema = Schema.object([
        "id": .string, "name": .string, "library_id": .nullable(.string), "library_name": .nullable(.string),
        "schedule_type": .string, "cron_expression": .nullable(.string), "interval_minutes": .nullable(.integer),
        "enabled": .boolean, "force": .boolean, "next_run": .nullable(.string), "last_run": .nullable(.string),
        "created_at": .nullable(.string),
    ])

    static func schedule(_ s: ScheduleRecord) -> JSON {
        [
            "id": .string(s.id), "name": .string(s.name), "library_id": JSON(s.libraryID), "library_name": JSON(s.libraryName),
            "schedule_type": .string(s.kind.rawValue), "cron_expression": JSON(s.cronExpression),
            "interval_minutes": s.intervalMinutes.map { JSON($0) } ?? .null, "enabled": .bool(s.enabled),
            "force": .bool(s.parameters["force"]?.boolValue ?? false), "next_run": JobsRoutes.iso(s.nextRun),
            "last_run": JobsRoutes.iso(s.lastRun), "created_at": JobsRoutes.iso(s.createdAt),
        ]
    }
}
