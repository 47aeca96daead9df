import Core
import FoundationEssentials
import Store

/// One front-end error as stored: every text already cut to its limit (`ErrorReportInput`).
struct ErrorReport: Sendable, Equatable {
    var level: String
    var message: String
    var code: String?
    var statusCode: Int?
    var component: String?
    var url: String?
    var userAgent: String?
    var stack: String?

    /// What the report counts against the store's byte bound: the UTF-8 bytes of its texts.
    var bytes: Int {
        [level, message, code, component, url, userAgent, stack].reduce(0) { $0 + ($1?.utf8.count ?? 0) }
    }
}

/// The front end's error reports in `error_reports` (001), bounded: at most `maxReports` rows and
/// `maxBytes` of their texts in all, the oldest dropped first after every insert.
struct ErrorReportStore: Sendable {
    let database: Database
    let maxReports: Int
    let maxBytes: Int

    /// Stores `reports` from `userID` received at `now` (Unix milliseconds), then trims the table to its bounds.
    func add(_ reports: [ErrorReport], userID: String, now: Int64) async throws {
        let (maxReports, maxBytes) = (maxReports, maxBytes)
        try await database.perform { [database] in
            try database.transaction { connection in
                for report in reports {
                    try connection.execute(
                        """
                        INSERT INTO error_reports (id, received_at, user_id, level, message, code, status_code, component, url, user_agent, stack, bytes)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        [
                            .text(UUID().uuidString.lowercased()), .integer(now), .text(userID), .text(report.level), .text(report.message),
                            SQLValue(report.code), SQLValue(report.statusCode), SQLValue(report.component), SQLValue(report.url),
                            SQLValue(report.userAgent), SQLValue(report.stack), SQLValue(report.bytes),
                        ])
                }
                try connection.execute(
                    """
                    DELETE FROM error_reports WHERE rowid IN (
                        SELECT rowid FROM (
                            SELECT rowid,
                                ROW_NUMBER() OVER newest AS position,
                                SUM(bytes) OVER (newest ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
                            FROM error_reports
                            WINDOW newest AS (ORDER BY received_at DESC, rowid DESC)
                        ) WHERE position > ? OR running > ?)
                    """, [SQLValue(maxReports), SQLValue(maxBytes)])
            }
        }
    }

    /// The newest `limit` reports, of `userID` only when given.
    func recent(userID: String?, limit: Int) async throws -> [Row] {
        try await database.perform { [database] in
            let columns = "id, received_at, user_id, level, message, code, status_code, component, url, user_agent, stack"
            if let userID {
                return try database.query(
                    "SELECT \(columns) FROM error_reports WHERE user_id = ? ORDER BY received_at DESC, rowid DESC LIMIT ?",
                    [.text(userID), SQLValue(limit)])
            }
            return try database.query(
                "SELECT \(columns) FROM error_reports ORDER BY received_at DESC, rowid DESC LIMIT ?", [SQLValue(limit)])
        }
    }

    /// How many reports are stored and how many bytes they count.
    func usage() async throws -> (reports: Int, bytes: Int) {
        try await database.perform { [database] in
            let row = try database.queryOne("SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM error_reports")
            return (row?.int("n") ?? 0, row?.int("b") ?? 0)
        }
    }
}
