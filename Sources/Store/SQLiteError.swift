internal import CSQLite

/// A failed SQLite call: the primary and extended result codes, SQLite's message and the SQL it ran.
public struct SQLiteError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Primary result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT`, …).
    public let code: Int32
    /// Extended result code (`SQLITE_CONSTRAINT_PRIMARYKEY`, …); equal to `code` when there is none.
    public let extendedCode: Int32
    public let message: String
    /// The statement that failed, or empty when the failure was not about a statement (open, close).
    public let sql: String

    public init(code: Int32, extendedCode: Int32, message: String, sql: String = "") {
        self.code = code
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// Another connection held the lock for longer than the busy timeout.
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
    /// The disk (or the database's size limit) has no room for the change, which was rolled back.
    public var isDiskFull: Bool { code == SQLITE_FULL }
    /// A UNIQUE, PRIMARY KEY, CHECK, NOT NULL or FOREIGN KEY constraint refused the change.
    public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }

    public var description: String {
        let name = String(cString: sqlite3_errstr(extendedCode))
        let base = "SQLite error \(extendedCode) (\(name)): \(message)"
        return sql.isEmpty ? base : "\(base) in '\(sql)'"
    }

    /// The error SQLite recorded on `db` for the call that returned `code`.
    static func last(_ db: OpaquePointer?, code: Int32, sql: String = "") -> SQLiteError {
        guard let db else {
            return SQLiteError(code: code & 0xff, extendedCode: code, message: String(cString: sqlite3_errstr(code)), sql: sql)
        }
        return SQLiteError(
            code: code & 0xff,
            extendedCode: sqlite3_extended_errcode(db),
            message: String(cString: sqlite3_errmsg(db)),
            sql: sql
        )
    }
}
