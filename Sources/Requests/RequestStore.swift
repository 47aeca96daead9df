public import Store

/// `media_requests` in `state.db` (schema version 5). Every function runs on the caller's connection,
/// inside `Database.perform`.
public enum RequestStore {
    static let columns = """
        id, user_id, media_type, tmdb_id, title, year, poster_path, quality, comment, seasons, status, target, remote_id,
        status_reason, decided_by, created_at, updated_at
        """

    /// A page of requests, newest first, with the count of all that match.
    public struct Page: Sendable {
        public let items: [MediaRequest]
        public let total: Int
    }

    public static func insert(_ request: MediaRequest, _ connection: Connection) throws {
        try connection.execute(
            "INSERT INTO media_requests (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values(request))
    }

    public static func get(_ id: String, _ connection: Connection) throws -> MediaRequest? {
        try connection.queryOne("SELECT \(columns) FROM media_requests WHERE id = ?", [.text(id)]).map(MediaRequest.init(row:))
    }

    /// Requests of `userID` (nil: everyone's) in `status` (nil: any), newest first.
    public static func list(
        userID: String?, status: MediaRequest.Status?, offset: Int, limit: Int, _ connection: Connection
    ) throws -> Page {
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        if let userID {
            conditions.append("user_id = ?")
            arguments.append(.text(userID))
        }
        if let status {
            conditions.append("status = ?")
            arguments.append(.text(status.rawValue))
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let total = try connection.queryOne("SELECT COUNT(*) FROM media_requests" + filter, arguments)?[0].intValue ?? 0
        let rows = try connection.query(
            "SELECT \(columns) FROM media_requests\(filter) ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
            arguments + [.integer(Int64(limit)), .integer(Int64(offset))])
        return Page(items: rows.map(MediaRequest.init(row:)), total: total)
    }

    /// The open request (pending, approved or processing) for this movie or show, whoever made it.
    public static func open(kind: MediaRequest.Kind, tmdbID: Int, _ connection: Connection) throws -> MediaRequest? {
        try connection.queryOne(
            """
            SELECT \(columns) FROM media_requests WHERE media_type = ? AND tmdb_id = ? AND status IN ('pending', 'approved', 'processing')
            ORDER BY created_at LIMIT 1
            """, [.text(kind.rawValue), .integer(Int64(tmdbID))]
        ).map(MediaRequest.init(row:))
    }

    /// Every request in one of `statuses` that was sent to `target` (the status poller's work list).
    public static func sent(to targets: [String], statuses: [MediaRequest.Status], _ connection: Connection) throws -> [MediaRequest] {
        let targetMarks = targets.map { _ in "?" }.joined(separator: ", ")
        let statusMarks = statuses.map { _ in "?" }.joined(separator: ", ")
        return try connection.query(
            "SELECT \(columns) FROM media_requests WHERE target IN (\(targetMarks)) AND status IN (\(statusMarks)) ORDER BY created_at LIMIT 1000",
            targets.map { .text($0) } + statuses.map { .text($0.rawValue) }
        ).map(MediaRequest.init(row:))
    }

    /// Every open request for `tmdbID` of `kind` (an Overseerr webhook names the media, not the request).
    public static func openRequests(kind: MediaRequest.Kind?, tmdbID: Int, _ connection: Connection) throws -> [MediaRequest] {
        var sql = "SELECT \(columns) FROM media_requests WHERE tmdb_id = ? AND status IN ('pending', 'approved', 'processing')"
        var arguments: [SQLValue] = [.integer(Int64(tmdbID))]
        if let kind {
            sql += " AND media_type = ?"
            arguments.append(.text(kind.rawValue))
        }
        return try connection.query(sql + " LIMIT 100", arguments).map(MediaRequest.init(row:))
    }

    /// Writes every column of `request` but its id, owner and creation time.
    public static func update(_ request: MediaRequest, _ connection: Connection) throws {
        try connection.execute(
            """
            UPDATE media_requests SET status = ?, target = ?, remote_id = ?, status_reason = ?, decided_by = ?, updated_at = ?
            WHERE id = ?
            """,
            [
                .text(request.status.rawValue), optional(request.target), optional(request.remoteID), optional(request.statusReason),
                optional(request.decidedBy), .integer(request.updatedAt), .text(request.id),
            ])
    }

    public static func delete(_ id: String, _ connection: Connection) throws {
        try connection.execute("DELETE FROM media_requests WHERE id = ?", [.text(id)])
    }

    /// How many requests are in each status.
    public static func counts(_ connection: Connection) throws -> [MediaRequest.Status: Int] {
        var counts: [MediaRequest.Status: Int] = [:]
        for row in try connection.query("SELECT status, COUNT(*) FROM media_requests GROUP BY status") {
            if let status = MediaRequest.Status(rawValue: row[0].stringValue ?? "") { counts[status] = row[1].intValue ?? 0 }
        }
        return counts
    }

    static func values(_ request: MediaRequest) -> [SQLValue] {
        [
            .text(request.id), .text(request.userID), .text(request.kind.rawValue), .integer(Int64(request.tmdbID)), .text(request.title),
            request.year.map { .integer(Int64($0)) } ?? .null, optional(request.posterPath), optional(request.quality),
            optional(request.comment), request.seasons.isEmpty ? .null : .text(request.seasons.map(String.init).joined(separator: ",")),
            .text(request.status.rawValue), optional(request.target), optional(request.remoteID), optional(request.statusReason),
            optional(request.decidedBy), .integer(request.createdAt), .integer(request.updatedAt),
        ]
    }

    static func optional(_ text: String?) -> SQLValue { text.map { .text($0) } ?? .null }
}
