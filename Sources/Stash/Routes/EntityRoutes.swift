import Core
public import HTTP
import Store

/// 004's `GET /entities/performers`, `/entities/tags`, `/entities/studios` from the local copy: each
/// with its scene count, `search` over names and aliases, sorted by name, at most 5,000.
public struct EntityRoutes: RouteProvider {
    let stash: StashService

    public init(stash: StashService) {
        self.stash = stash
    }

    static let maximumListed = 5000

    public var routes: [Route] {
        [
            route(.performers, link: "stash_scene_performers", column: "performer_id", extra: "e.aliases, e.gender"),
            route(.tags, link: "stash_scene_tags", column: "tag_id", extra: "e.aliases"),
            route(.studios, link: nil, column: "studio_id", extra: "e.aliases, e.parent_id"),
        ]
    }

    func route(_ entity: StashEntity, link: String?, column: String, extra: String) -> Route {
        let stash = stash
        return .get(
            "/api/v1/entities/\(entity.rawValue)", .permission("stash:read"),
            RouteDoc(
                "List \(entity.rawValue) of the Stash copy", tag: "stash", query: ["search"], parameterTypes: ["search": .string(maxLength: 200)],
                responseSchema: .array(StashSchemas.entity))
        ) { request in
            let search = try SceneFilter.text(request.query["search"], "search", maxBytes: 200)
            let count =
                link.map { "(SELECT count(*) FROM \($0) l WHERE l.\(column) = e.id)" }
                ?? "(SELECT count(*) FROM stash_scenes s WHERE s.studio_id = e.id)"
            var sql = "SELECT e.id, e.name, \(count) AS scene_count, \(extra) FROM stash_\(entity.rawValue) e"
            var values: [SQLValue] = []
            if let search {
                let pattern = "%" + search.replacing("\\", with: "\\\\").replacing("%", with: "\\%").replacing("_", with: "\\_") + "%"
                sql += " WHERE e.name LIKE ? ESCAPE '\\' OR e.aliases LIKE ? ESCAPE '\\'"
                values = [.text(pattern), .text(pattern)]
            }
            sql += " ORDER BY e.name COLLATE NOCASE, e.id LIMIT \(Self.maximumListed)"
            let (query, bound) = (sql, values)
            let rows = try await stash.perform { connection in try connection.query(query, bound) }
            return .json(.array(rows.map(Self.item)))
        }
    }

    static func item(_ row: Row) -> JSON {
        var item: [String: JSON] = [
            "id": .string(row.string("id") ?? ""), "name": .string(row.string("name") ?? ""), "scene_count": JSON(row.int("scene_count") ?? 0),
        ]
        if row.columns.contains("aliases") { item["aliases"] = SceneQueries.decodedList(row.string("aliases")) }
        if row.columns.contains("gender") { item["gender"] = JSON(row.string("gender")) }
        if row.columns.contains("parent_id") { item["parent_id"] = JSON(row.string("parent_id")) }
        return .object(item)
    }
}
