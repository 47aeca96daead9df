import Core
import HTTP

/// The compact shapes 001's Plex routes answer with, made from Plex's `Metadata` and `Directory`
/// entries, and their schemas. Image paths are Plex's own relative paths (`/library/metadata/1/thumb/…`)
/// without the server address, the token or any query: the client never sees the Plex token.
enum PlexBrowseJSON {
    /// The most characters of a summary an item carries.
    static let summaryLimit = 4000

    /// Every member is present; those Plex did not send are null.
    static let itemSchema = Schema.object([
        "ratingKey": .string, "key": .string, "title": .string, "type": .string, "year": .nullable(.integer),
        "summary": .nullable(.string), "thumb": .nullable(.string), "art": .nullable(.string), "addedAt": .nullable(.integer),
        "updatedAt": .nullable(.integer), "duration": .nullable(.integer), "originallyAvailableAt": .nullable(.string),
        "contentRating": .nullable(.string), "rating": .nullable(.number), "childCount": .nullable(.integer),
        "leafCount": .nullable(.integer), "librarySectionID": .nullable(.string), "parentTitle": .nullable(.string),
        "grandparentTitle": .nullable(.string), "index": .nullable(.integer), "parentIndex": .nullable(.integer),
    ])

    static let itemExample: JSON = [
        "ratingKey": "1", "key": "/library/metadata/1", "title": "Big Buck Bunny", "type": "movie", "year": 2008,
        "summary": "A giant rabbit…", "thumb": "/library/metadata/1/thumb/1700000000", "art": nil, "addedAt": 1_700_000_000,
        "updatedAt": 1_700_000_000, "duration": 596_000, "originallyAvailableAt": "2008-04-10", "contentRating": "G",
        "rating": 7.5, "childCount": nil, "leafCount": nil, "librarySectionID": "1", "parentTitle": nil, "grandparentTitle": nil,
        "index": nil, "parentIndex": nil,
    ]

    static let paginationSchema = Schema.object([
        "page": .integer, "limit": .integer, "total": .integer, "totalPages": .integer, "totalItems": .integer,
        "itemsPerPage": .integer, "hasNext": .boolean, "hasPrev": .boolean,
    ])

    /// 001's `{success: true, data: …}`.
    static func envelope(_ data: Schema) -> Schema {
        .success(["data": data])
    }

    /// The compact item, or nil for an entry without a rating key or title.
    static func item(_ entry: JSON) -> JSON? {
        guard let ratingKey = entry["ratingKey"]?.plexText, let title = entry["title"]?.stringValue else { return nil }
        return [
            "ratingKey": .string(ratingKey), "key": .string(entry["key"]?.stringValue ?? "/library/metadata/\(ratingKey)"),
            "title": .string(title), "type": .string(entry["type"]?.stringValue ?? ""), "year": integer(entry["year"]),
            "summary": entry["summary"]?.stringValue.map { .string(String($0.prefix(summaryLimit))) } ?? .null,
            "thumb": imagePath(entry["thumb"]), "art": imagePath(entry["art"]), "addedAt": integer(entry["addedAt"]),
            "updatedAt": integer(entry["updatedAt"]), "duration": integer(entry["duration"]),
            "originallyAvailableAt": text(entry["originallyAvailableAt"]), "contentRating": text(entry["contentRating"]),
            "rating": entry["rating"]?.doubleValue.map(JSON.double) ?? .null, "childCount": integer(entry["childCount"]),
            "leafCount": integer(entry["leafCount"]), "librarySectionID": entry["librarySectionID"]?.plexText.map(JSON.string) ?? .null,
            "parentTitle": text(entry["parentTitle"]), "grandparentTitle": text(entry["grandparentTitle"]),
            "index": integer(entry["index"]), "parentIndex": integer(entry["parentIndex"]),
        ]
    }

    /// 001's pagination for `page` of `limit` over `total` items (with `limit` and `total` as well).
    static func pagination(page: Int, limit: Int, total: Int) -> JSON {
        let pages = (total + limit - 1) / limit
        return [
            "page": JSON(page), "limit": JSON(limit), "total": JSON(total), "totalPages": JSON(pages), "totalItems": JSON(total),
            "itemsPerPage": JSON(limit), "hasNext": .bool(page < pages), "hasPrev": .bool(page > 1),
        ]
    }

    /// A relative Plex path (`/…`), cut at any query so no token rides along; anything else is null.
    static func imagePath(_ value: JSON?) -> JSON {
        guard let raw = value?.stringValue, raw.hasPrefix("/"), !raw.hasPrefix("//") else { return .null }
        let path = raw.prefix { $0 != "?" && $0 != "#" }
        guard path.utf8.count <= 1024, path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else { return .null }
        return .string(String(path))
    }

    static func integer(_ value: JSON?) -> JSON {
        value?.plexNumber.map(JSON.int) ?? .null
    }

    static func text(_ value: JSON?) -> JSON {
        value?.stringValue.map(JSON.string) ?? .null
    }
}

extension JSON {
    /// An id Plex sends as a number or a string.
    var plexText: String? {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        default: nil
        }
    }

    /// An integer Plex sends as a number or a numeric string.
    var plexNumber: Int64? {
        switch self {
        case .string(let s): Int64(s)
        default: intValue
        }
    }
}
