import Core
import HTTP

/// The documented shapes of the metadata routes' answers (Revenge's `Metadata*` schemas), exactly what
/// `MetadataJSON` writes, so that a schema check of every answer holds.
enum MetadataSchemas {
    static let date = Schema.nullable(Schema(["type": "string", "format": "date"]))
    static let path = Schema.nullable(.string)
    static let rating: [String: Schema] = ["vote_average": .number, "vote_count": .integer, "popularity": .number]

    static let genre = Schema.object(["id": .integer, "name": .string])
    static let network = Schema.object(["id": .integer, "name": .string, "logo_path": path])
    static let cast = Schema.object(["id": .integer, "name": .string, "character": .string, "order": .integer, "profile_path": path])
    static let crew = Schema.object(["id": .integer, "name": .string, "job": .string, "department": .string, "profile_path": path])

    static let movieResult = Schema.object(
        [
            "tmdb_id": .integer, "title": .string, "original_title": .string, "overview": .nullable(.string), "release_date": date,
            "poster_path": path, "backdrop_path": path,
        ].merging(rating) { first, _ in first })
    static let showResult = Schema.object(
        [
            "tmdb_id": .integer, "name": .string, "original_name": .string, "overview": .nullable(.string), "first_air_date": date,
            "poster_path": path, "backdrop_path": path,
        ].merging(rating) { first, _ in first })

    /// A search answer of `item`s.
    static func page(_ item: Schema) -> Schema {
        .object(["page": .integer, "total_results": .integer, "total_pages": .integer, "results": .array(item)])
    }

    static let collectionPart = Schema.object(
        [
            "id": .integer, "title": .string, "original_title": .string, "overview": .nullable(.string), "release_date": date,
            "poster_path": path, "backdrop_path": path,
        ].merging(rating) { first, _ in first })
    static let collection = Schema.object([
        "id": .integer, "name": .string, "overview": .nullable(.string), "poster_path": path, "backdrop_path": path,
        "parts": .array(collectionPart),
    ])

    static let movie = Schema.object(
        [
            "tmdb_id": .integer, "imdb_id": .nullable(.string), "title": .string, "original_title": .string,
            "tagline": .nullable(.string), "overview": .nullable(.string), "release_date": date, "runtime": .nullable(.integer),
            "status": .string, "budget": .nullable(.integer), "revenue": .nullable(.integer), "poster_path": path, "backdrop_path": path,
            "genres": .array(genre), "cast": .array(cast), "crew": .array(crew), "belongs_to_collection": .nullable(collection),
        ].merging(rating) { first, _ in first })

    static let seasonSummary = Schema.object([
        "id": .integer, "season_number": .integer, "name": .string, "overview": .nullable(.string), "air_date": date,
        "episode_count": .integer, "poster_path": path,
    ])
    static let show = Schema.object(
        [
            "tmdb_id": .integer, "imdb_id": .nullable(.string), "tvdb_id": .nullable(.integer), "name": .string,
            "original_name": .string, "tagline": .nullable(.string), "overview": .nullable(.string), "first_air_date": date,
            "last_air_date": date, "status": .string, "type": .string, "number_of_seasons": .integer, "number_of_episodes": .integer,
            "episode_run_time": .array(.integer), "poster_path": path, "backdrop_path": path, "networks": .array(network),
            "genres": .array(genre), "seasons": .array(seasonSummary),
        ].merging(rating) { first, _ in first })

    static let episodeMembers: [String: Schema] = [
        "id": .integer, "episode_number": .integer, "name": .string, "overview": .nullable(.string), "air_date": date,
        "runtime": .nullable(.integer), "still_path": path, "vote_average": .number, "vote_count": .integer,
    ]
    static let season = Schema.object([
        "id": .integer, "tmdb_show_id": .integer, "season_number": .integer, "name": .string, "overview": .nullable(.string),
        "air_date": date, "poster_path": path, "episodes": .array(.object(episodeMembers)),
    ])
    static let episode = Schema.object(
        episodeMembers.merging([
            "tmdb_show_id": .integer, "season_number": .integer, "crew": .array(crew), "guest_stars": .array(cast),
        ]) { first, _ in first })
}
