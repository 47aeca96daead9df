import Core
import HTTP
import Store

/// Catalog rows as 003's JSON shapes (Movie, MovieFile, MovieCredit, TVSeries, TVSeason, TVEpisode, …)
/// and their documented schemas. Columns the catalog has no value for are null.
enum CatalogRows {
    /// The named columns, as JSON, under the same names.
    static func columns(_ row: Row, _ names: [String]) -> [String: JSON] {
        var object: [String: JSON] = [:]
        for name in names { object[name] = CatalogJSON.value(row[name]) }
        return object
    }

    /// The named millisecond columns as date-times.
    static func times(_ row: Row, _ names: [(column: String, field: String)], into object: inout [String: JSON]) {
        for (column, field) in names { object[field] = CatalogJSON.time(row[column].int64Value) }
    }

    static let movieColumns = [
        "id", "tmdb_id", "imdb_id", "title", "original_title", "year", "release_date", "runtime", "overview", "tagline", "status",
        "original_language", "poster_path", "backdrop_path", "trailer_url", "vote_average", "vote_count", "popularity", "budget", "revenue",
        "radarr_id", "library_id", "collection_id", "metadata_error",
    ]

    static func movie(_ row: Row) -> JSON {
        var object = columns(row, movieColumns)
        times(row, [("added_at", "library_added_at"), ("metadata_updated_at", "metadata_updated_at"), ("created_at", "created_at"),
                    ("updated_at", "updated_at")], into: &object)
        object["external_ratings"] = .array([])
        return .object(object)
    }

    static let movieSchema = movieSchema(adding: [:])

    /// 003's Movie with more required fields (continue-watching and history items).
    static func movieSchema(adding extra: [String: Schema]) -> Schema {
        .object(
        ["id": .string, "title": .string, "library_id": .string, "created_at": .dateTime, "updated_at": .dateTime, "library_added_at": .dateTime]
            .merging(extra) { $1 },
        optional: [
            "tmdb_id": .nullable(.integer), "imdb_id": .nullable(.string), "original_title": .nullable(.string), "year": .nullable(.integer),
            "release_date": .nullable(.string), "runtime": .nullable(.integer), "overview": .nullable(.string), "tagline": .nullable(.string),
            "status": .nullable(.string), "original_language": .nullable(.string), "poster_path": .nullable(.string),
            "backdrop_path": .nullable(.string), "trailer_url": .nullable(.string), "vote_average": .nullable(.number),
            "vote_count": .nullable(.integer), "popularity": .nullable(.number), "budget": .nullable(.integer), "revenue": .nullable(.integer),
            "radarr_id": .nullable(.integer), "collection_id": .nullable(.string), "metadata_error": .nullable(.string),
            "metadata_updated_at": .nullable(.dateTime), "external_ratings": .array(.anyObject),
        ])
    }

    static let fileColumns = [
        "id", "container", "duration_seconds", "bitrate_kbps", "video_codec", "framerate", "dynamic_range", "color_space", "audio_codec",
        "audio_channels", "probe_error", "width", "height",
    ]

    /// A file row as 003's MovieFile or TVEpisodeFile (`owner` names the movie or episode field).
    static func file(_ row: Row, owner: (field: String, id: String)) -> JSON {
        var object = columns(row, fileColumns)
        object[owner.field] = .string(owner.id)
        let path = row["path"].stringValue ?? ""
        object["file_path"] = .string(path)
        object["file_name"] = .string(path.split(separator: "/").last.map(String.init) ?? path)
        object["file_size"] = CatalogJSON.value(row["size"])
        object["resolution"] = resolution(height: row["height"].intValue).map(JSON.string) ?? .null
        object["audio_languages"] = CatalogJSON.strings(row["audio_languages"])
        object["subtitle_languages"] = CatalogJSON.strings(row["subtitle_languages"])
        object["is_missing"] = .bool(!row["missing_since"].isNull)
        times(row, [("probed_at", "last_scanned_at"), ("created_at", "created_at"), ("updated_at", "updated_at")], into: &object)
        return .object(object)
    }

    static func fileSchema(owner: String) -> Schema {
        .object(
            ["id": .string, owner: .string, "file_path": .string, "file_name": .string, "file_size": .integer, "is_missing": .boolean,
             "audio_languages": .array(.string), "subtitle_languages": .array(.string), "created_at": .dateTime, "updated_at": .dateTime],
            optional: [
                "container": .nullable(.string), "duration_seconds": .nullable(.integer), "bitrate_kbps": .nullable(.integer),
                "video_codec": .nullable(.string), "framerate": .nullable(.number), "dynamic_range": .nullable(.string),
                "color_space": .nullable(.string), "audio_codec": .nullable(.string), "audio_channels": .nullable(.string),
                "probe_error": .nullable(.string), "width": .nullable(.integer), "height": .nullable(.integer), "resolution": .nullable(.string),
                "last_scanned_at": .nullable(.dateTime),
            ])
    }

    /// `2160p`, `1080p`, `720p`, `576p` or `480p` from a picture height.
    static func resolution(height: Int?) -> String? {
        guard let height, height > 0 else { return nil }
        switch height {
        case 1600...: return "2160p"
        case 900..<1600: return "1080p"
        case 650..<900: return "720p"
        case 540..<650: return "576p"
        default: return "480p"
        }
    }

    /// The height range a resolution filter names.
    static func heightRange(_ resolution: String) -> (low: Int, high: Int)? {
        switch resolution.lowercased() {
        case "2160p", "4k", "uhd": (1600, 100_000)
        case "1080p", "fhd": (900, 1599)
        case "720p", "hd": (650, 899)
        case "sd", "576p", "480p": (1, 649)
        default: nil
        }
    }

    /// A credit row joined with its person, as 003's MovieCredit / TVSeriesCredit.
    static func credit(_ row: Row, owner: String) -> JSON {
        var object = columns(row, ["id", "credit_type", "character", "job", "department", "cast_order", "name", "profile_path"])
        object[owner] = CatalogJSON.value(row[owner])
        object["tmdb_person_id"] = CatalogJSON.value(row["tmdb_id"])
        times(row, [("created_at", "created_at"), ("created_at", "updated_at")], into: &object)
        return .object(object)
    }

    static func creditSchema(owner: String) -> Schema {
        .object(
            ["id": .string, owner: .string, "name": .string, "credit_type": .oneOf(["cast", "crew"]), "created_at": .dateTime, "updated_at": .dateTime],
            optional: [
                "tmdb_person_id": .nullable(.integer), "character": .nullable(.string), "job": .nullable(.string),
                "department": .nullable(.string), "cast_order": .nullable(.integer), "profile_path": .nullable(.string),
            ])
    }

    static func genre(_ row: Row, owner: String) -> JSON {
        [
            "id": .string(String(row["genre_id"].int64Value ?? 0)), owner: CatalogJSON.value(row[owner]), "slug": CatalogJSON.value(row["slug"]),
            "name": CatalogJSON.value(row["name"]), "created_at": CatalogJSON.time(row["created_at"].int64Value),
        ]
    }

    static func genreSchema(owner: String) -> Schema {
        .object(["id": .string, owner: .string, "slug": .string, "name": .string, "created_at": .dateTime])
    }

    static func collection(_ row: Row) -> JSON {
        var object = columns(row, ["id", "name", "overview", "poster_path", "backdrop_path"])
        object["tmdb_collection_id"] = CatalogJSON.value(row["tmdb_id"])
        times(row, [("created_at", "created_at"), ("updated_at", "updated_at")], into: &object)
        return .object(object)
    }

    static let collectionSchema: Schema = .object(
        ["id": .string, "name": .string, "created_at": .dateTime, "updated_at": .dateTime],
        optional: [
            "tmdb_collection_id": .nullable(.integer), "overview": .nullable(.string), "poster_path": .nullable(.string),
            "backdrop_path": .nullable(.string),
        ])

    /// 003's list envelope: items, total, page and page size.
    static func page(_ items: [JSON], total: Int, limit: Int, offset: Int) -> JSON {
        ["items": .array(items), "total": JSON(total), "page": JSON(offset / max(limit, 1) + 1), "page_size": JSON(limit)]
    }

    static func pageSchema(_ item: Schema) -> Schema {
        .object(["items": .array(item), "total": .integer], optional: ["page": .integer, "page_size": .integer])
    }
}
