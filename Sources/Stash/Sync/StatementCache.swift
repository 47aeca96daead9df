import Store

/// The writer's statements for one transaction. The connection keeps its statements prepared by their
/// text (`Connection.execute`), so a page of scenes running the same dozen statements hundreds of times
/// compiles each once; this is the writer's narrow view of that connection.
final class StatementCache {
    let connection: Connection

    init(_ connection: Connection) {
        self.connection = connection
    }

    /// Runs `sql` with `values`, ignoring any rows.
    func execute(_ sql: String, _ values: [SQLValue] = []) throws(SQLiteError) {
        try connection.execute(sql, values)
    }

    /// Whether `sql` returns a row.
    func exists(_ sql: String, _ values: [SQLValue]) throws(SQLiteError) -> Bool {
        try connection.queryOne(sql, values) != nil
    }

    /// Rows changed by the last statement.
    var changes: Int { connection.changes }
}
