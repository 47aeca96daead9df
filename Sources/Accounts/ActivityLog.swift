import Core
public import FoundationEssentials
public import Store

/// The activity log (003 `/admin/activity*`): append, query with filters and paging, stats over a
/// window, and pruning for the retention the config sets. Entries outlive the users they name.
public struct ActivityLog: StateTable {
    public static let detailsBytes = 16 * 1024
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Stores `entry` with a fresh id and time; long user agents and messages are cut, not refused,
    /// as they come from requests and the entry must still be written.
    @discardableResult
    public func record(_ entry: ActivityEntry, now: Date = Date()) throws(AccountError) -> ActivityEntry {
        try FieldLimits.checkSlug(entry.action.replacing(".", with: "_"), field: "action", maximum: 64)
        guard case .object = entry.details, UserStore.text(entry.details).utf8.count <= Self.detailsBytes else {
            throw .invalid(field: "details", reason: "must be a JSON object of at most \(Self.detailsBytes) bytes")
        }
        var stored = entry
        stored.createdAt = Timestamp.date(Timestamp.milliseconds(now))
        stored.username = entry.username.map { SessionStore.clip($0, 255) }
        stored.errorMessage = entry.errorMessage.map { SessionStore.clip($0, 1024) }
        stored.ipAddress = entry.ipAddress.map { SessionStore.clip($0, FieldLimits.addressLength) }
        stored.userAgent = entry.userAgent.map { SessionStore.clip($0, FieldLimits.userAgentLength) }
        stored.resourceType = entry.resourceType.map { SessionStore.clip($0, 64) }
        stored.resourceID = entry.resourceID.map { SessionStore.clip($0, 255) }
        let s = stored
        return try AccountError.wrap {
            var withID = s
            withID.id = try Secrets.identifier()
            try database.execute(
                """
                INSERT INTO activity_log (id, created_at, user_id, username, action, resource_type, resource_id, success,
                    error_message, ip_address, user_agent, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(withID.id), .integer(Timestamp.milliseconds(s.createdAt)), SQLValue(s.userID), SQLValue(s.username),
                    .text(s.action), SQLValue(s.resourceType), SQLValue(s.resourceID), SQLValue(s.success), SQLValue(s.errorMessage),
                    SQLValue(s.ipAddress), SQLValue(s.userAgent), .text(UserStore.text(s.details)),
                ])
            return withID
        }
    }

    /// Matching entries, newest first, and how many match in all.
    public func query(_ filter: ActivityFilter = ActivityFilter(), offset: Int = 0, limit: Int = 50) throws(AccountError) -> Page<ActivityEntry> {
        let (clause, values) = Self.clause(filter)
        return try AccountError.wrap {
            let total = try database.queryOne("SELECT COUNT(*) FROM activity_log \(clause)", values)?[0].intValue ?? 0
            let rows = try database.query(
                "SELECT * FROM activity_log \(clause) ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
                values + [.integer(Int64(max(0, min(limit, 1000)))), .integer(Int64(max(0, offset)))])
            return Page(items: rows.map(Self.entry), total: total)
        }
    }

    /// Totals, failures, the time span and per-action counts of the entries `filter` matches.
    public func stats(_ filter: ActivityFilter = ActivityFilter()) throws(AccountError) -> ActivityStats {
        let (clause, values) = Self.clause(filter)
        return try AccountError.wrap {
            let row = try database.queryOne(
                "SELECT COUNT(*) AS n, TOTAL(success) AS ok, MIN(created_at) AS oldest, MAX(created_at) AS newest FROM activity_log \(clause)",
                values)
            let total = row?.int("n") ?? 0
            let succeeded = Int(row?.double("ok") ?? 0)
            let actions = try database.query(
                "SELECT action, COUNT(*) AS n FROM activity_log \(clause) GROUP BY action ORDER BY n DESC, action LIMIT 200", values
            ).map { ActionCount(action: $0.string("action") ?? "", count: $0.int("n") ?? 0) }
            return ActivityStats(
                total: total, succeeded: succeeded, failed: total - succeeded, oldest: row?.int64("oldest").map(Timestamp.date),
                newest: row?.int64("newest").map(Timestamp.date), actions: actions)
        }
    }

    /// Deletes entries older than `days` days; returns how many.
    @discardableResult
    public func prune(olderThanDays days: Int, now: Date = Date()) throws(AccountError) -> Int {
        guard days >= 0 else { throw .invalid(field: "days", reason: "must not be negative") }
        let cutoff = Timestamp.milliseconds(now.addingTimeInterval(-Double(days) * 86_400))
        return try AccountError.wrap {
            try database.withConnection { (connection) throws(SQLiteError) in
                try connection.execute("DELETE FROM activity_log WHERE created_at < ?", [.integer(cutoff)])
                return connection.changes
            }
        }
    }

    static func clause(_ f: ActivityFilter) -> (String, [SQLValue]) {
        var conditions: [String] = []
        var values: [SQLValue] = []
        func add(_ condition: String, _ value: SQLValue) {
            conditions.append(condition)
            values.append(value)
        }
        if let v = f.userID { add("user_id = ?", .text(v)) }
        if let v = f.action { add("action = ?", .text(v)) }
        if let v = f.success { add("success = ?", SQLValue(v)) }
        if let v = f.resourceType { add("resource_type = ?", .text(v)) }
        if let v = f.resourceID { add("resource_id = ?", .text(v)) }
        if let v = f.since { add("created_at >= ?", .integer(Timestamp.milliseconds(v))) }
        if let v = f.until { add("created_at < ?", .integer(Timestamp.milliseconds(v))) }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), values)
    }

    static func entry(_ row: Row) -> ActivityEntry {
        var e = ActivityEntry(
            userID: row.string("user_id"), username: row.string("username"), action: row.string("action") ?? "",
            resourceType: row.string("resource_type"), resourceID: row.string("resource_id"), success: row.bool("success") ?? false,
            errorMessage: row.string("error_message"), ipAddress: row.string("ip_address"), userAgent: row.string("user_agent"),
            details: row.string("details").flatMap { try? JSON.decode(Array($0.utf8)) } ?? [:])
        e.id = row.string("id") ?? ""
        e.createdAt = Timestamp.date(row.int64("created_at") ?? 0)
        return e
    }
}
