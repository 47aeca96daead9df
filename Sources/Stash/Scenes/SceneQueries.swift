import Core
import Store

/// Reads scenes from the local copy in 004's shape: one query for the page (filters, sort, page),
/// then one each for the page's files, performers and tags.
enum SceneQueries {
    /// The page `filter` asks for and how many scenes match in all.
    static func list(_ connection: Connection, _ filter: SceneFilter) throws(SQLiteError) -> (total: Int, items: [JSON]) {
        guard let (whereClause, values) = condition(filter) else { return (0, []) }
        let total = try connection.queryOne("SELECT count(*) FROM stash_scenes s \(whereClause)", values)?[0].intValue ?? 0
        let direction = filter.descending ? "DESC" : "ASC"
        let column = SceneFilter.sorts[filter.sort] ?? "s.created_at"
        // The page's keys first (an index walk, which skips an offset without reading rows), then its rows.
        let keys = try connection.query(
            "SELECT s.pk FROM stash_scenes s \(whereClause) ORDER BY \(column) \(direction), s.pk \(direction) LIMIT ? OFFSET ?",
            values + [.integer(Int64(filter.perPage)), .integer(Int64((filter.page - 1) * filter.perPage))]
        ).compactMap { $0[0].int64Value }
        guard !keys.isEmpty else { return (total, []) }
        let found = try connection.query(
            "SELECT s.*, st.name AS studio_name FROM stash_scenes s LEFT JOIN stash_studios st ON st.id = s.studio_id WHERE s.pk IN (\(marks(keys.count)))",
            keys.map(SQLValue.integer))
        let byKey = Dictionary(found.map { ($0["pk"].int64Value ?? 0, $0) }, uniquingKeysWith: { first, _ in first })
        return (total, try items(connection, keys.compactMap { byKey[$0] }, withFiles: false))
    }

    /// The ids of the scenes `filter` matches (not its page), in the copy's order, at most `limit`.
    static func ids(_ connection: Connection, _ filter: SceneFilter, limit: Int) throws(SQLiteError) -> [String] {
        guard let (whereClause, values) = condition(filter) else { return [] }
        return try connection.query("SELECT s.id FROM stash_scenes s \(whereClause) ORDER BY s.pk LIMIT ?", values + [.integer(Int64(limit))])
            .compactMap { $0[0].stringValue }
    }

    /// The `WHERE` clause (or nothing) of `filter`'s conditions with its values; nil when the filter can
    /// match nothing (a search of no words).
    static func condition(_ filter: SceneFilter) -> (String, [SQLValue])? {
        var conditions: [String] = []
        var values: [SQLValue] = []
        if let search = filter.search {
            guard let match = SceneSearch.match(search) else { return nil }
            conditions.append("s.pk IN (SELECT rowid FROM stash_scene_search WHERE stash_scene_search MATCH ?)")
            values.append(.text(match))
        }
        if let studio = filter.studioID {
            conditions.append("s.studio_id = ?")
            values.append(.text(studio))
        }
        if !filter.performerIDs.isEmpty {
            conditions.append(
                "s.id IN (SELECT scene_id FROM stash_scene_performers WHERE performer_id IN (\(marks(filter.performerIDs.count))))")
            values += filter.performerIDs.map(SQLValue.text)
        }
        if !filter.tagIDs.isEmpty {
            conditions.append("s.id IN (SELECT scene_id FROM stash_scene_tags WHERE tag_id IN (\(marks(filter.tagIDs.count))))")
            values += filter.tagIDs.map(SQLValue.text)
        }
        if let organized = filter.organized {
            conditions.append("s.organized = ?")
            values.append(.integer(organized ? 1 : 0))
        }
        if let from = filter.dateFrom {
            conditions.append("s.date >= ?")
            values.append(.text(from))
        }
        if let to = filter.dateTo {
            // A date of `to` itself counts (dates are `YYYY-MM-DD`, perhaps with more after).
            conditions.append("s.date < ?")
            values.append(.text(to + "~"))
        }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), values)
    }

    /// One scene with its files, or nil.
    static func scene(_ connection: Connection, id: String) throws(SQLiteError) -> JSON? {
        let rows = try connection.query(
            "SELECT s.*, st.name AS studio_name FROM stash_scenes s LEFT JOIN stash_studios st ON st.id = s.studio_id WHERE s.id = ?",
            [.text(id)])
        return try items(connection, rows, withFiles: true).first
    }

    /// The scene objects of `rows`, in their order.
    static func items(_ connection: Connection, _ rows: [Row], withFiles: Bool) throws(SQLiteError) -> [JSON] {
        let ids = rows.compactMap { $0.string("id") }
        guard !ids.isEmpty else { return [] }
        let idValues = ids.map(SQLValue.text)
        var files: [String: [Row]] = [:]
        for row in try connection.query(
            "SELECT * FROM stash_scene_files WHERE scene_id IN (\(marks(ids.count))) ORDER BY scene_id, position", idValues)
        {
            files[row.string("scene_id") ?? "", default: []].append(row)
        }
        let performers = try named(
            connection,
            "SELECT l.scene_id, l.performer_id, p.name FROM stash_scene_performers l LEFT JOIN stash_performers p ON p.id = l.performer_id WHERE l.scene_id IN (\(marks(ids.count))) ORDER BY p.name COLLATE NOCASE",
            idValues)
        let tags = try named(
            connection,
            "SELECT l.scene_id, l.tag_id, t.name FROM stash_scene_tags l LEFT JOIN stash_tags t ON t.id = l.tag_id WHERE l.scene_id IN (\(marks(ids.count))) ORDER BY t.name COLLATE NOCASE",
            idValues)
        return rows.map { row in
            let id = row.string("id") ?? ""
            let sceneFiles = files[id] ?? []
            var item: [String: JSON] = [
                "id": .string(id), "title": JSON(row.string("title")), "paths": .array(sceneFiles.compactMap { $0.string("path") }.map(JSON.string)),
                "organized": .bool(row["organized"].boolValue ?? false), "details": JSON(row.string("details")),
                "created_date": iso(row["created_at"].int64Value), "updated_date": iso(row["updated_at"].int64Value),
                "scene_date": sceneDate(row.string("date")), "date": JSON(row.string("date")),
                "rating": row["rating"].int64Value.map(JSON.int) ?? .null, "code": JSON(row.string("code")),
                "urls": decodedList(row.string("urls")),
                "studio": row.string("studio_id").map { ["id": .string($0), "name": JSON(row.string("studio_name"))] } ?? .null,
                "performers": .array(performers[id] ?? []), "tags": .array(tags[id] ?? []),
                "last_synced": iso(row["synced_at"].int64Value),
            ]
            if withFiles { item["files"] = .array(sceneFiles.map(file)) }
            return .object(item)
        }
    }

    /// `{id, name}` objects of each scene, from rows of (scene id, entity id, name).
    static func named(_ connection: Connection, _ sql: String, _ values: [SQLValue]) throws(SQLiteError) -> [String: [JSON]] {
        var named: [String: [JSON]] = [:]
        for row in try connection.query(sql, values) {
            guard let scene = row[0].stringValue, let id = row[1].stringValue else { continue }
            named[scene, default: []].append(["id": .string(id), "name": JSON(row[2].stringValue)])
        }
        return named
    }

    static func file(_ row: Row) -> JSON {
        [
            "id": JSON(row.string("file_id")), "path": JSON(row.string("path")), "size": row["size"].int64Value.map(JSON.int) ?? .null,
            "duration": row["duration"].doubleValue.map(JSON.double) ?? .null, "format": JSON(row.string("format")),
            "video_codec": JSON(row.string("video_codec")), "audio_codec": JSON(row.string("audio_codec")),
            "width": row["width"].int64Value.map(JSON.int) ?? .null, "height": row["height"].int64Value.map(JSON.int) ?? .null,
            "frame_rate": row["frame_rate"].doubleValue.map(JSON.double) ?? .null,
            "bit_rate": row["bit_rate"].int64Value.map(JSON.int) ?? .null,
            "fingerprints": (try? JSON.parseStrict(Array((row.string("fingerprints") ?? "[]").utf8))) ?? .array([]),
        ]
    }

    static func marks(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// ISO 8601 (UTC) of Unix milliseconds, or null.
    static func iso(_ milliseconds: Int64?) -> JSON {
        milliseconds.map { .string(StashTime.text(milliseconds: $0)) } ?? .null
    }

    /// 004's `scene_date`: Stash's `YYYY-MM-DD` as a date-time at midnight, or null.
    static func sceneDate(_ date: String?) -> JSON {
        guard let date, date.utf8.count == 10 else { return JSON(date) }
        return .string(date + "T00:00:00")
    }

    static func decodedList(_ text: String?) -> JSON {
        guard let text, let list = try? JSON.parseStrict(Array(text.utf8)), list.arrayValue != nil else { return .array([]) }
        return list
    }
}

/// Turning what a person typed into an FTS5 query that cannot be a syntax error: words of letters and
/// digits only, each quoted, the last one a prefix; every word must match (title or details).
enum SceneSearch {
    static let maximumWords = 8

    static func match(_ text: String) -> String? {
        var words: [String] = []
        var word = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                word.unicodeScalars.append(scalar)
            } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        guard !words.isEmpty else { return nil }
        let used = words.prefix(maximumWords)
        return used.enumerated().map { index, word in
            "\"\(word)\"" + (index == used.count - 1 ? "*" : "")
        }.joined(separator: " ")
    }
}
