internal import CSQLite
public import Core
public import FoundationEssentials

/// Small named values that are state, not settings: setup progress, the stable
/// `X-Plex-Client-Identifier`, one-off markers. Values are text; JSON helpers on top.
public struct KeyValueStore: StateTable {
    /// Longest key accepted; keys are code, values may come from requests.
    public static let maximumKeyLength = 200
    /// Largest value accepted (1 MiB).
    public static let maximumValueBytes = 1 << 20

    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func string(_ key: String) throws(SQLiteError) -> String? {
        try database.queryOne("SELECT value FROM kv WHERE key = ?", [.text(key)])?.string("value")
    }

    public func set(_ key: String, _ value: String) throws(SQLiteError) {
        precondition(!key.isEmpty && key.utf8.count <= Self.maximumKeyLength, "bad kv key '\(key)'")
        guard value.utf8.count <= Self.maximumValueBytes else {
            throw SQLiteError(
                code: SQLITE_TOOBIG, extendedCode: SQLITE_TOOBIG,
                message: "value for '\(key)' is \(value.utf8.count) bytes, at most \(Self.maximumValueBytes) allowed")
        }
        try database.execute(
            """
            INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """,
            [.text(key), .text(value), .integer(Timestamp.now())])
    }

    public func remove(_ key: String) throws(SQLiteError) {
        try database.execute("DELETE FROM kv WHERE key = ?", [.text(key)])
    }

    public func json(_ key: String) throws -> JSON? {
        guard let text = try string(key) else { return nil }
        return try JSON.decode(Array(text.utf8))
    }

    public func setJSON(_ key: String, _ value: JSON) throws(SQLiteError) {
        try set(key, String(decoding: value.encoded(), as: UTF8.self))
    }

    /// The value under `key`, or `make()`'s, stored first, when there is none. Atomic, so two
    /// threads asking at once get the same value (the Plex client identifier must never change).
    public func value(_ key: String, orInsert make: () throws -> String) throws -> String {
        try database.transaction { connection in
            if let existing = try connection.queryOne("SELECT value FROM kv WHERE key = ?", [.text(key)])?.string("value") {
                return existing
            }
            let value = try make()
            try connection.execute(
                "INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)",
                [.text(key), .text(value), .integer(Timestamp.now())])
            return value
        }
    }
}

/// Unix milliseconds, the unit of every timestamp column but the metrics tables'.
public enum Timestamp {
    public static func now() -> Int64 { milliseconds(Date()) }
    public static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    public static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}

/// The keys the daemon keeps in `kv`, named once so every module uses the same ones.
public enum StateKey {
    /// The install's stable `X-Plex-Client-Identifier` (create with `value(_:orInsert:)`).
    public static let plexClientIdentifier = "plex.client_identifier"
    /// The setup wizard's `{"step": N, "data": {…}}` (`/api/setup/state`).
    public static let setupState = "setup.state"
    /// "true" once `/api/setup/complete` has been called.
    public static let setupComplete = "setup.complete"
}
