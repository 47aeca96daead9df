import Core
public import HTTP
import Store

/// 004's sync routes: `POST /sync/all`, `/sync/scenes` (all, or `scene_ids`), `/sync/performers`,
/// `/sync/tags`, `/sync/studios` queue a sync job (`force`: a full sync); `POST /sync/scene/{id}` copies
/// one scene at once; `GET /sync/stats` reads what was recorded. A second sync while one runs is 409.
public struct SyncRoutes: RouteProvider {
    let stash: StashService

    public init(stash: StashService) {
        self.stash = stash
    }

    /// At most this many ids in one `/sync/scenes` body.
    static let maximumSceneIDs = 1000

    public var routes: [Route] {
        let stash = stash
        return [
            queue("/api/v1/sync/all", .all, "Sync everything from Stash (tags, studios, performers, scenes)"),
            sceneSync,
            queue("/api/v1/sync/performers", .entity(.performers), "Sync performers from Stash"),
            queue("/api/v1/sync/tags", .entity(.tags), "Sync tags from Stash"),
            queue("/api/v1/sync/studios", .entity(.studios), "Sync studios from Stash"),
            .post(
                "/api/v1/sync/scene/{scene_id}", .permission("stash:write"),
                RouteDoc(
                    "Sync one scene from Stash now", tag: "stash", parameterTypes: ["scene_id": .string(maxLength: 64, minLength: 1)],
                    responseSchema: StashSchemas.singleSync, errors: [404, 502, 503])
            ) { request in
                let id = try Self.sceneID(request)
                let started = stash.clock()
                let created = try await stash.resync(scene: id)
                let finished = stash.clock()
                return .json([
                    "job_id": .null, "status": "completed", "total_items": 1, "processed_items": 1, "created_items": created ? 1 : 0,
                    "updated_items": created ? 0 : 1, "skipped_items": 0, "failed_items": 0,
                    "started_at": .string(StashTime.text(milliseconds: started)), "completed_at": .string(StashTime.text(milliseconds: finished)),
                    "duration_seconds": .double(Double(finished - started) / 1000), "errors": [],
                ])
            },
            .get(
                "/api/v1/sync/stats", .permission("stash:read"),
                RouteDoc("What the Stash syncs recorded", tag: "stash", responseSchema: StashSchemas.syncStats)
            ) { _ in
                let running = stash.sync.runningJob.flatMap { $0.hasPrefix("job-") ? $0 : nil }
                return .json(try await stash.perform { connection in try Self.stats(connection, running: running) })
            },
        ]
    }

    /// A route that queues a sync of `scope` as a job.
    func queue(_ path: String, _ scope: SyncScope, _ summary: String) -> Route {
        let stash = stash
        return .post(
            path, .permission("stash:write"),
            RouteDoc(
                summary, tag: "stash", query: ["force"], parameterTypes: ["force": .oneOf(["true", "false", "1", "0"])],
                responseSchema: StashSchemas.job, errors: [409, 503])
        ) { request in
            let force = try Self.flag(request, "force") ?? false
            let job = try await stash.sync.start(scope, force: force)
            return .json(Self.jobAnswer(job, scope: scope))
        }
    }

    /// `/sync/scenes`: every scene (what changed, or all with `force`), or the `scene_ids` of the body.
    var sceneSync: Route {
        let stash = stash
        return .post(
            "/api/v1/sync/scenes", .permission("stash:write"),
            RouteDoc(
                "Sync scenes from Stash (all, or the scene_ids given)", tag: "stash", query: ["force"],
                parameterTypes: ["force": .oneOf(["true", "false", "1", "0"])], request: ["scene_ids": ["1", "2"]],
                requestSchema: .object(
                    [:],
                    optional: [
                        "scene_ids": Schema([
                            "type": "array", "maxItems": .int(Int64(Self.maximumSceneIDs)), "items": Schema.string(maxLength: 64, minLength: 1).json,
                        ])
                    ]),
                requestOptional: true, responseSchema: StashSchemas.job, errors: [409, 503])
        ) { request in
            let force = try Self.flag(request, "force") ?? false
            let body = try request.optionalJSON()
            var scope = SyncScope.entity(.scenes)
            if body != .null {
                guard body.objectValue != nil else { throw HTTPError.badRequest("Expected a JSON object", detail: "body") }
                if let value = body["scene_ids"], value != .null {
                    guard let list = value.arrayValue, list.count <= Self.maximumSceneIDs else {
                        throw HTTPError.badRequest("scene_ids: a list of at most \(Self.maximumSceneIDs) ids", detail: "scene_ids")
                    }
                    var ids: [String] = []
                    for item in list {
                        guard let id = item.stringValue ?? item.intValue.map({ String($0) }), (1...64).contains(id.utf8.count),
                            !id.unicodeScalars.contains(where: { $0.value < 0x20 })
                        else { throw HTTPError.badRequest("scene_ids: each id is a text of 1 to 64 bytes", detail: "scene_ids") }
                        if !ids.contains(id) { ids.append(id) }
                    }
                    if !ids.isEmpty { scope = .scenes(ids: ids) }
                }
            }
            let job = try await stash.sync.start(scope, force: force)
            return .json(Self.jobAnswer(job, scope: scope))
        }
    }

    // MARK: Helpers

    static func jobAnswer(_ job: JobRecord, scope: SyncScope) -> JSON {
        [
            "id": .string(job.id), "job_id": .string(job.id), "type": .string(scope.jobType), "status": .string(job.status.rawValue),
            "progress": .double(job.progress), "parameters": job.parameters,
            "message": .string("\(scope.jobType == "sync_all" ? "Full" : "The") sync job has been queued"),
            "created_at": .string(StashTime.text(milliseconds: Timestamp.milliseconds(job.createdAt))),
            "updated_at": .string(StashTime.text(milliseconds: Timestamp.milliseconds(job.updatedAt))),
        ]
    }

    static func flag(_ request: Request, _ name: String) throws(HTTPError) -> Bool? {
        switch request.query[name] {
        case nil, "": nil
        case "true", "1": true
        case "false", "0": false
        default: throw HTTPError.badRequest("Invalid \(name): true or false", detail: name)
        }
    }

    static func sceneID(_ request: Request) throws(HTTPError) -> String {
        let id = request.parameter("scene_id")
        guard (1...64).contains(id.utf8.count), !id.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw HTTPError.notFound("No such scene")
        }
        return id
    }

    static func stats(_ connection: Connection, running: String?) throws(SQLiteError) -> JSON {
        func count(_ table: String) throws(SQLiteError) -> JSON {
            JSON(try connection.queryOne("SELECT count(*) FROM \(table)")?[0].intValue ?? 0)
        }
        var last: [String: JSON] = [:]
        var errors: [String: JSON] = [:]
        for row in try connection.query("SELECT entity, last_sync_at, last_error FROM stash_sync_state") {
            guard let entity = row.string("entity") else { continue }
            last[entity] = SceneQueries.iso(row["last_sync_at"].int64Value)
            if let error = row.string("last_error") { errors[entity] = .string(error) }
        }
        return [
            "scene_count": try count("stash_scenes"), "performer_count": try count("stash_performers"), "tag_count": try count("stash_tags"),
            "studio_count": try count("stash_studios"), "last_scene_sync": last["scenes"] ?? .null,
            "last_performer_sync": last["performers"] ?? .null, "last_tag_sync": last["tags"] ?? .null,
            "last_studio_sync": last["studios"] ?? .null, "pending_scenes": 0, "pending_performers": 0, "pending_tags": 0,
            "pending_studios": 0, "running_job_id": JSON(running), "last_errors": .object(errors),
        ]
    }
}
