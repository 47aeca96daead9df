import Core
public import HTTP
import Store

/// 004's scenes, read from the local copy only: the list with every filter, sort and page parameter
/// (`GET /scenes/`), one scene with its files, the summary; and the two that ask Stash: `POST
/// /scenes/sync` (a job, or inline with `background=false`) and `POST /scenes/{id}/resync`.
public struct SceneRoutes: RouteProvider {
    let stash: StashService

    public init(stash: StashService) {
        self.stash = stash
    }

    public var routes: [Route] {
        let stash = stash
        let list: @Sendable (Request) async throws -> Response = { request in
            let filter = try SceneFilter(request)
            let (total, items) = try await stash.perform { connection in try SceneQueries.list(connection, filter) }
            return .json([
                "items": .array(items), "total": JSON(total), "page": JSON(filter.page), "per_page": JSON(filter.perPage),
                "pages": JSON((total + filter.perPage - 1) / filter.perPage),
            ])
        }
        let listDoc = RouteDoc(
            "List scenes of the Stash copy (filters, sort, page)", tag: "stash", query: SceneFilter.queryNames,
            parameterTypes: SceneFilter.parameterTypes, responseSchema: StashSchemas.scenePage)
        return [
            .get("/api/v1/scenes/", .permission("stash:read"), listDoc, list),
            .get("/api/v1/scenes", .permission("stash:read"), listDoc, list),
            .get(
                "/api/v1/scenes/stats/summary", .permission("stash:read"),
                RouteDoc("Scene figures of the Stash copy", tag: "stash", responseSchema: StashSchemas.summary)
            ) { _ in
                .json(try await stash.perform { connection in try Self.summary(connection) })
            },
            .get(
                "/api/v1/scenes/{scene_id}", .permission("stash:read"),
                RouteDoc(
                    "One scene of the Stash copy, with its files", tag: "stash", parameterTypes: ["scene_id": .string(maxLength: 64, minLength: 1)],
                    responseSchema: StashSchemas.sceneDetail, errors: [404])
            ) { request in
                let id = try SyncRoutes.sceneID(request)
                guard let scene = try await stash.perform({ connection in try SceneQueries.scene(connection, id: id) }) else {
                    throw HTTPError.notFound("No such scene", detail: id)
                }
                return .json(scene)
            },
            .post(
                "/api/v1/scenes/sync", .permission("stash:write"),
                RouteDoc(
                    "Sync scenes from Stash, as a job or at once", tag: "stash", query: ["background", "incremental"],
                    parameterTypes: ["background": .oneOf(["true", "false", "1", "0"]), "incremental": .oneOf(["true", "false", "1", "0"])],
                    responseSchema: StashSchemas.sceneSync, errors: [409, 503])
            ) { request in
                let background = try SyncRoutes.flag(request, "background") ?? true
                let incremental = try SyncRoutes.flag(request, "incremental") ?? true
                let scope = SyncScope.entity(.scenes)
                if background {
                    let job = try await stash.sync.start(scope, force: !incremental)
                    return .json(["job_id": .string(job.id), "status": "queued", "message": "Scene sync job has been queued"])
                }
                let outcome = try await stash.sync.runNow(scope, force: !incremental)
                let counts = outcome.all
                return .json([
                    "job_id": .string(outcome.jobID), "status": .string(outcome.status), "scenes_processed": JSON(counts.processed),
                    "scenes_created": JSON(counts.created), "scenes_updated": JSON(counts.updated), "scenes_removed": JSON(counts.removed),
                    "errors": .array(outcome.errors.map(JSON.string)),
                ])
            },
            .post(
                "/api/v1/scenes/{scene_id}/resync", .permission("stash:write"),
                RouteDoc(
                    "Copy one scene from Stash again and answer it", tag: "stash", parameterTypes: ["scene_id": .string(maxLength: 64, minLength: 1)],
                    responseSchema: StashSchemas.sceneDetail, errors: [404, 502, 503])
            ) { request in
                let id = try SyncRoutes.sceneID(request)
                _ = try await stash.resync(scene: id)
                guard let scene = try await stash.perform({ connection in try SceneQueries.scene(connection, id: id) }) else {
                    throw HTTPError.notFound("No such scene", detail: id)
                }
                return .json(scene)
            },
        ]
    }

    /// 004's `/scenes/stats/summary`; `scenes_by_studio` holds the 50 studios with the most scenes.
    static func summary(_ connection: Connection) throws(SQLiteError) -> JSON {
        let totals = try connection.queryOne("SELECT count(*), coalesce(sum(organized), 0) FROM stash_scenes")
        let total = totals?[0].intValue ?? 0
        let organized = totals?[1].intValue ?? 0
        func count(_ table: String) throws(SQLiteError) -> JSON {
            JSON(try connection.queryOne("SELECT count(*) FROM \(table)")?[0].intValue ?? 0)
        }
        var byStudio: [String: JSON] = [:]
        for row in try connection.query(
            """
            SELECT coalesce(st.name, s.studio_id) AS name, count(*) AS n FROM stash_scenes s LEFT JOIN stash_studios st ON st.id = s.studio_id
            WHERE s.studio_id IS NOT NULL GROUP BY s.studio_id ORDER BY n DESC, name LIMIT 50
            """)
        {
            // Two studios of one name are counted together.
            if let name = row.string("name") { byStudio[name] = JSON(Int(byStudio[name]?.intValue ?? 0) + (row.int("n") ?? 0)) }
        }
        return [
            "total_scenes": JSON(total), "organized_scenes": JSON(organized),
            "organization_percentage": .double(total == 0 ? 0 : (Double(organized) / Double(total) * 1000).rounded() / 10),
            "total_tags": try count("stash_tags"), "total_performers": try count("stash_performers"),
            "total_studios": try count("stash_studios"), "scenes_by_studio": .object(byStudio),
        ]
    }
}
