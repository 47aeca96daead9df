public import Core
public import Store

#if canImport(Glibc)
    import Glibc
#endif

/// `DatabaseStatistics` of the state database, read with PRAGMAs and stat(2) on its files.
public final class SQLiteStatistics: DatabaseStatistics {
    private let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func statistics() throws -> [String: JSON] {
        let start = SystemReader.monotonicSeconds()
        let pageSize = try pragma("page_size")
        let pageCount = try pragma("page_count")
        let freelist = try pragma("freelist_count")
        let probeMilliseconds = (SystemReader.monotonicSeconds() - start) * 1000
        let mode = try database.queryOne("PRAGMA journal_mode")?[0].stringValue ?? "unknown"
        let version = try database.queryOne("SELECT sqlite_version()")?[0].stringValue ?? "unknown"
        let tables = try database.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        var rows: [String: JSON] = [:]
        for table in tables.compactMap({ $0[0].stringValue }) {
            let quoted = "\"" + table.replacing("\"", with: "\"\"") + "\""
            rows[table] = .int(try database.queryOne("SELECT count(*) FROM \(quoted)")?[0].int64Value ?? 0)
        }
        return [
            "path": .string(database.path),
            "sqliteVersion": .string(version),
            "journalMode": .string(mode),
            "pageSize": .int(pageSize),
            "pageCount": .int(pageCount),
            "freelistCount": .int(freelist),
            "sizeBytes": .int(Self.fileSize(database.path)),
            "walSizeBytes": .int(Self.fileSize(database.path + "-wal")),
            "fragmentation": .double(pageCount > 0 ? (Double(freelist) / Double(pageCount) * 1000).rounded() / 10 : 0),
            "tables": .object(rows),
            "probeMilliseconds": .double((probeMilliseconds * 1000).rounded() / 1000),
        ]
    }

    public func optimize(clearCache: Bool) throws -> [String: JSON] {
        let walBefore = Self.fileSize(database.path + "-wal")
        let start = SystemReader.monotonicSeconds()
        try database.execute("PRAGMA optimize")
        let checkpoint = try database.queryOne("PRAGMA wal_checkpoint(TRUNCATE)")
        var actions: [JSON] = ["PRAGMA optimize", "wal_checkpoint(TRUNCATE)"]
        if clearCache {
            try database.execute("PRAGMA shrink_memory")
            actions.append("shrink_memory")
        }
        return [
            "actions": .array(actions),
            "checkpointBusy": .bool((checkpoint?[0].int64Value ?? 0) != 0),
            "walSizeBytesBefore": .int(walBefore),
            "walSizeBytesAfter": .int(Self.fileSize(database.path + "-wal")),
            "durationMilliseconds": .double(((SystemReader.monotonicSeconds() - start) * 1_000_000).rounded() / 1000),
        ]
    }

    public func isReady() -> (ready: Bool, error: String?) {
        do {
            _ = try database.queryOne("SELECT 1")
            return (true, nil)
        } catch {
            return (false, "\(error)")
        }
    }

    public func perform<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await database.perform(body)
    }

    private func pragma(_ name: String) throws -> Int64 {
        try database.queryOne("PRAGMA \(name)")?[0].int64Value ?? 0
    }

    static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return path.withCString { stat($0, &info) } == 0 ? Int64(info.st_size) : 0
    }
}
