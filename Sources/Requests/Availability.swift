import Store

/// Whether a TMDb movie or show is already here or already asked for: 001's `availability`.
/// `plex` is true when the appliance's catalog holds a file of it, or the app that fetches media
/// (Overseerr, Radarr, Sonarr) says it has it; `requested` when an open request exists.
public struct Availability: Sendable, Equatable {
    public var plex: Bool
    public var requested: Bool
    /// The open request, when there is one: its id and status.
    public var request: (id: String, status: MediaRequest.Status)?

    public static func == (left: Availability, right: Availability) -> Bool {
        left.plex == right.plex && left.requested == right.requested && left.request?.id == right.request?.id
            && left.request?.status == right.request?.status
    }

    /// Whether the catalog has a file (not missing) of the movie, or an episode file of the show.
    static func inCatalog(kind: MediaRequest.Kind, tmdbID: Int, _ connection: Connection) throws -> Bool {
        let sql =
            switch kind {
            case .movie:
                """
                SELECT 1 FROM movies m JOIN media_files f ON f.movie_id = m.id
                WHERE m.tmdb_id = ? AND f.missing_since IS NULL LIMIT 1
                """
            case .tv:
                """
                SELECT 1 FROM series s JOIN episodes e ON e.series_id = s.id JOIN episode_files ef ON ef.episode_id = e.id
                JOIN media_files f ON f.id = ef.file_id WHERE s.tmdb_id = ? AND f.missing_since IS NULL LIMIT 1
                """
            }
        return try connection.queryOne(sql, [.integer(Int64(tmdbID))]) != nil
    }

    /// Availability of each of `ids` (one TMDb page) from the catalog and the open requests, in two queries.
    static func of(kind: MediaRequest.Kind, ids: [Int], _ connection: Connection) throws -> [Int: Availability] {
        guard !ids.isEmpty else { return [:] }
        let marks = ids.map { _ in "?" }.joined(separator: ", ")
        let values = ids.map { SQLValue.integer(Int64($0)) }
        var answer: [Int: Availability] = [:]
        for id in ids { answer[id] = Availability(plex: false, requested: false) }
        let present =
            switch kind {
            case .movie:
                """
                SELECT DISTINCT m.tmdb_id FROM movies m JOIN media_files f ON f.movie_id = m.id
                WHERE m.tmdb_id IN (\(marks)) AND f.missing_since IS NULL
                """
            case .tv:
                """
                SELECT DISTINCT s.tmdb_id FROM series s JOIN episodes e ON e.series_id = s.id JOIN episode_files ef ON ef.episode_id = e.id
                JOIN media_files f ON f.id = ef.file_id WHERE s.tmdb_id IN (\(marks)) AND f.missing_since IS NULL
                """
            }
        for row in try connection.query(present, values) {
            if let id = row[0].intValue { answer[id]?.plex = true }
        }
        let requested = try connection.query(
            """
            SELECT tmdb_id, id, status FROM media_requests WHERE media_type = ? AND tmdb_id IN (\(marks))
            AND status IN ('pending', 'approved', 'processing') ORDER BY created_at DESC
            """, [.text(kind.rawValue)] + values)
        for row in requested {
            guard let id = row[0].intValue, let status = MediaRequest.Status(rawValue: row[2].stringValue ?? "") else { continue }
            answer[id]?.requested = true
            answer[id]?.request = (row[1].stringValue ?? "", status)
        }
        return answer
    }
}
