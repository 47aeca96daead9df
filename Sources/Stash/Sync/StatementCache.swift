import Store

/// The writer's statements, each prepared once per transaction and reused for every item of a page
/// (a page of scenes runs the same dozen statements hundreds of times).
final class StatementCache {
    let connection: Connection
    private var statements: [String: Statement] = [:]

    init(_ connection: Connection) {
        self.connection = connection
    }

    /// Runs `sql` with `values`, ignoring any rows.
    func execute(_ sql: String, _ values: [SQLValue] = []) throws(SQLiteError) {
        let statement = try prepared(sql)
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() {}
    }

    /// Whether `sql` returns a row.
    func exists(_ sql: String, _ values: [SQLValue]) throws(SQLiteError) -> Bool {
        let statement = try prepared(sql)
        defer { statement.reset() }
        try statement.bind(values)
        return try statement.step()
    }

    /// Rows changed by the last statement.
    var changes: Int { connection.changes }

    private func prepared(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = statements[sql] {
            statement.clearBindings()
            return statement
        }
        let statement = try connection.prepare(sql)
        statements[sql] = statement
        return statement
    }
}
