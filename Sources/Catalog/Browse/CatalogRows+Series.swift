import Core
import HTTP
import Store

extension CatalogRows {
    static let seriesColumns = [
        "id", "tmdb_id", "tvdb_id", "imdb_id", "sonarr_id", "title", "original_title", "original_language", "tagline", "overview", "status",
        "type", "first_air_date", "last_air_date", "vote_average", "vote_count", "popularity", "poster_path", "backdrop_path", "trailer_url",
        "homepage", "library_id", "year", "metadata_error", "total_seasons", "total_episodes",
    ]

    static func series(_ row: Row) -> JSON {
        var object = columns(row, seriesColumns)
        times(row, [("added_at", "library_added_at"), ("metadata_updated_at", "metadata_updated_at"), ("created_at", "created_at"),
                    ("updated_at", "updated_at")], into: &object)
        object["external_ratings"] = .array([])
        return .object(object)
    }

    static let seriesSchema: Schema = .object(
        ["id": .string, "title": .string, "library_id": .string, "created_at": .dateTime, "updated_at": .dateTime, "library_added_at": .dateTime,
         "total_seasons": .integer, "total_episodes": .integer],
        optional: [
            "tmdb_id": .nullable(.integer), "tvdb_id": .nullable(.integer), "imdb_id": .nullable(.string), "sonarr_id": .nullable(.integer),
            "original_title": .nullable(.string), "original_language": .nullable(.string), "tagline": .nullable(.string),
            "overview": .nullable(.string), "status": .nullable(.string), "type": .nullable(.string), "first_air_date": .nullable(.string),
            "last_air_date": .nullable(.string), "vote_average": .nullable(.number), "vote_count": .nullable(.integer),
            "popularity": .nullable(.number), "poster_path": .nullable(.string), "backdrop_path": .nullable(.string),
            "trailer_url": .nullable(.string), "homepage": .nullable(.string), "year": .nullable(.integer), "metadata_error": .nullable(.string),
            "metadata_updated_at": .nullable(.dateTime), "external_ratings": .array(.anyObject),
        ])

    static func season(_ row: Row) -> JSON {
        var object = columns(row, ["id", "series_id", "tmdb_id", "season_number", "name", "overview", "poster_path", "episode_count", "air_date",
                                   "vote_average"])
        times(row, [("created_at", "created_at"), ("updated_at", "updated_at")], into: &object)
        return .object(object)
    }

    static let seasonSchema: Schema = .object(
        ["id": .string, "series_id": .string, "season_number": .integer, "name": .string, "episode_count": .integer, "created_at": .dateTime,
         "updated_at": .dateTime],
        optional: [
            "tmdb_id": .nullable(.integer), "overview": .nullable(.string), "poster_path": .nullable(.string), "air_date": .nullable(.string),
            "vote_average": .nullable(.number),
        ])

    static let episodeColumns = [
        "id", "series_id", "season_id", "tmdb_id", "tvdb_id", "imdb_id", "season_number", "episode_number", "title", "overview", "air_date",
        "runtime", "vote_average", "vote_count", "still_path", "production_code",
    ]

    static func episode(_ row: Row) -> JSON {
        var object = columns(row, episodeColumns)
        times(row, [("created_at", "created_at"), ("updated_at", "updated_at")], into: &object)
        return .object(object)
    }

    static let episodeSchema = episodeSchema(adding: [:])

    static func episodeSchema(adding extra: [String: Schema]) -> Schema {
        .object(
            ["id": .string, "series_id": .string, "season_id": .string, "season_number": .integer, "episode_number": .integer,
             "created_at": .dateTime, "updated_at": .dateTime].merging(extra) { $1 },
            optional: [
                "tmdb_id": .nullable(.integer), "tvdb_id": .nullable(.integer), "imdb_id": .nullable(.string), "title": .nullable(.string),
                "overview": .nullable(.string), "air_date": .nullable(.string), "runtime": .nullable(.integer),
                "vote_average": .nullable(.number), "vote_count": .nullable(.integer), "still_path": .nullable(.string),
                "production_code": .nullable(.string),
            ])
    }

    /// 003's EpisodeWithSeriesInfo.
    static func episodeWithSeries(_ row: Row) -> JSON {
        guard case .object(var object) = episode(row) else { return .null }
        object["series_title"] = CatalogJSON.value(row["series_title"])
        object["series_poster_path"] = CatalogJSON.value(row["series_poster_path"])
        return .object(object)
    }

    static let episodeWithSeriesSchema = episodeSchema(adding: ["series_title": .string, "series_poster_path": .nullable(.string)])

    static func network(_ row: Row) -> JSON {
        var object = columns(row, ["id", "tmdb_id", "name", "logo_path", "origin_country"])
        times(row, [("created_at", "created_at"), ("updated_at", "updated_at")], into: &object)
        return .object(object)
    }

    static let networkSchema: Schema = .object(
        ["id": .string, "name": .string, "created_at": .dateTime, "updated_at": .dateTime],
        optional: ["tmdb_id": .nullable(.integer), "logo_path": .nullable(.string), "origin_country": .nullable(.string)])
}
