public import Core
public import FoundationEssentials

/// A stored schedule: a cron expression (5 fields) or an interval, for one library.
public struct ScheduleRecord: Sendable, Equatable {
    /// How the schedule fires.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case cron, interval
    }

    public var id: String
    public var name: String
    public var libraryID: String?
    public var libraryName: String?
    public var kind: Kind
    public var cronExpression: String?
    public var intervalMinutes: Int?
    public var enabled: Bool
    /// Job options the schedule passes on (force, job type, …).
    public var parameters: JSON
    public var nextRun: Date?
    public var lastRun: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, name: String, libraryID: String? = nil, libraryName: String? = nil, kind: Kind,
        cronExpression: String? = nil, intervalMinutes: Int? = nil, enabled: Bool = true, parameters: JSON = [:],
        nextRun: Date? = nil, createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.libraryID = libraryID
        self.libraryName = libraryName
        self.kind = kind
        self.cronExpression = cronExpression
        self.intervalMinutes = intervalMinutes
        self.enabled = enabled
        self.parameters = parameters
        self.nextRun = nextRun
        self.lastRun = nil
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

/// The schedules table. Parsing cron and computing `nextRun` belong to the scheduler; this keeps
/// the rows and makes firing a tick atomic, so a tick fires once even across a restart.
public struct ScheduleStore: StateTable, RecordTable {
    static let table = "schedules"

    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Stores `record` under a fresh id (`schedule-<uuid>`) and returns it as stored.
    @discardableResult
    public func create(_ record: ScheduleRecord) throws(SQLiteError) -> ScheduleRecord {
        var stored = record
        stored.id = "schedule-\(UUID().uuidString.lowercased())"
        stored.createdAt = Timestamp.date(Timestamp.now())
        stored.updatedAt = stored.createdAt
        stored.nextRun = stored.nextRun.map { Timestamp.date(Timestamp.milliseconds($0)) }
        try database.execute(
            "INSERT INTO schedules (\(Self.columns.joined(separator: ", "))) VALUES (\(Self.columns.map { _ in "?" }.joined(separator: ", ")))",
            Self.values(stored))
        return stored
    }

    public func get(_ id: String) throws(SQLiteError) -> ScheduleRecord? {
        try database.queryOne("SELECT * FROM schedules WHERE id = ?", [.text(id)]).map(Self.record)
    }

    /// Every schedule, oldest first.
    public func list() throws(SQLiteError) -> [ScheduleRecord] {
        try database.query("SELECT * FROM schedules ORDER BY created_at, id LIMIT 10000").map(Self.record)
    }

    /// Enabled schedules whose `nextRun` is at or before `date`, soonest first.
    public func due(at date: Date) throws(SQLiteError) -> [ScheduleRecord] {
        try database.query(
            "SELECT * FROM schedules WHERE enabled = 1 AND next_run IS NOT NULL AND next_run <= ? ORDER BY next_run",
            [.integer(Timestamp.milliseconds(date))]
        ).map(Self.record)
    }

    /// The soonest `nextRun` of the enabled schedules; nil when none will fire.
    public func earliestNextRun() throws(SQLiteError) -> Date? {
        try database.queryOne("SELECT MIN(next_run) FROM schedules WHERE enabled = 1 AND next_run IS NOT NULL")?[0]
            .int64Value.map(Timestamp.date)
    }

    /// Reads, edits and writes back one schedule in a transaction; nil when there is no such schedule.
    @discardableResult
    public func update(_ id: String, _ change: (inout ScheduleRecord) throws -> Void) throws -> ScheduleRecord? {
        try Self.update(id, in: database, change)
    }

    /// Fires the tick `tick` of schedule `id` at most once: true only for the one caller that moves
    /// `nextRun` from `tick` to `nextRun` (and sets `lastRun`); false when it was already fired.
    public func claim(_ id: String, tick: Date, nextRun: Date?) throws(SQLiteError) -> Bool {
        try database.withConnection { (connection) throws(SQLiteError) in
            try connection.execute(
                "UPDATE schedules SET last_run = ?, next_run = ?, updated_at = ? WHERE id = ? AND enabled = 1 AND next_run = ?",
                [
                    .integer(Timestamp.milliseconds(tick)), SQLValue(nextRun.map(Timestamp.milliseconds)),
                    .integer(Timestamp.now()), .text(id), .integer(Timestamp.milliseconds(tick)),
                ])
            return connection.changes == 1
        }
    }

    @discardableResult
    public func delete(_ id: String) throws(SQLiteError) -> Bool {
        try database.withConnection { (connection) throws(SQLiteError) in
            try connection.execute("DELETE FROM schedules WHERE id = ?", [.text(id)])
            return connection.changes > 0
        }
    }

    // MARK: Row mapping

    static let columns = [
        "id", "name", "library_id", "library_name", "schedule_type", "cron_expression", "interval_minutes", "enabled",
        "parameters", "next_run", "last_run", "created_at", "updated_at",
    ]

    static func values(_ r: ScheduleRecord) -> [SQLValue] {
        [
            .text(r.id), .text(r.name), SQLValue(r.libraryID), SQLValue(r.libraryName), .text(r.kind.rawValue),
            SQLValue(r.cronExpression), SQLValue(r.intervalMinutes), SQLValue(r.enabled),
            .text(String(decoding: r.parameters.encoded(), as: UTF8.self)),
            SQLValue(r.nextRun.map(Timestamp.milliseconds)), SQLValue(r.lastRun.map(Timestamp.milliseconds)),
            .integer(Timestamp.milliseconds(r.createdAt)), .integer(Timestamp.milliseconds(r.updatedAt)),
        ]
    }

    static func stamp(_ record: inout ScheduleRecord, id: String, at date: Date) {
        record.id = id
        record.updatedAt = date
    }

    static func record(_ row: Row) -> ScheduleRecord {
        var r = ScheduleRecord(
            id: row.string("id") ?? "", name: row.string("name") ?? "", libraryID: row.string("library_id"),
            libraryName: row.string("library_name"),
            kind: row.string("schedule_type").flatMap(ScheduleRecord.Kind.init(rawValue:)) ?? .interval,
            cronExpression: row.string("cron_expression"), intervalMinutes: row.int("interval_minutes"),
            enabled: row.bool("enabled") ?? false,
            parameters: row.string("parameters").flatMap { try? JSON.decode(Array($0.utf8)) } ?? [:],
            nextRun: row.int64("next_run").map(Timestamp.date), createdAt: Timestamp.date(row.int64("created_at") ?? 0))
        r.lastRun = row.int64("last_run").map(Timestamp.date)
        r.updatedAt = Timestamp.date(row.int64("updated_at") ?? 0)
        return r
    }
}
