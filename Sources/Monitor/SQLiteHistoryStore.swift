public import Store

/// History in the state database's `metrics_minute` and `metrics_hour` tables (Store schema v2).
/// A database made before schema v2 had the memory total and disk free columns lacks them; they are added,
/// idempotently, when the store first opens it.
public final class SQLiteHistoryStore: HistoryStore {
    private let database: Database

    public init(database: Database) throws {
        self.database = database
        for table in ["metrics_minute", "metrics_hour"] {
            let columns = Set(try database.query("PRAGMA table_info(\(table))").compactMap { $0.string("name") })
            guard !columns.isEmpty else {
                throw SQLiteError(code: 1, extendedCode: 1, message: "no table \(table) (state schema too old)", sql: "")
            }
            for column in ["memory_total", "disk_free"] where !columns.contains(column) {
                try database.execute("ALTER TABLE \(table) ADD COLUMN \(column) INTEGER")
            }
        }
    }

    private static func table(_ resolution: HistoryResolution) -> String {
        resolution == .minute ? "metrics_minute" : "metrics_hour"
    }

    public func save(_ point: HistoryPoint, resolution: HistoryResolution) throws {
        var columns = [
            "ts", "cpu", "memory", "memory_used", "memory_total", "disk", "disk_free", "temperature",
            "load1", "net_rx", "net_tx", "disk_read", "disk_write",
        ]
        var values: [SQLValue] = [
            .integer(point.timestamp), .real(point.cpu), .real(point.memory), .integer(Int64(point.memoryUsedBytes)),
            .integer(Int64(point.memoryTotalBytes)), .real(point.disk), .integer(Int64(point.diskFreeBytes)),
            SQLValue(point.temperature), .real(point.load1), .integer(Int64(point.networkReceived.rounded())),
            .integer(Int64(point.networkTransmitted.rounded())), .integer(Int64(point.diskRead.rounded())),
            .integer(Int64(point.diskWritten.rounded())),
        ]
        if resolution == .hour {
            columns += ["cpu_max", "temperature_max"]
            values += [.real(point.cpuMax), SQLValue(point.temperatureMax)]
        }
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        try database.execute(
            "INSERT OR REPLACE INTO \(Self.table(resolution)) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))",
            values)
    }

    public func points(_ resolution: HistoryResolution, from: Int64, to: Int64) throws -> [HistoryPoint] {
        let rows = try database.query(
            "SELECT * FROM \(Self.table(resolution)) WHERE ts >= ? AND ts < ? ORDER BY ts", [.integer(from), .integer(to)])
        return rows.map { row in
            HistoryPoint(
                timestamp: row.int64("ts") ?? 0, cpu: row.double("cpu") ?? 0, cpuMax: row.double("cpu_max"),
                memory: row.double("memory") ?? 0, memoryUsedBytes: row.double("memory_used") ?? 0,
                memoryTotalBytes: row.double("memory_total") ?? 0, disk: row.double("disk") ?? 0,
                diskFreeBytes: row.double("disk_free") ?? 0, temperature: row.double("temperature"),
                temperatureMax: row.double("temperature_max"), load1: row.double("load1") ?? 0,
                networkReceived: row.double("net_rx") ?? 0, networkTransmitted: row.double("net_tx") ?? 0,
                diskRead: row.double("disk_read") ?? 0, diskWritten: row.double("disk_write") ?? 0)
        }
    }

    @discardableResult
    public func prune(_ resolution: HistoryResolution, before: Int64) throws -> Int {
        try database.withConnection { connection in
            try connection.execute("DELETE FROM \(Self.table(resolution)) WHERE ts < ?", [.integer(before)])
            return connection.changes
        }
    }
}
