import Core
import Store

/// Writes what Stash answered into the local copy, one item at a time inside the caller's
/// transaction: an upsert of the item's row and, for a scene, its files and links (replaced whole).
/// Answers whether the item was new; an item without an id (or a name, for entities) is refused.
enum StashWriter {
    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes `item` of `entity`; true when it was not in the copy before.
    static func write(_ entity: StashEntity, _ item: JSON, sql: StatementCache, now: Int64) throws -> Bool {
        guard let id = item["id"]?.stringValue, (1...64).contains(id.utf8.count) else { throw Refused(description: "an item without an id") }
        let table = "stash_" + entity.rawValue
        let existed = try sql.exists("SELECT 1 FROM \(table) WHERE id = ?", [.text(id)])
        switch entity {
        case .scenes: try scene(id, item, sql: sql, now: now)
        case .performers: try performer(id, item, sql: sql, now: now)
        case .studios: try studio(id, item, sql: sql, now: now)
        case .tags: try tag(id, item, sql: sql, now: now)
        }
        return !existed
    }

    /// Removes `ids` of `entity` from the copy, with what links to them; answers how many went.
    static func remove(_ entity: StashEntity, ids: [String], sql: StatementCache) throws -> Int {
        var removed = 0
        for id in ids {
            try sql.execute("DELETE FROM stash_\(entity.rawValue) WHERE id = ?", [.text(id)])
            removed += sql.changes
            switch entity {
            case .scenes: break  // files, links and the search row go with it
            case .performers: try sql.execute("DELETE FROM stash_scene_performers WHERE performer_id = ?", [.text(id)])
            case .tags: try sql.execute("DELETE FROM stash_scene_tags WHERE tag_id = ?", [.text(id)])
            case .studios:
                try sql.execute("UPDATE stash_scenes SET studio_id = NULL WHERE studio_id = ?", [.text(id)])
                try sql.execute("UPDATE stash_studios SET parent_id = NULL WHERE parent_id = ?", [.text(id)])
            }
        }
        return removed
    }

    // MARK: Rows

    static func scene(_ id: String, _ item: JSON, sql: StatementCache, now: Int64) throws {
        let studio = item["studio"]?["id"]?.stringValue
        try sql.execute(
            """
            INSERT INTO stash_scenes (id, title, code, details, director, date, rating, organized, urls, studio_id,
                created_at, updated_at, created_at_text, updated_at_text, synced_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, code = excluded.code, details = excluded.details,
                director = excluded.director, date = excluded.date, rating = excluded.rating, organized = excluded.organized,
                urls = excluded.urls, studio_id = excluded.studio_id, created_at = excluded.created_at,
                updated_at = excluded.updated_at, created_at_text = excluded.created_at_text,
                updated_at_text = excluded.updated_at_text, synced_at = excluded.synced_at
            """,
            [
                .text(id), text(item["title"]), text(item["code"]), text(item["details"]), text(item["director"]),
                text(item["date"]), integer(item["rating100"]), .integer(item["organized"]?.boolValue == true ? 1 : 0),
                list(item["urls"]), SQLValue(studio), time(item["created_at"]), time(item["updated_at"]),
                text(item["created_at"]), text(item["updated_at"]), .integer(now),
            ])
        try sql.execute("DELETE FROM stash_scene_files WHERE scene_id = ?", [.text(id)])
        for (position, file) in (item["files"]?.arrayValue ?? []).enumerated() {
            guard let path = file["path"]?.stringValue else { continue }
            try sql.execute(
                """
                INSERT INTO stash_scene_files (scene_id, position, file_id, path, size, duration, format, video_codec, audio_codec,
                    width, height, frame_rate, bit_rate, fingerprints)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(id), .integer(Int64(position)), text(file["id"]), .text(path), integer(file["size"]),
                    number(file["duration"]), text(file["format"]), text(file["video_codec"]), text(file["audio_codec"]),
                    integer(file["width"]), integer(file["height"]), number(file["frame_rate"]), integer(file["bit_rate"]),
                    .text(String(decoding: (file["fingerprints"] ?? .array([])).encoded(), as: UTF8.self)),
                ])
        }
        if let studio, let name = item["studio"]?["name"]?.stringValue {
            try placeholder("stash_studios", id: studio, name: name, sql: sql, now: now)
        }
        try sql.execute("DELETE FROM stash_scene_performers WHERE scene_id = ?", [.text(id)])
        for performer in item["performers"]?.arrayValue ?? [] {
            guard let performerID = performer["id"]?.stringValue else { continue }
            try sql.execute(
                "INSERT OR IGNORE INTO stash_scene_performers (scene_id, performer_id) VALUES (?, ?)", [.text(id), .text(performerID)])
            if let name = performer["name"]?.stringValue {
                try placeholder("stash_performers", id: performerID, name: name, sql: sql, now: now)
            }
        }
        try sql.execute("DELETE FROM stash_scene_tags WHERE scene_id = ?", [.text(id)])
        for tag in item["tags"]?.arrayValue ?? [] {
            guard let tagID = tag["id"]?.stringValue else { continue }
            try sql.execute("INSERT OR IGNORE INTO stash_scene_tags (scene_id, tag_id) VALUES (?, ?)", [.text(id), .text(tagID)])
            if let name = tag["name"]?.stringValue {
                try placeholder("stash_tags", id: tagID, name: name, sql: sql, now: now)
            }
        }
    }

    /// A row for an entity a scene names before the entity's own sync has reached it.
    static func placeholder(_ table: String, id: String, name: String, sql: StatementCache, now: Int64) throws {
        try sql.execute(
            "INSERT INTO \(table) (id, name, synced_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING", [.text(id), .text(name), .integer(now)])
    }

    static func performer(_ id: String, _ item: JSON, sql: StatementCache, now: Int64) throws {
        guard let name = item["name"]?.stringValue else { throw Refused(description: "performer \(id) has no name") }
        try sql.execute(
            """
            INSERT OR REPLACE INTO stash_performers (id, name, disambiguation, aliases, gender, birthdate, country, ethnicity, urls,
                details, rating, favorite, created_at, updated_at, updated_at_text, synced_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(id), .text(name), text(item["disambiguation"]), list(item["alias_list"]), text(item["gender"]),
                text(item["birthdate"]), text(item["country"]), text(item["ethnicity"]), list(item["urls"]), text(item["details"]),
                integer(item["rating100"]), .integer(item["favorite"]?.boolValue == true ? 1 : 0), time(item["created_at"]),
                time(item["updated_at"]), text(item["updated_at"]), .integer(now),
            ])
    }

    static func studio(_ id: String, _ item: JSON, sql: StatementCache, now: Int64) throws {
        guard let name = item["name"]?.stringValue else { throw Refused(description: "studio \(id) has no name") }
        try sql.execute(
            """
            INSERT OR REPLACE INTO stash_studios (id, name, parent_id, aliases, urls, details, rating, favorite, created_at,
                updated_at, updated_at_text, synced_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(id), .text(name), text(item["parent_studio"]?["id"]), list(item["aliases"]), list(item["urls"]),
                text(item["details"]), integer(item["rating100"]), .integer(item["favorite"]?.boolValue == true ? 1 : 0),
                time(item["created_at"]), time(item["updated_at"]), text(item["updated_at"]), .integer(now),
            ])
    }

    static func tag(_ id: String, _ item: JSON, sql: StatementCache, now: Int64) throws {
        guard let name = item["name"]?.stringValue else { throw Refused(description: "tag \(id) has no name") }
        try sql.execute(
            """
            INSERT OR REPLACE INTO stash_tags (id, name, description, aliases, created_at, updated_at, updated_at_text, synced_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(id), .text(name), text(item["description"]), list(item["aliases"]), time(item["created_at"]),
                time(item["updated_at"]), text(item["updated_at"]), .integer(now),
            ])
    }

    // MARK: Values

    static func text(_ value: JSON?) -> SQLValue {
        value?.stringValue.map(SQLValue.text) ?? .null
    }

    static func integer(_ value: JSON?) -> SQLValue {
        if let int = value?.intValue { return .integer(int) }
        if let double = value?.doubleValue, double.isFinite, abs(double) < 9e18 { return .integer(Int64(double)) }
        return .null
    }

    static func number(_ value: JSON?) -> SQLValue {
        value?.doubleValue.flatMap { $0.isFinite ? SQLValue.real($0) : nil } ?? .null
    }

    /// A list of strings as a JSON array (empty when absent).
    static func list(_ value: JSON?) -> SQLValue {
        let strings = (value?.arrayValue ?? []).compactMap(\.stringValue)
        return .text(String(decoding: JSON.array(strings.map(JSON.string)).encoded(), as: UTF8.self))
    }

    /// A Stash time as Unix milliseconds.
    static func time(_ value: JSON?) -> SQLValue {
        value?.stringValue.flatMap(StashTime.milliseconds).map(SQLValue.integer) ?? .null
    }
}
