import Core
import FoundationEssentials
import HTTP
import Store

/// One user's progress through movies and episodes (`movie_progress`, `episode_progress`): a
/// position and a duration; past 90 % the item counts as watched, and each time it becomes watched
/// its watch count grows. Only the caller's own rows are ever read or written.
struct WatchProgress {
    /// The share of the duration past which an item counts as watched.
    static let watchedPercent = 90

    let connection: Connection
    let table: String
    let column: String
    let userID: String
    let now: Int64

    static func movies(_ connection: Connection, userID: String, now: Int64) -> WatchProgress {
        WatchProgress(connection: connection, table: "movie_progress", column: "movie_id", userID: userID, now: now)
    }

    static func episodes(_ connection: Connection, userID: String, now: Int64) -> WatchProgress {
        WatchProgress(connection: connection, table: "episode_progress", column: "episode_id", userID: userID, now: now)
    }

    func get(_ itemID: String) throws(SQLiteError) -> Row? {
        try connection.queryOne("SELECT * FROM \(table) WHERE user_id = ? AND \(column) = ?", [.text(userID), .text(itemID)])
    }

    /// Stores a position; crossing 90 % marks the item watched (once per crossing).
    @discardableResult
    func record(_ itemID: String, position: Int, duration: Int) throws(SQLiteError) -> Row? {
        let completed = duration > 0 && position * 100 >= duration * Self.watchedPercent
        let previous = try get(itemID)
        let wasCompleted = previous?["is_completed"].boolValue ?? false
        let count = (previous?["watch_count"].intValue ?? 0) + (completed && !wasCompleted ? 1 : 0)
        let watchedAt = completed && !wasCompleted ? SQLValue.integer(now) : (previous?["watched_at"] ?? .null)
        if previous == nil {
            var columns = ["id", "user_id", column, "progress_seconds", "duration_seconds", "is_completed", "watch_count", "last_watched_at",
                           "created_at", "updated_at"]
            var values: [SQLValue] = [
                .text(UUID().uuidString.lowercased()), .text(userID), .text(itemID), .integer(Int64(position)), .integer(Int64(duration)),
                SQLValue(completed), .integer(Int64(count)), .integer(now), .integer(now), .integer(now),
            ]
            if table == "episode_progress" {
                columns.append("watched_at")
                values.append(watchedAt)
            }
            try connection.execute(
                "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))",
                values)
        } else {
            let extra = table == "episode_progress" ? ", watched_at = ?" : ""
            try connection.execute(
                """
                UPDATE \(table) SET progress_seconds = ?, duration_seconds = ?, is_completed = ?, watch_count = ?, last_watched_at = ?,
                    updated_at = ?\(extra) WHERE user_id = ? AND \(column) = ?
                """,
                [.integer(Int64(position)), .integer(Int64(duration)), SQLValue(completed), .integer(Int64(count)), .integer(now), .integer(now)]
                    + (extra.isEmpty ? [] : [watchedAt]) + [.text(userID), .text(itemID)])
        }
        return try get(itemID)
    }

    /// Marks the item watched to the end (a new watch each time).
    func markWatched(_ itemID: String, duration: Int) throws(SQLiteError) {
        let previous = try get(itemID)
        let length = max(duration, previous?["duration_seconds"].intValue ?? 0, 1)
        try record(itemID, position: length, duration: length)
        if previous?["is_completed"].boolValue == true {
            try connection.execute(
                "UPDATE \(table) SET watch_count = watch_count + 1 WHERE user_id = ? AND \(column) = ?", [.text(userID), .text(itemID)])
        }
    }

    /// Forgets the item's progress; answers whether there was any.
    func delete(_ itemID: String) throws(SQLiteError) -> Bool {
        try connection.execute("DELETE FROM \(table) WHERE user_id = ? AND \(column) = ?", [.text(userID), .text(itemID)])
        return connection.changes == 1
    }

    /// 003's MovieWatched / EpisodeWatchProgress.
    static func json(_ row: Row, owner: String) -> JSON {
        let position = row["progress_seconds"].intValue ?? 0
        let duration = max(row["duration_seconds"].intValue ?? 0, 1)
        var object = CatalogRows.columns(row, ["id", "user_id", owner, "progress_seconds", "duration_seconds", "watch_count"])
        object["progress_percent"] = JSON(min(100, position * 100 / duration))
        object["is_completed"] = .bool(row["is_completed"].boolValue ?? false)
        CatalogRows.times(
            row, [("last_watched_at", "last_watched_at"), ("created_at", "created_at"), ("updated_at", "updated_at"), ("watched_at", "watched_at")],
            into: &object)
        return .object(object)
    }

    static func schema(owner: String) -> Schema {
        .object(
            ["id": .string, "user_id": .string, owner: .string, "progress_seconds": .integer, "duration_seconds": .integer,
             "progress_percent": .integer, "is_completed": .boolean, "watch_count": .integer, "last_watched_at": .dateTime,
             "created_at": .dateTime, "updated_at": .dateTime],
            optional: ["watched_at": .nullable(.dateTime)])
    }
}
