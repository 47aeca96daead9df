import Core
import Store

/// The entity types a plan proposes, as the change fields name them.
enum EntityKind: String, Sendable, CaseIterable {
    case performer, studio, tag

    /// The plan field of this kind: `performers`, `studio`, `tags`.
    var field: String {
        switch self {
        case .performer: "performers"
        case .studio: "studio"
        case .tag: "tags"
        }
    }

    var table: String { "stash_" + (self == .studio ? "studios" : field) }

    init?(field: String) {
        guard let kind = Self.allCases.first(where: { $0.field == field }) else { return nil }
        self = kind
    }
}

/// One performer, studio or tag of the Stash copy, as the detectors know it.
struct KnownEntity: Sendable {
    var kind: EntityKind
    var id: String
    var name: String
    var aliases: [String]
}

/// Every performer, studio and tag of the copy, read once per analysis run: by index (what the matcher
/// finds), by id, and by normalised name (what an edited change or the AI names).
struct EntityCatalog: Sendable {
    var entities: [KnownEntity] = []
    var byID: [EntityKind: [String: Int]] = [:]
    /// Normalised name (words joined by one space) → entities of that kind with it, names before aliases.
    var byName: [EntityKind: [String: [Int]]] = [:]

    static func load(_ connection: Connection) throws(SQLiteError) -> EntityCatalog {
        var catalog = EntityCatalog()
        for kind in EntityKind.allCases {
            for row in try connection.query("SELECT id, name, aliases FROM \(kind.table) ORDER BY name COLLATE NOCASE, id") {
                guard let id = row.string("id"), let name = row.string("name") else { continue }
                let aliases = SceneQueries.decodedList(row.string("aliases")).arrayValue?.compactMap(\.stringValue) ?? []
                catalog.append(KnownEntity(kind: kind, id: id, name: name, aliases: aliases))
            }
        }
        return catalog
    }

    mutating func append(_ entity: KnownEntity) {
        let index = entities.count
        entities.append(entity)
        byID[entity.kind, default: [:]][entity.id] = index
        byName[entity.kind, default: [:]][Self.key(entity.name), default: []].append(index)
        for alias in entity.aliases { byName[entity.kind, default: [:]][Self.key(alias), default: []].append(index) }
    }

    static func key(_ name: String) -> String { NameMatcher.words(name).joined(separator: " ") }

    /// The entity of `kind` a person or the AI named: by id, else by name, else by alias (names win).
    func resolve(_ text: String, kind: EntityKind) -> Int? {
        if let index = byID[kind]?[text] { return index }
        guard let found = byName[kind]?[Self.key(text)], !found.isEmpty else { return nil }
        return found.first { Self.key(entities[$0].name) == Self.key(text) } ?? found.first
    }

    /// A matcher over the names and aliases of the kinds asked for.
    func matcher(kinds: Set<EntityKind>) -> NameMatcher {
        var matcher = NameMatcher()
        for (index, entity) in entities.enumerated() where kinds.contains(entity.kind) {
            matcher.add(entity.name, .init(entity: index, alias: false))
            for alias in entity.aliases { matcher.add(alias, .init(entity: index, alias: true)) }
        }
        return matcher
    }

    func name(_ kind: EntityKind, id: String) -> String? {
        byID[kind]?[id].map { entities[$0].name }
    }
}

/// What the analysis reads of one scene from the copy.
struct SceneFacts: Sendable {
    var id: String
    var title: String?
    var details: String?
    var paths: [String]
    /// Stash's `updated_at` as Stash wrote it (what an apply compares with Stash's own).
    var updatedAt: String?
    var studioID: String?
    var performerIDs: [String]
    var tagIDs: [String]

    /// The scenes of `ids` (those the copy has), in the order given.
    static func load(_ connection: Connection, ids: [String]) throws(SQLiteError) -> [SceneFacts] {
        guard !ids.isEmpty else { return [] }
        let marks = SceneQueries.marks(ids.count)
        let values = ids.map(SQLValue.text)
        var scenes: [String: SceneFacts] = [:]
        for row in try connection.query(
            "SELECT id, title, details, updated_at_text, studio_id FROM stash_scenes WHERE id IN (\(marks))", values)
        {
            guard let id = row.string("id") else { continue }
            scenes[id] = SceneFacts(
                id: id, title: row.string("title"), details: row.string("details"), paths: [], updatedAt: row.string("updated_at_text"),
                studioID: row.string("studio_id"), performerIDs: [], tagIDs: [])
        }
        for row in try connection.query(
            "SELECT scene_id, path FROM stash_scene_files WHERE scene_id IN (\(marks)) ORDER BY scene_id, position", values)
        {
            if let id = row[0].stringValue, let path = row[1].stringValue { scenes[id]?.paths.append(path) }
        }
        for row in try connection.query(
            "SELECT scene_id, performer_id FROM stash_scene_performers WHERE scene_id IN (\(marks)) ORDER BY 1, 2", values)
        {
            if let id = row[0].stringValue, let performer = row[1].stringValue { scenes[id]?.performerIDs.append(performer) }
        }
        for row in try connection.query(
            "SELECT scene_id, tag_id FROM stash_scene_tags WHERE scene_id IN (\(marks)) ORDER BY 1, 2", values)
        {
            if let id = row[0].stringValue, let tag = row[1].stringValue { scenes[id]?.tagIDs.append(tag) }
        }
        return ids.compactMap { scenes[$0] }
    }
}
