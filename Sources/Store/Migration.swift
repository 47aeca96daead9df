internal import CSQLite

/// One schema step: applied once, in its own transaction, when `PRAGMA user_version` is below `version`.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let apply: @Sendable (Connection) throws -> Void

    public init(version: Int, name: String, apply: @escaping @Sendable (Connection) throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }

    /// A migration that runs an SQL script.
    public init(version: Int, name: String, sql: String) {
        self.init(version: version, name: name) { connection in try connection.executeScript(sql) }
    }
}

/// Brings a connection's schema up to the newest migration, keyed on `PRAGMA user_version`.
enum Migrator {
    static func migrate(_ connection: Connection, to migrations: [Migration]) throws(SQLiteError) {
        var previous = 0
        for migration in migrations {
            // A programmer error: the list is code, not input.
            precondition(migration.version > previous, "migration versions must increase: \(migration.name)")
            previous = migration.version
        }
        let current = try connection.userVersion()
        if current > previous && !migrations.isEmpty {
            throw SQLiteError(
                code: SQLITE_ERROR, extendedCode: SQLITE_ERROR,
                message: "database schema version \(current) is newer than this daemon's \(previous)")
        }
        for migration in migrations where migration.version > current {
            do {
                try connection.transaction { connection in
                    try migration.apply(connection)
                    try connection.setUserVersion(migration.version)
                }
            } catch let error as SQLiteError {
                throw SQLiteError(
                    code: error.code, extendedCode: error.extendedCode,
                    message: "migration \(migration.version) '\(migration.name)': \(error.message)", sql: error.sql)
            } catch {
                throw SQLiteError(
                    code: SQLITE_ERROR, extendedCode: SQLITE_ERROR,
                    message: "migration \(migration.version) '\(migration.name)': \(error)")
            }
        }
    }
}
