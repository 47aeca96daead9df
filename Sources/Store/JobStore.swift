public import Core
public import FoundationEssentials

/// The jobs table and its per-item results: create, list, read, update, delete, and counts by
/// status (for `/api/system/status`). Safe to use from any thread.
public struct JobStore: StateTable, RecordTable {
    static let table = "jobs"

    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// A new pending job with a fresh id (`job-<uuid>`), stored and returned. Its dates are whole
    /// milliseconds, as stored, so the returned record equals what `get` reads back.
    @discardableResult
    public func create(
        kind: JobKind, libraryID: String? = nil, libraryName: String? = nil, scheduleID: String? = nil,
        priority: Int = 2, parameters: JSON = [:]
    ) throws(SQLiteError) -> JobRecord {
        let record = JobRecord(
            id: "job-\(UUID().uuidString.lowercased())", kind: kind, libraryID: libraryID, libraryName: libraryName,
            scheduleID: scheduleID, priority: priority, parameters: parameters,
            createdAt: Timestamp.date(Timestamp.now()))
        try insert(record)
        return record
    }

    public func insert(_ record: JobRecord) throws(SQLiteError) {
        try database.execute(
            "INSERT INTO jobs (\(Self.columns.joined(separator: ", "))) VALUES (\(Self.placeholders))",
            Self.values(record))
    }

    public func get(_ id: String) throws(SQLiteError) -> JobRecord? {
        try database.queryOne("SELECT * FROM jobs WHERE id = ?", [.text(id)]).map(Self.record)
    }

    /// Jobs, newest first, optionally only those with one of `statuses` or of one `kind`.
    public func list(
        statuses: [JobStatus] = [], kind: JobKind? = nil, limit: Int = 500, offset: Int = 0
    ) throws(SQLiteError) -> [JobRecord] {
        var conditions: [String] = []
        var values: [SQLValue] = []
        if !statuses.isEmpty {
            conditions.append("status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))")
            values += statuses.map { .text($0.rawValue) }
        }
        if let kind {
            conditions.append("kind = ?")
            values.append(.text(kind.rawValue))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        values += [.integer(Int64(max(0, limit))), .integer(Int64(max(0, offset)))]
        return try database.query(
            "SELECT * FROM jobs \(filter) ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?", values
        ).map(Self.record)
    }

    /// Reads the job, lets `change` edit it, and writes it back in one transaction, stamping
    /// `updatedAt`. Returns the stored record, or nil when there is no such job.
    @discardableResult
    public func update(_ id: String, _ change: (inout JobRecord) throws -> Void) throws -> JobRecord? {
        try Self.update(id, in: database, change)
    }

    /// Deletes the job and its item results; false when there was no such job.
    @discardableResult
    public func delete(_ id: String) throws(SQLiteError) -> Bool {
        try database.withConnection { (connection) throws(SQLiteError) in
            try connection.execute("DELETE FROM jobs WHERE id = ?", [.text(id)])
            return connection.changes > 0
        }
    }

    /// Deletes finished jobs (completed, failed, cancelled) that finished before `finishedBefore`, and those
    /// past the newest `keepingNewest` finished ones, with their item results: at most `limit` jobs a call,
    /// so that one transaction stays short. Answers how many went. Pending and running jobs are never touched.
    @discardableResult
    public func pruneFinished(finishedBefore: Date, keepingNewest: Int, limit: Int = 500) throws(SQLiteError) -> Int {
        try database.withConnection { (connection) throws(SQLiteError) in
            try connection.execute(
                """
                DELETE FROM jobs WHERE id IN (
                    SELECT id FROM jobs WHERE status IN ('completed', 'failed', 'cancelled') AND (
                        COALESCE(completed_at, updated_at) < ?
                        OR id IN (
                            SELECT id FROM jobs WHERE status IN ('completed', 'failed', 'cancelled')
                            ORDER BY COALESCE(completed_at, updated_at) DESC, rowid DESC LIMIT -1 OFFSET ?))
                    LIMIT ?)
                """,
                [
                    .integer(Timestamp.milliseconds(finishedBefore)), .integer(Int64(max(0, keepingNewest))),
                    .integer(Int64(max(1, limit))),
                ])
            return connection.changes
        }
    }

    /// How many jobs have each status; every status is present, zero when there are none.
    public func countsByStatus() throws(SQLiteError) -> [JobStatus: Int] {
        var counts = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
        for row in try database.query("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status") {
            if let status = row.string("status").flatMap(JobStatus.init(rawValue:)) {
                counts[status] = row.int("n") ?? 0
            }
        }
        return counts
    }

    /// Stores (or replaces) one item's outcome.
    public func recordItem(_ item: JobItemRecord) throws(SQLiteError) {
        try database.execute(
            """
            INSERT OR REPLACE INTO job_items
                (job_id, item_key, title, file, status, reason, decode_path, frames, duration_ms, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(item.jobID), .text(item.key), SQLValue(item.title), SQLValue(item.file),
                .text(item.status.rawValue), SQLValue(item.reason), SQLValue(item.decodePath), SQLValue(item.frames),
                SQLValue(item.durationMilliseconds), .integer(Timestamp.milliseconds(item.updatedAt)),
            ])
    }

    /// A job's item results in the order they were first recorded, optionally of one status.
    public func items(
        of jobID: String, status: JobItemRecord.Status? = nil, limit: Int = 10_000
    ) throws(SQLiteError) -> [JobItemRecord] {
        let filter = status == nil ? "" : "AND status = ?"
        let values: [SQLValue] =
            [.text(jobID)] + (status.map { [.text($0.rawValue)] } ?? []) + [.integer(Int64(max(0, limit)))]
        return try database.query(
            "SELECT * FROM job_items WHERE job_id = ? \(filter) ORDER BY updated_at, item_key LIMIT ?", values
        ).compactMap { row in
            guard let key = row.string("item_key"),
                let status = row.string("status").flatMap(JobItemRecord.Status.init(rawValue:))
            else { return nil }
            return JobItemRecord(
                jobID: jobID, key: key, title: row.string("title"), file: row.string("file"), status: status,
                reason: row.string("reason"), decodePath: row.string("decode_path"), frames: row.int("frames"),
                durationMilliseconds: row.int("duration_ms"),
                updatedAt: Timestamp.date(row.int64("updated_at") ?? 0))
        }
    }

    // MARK: Row mapping

    static let columns = [
        "id", "kind", "status", "library_id", "library_name", "schedule_id", "priority", "progress", "total_items",
        "completed_items", "failed_items", "skipped_items", "parameters", "result", "error", "resume_state",
        "created_at", "started_at", "updated_at", "completed_at",
    ]
    static let placeholders = columns.map { _ in "?" }.joined(separator: ", ")

    static func values(_ r: JobRecord) -> [SQLValue] {
        [
            .text(r.id), .text(r.kind.rawValue), .text(r.status.rawValue), SQLValue(r.libraryID),
            SQLValue(r.libraryName), SQLValue(r.scheduleID), SQLValue(r.priority), .real(r.progress),
            SQLValue(r.totalItems), SQLValue(r.completedItems), SQLValue(r.failedItems), SQLValue(r.skippedItems),
            .text(text(r.parameters)), SQLValue(r.result.map(text)), SQLValue(r.error),
            SQLValue(r.resumeState.map(text)), .integer(Timestamp.milliseconds(r.createdAt)),
            SQLValue(r.startedAt.map(Timestamp.milliseconds)), .integer(Timestamp.milliseconds(r.updatedAt)),
            SQLValue(r.completedAt.map(Timestamp.milliseconds)),
        ]
    }

    static func stamp(_ record: inout JobRecord, id: String, at date: Date) {
        record.id = id
        record.updatedAt = date
    }

    static func record(_ row: Row) -> JobRecord {
        var r = JobRecord(
            id: row.string("id") ?? "", kind: row.string("kind").flatMap(JobKind.init(rawValue:)) ?? .thumbnail,
            status: row.string("status").flatMap(JobStatus.init(rawValue:)) ?? .failed,
            libraryID: row.string("library_id"), libraryName: row.string("library_name"),
            scheduleID: row.string("schedule_id"), priority: row.int("priority") ?? 2,
            parameters: json(row.string("parameters")) ?? [:],
            createdAt: Timestamp.date(row.int64("created_at") ?? 0))
        r.progress = row.double("progress") ?? 0
        r.totalItems = row.int("total_items") ?? 0
        r.completedItems = row.int("completed_items") ?? 0
        r.failedItems = row.int("failed_items") ?? 0
        r.skippedItems = row.int("skipped_items") ?? 0
        r.result = json(row.string("result"))
        r.error = row.string("error")
        r.resumeState = json(row.string("resume_state"))
        r.startedAt = row.int64("started_at").map(Timestamp.date)
        r.updatedAt = Timestamp.date(row.int64("updated_at") ?? 0)
        r.completedAt = row.int64("completed_at").map(Timestamp.date)
        return r
    }

    static func text(_ value: JSON) -> String { String(decoding: value.encoded(), as: UTF8.self) }

    static func json(_ text: String?) -> JSON? {
        guard let text else { return nil }
        return try? JSON.decode(Array(text.utf8))
    }
}
