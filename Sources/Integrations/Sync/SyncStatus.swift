import Core
import Store

/// One app's last catalog sync, as `integration_syncs` keeps it (003's `RadarrSyncStatus` / `SonarrSyncStatus`).
public struct SyncStatus: Sendable, Equatable {
    public var isRunning = false
    public var jobID: String?
    /// Unix milliseconds the last sync finished.
    public var lastSync: Int64?
    public var lastError: String?
    public var added = 0
    public var updated = 0
    public var removed = 0
    public var episodesAdded = 0
    public var episodesUpdated = 0
    public var total = 0
    public var totalEpisodes = 0

    public init() {}

    /// The app's row, or an empty status before its first sync.
    static func read(_ connection: Connection, app: IntegrationApp) throws(SQLiteError) -> SyncStatus {
        var status = SyncStatus()
        guard let row = try connection.queryOne("SELECT * FROM integration_syncs WHERE app = ?", [.text(app.rawValue)]) else { return status }
        status.isRunning = row["is_running"].boolValue ?? false
        status.jobID = row["job_id"].stringValue
        status.lastSync = row["finished_at"].int64Value
        status.lastError = row["last_error"].stringValue
        status.added = Int(row["added"].int64Value ?? 0)
        status.updated = Int(row["updated"].int64Value ?? 0)
        status.removed = Int(row["removed"].int64Value ?? 0)
        status.episodesAdded = Int(row["episodes_added"].int64Value ?? 0)
        status.episodesUpdated = Int(row["episodes_updated"].int64Value ?? 0)
        status.total = Int(row["total"].int64Value ?? 0)
        status.totalEpisodes = Int(row["total_episodes"].int64Value ?? 0)
        return status
    }

    /// 003's sync status object: `movies*` for Radarr, `series*` (and episodes) for Sonarr.
    func json(app: IntegrationApp, running: Bool) -> JSON {
        let noun = app == .sonarr ? "series" : "movies"
        let totalName = app == .sonarr ? "totalSeries" : "totalMovies"
        var members: [String: JSON] = [
            "isRunning": .bool(running), "\(noun)Added": JSON(added), "\(noun)Updated": JSON(updated), "\(noun)Removed": JSON(removed),
            totalName: JSON(total),
        ]
        if app == .sonarr {
            members["episodesAdded"] = JSON(episodesAdded)
            members["episodesUpdated"] = JSON(episodesUpdated)
            members["totalEpisodes"] = JSON(totalEpisodes)
        }
        if let lastSync { members["lastSync"] = IntegrationJSON.time(lastSync) }
        if let lastError { members["lastSyncError"] = .string(lastError) }
        return .object(members)
    }
}
