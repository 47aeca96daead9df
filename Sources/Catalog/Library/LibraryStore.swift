import Core
import FoundationEssentials
public import Store

/// The `libraries`, `library_permissions` and `library_scans` tables, on a connection the caller holds.
public enum LibraryStore {
    /// Libraries in `scope`, by name.
    public static func list(_ connection: Connection, scope: LibraryScope) throws(SQLiteError) -> [Library] {
        let condition = scope.condition("id")
        return try connection.query("SELECT * FROM libraries WHERE \(condition.sql) ORDER BY name COLLATE NOCASE", condition.values)
            .map(Library.init(row:))
    }

    public static func get(_ connection: Connection, id: String) throws(SQLiteError) -> Library? {
        try connection.queryOne("SELECT * FROM libraries WHERE id = ?", [.text(id)]).map(Library.init(row:))
    }

    /// Adds `library`; a name in use (any case) is a conflict.
    public static func insert(_ connection: Connection, _ library: Library) throws -> Library {
        try checkName(connection, library.name, except: nil)
        try connection.execute(
            """
            INSERT INTO libraries (id, name, type, paths, enabled, scan_on_startup, realtime_monitoring, metadata_provider,
                preferred_language, scanner_config, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, values(library))
        return library
    }

    /// Stores every field of `library` but its id and creation time.
    public static func update(_ connection: Connection, _ library: Library) throws -> Library {
        try checkName(connection, library.name, except: library.id)
        let all = values(library)
        try connection.execute(
            """
            UPDATE libraries SET name = ?, type = ?, paths = ?, enabled = ?, scan_on_startup = ?, realtime_monitoring = ?,
                metadata_provider = ?, preferred_language = ?, scanner_config = ?, updated_at = ? WHERE id = ?
            """, Array(all[1...9]) + [all[11], all[0]])
        return library
    }

    /// Removes the library and, through the foreign keys, its items, files, scans and permissions;
    /// answers whether it existed. The search rows of its items go too.
    public static func delete(_ connection: Connection, id: String) throws(SQLiteError) -> Bool {
        try connection.execute(
            "DELETE FROM movie_search WHERE rowid IN (SELECT search_rowid FROM movies WHERE library_id = ? AND search_rowid IS NOT NULL)", [.text(id)])
        try connection.execute(
            "DELETE FROM series_search WHERE rowid IN (SELECT search_rowid FROM series WHERE library_id = ? AND search_rowid IS NOT NULL)", [.text(id)])
        try connection.execute("DELETE FROM libraries WHERE id = ?", [.text(id)])
        return connection.changes == 1
    }

    static func checkName(_ connection: Connection, _ name: String, except id: String?) throws {
        let row = try connection.queryOne("SELECT id FROM libraries WHERE name = ? COLLATE NOCASE", [.text(name)])
        if let existing = row?[0].stringValue, existing != id {
            throw CatalogError.conflict("A library named '\(name)' already exists")
        }
    }

    static func values(_ library: Library) -> [SQLValue] {
        let paths = String(decoding: JSON.array(library.paths.map(JSON.string)).encoded(), as: UTF8.self)
        return [
            .text(library.id), .text(library.name), .text(library.kind.rawValue), .text(paths), SQLValue(library.enabled),
            SQLValue(library.scanOnStartup), SQLValue(library.realtimeMonitoring), .text(library.metadataProvider),
            .text(library.preferredLanguage), .text(String(decoding: library.scannerConfig.encoded(), as: UTF8.self)),
            .integer(library.createdAt), .integer(library.updatedAt),
        ]
    }

    // MARK: Permissions

    /// The grants on a library, oldest first.
    public static func permissions(_ connection: Connection, libraryID: String) throws(SQLiteError) -> [Row] {
        try connection.query("SELECT * FROM library_permissions WHERE library_id = ? ORDER BY created_at, user_id", [.text(libraryID)])
    }

    /// Grants `permission` to `userID` (again: the existing grant); an unknown user is a 404.
    public static func grant(
        _ connection: Connection, libraryID: String, userID: String, permission: String, now: Int64
    ) throws -> (row: Row, created: Bool) {
        guard try connection.queryOne("SELECT 1 FROM users WHERE id = ?", [.text(userID)]) != nil else {
            throw CatalogError.notFound("No such user")
        }
        let key: [SQLValue] = [.text(libraryID), .text(userID), .text(permission)]
        let find = "SELECT * FROM library_permissions WHERE library_id = ? AND user_id = ? AND permission = ?"
        if let existing = try connection.queryOne(find, key) { return (existing, false) }
        try connection.execute(
            "INSERT INTO library_permissions (id, library_id, user_id, permission, created_at) VALUES (?, ?, ?, ?, ?)",
            [.text(UUID().uuidString.lowercased())] + key + [.integer(now)])
        guard let row = try connection.queryOne(find, key) else { throw CatalogError.notFound("No such permission") }
        return (row, true)
    }

    /// Revokes `userID`'s grants on the library (only `permission` when given); answers how many went.
    public static func revoke(_ connection: Connection, libraryID: String, userID: String, permission: String?) throws(SQLiteError) -> Int {
        if let permission {
            try connection.execute(
                "DELETE FROM library_permissions WHERE library_id = ? AND user_id = ? AND permission = ?",
                [.text(libraryID), .text(userID), .text(permission)])
        } else {
            try connection.execute("DELETE FROM library_permissions WHERE library_id = ? AND user_id = ?", [.text(libraryID), .text(userID)])
        }
        return connection.changes
    }

    // MARK: Scans

    /// A library's scans, newest first, with their total.
    public static func scans(_ connection: Connection, libraryID: String, limit: Int, offset: Int) throws(SQLiteError) -> (rows: [Row], total: Int) {
        let rows = try connection.query(
            "SELECT * FROM library_scans WHERE library_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
            [.text(libraryID), .integer(Int64(limit)), .integer(Int64(offset))])
        let total = try connection.queryOne("SELECT count(*) FROM library_scans WHERE library_id = ?", [.text(libraryID)])?[0].intValue ?? 0
        return (rows, total)
    }

    public static func scan(_ connection: Connection, id: String) throws(SQLiteError) -> Row? {
        try connection.queryOne("SELECT * FROM library_scans WHERE id = ?", [.text(id)])
    }

    /// The newest scan of a library.
    public static func latestScan(_ connection: Connection, libraryID: String) throws(SQLiteError) -> Row? {
        try connection.queryOne(
            "SELECT * FROM library_scans WHERE library_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1", [.text(libraryID)])
    }
}
