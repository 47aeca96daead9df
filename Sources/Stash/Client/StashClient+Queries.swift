public import Core

/// One page of a `find…` query: Stash's total for the filter and this page's items (as Stash sent them).
public struct StashPage: Sendable {
    public var count: Int
    public var items: [JSON]
}

/// The entity types the sync copies, in the order a full sync takes them (entities before the scenes
/// that name them).
public enum StashEntity: String, Sendable, CaseIterable {
    case tags, studios, performers, scenes

    /// The `find…` root field, its result list and its filter argument.
    var root: (field: String, list: String, filterName: String, filterType: String) {
        switch self {
        case .scenes: ("findScenes", "scenes", "scene_filter", "SceneFilterType")
        case .performers: ("findPerformers", "performers", "performer_filter", "PerformerFilterType")
        case .studios: ("findStudios", "studios", "studio_filter", "StudioFilterType")
        case .tags: ("findTags", "tags", "tag_filter", "TagFilterType")
        }
    }

    /// The fields asked for each item.
    var fields: String {
        switch self {
        case .scenes: StashClient.sceneFields
        case .performers:
            "id name disambiguation alias_list gender birthdate country ethnicity urls details rating100 favorite created_at updated_at"
        case .studios: "id name aliases urls details rating100 favorite parent_studio { id } created_at updated_at"
        case .tags: "id name description aliases created_at updated_at"
        }
    }

    /// The singular noun (`scene`), for messages and job types.
    public var noun: String { String(rawValue.dropLast()) }
}

extension StashClient {
    static let sceneFields = """
        id title code details director urls date rating100 organized created_at updated_at \
        files { id path size duration format video_codec audio_codec width height frame_rate bit_rate fingerprints { type value } } \
        studio { id name } performers { id name } tags { id name }
        """

    /// Page `page` (from 1) of `entity`, `perPage` items, oldest change first; only those Stash changed
    /// after `updatedAfter` (a Stash timestamp) when given, only `ids` when given.
    public func find(
        _ entity: StashEntity, page: Int, perPage: Int, updatedAfter: String? = nil, ids: [String]? = nil
    ) async throws(StashError) -> StashPage {
        let root = entity.root
        let operation = "Sync" + root.field.prefix(1).uppercased() + root.field.dropFirst()
        let query = """
            query \(operation)($filter: FindFilterType, $\(root.filterName): \(root.filterType), $ids: [ID!]) {
              \(root.field)(filter: $filter, \(root.filterName): $\(root.filterName), ids: $ids) { count \(root.list) { \(entity.fields) } }
            }
            """
        var variables: [String: JSON] = [
            "filter": ["page": .int(Int64(page)), "per_page": .int(Int64(perPage)), "sort": "updated_at", "direction": "ASC"]
        ]
        if let updatedAfter {
            variables[root.filterName] = ["updated_at": ["value": .string(updatedAfter), "modifier": "GREATER_THAN"]]
        }
        if let ids { variables["ids"] = .array(ids.map(JSON.string)) }
        let data = try await send(query, operation: operation, variables: .object(variables))
        guard let result = data[root.field], let count = result["count"]?.intValue, let items = result[root.list]?.arrayValue else {
            throw StashError.upstream("Stash's \(root.field) answer is not the shape expected")
        }
        return StashPage(count: Int(count), items: items)
    }

    /// One scene by id, or nil when Stash has none.
    public func scene(id: String) async throws(StashError) -> JSON? {
        let query = "query SyncFindScene($id: ID!) { findScene(id: $id) { \(Self.sceneFields) } }"
        let data = try await send(query, operation: "SyncFindScene", variables: ["id": .string(id)])
        guard let scene = data["findScene"] else { throw StashError.upstream("Stash's findScene answer is not the shape expected") }
        if case .null = scene { return nil }
        return scene
    }

    /// What the connection test shows: Stash's version and how many scenes and performers it has.
    public func probe(using override: StashSettings? = nil) async throws(StashError) -> (version: String?, scenes: Int, performers: Int) {
        let query = """
            query ConnectionTest {
              version { version }
              findScenes(filter: {per_page: 1}) { count }
              findPerformers(filter: {per_page: 1}) { count }
            }
            """
        let data = try await send(query, operation: "ConnectionTest", using: override)
        guard let scenes = data["findScenes"]?["count"]?.intValue, let performers = data["findPerformers"]?["count"]?.intValue else {
            throw StashError.upstream("Stash's answer is not the shape expected")
        }
        return (data["version"]?["version"]?.stringValue, Int(scenes), Int(performers))
    }
}
