internal import CSQLite

/// One open SQLite connection as handed to a `Database` access: prepare, execute, query, transactions.
/// Not thread-safe on its own; `Database` serialises every use of it.
public final class Connection {
    let handle: OpaquePointer
    /// Statements `execute`, `query` and `queryOne` prepared, by their SQL text, for the next call with
    /// the same text: compiling a statement costs tens of microseconds, and a search page runs the same
    /// few dozen statements each time. Each is reset as soon as its call ends, so none holds a read
    /// transaction open or keeps its bound values; past `cachedStatements` the cache starts again.
    private var statements: [String: Statement] = [:]
    static let cachedStatements = 128

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    /// A statement of the caller's own (not cached): it is finalized when the caller lets it go.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(db: handle, sql: sql)
    }

    /// The cached statement for `sql`, prepared now if there is none.
    private func cached(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = statements[sql] { return statement }
        let statement = try prepare(sql)
        if statements.count >= Self.cachedStatements { statements.removeAll(keepingCapacity: true) }
        statements[sql] = statement
        return statement
    }

    /// Runs `body` on the cached statement for `sql` with `values` bound, then resets it and clears
    /// its bindings (whatever `body` did).
    private func using<T>(_ sql: String, _ values: [SQLValue], _ body: (Statement) throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        let statement = try cached(sql)
        defer {
            statement.reset()
            statement.clearBindings()
        }
        try statement.bind(values)
        return try body(statement)
    }

    /// Runs one statement with `values` bound to its parameters, ignoring any rows.
    public func execute(_ sql: String, _ values: [SQLValue] = []) throws(SQLiteError) {
        try using(sql, values) { statement throws(SQLiteError) in
            while try statement.step() {}
        }
    }

    /// Runs a script of several `;`-separated statements without parameters (schema migrations).
    public func executeScript(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        guard rc == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(message)
            throw SQLiteError(code: rc & 0xff, extendedCode: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// Every row `sql` returns.
    public func query(_ sql: String, _ values: [SQLValue] = []) throws(SQLiteError) -> [Row] {
        try using(sql, values) { statement throws(SQLiteError) in
            var rows: [Row] = []
            guard try statement.step() else { return rows }
            let columns = statement.columnNames
            repeat { rows.append(statement.row(columns: columns)) } while try statement.step()
            return rows
        }
    }

    /// The first row `sql` returns, or nil.
    public func queryOne(_ sql: String, _ values: [SQLValue] = []) throws(SQLiteError) -> Row? {
        try using(sql, values) { statement throws(SQLiteError) in
            try statement.step() ? statement.row() : nil
        }
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// True while a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// `PRAGMA user_version`: the schema version migrations have reached.
    public func userVersion() throws(SQLiteError) -> Int {
        try queryOne("PRAGMA user_version")?[0].intValue ?? 0
    }

    func setUserVersion(_ version: Int) throws(SQLiteError) {
        try execute("PRAGMA user_version = \(version)")
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    /// The outermost level takes the write lock at once (`BEGIN IMMEDIATE`), so two writers never
    /// deadlock on a lock upgrade; a nested call becomes a savepoint.
    public func transaction<T>(_ body: (Connection) throws -> T) throws -> T {
        let nested = isInTransaction
        try execute(nested ? "SAVEPOINT nested" : "BEGIN IMMEDIATE")
        let result: T
        do {
            result = try body(self)
        } catch {
            if nested {
                try? execute("ROLLBACK TO nested")
                try? execute("RELEASE nested")
            } else {
                try? execute("ROLLBACK")
            }
            throw error
        }
        do {
            try execute(nested ? "RELEASE nested" : "COMMIT")
        } catch {
            if !nested { try? execute("ROLLBACK") }
            throw error
        }
        return result
    }
}
