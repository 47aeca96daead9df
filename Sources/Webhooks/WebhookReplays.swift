public import Store

/// The deliveries already acted on (`webhook_events`): a second delivery of the same event key
/// within `window` is a replay. Rows older than the window are pruned as new ones arrive.
public struct WebhookReplays: Sendable {
    public let database: Database
    /// Milliseconds a key is remembered (24 h).
    public let window: Int64

    public init(database: Database, window: Int64 = 24 * 3_600_000) {
        self.database = database
        self.window = window
    }

    /// Records `key` from `source` at `now`; false when it was already seen within the window.
    /// Blocks (SQLite): call it through `Database.perform`.
    public func firstSighting(source: WebhookSource, key: String, now: Int64) throws -> Bool {
        try database.transaction { connection in
            try connection.execute("DELETE FROM webhook_events WHERE received_at < ?", [.integer(now - window)])
            if try connection.queryOne(
                "SELECT 1 FROM webhook_events WHERE source = ? AND event_key = ?", [.text(source.rawValue), .text(key)]) != nil
            {
                return false
            }
            try connection.execute(
                "INSERT INTO webhook_events (source, event_key, received_at) VALUES (?, ?, ?)",
                [.text(source.rawValue), .text(key), .integer(now)])
            return true
        }
    }
}
